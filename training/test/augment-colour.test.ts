import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyColour, colourAugmentBatch, drawColourParams, COLOUR_JITTER_DEFAULTS } from '../src/augment/colour.ts';
import { mulberry32 } from '../../src/core/rng.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

/** The same jitter written out per pixel in plain numbers: the reference. */
function reference(img: number[][], p: number[]): number[][] {
  const x = img.map((px) => px.map((v, c) => ((v + 1) / 2) * p[c]));
  const mean = x.flat().reduce((a, b) => a + b, 0) / (x.length * 3);
  const y = x.map((px) => px.map((v) => (v - mean) * p[3] + mean));
  return y.map((px) => {
    const grey = 0.299 * px[0] + 0.587 * px[1] + 0.114 * px[2];
    return px.map((v) => Math.min(1, Math.max(0, (v - grey) * p[4] + grey + p[5])) * 2 - 1);
  });
}

describe('colour augmentation', () => {
  const img = [
    [-1, -1, -1],
    [0.8, -0.2, -0.5],
    [0.1, 0.4, 0.9],
    [1, 1, 1],
  ];
  const batch = () => tf.tensor4d(img.flat(), [1, 2, 2, 3]);

  it('leaves an image unchanged with neutral parameters', () => {
    const out = applyColour(batch(), [[1, 1, 1, 1, 1, 0]], [-1, 1]);
    expect(Array.from(out.dataSync())).toEqual(img.flat().map((v): unknown => expect.closeTo(v, 6)));
  });

  it('matches a per-pixel reference for gains, contrast, saturation and brightness, clipped to the range', () => {
    const p = [1.1, 0.95, 0.9, 1.2, 0.8, 0.05];
    const out = Array.from(applyColour(batch(), [p], [-1, 1]).dataSync());
    const ref = reference(img, p).flat();
    out.forEach((v, i) => expect(v).toBeCloseTo(ref[i], 5));
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
  });

  it('draws parameters inside the documented ranges, reproducibly from the seed, one set per image', () => {
    const a = drawColourParams(mulberry32(7));
    expect(drawColourParams(mulberry32(7))).toEqual(a);
    const j = COLOUR_JITTER_DEFAULTS;
    a.slice(0, 3).forEach((g) => expect(Math.abs(g - 1)).toBeLessThanOrEqual(j.channelGain));
    expect(Math.abs(a[3] - 1)).toBeLessThanOrEqual(j.contrast);
    expect(Math.abs(a[4] - 1)).toBeLessThanOrEqual(j.saturation);
    expect(Math.abs(a[5])).toBeLessThanOrEqual(j.brightness);
    const two = colourAugmentBatch(tf.concat([batch(), batch()]), mulberry32(3), [-1, 1]).arraySync();
    expect(two[0]).not.toEqual(two[1]);
  });
});
