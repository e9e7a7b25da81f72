import { describe, expect, it } from 'vitest';
import { resizeToRgb, scaleToRange, type PixelImage } from '../core/preprocess.ts';
import { fitWithin, MAX_DECODE_PIXELS } from './decode.ts';
import { prepareFrame } from './prepare.ts';

function rgbaImage(width: number, height: number, alpha: (x: number, y: number) => number): PixelImage {
  const data = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 4;
      data[i] = (x * 7 + y) % 256;
      data[i + 1] = (y * 5) % 256;
      data[i + 2] = (x * y) % 256;
      data[i + 3] = alpha(x, y);
    }
  return { data, width, height, channels: 4 };
}

describe('prepareFrame (the worker path)', () => {
  it('gives exactly the trainer computation: src/core resizeToRgb, then scaling to the metadata range', async () => {
    const pixels = rgbaImage(97, 61, () => 255);
    const out = await prepareFrame(new Blob(['x']), { inputSize: 24, range: [-1, 1] }, () =>
      Promise.resolve({ pixels, width: 97, height: 61, downscaled: false }),
    );
    const trainer = Array.from(resizeToRgb(pixels, 24), (v) => v / 127.5 - 1);
    expect(out.input).toHaveLength(24 * 24 * 3);
    out.input.forEach((v, i) => expect(v).toBeCloseTo(trainer[i], 6));
    expect(out).toMatchObject({ width: 97, height: 61, downscaled: false });
  });

  it('passes the thumbnail width to the one decode and hands its thumbnail on (no second decode for the card)', async () => {
    const pixels = rgbaImage(20, 10, () => 255);
    const thumb = new Blob(['jpeg'], { type: 'image/jpeg' });
    const widths: (number | undefined)[] = [];
    const decode = (_: Blob, w?: number) => {
      widths.push(w);
      return Promise.resolve({ pixels, width: 20, height: 10, downscaled: false, ...(w ? { thumbnail: thumb } : {}) });
    };
    const withThumb = await prepareFrame(new Blob(['x']), { inputSize: 8, range: [-1, 1] }, decode, 160);
    const without = await prepareFrame(new Blob(['x']), { inputSize: 8, range: [-1, 1] }, decode);
    expect(widths).toEqual([160, undefined]);
    expect(withThumb.thumbnail).toBe(thumb);
    expect(without.thumbnail).toBeUndefined();
    expect(Array.from(withThumb.input)).toEqual(Array.from(without.input));
  });

  it('follows the input range of the metadata ([0, 1] here)', async () => {
    const pixels = rgbaImage(10, 10, () => 255);
    const out = await prepareFrame(new Blob(['x']), { inputSize: 10, range: [0, 1] }, () =>
      Promise.resolve({ pixels, width: 10, height: 10, downscaled: false }),
    );
    expect(Array.from(out.input)).toEqual(Array.from(scaleToRange(resizeToRgb(pixels, 10), [0, 1])));
    expect(Math.min(...out.input)).toBeGreaterThanOrEqual(0);
  });

  it('composites transparent pixels onto black, as the trainer does', async () => {
    const pixels = rgbaImage(8, 8, (x) => (x < 4 ? 0 : 255));
    const out = await prepareFrame(new Blob(['x']), { inputSize: 8, range: [-1, 1] }, () =>
      Promise.resolve({ pixels, width: 8, height: 8, downscaled: false }),
    );
    // Fully transparent left half -> black -> -1 after scaling.
    for (let y = 0; y < 8; y++) for (let x = 0; x < 3; x++) for (let c = 0; c < 3; c++) expect(out.input[(y * 8 + x) * 3 + c]).toBe(-1);
  });

  it('passes decode failures through unchanged (the worker turns them into per-file messages)', async () => {
    await expect(prepareFrame(new Blob([]), { inputSize: 8, range: [-1, 1] }, () => Promise.reject(new Error('boom')))).rejects.toThrow(
      'boom',
    );
  });
});

describe('fitWithin', () => {
  it('leaves normal frames alone and shrinks a 10000x10000 image under the pixel limit, keeping its shape', () => {
    expect(fitWithin(1280, 1024, MAX_DECODE_PIXELS)).toEqual({ width: 1280, height: 1024 });
    const big = fitWithin(10000, 10000, MAX_DECODE_PIXELS);
    expect(big.width * big.height).toBeLessThanOrEqual(MAX_DECODE_PIXELS);
    expect(big.width).toBe(big.height);
    const wide = fitWithin(20000, 5000, MAX_DECODE_PIXELS);
    expect(wide.width / wide.height).toBeCloseTo(4, 2);
  });
});
