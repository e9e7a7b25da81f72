/**
 * The shipped model's familiarity check fits the app's loader: its layer exists with the centroids'
 * width, and a frame of uniform noise (which softmax alone calls "normal" at ~0.997) is flagged.
 * Skips while public/model has no check (a model exported before it).
 */
import * as tf from '@tensorflow/tfjs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeInferenceModel, makeInferenceModel, runBatch } from './inference-model.ts';
import { loadModelBundle } from './model-files.ts';

const dir = resolve(dirname(fileURLToPath(import.meta.url)), '../../public/model');
const metaPath = join(dir, 'metadata.json');
const hasCheck =
  existsSync(metaPath) && (JSON.parse(readFileSync(metaPath, 'utf8')) as { familiarity?: unknown }).familiarity !== undefined;

describe.skipIf(!hasCheck)('the embedded model with its familiarity check', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('loads, flags uniform noise, and leaves no tensor behind once unloaded', async () => {
    const files = await Promise.all((await readdir(dir)).map(async (n) => new File([await readFile(join(dir, n))], n)));
    const bundle = await loadModelBundle({ kind: 'files', files });
    const size = bundle.metadata.input.size;
    const before = tf.memory().numTensors;
    const m = makeInferenceModel(await tf.loadLayersModel(tf.io.fromMemory(bundle.artifacts)), size, bundle.metadata.familiarity);
    let seed = 7;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const [lo, hi] = bundle.metadata.input.range;
    const noise = Float32Array.from({ length: size * size * 3 }, () => lo + (hi - lo) * rand());
    const [scores] = await runBatch(m, [noise]);
    expect(scores.familiarity?.unfamiliar).toBe(true);
    expect(scores.familiarity!.familiarityDistance).toBeGreaterThan(bundle.metadata.familiarity!.threshold);
    disposeInferenceModel(m);
    expect(tf.memory().numTensors).toBe(before);
  }, 120_000);
});
