/**
 * The unfamiliar-frame check as the trainer fits it: features from the same forward pass as the
 * probabilities, and the refit of an exported model's metadata.json (the fitting itself:
 * src/core/familiarity-fit.test.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURE_LAYER } from '../../src/core/familiarity.ts';
import { validateMetadata } from '../../src/core/metadata.ts';
import { refitFamiliarity } from '../src/export/familiarity.ts';
import { fileSaveHandler } from '../src/export/io.ts';
import { buildMetadata } from '../src/export/metadata.ts';
import { predictSplit } from '../src/schedule/predict.ts';
import { colourSplit, tinyClassifier } from './schedule-fixtures.ts';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'endolens-familiarity-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('predictSplit with features', () => {
  it('returns the pooled features of the same pass, equal to the layer evaluated on its own', async () => {
    const size = 16;
    const { classifier } = tinyClassifier(size, 3, 5);
    const split = colourSplit(7, size, 3, 9);
    const plain = await predictSplit(classifier, split, { inputSize: size, batchSize: 3 });
    const both = await predictSplit(classifier, split, { inputSize: size, batchSize: 3, featureLayer: FEATURE_LAYER });
    expect(Array.from(both.probs)).toEqual(Array.from(plain.probs));
    const pooled = tf.model({ inputs: classifier.inputs, outputs: classifier.getLayer(FEATURE_LAYER).output });
    const x = tf.tensor4d(
      Float32Array.from(split.images, (v) => v / 127.5 - 1),
      [7, size, size, 3],
    );
    const expected = (pooled.predict(x) as tf.Tensor).dataSync();
    expect(both.featureDim).toBe(expected.length / 7);
    both.features?.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    await expect(predictSplit(classifier, split, { inputSize: size, batchSize: 3, featureLayer: 'predictions_missing' })).rejects.toThrow();
    await expect(
      predictSplit(classifier, split, { inputSize: size, batchSize: 3, featureLayer: classifier.layers[1].name }),
    ).rejects.toThrow(/must have one rank-2 output/);
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
