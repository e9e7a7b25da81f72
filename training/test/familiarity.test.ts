/**
 * The unfamiliar-frame check as the trainer fits it: centroids, quantile threshold, features from the
 * same forward pass as the probabilities, and the refit of an exported model's metadata.json.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centroidDistance, FAMILIARITY_QUANTILE, FEATURE_LAYER } from '../../src/core/familiarity.ts';
import { validateMetadata } from '../../src/core/metadata.ts';
import { classCentroids, fitFamiliarity, upperQuantile } from '../src/evaluate/familiarity.ts';
import { refitFamiliarity } from '../src/export/familiarity.ts';
import { fileSaveHandler } from '../src/export/io.ts';
import { buildMetadata } from '../src/export/metadata.ts';
import { predictSplit } from '../src/schedule/predict.ts';
import { mulberry32 } from '../../src/core/rng.ts';
import { colourSplit, tinyClassifier } from './schedule-fixtures.ts';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'endolens-familiarity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** n feature rows around `centre` (per-dimension jitter of +-spread). */
function cluster(centre: number[], n: number, spread: number, seed: number): number[][] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => centre.map((v) => v + (rng() - 0.5) * 2 * spread));
}
const rows = (list: number[][]) => ({ features: Float32Array.from(list.flat()), dim: list[0].length });

describe('classCentroids', () => {
  it('is the normalised mean feature of each class', () => {
    const c = classCentroids(
      rows([
        [2, 0],
        [4, 0],
        [0, 3],
        [0, 1],
      ]),
      [0, 0, 1, 1],
      2,
    );
    expect(c).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('refuses a class without images and features that are all zero', () => {
    expect(() =>
      classCentroids(
        rows([
          [1, 0],
          [2, 0],
        ]),
        [0, 0],
        2,
      ),
    ).toThrow(/class 1 has no training images/);
    expect(() =>
      classCentroids(
        rows([
          [0, 0],
          [1, 0],
        ]),
        [0, 1],
        2,
      ),
    ).toThrow(/class 0's training features are all zero/);
  });
});

describe('upperQuantile', () => {
  it('leaves at most 1 - q of the values above it', () => {
    const v = Array.from({ length: 200 }, (_, i) => 199 - i); // 0..199, unsorted
    expect(upperQuantile(v, 0.99)).toBe(197); // 198 and 199 above: 1 %
    expect(upperQuantile(v, 1)).toBe(199);
    expect(upperQuantile([5], 0.5)).toBe(5);
    expect(() => upperQuantile([], 0.9)).toThrow(/no values/);
  });
});

describe('fitFamiliarity', () => {
  it('passes ordinary validation frames and flags features pointing elsewhere', () => {
    const a = [5, 1, 0, 0];
    const b = [0, 1, 5, 0];
    const train = [...cluster(a, 50, 0.8, 1), ...cluster(b, 50, 0.8, 2)];
    const labels = [...new Array<number>(50).fill(0), ...new Array<number>(50).fill(1)];
    const val = [...cluster(a, 100, 0.8, 3), ...cluster(b, 100, 0.8, 4)];
    const outliers = [
      [0, 0, 0, 5],
      [1, 1, 1, 1],
      [0, 0, 0, 0],
      [-5, 0, 0, 0],
    ];
    const check = fitFamiliarity({
      train: { ...rows(train), labels },
      threshold: rows(val),
      report: { odd: rows(outliers) },
      numClasses: 2,
    });
    expect(check.layer).toBe(FEATURE_LAYER);
    expect(check.flaggedShare.val).toBeLessThanOrEqual(1 - FAMILIARITY_QUANTILE);
    expect(check.quantile).toBe(FAMILIARITY_QUANTILE);
    expect(check.flaggedShare.odd).toBe(1);
    // The stored (rounded) centroids and threshold give the same verdicts the app computes.
    const flaggedVal = val.filter((v) => centroidDistance(v, check.centroids) > check.threshold).length;
    expect(flaggedVal / val.length).toBe(check.flaggedShare.val);
    for (const o of outliers) expect(centroidDistance(o, check.centroids)).toBeGreaterThan(check.threshold);
  });
});

describe('predictSplit with features', () => {
  it('returns the pooled features of the same pass, equal to the layer evaluated on its own', () => {
    const size = 16;
    const { classifier } = tinyClassifier(size, 3, 5);
    const split = colourSplit(7, size, 3, 9);
    const plain = predictSplit(classifier, split, { inputSize: size, batchSize: 3 });
    const both = predictSplit(classifier, split, { inputSize: size, batchSize: 3, featureLayer: FEATURE_LAYER });
    expect(Array.from(both.probs)).toEqual(Array.from(plain.probs));
    const pooled = tf.model({ inputs: classifier.inputs, outputs: classifier.getLayer(FEATURE_LAYER).output });
    const x = tf.tensor4d(
      Float32Array.from(split.images, (v) => v / 127.5 - 1),
      [7, size, size, 3],
    );
    const expected = (pooled.predict(x) as tf.Tensor).dataSync();
    expect(both.featureDim).toBe(expected.length / 7);
    both.features?.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    expect(() => predictSplit(classifier, split, { inputSize: size, batchSize: 3, featureLayer: 'predictions_missing' })).toThrow();
    expect(() => predictSplit(classifier, split, { inputSize: size, batchSize: 3, featureLayer: classifier.layers[1].name })).toThrow(
      /must have one rank-2 output/,
    );
    x.dispose();
    classifier.dispose();
  });
});

describe('refitFamiliarity', () => {
  it("adds the check to an exported model's metadata.json and keeps everything else; refuses other classes", async () => {
    const size = 16;
    const names = ['0_a', '1_b', '2_c'];
    const { classifier } = tinyClassifier(size, 3, 6);
    const folder = join(dir, 'model');
    await classifier.save(fileSaveHandler(folder));
    const metadata = buildMetadata({
      name: 'tiny',
      version: '0.0.1',
      classNames: names,
      inputSize: size,
      backbone: { name: 'tiny', weights: 'none' },
      dataset: { name: 'colours', description: 'drawn by the test', counts: {} },
      metrics: {},
      curves: [],
      training: { seed: 6 },
    });
    await writeFile(join(folder, 'metadata.json'), JSON.stringify(metadata));
    const split = (seed: number) => ({ ...colourSplit(12, size, 3, seed), files: [], size });
    const data = { classNames: names, train: split(1), val: split(2), test: split(3) };

    const check = await refitFamiliarity(folder, data, { batchSize: 4 });
    const written = validateMetadata(JSON.parse(await readFile(join(folder, 'metadata.json'), 'utf8')));
    expect(written.familiarity).toEqual(check);
    expect(written.familiarity?.centroids).toHaveLength(3);
    expect({ ...written, familiarity: undefined }).toEqual({ ...validateMetadata(metadata), familiarity: undefined });

    await expect(refitFamiliarity(folder, { ...data, classNames: ['0_a', '1_b', '9_z'] }, { batchSize: 4 })).rejects.toThrow(
      /differ from the data's/,
    );
    classifier.dispose();
  });
});
