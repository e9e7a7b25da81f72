import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAMILIARITY_METHOD, FEATURE_LAYER, scoreFamiliarity, type FamiliarityCheck } from '../core/familiarity.ts';
import { classifyBatch } from './classify.ts';
import { buildFamiliarityModel } from './familiarity-model.ts';
import { disposeInferenceModel, makeInferenceModel, runBatch } from './inference-model.ts';
import { ModelLoadError } from './model-files.ts';

const SIZE = 8;

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/**
 * input -> "feature_map" (rank 4, identity) -> global_average_pooling2d (rank 2: the mean colour)
 * -> softmax: the pooled features of a flat frame are its colour, so distances are known.
 */
function tinyNet(): tf.LayersModel {
  const input = tf.input({ shape: [SIZE, SIZE, 3] });
  const map = tf.layers.activation({ activation: 'linear', name: 'feature_map' }).apply(input);
  const pooled = tf.layers.globalAveragePooling2d({ name: FEATURE_LAYER }).apply(map);
  const out = tf.layers
    .dense({
      units: 2,
      activation: 'softmax',
      name: 'predictions',
      kernelInitializer: tf.initializers.randomNormal({ stddev: 2, seed: 3 }),
    })
    .apply(pooled);
  return tf.model({ inputs: input, outputs: out as tf.SymbolicTensor });
}

const flat = (rgb: [number, number, number]) => Float32Array.from({ length: SIZE * SIZE * 3 }, (_, i) => rgb[i % 3]);

const check: FamiliarityCheck = {
  method: FAMILIARITY_METHOD,
  layer: FEATURE_LAYER,
  centroids: [
    [1, 0, 0],
    [0, 1, 0],
  ],
  threshold: 0.2,
  quantile: 0.99,
  centroidSplit: 'train',
  thresholdSplit: 'val',
  flaggedShare: { val: 0.01 },
};

function mismatch(fn: () => unknown): ModelLoadError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ModelLoadError);
    expect((e as ModelLoadError).kind).toBe('mismatch');
    return e as ModelLoadError;
  }
  throw new Error('expected a ModelLoadError');
}

describe('buildFamiliarityModel', () => {
  it('gives the pooled features and the same probabilities as the base model, in one pass', async () => {
    const model = tinyNet();
    const view = buildFamiliarityModel(model, check);
    expect(view.outputs.map((o) => o.shape)).toEqual([
      [null, 3],
      [null, 2],
    ]);
    const inputs = [flat([1, 0, 0]), flat([0.2, 0.5, 0.9])];
    const out = tf.tidy(() =>
      (view.predict(tf.tensor4d(Float32Array.from([...inputs[0], ...inputs[1]]), [2, SIZE, SIZE, 3])) as tf.Tensor[]).map((t) =>
        t.arraySync(),
      ),
    );
    expect((out[0] as number[][])[1].map((v) => +v.toFixed(5))).toEqual([0.2, 0.5, 0.9]);
    const base = await classifyBatch(model, inputs, SIZE);
    (out[1] as number[][]).forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(base[i][j], 6)));
    model.dispose();
  });

  it('refuses a layer that is missing, not a pooled vector, or of another width, naming layer and sizes', () => {
    const model = tinyNet();
    expect(mismatch(() => buildFamiliarityModel(model, { ...check, layer: 'global_average_pooling2d_9' })).message).toMatch(
      /layer "global_average_pooling2d_9".*no layer of that name/,
    );
    expect(mismatch(() => buildFamiliarityModel(model, { ...check, layer: 'feature_map' })).message).toMatch(
      /"feature_map".*\[batch, 8, 8, 3\].*\[batch, width\]/,
    );
    expect(
      mismatch(() =>
        buildFamiliarityModel(model, {
          ...check,
          centroids: [
            [1, 0, 0, 0],
            [0, 1, 0, 0],
          ],
        }),
      ).message,
    ).toMatch(/centroids have 4 values, but layer "global_average_pooling2d" of model.json outputs 3/);
    model.dispose();
  });
});

