import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/rng.ts';
import { headProbabilities, HeadTrainingCancelled, HeadTrainingError, trainHead, type FeatureSet } from './head-trainer.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** `perClass` feature vectors around each of `k` random class centres: separable, with noise. */
export function separableFeatures(k: number, dim: number, perClass: number, seed: number, noise = 0.6): FeatureSet {
  const rng = mulberry32(seed);
  const centres = Array.from({ length: k }, () => Float32Array.from({ length: dim }, () => rng() * 2));
  const features = new Float32Array(k * perClass * dim);
  const labels = new Int32Array(k * perClass);
  for (let i = 0; i < k * perClass; i++) {
    const c = i % k;
    labels[i] = c;
    for (let j = 0; j < dim; j++) features[i * dim + j] = Math.max(0, centres[c][j] + (rng() - 0.5) * 2 * noise);
  }
  return { features, labels };
}

const DIM = 48;
const train = separableFeatures(3, DIM, 60, 1);
const heldOut = separableFeatures(3, DIM, 15, 1); // same centres (same seed), other draws below
heldOut.features = separableFeatures(3, DIM, 30, 1).features.slice(DIM * 45);
heldOut.labels = separableFeatures(3, DIM, 30, 1).labels.slice(45);

describe('trainHead (cpu backend, synthetic separable features)', () => {
  it('learns separable classes: high held-out accuracy, best epoch kept, progress every epoch', async () => {
    const progress: number[] = [];
    const before = tf.memory().numTensors;
    const r = await trainHead(train, heldOut, {
      inputDim: DIM,
      numClasses: 3,
      seed: 42,
      maxEpochs: 30,
      onEpoch: (p) => progress.push(p.epoch),
    });
    expect(tf.memory().numTensors).toBe(before);
    const probs = r.heldOutProbs;
    let correct = 0;
    heldOut.labels.forEach((y, i) => {
      const row = Array.from(probs.subarray(i * 3, i * 3 + 3));
      if (row.indexOf(Math.max(...row)) === y) correct++;
    });
    expect(correct / heldOut.labels.length).toBeGreaterThanOrEqual(0.95);
    expect(progress).toEqual(r.history.map((h) => h.epoch));
    const best = r.history[r.bestEpoch - 1];
    expect(Math.min(...r.history.map((h) => h.heldOutLoss))).toBe(best.heldOutLoss);
    expect(r.history[0].loss).toBeGreaterThan(r.history[r.history.length - 1].loss);
    expect(Array.from(headProbabilities(r.weights, heldOut.features))).toEqual(Array.from(probs));
  });

  it('is deterministic per seed, and another seed gives another head', async () => {
    const opts = { inputDim: DIM, numClasses: 3, maxEpochs: 4 };
    const a = await trainHead(train, heldOut, { ...opts, seed: 5 });
    const b = await trainHead(train, heldOut, { ...opts, seed: 5 });
    const c = await trainHead(train, heldOut, { ...opts, seed: 6 });
    expect(b.history).toEqual(a.history);
    expect(Array.from(b.weights.denseKernel)).toEqual(Array.from(a.weights.denseKernel));
    expect(Array.from(b.weights.outputBias)).toEqual(Array.from(a.weights.outputBias));
    expect(Array.from(c.weights.denseKernel)).not.toEqual(Array.from(a.weights.denseKernel));
  });

  it('stops early when held-out loss stops improving, with an ETA that counts down', async () => {
    const etas: number[] = [];
    const r = await trainHead(train, heldOut, {
      inputDim: DIM,
      numClasses: 3,
      seed: 1,
      maxEpochs: 400,
      patience: 2,
      onEpoch: (p) => etas.push(p.etaMaxMs),
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.history.length).toBe(r.bestEpoch + 2);
    expect(etas[etas.length - 1]).toBeLessThan(etas[0] * 2);
    expect(etas.every((e) => e >= 0)).toBe(true);
  });

  it('cancels between epochs and frees every tensor', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    const seen: number[] = [];
    const run = trainHead(train, heldOut, {
      inputDim: DIM,
      numClasses: 3,
      seed: 1,
      maxEpochs: 50,
      signal: controller.signal,
      onEpoch: (p) => {
        seen.push(p.epoch);
        if (p.epoch === 2) controller.abort();
      },
    });
    await expect(run).rejects.toBeInstanceOf(HeadTrainingCancelled);
    expect(seen).toEqual([1, 2]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('trains a fixed number of epochs when nothing is held out (k-fold final model), and checks its input', async () => {
    const r = await trainHead(train, undefined, { inputDim: DIM, numClasses: 3, seed: 1, maxEpochs: 3 });
    expect(r.history).toHaveLength(3);
    expect(r.bestEpoch).toBe(3);
    expect(Number.isNaN(r.history[0].heldOutLoss)).toBe(true);
    await expect(trainHead(train, undefined, { inputDim: DIM + 1, numClasses: 3, seed: 1 })).rejects.toBeInstanceOf(HeadTrainingError);
    await expect(trainHead(train, undefined, { inputDim: DIM, numClasses: 2, seed: 1 })).rejects.toThrow(/label 2 outside/);
  });
});