describe('mean-std pooling of a feature map', () => {
  /** Per channel, the spatial mean and population standard deviation, in plain loops: the reference. */
  function reference(pixels: Float32Array): number[] {
    const mean = [0, 0, 0];
    const sq = [0, 0, 0];
    const n = SIZE * SIZE;
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) mean[c] += pixels[p * 3 + c] / n;
    for (let p = 0; p < n; p++) for (let c = 0; c < 3; c++) sq[c] += (pixels[p * 3 + c] - mean[c]) ** 2 / n;
    return [...mean, ...sq.map(Math.sqrt)];
  }

  it('reads [means, standard deviations] of each channel from the map, as a loop over pixels computes them', () => {
    const model = tinyNet();
    const view = buildFamiliarityModel(model, {
      layer: 'feature_map',
      pooling: 'mean-std',
      centroids: [
        [1, 0, 0, 0, 0, 0],
        [0, 1, 0, 0, 0, 0],
      ],
    });
    expect(view.outputs[0].shape).toEqual([null, 6]);
    const rng = (i: number) => Math.sin(i * 12.9898) * 43758.5453 - Math.floor(Math.sin(i * 12.9898) * 43758.5453);
    const frames = [Float32Array.from({ length: SIZE * SIZE * 3 }, (_, i) => rng(i) * 2 - 1), flat([0.3, -0.2, 0.9])];
    const got = tf.tidy(
      () =>
        (
          view.predict(tf.tensor4d(Float32Array.from([...frames[0], ...frames[1]]), [2, SIZE, SIZE, 3])) as tf.Tensor[]
        )[0].arraySync() as number[][],
    );
    frames.forEach((f, i) => reference(f).forEach((v, j) => expect(got[i][j]).toBeCloseTo(v, 5)));
    expect(got[1].slice(3)).toEqual([0, 0, 0]); // a flat frame has no spread (and no NaN from rounding)
    const own = reference(frames[0]);
    const unit = own.map((v) => v / Math.hypot(...own)); // centroids are stored unit-length
    const score = scoreFamiliarity(got[0], { centroids: [unit, [0, 0, 0, 1, 0, 0]], threshold: 0.1 });
    expect(score.familiarityDistance).toBeCloseTo(0, 5);
    model.dispose();
  });

  it('refuses mean-std pooling of a layer that is already a vector, and a width that does not fit', () => {
    const model = tinyNet();
    expect(mismatch(() => buildFamiliarityModel(model, { ...check, pooling: 'mean-std' })).message).toMatch(
      /"global_average_pooling2d" must output a feature map \[batch, h, w, c\] for mean-std pooling/,
    );
    expect(
      mismatch(() => buildFamiliarityModel(model, { layer: 'feature_map', pooling: 'mean-std', centroids: [[1, 0, 0]] })).message,
    ).toMatch(/centroids have 3 values, but layer "feature_map" of model.json outputs 6 after mean-std pooling/);
    model.dispose();
  });
});

describe('scoreFamiliarity (what the worker adds to each outcome)', () => {
  it('is near 0 along a class centroid, 1 orthogonal to all, and flags above the threshold', () => {
    expect(scoreFamiliarity([2, 0, 0], check)).toEqual({ familiarityDistance: 0, unfamiliar: false });
    const between = scoreFamiliarity([1, 1, 0], check); // 45 degrees from both: 1 - cos 45
    expect(between.familiarityDistance).toBeCloseTo(1 - Math.SQRT1_2, 6);
    expect(between.unfamiliar).toBe(true);
    expect(scoreFamiliarity([0, 0, 1], check)).toEqual({ familiarityDistance: 1, unfamiliar: true });
    expect(scoreFamiliarity([0, 0, 0], check)).toEqual({ familiarityDistance: 1, unfamiliar: true });
    expect(scoreFamiliarity([Number.NaN, 0, 0], check).unfamiliar).toBe(true); // a broken score is never trusted
  });
});

describe('runBatch and disposal', () => {
  it('scores each frame of a batch when the model has a check, and only classifies when it has none', async () => {
    const model = tinyNet();
    const checked = makeInferenceModel(model, SIZE, check);
    const [red, blue] = await runBatch(checked, [flat([1, 0, 0]), flat([0, 0, 1])]);
    expect(red.familiarity?.unfamiliar).toBe(false);
    expect(red.familiarity?.familiarityDistance).toBeCloseTo(0, 6);
    expect(blue.familiarity?.unfamiliar).toBe(true);
    expect(blue.familiarity?.familiarityDistance).toBeCloseTo(1, 6);
    expect(blue.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    const plain = await runBatch(makeInferenceModel(model, SIZE, undefined), [flat([0, 0, 1])]);
    expect(plain[0]).toEqual({ probabilities: blue.probabilities });
    expect(plain[0]).not.toHaveProperty('familiarity');
    model.dispose();
  });

  it('returns tf.memory().numTensors to its baseline after batches, and to the pre-load baseline after unloading', async () => {
    const before = tf.memory().numTensors;
    const m = makeInferenceModel(tinyNet(), SIZE, check);
    await runBatch(m, [flat([0, 0, 0])]); // warm-up, as the worker does
    const loaded = tf.memory().numTensors;
    expect(loaded).toBeGreaterThan(before); // the weights
    for (let i = 0; i < 3; i++) await runBatch(m, [flat([i, 1, 0]), flat([0, i, 1])]);
    expect(tf.memory().numTensors).toBe(loaded);
    await expect(runBatch(m, [new Float32Array(5)])).rejects.toThrow(/expected 8x8x3/);
    expect(tf.memory().numTensors).toBe(loaded);
    disposeInferenceModel(m);
    expect(tf.memory().numTensors).toBe(before);
    // Exactly once: the view's own dispose would free the shared layers a second time.
    expect(() => m.familiarity!.view.dispose()).toThrow(/already disposed/);
  });

  it('frees the model refused for a mismatching check (the worker disposes it)', () => {
    const before = tf.memory().numTensors;
    const model = tinyNet();
    tf.tidy(() => void model.predict(tf.zeros([1, SIZE, SIZE, 3]))); // as loaded: the model has run
    mismatch(() => makeInferenceModel(model, SIZE, { ...check, layer: 'nope' }));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
