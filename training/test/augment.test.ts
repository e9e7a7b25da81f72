import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { augmentBatch, applyTransforms } from '../src/augment/augment.ts';
import {
  IDENTITY_PARAMS,
  KERAS_AUGMENT_DEFAULTS,
  randomTransformParams,
  transformMatrix,
  type TransformParams,
} from '../src/augment/keras-affine.ts';
import { epochRng, mulberry32 } from '../../src/core/rng.ts';

const S = 64;
const C = S / 2 - 0.5; // Keras's centre, (size - 1) / 2

beforeAll(async () => {
  await tf.setBackend('wasm');
});

/** A 1 x S x S x 1 image: a Gaussian spot (sigma 1.2) at (x, y), zero elsewhere. */
function spot(x: number, y: number): tf.Tensor4D {
  const v = new Float32Array(S * S);
  for (let r = 0; r < S; r++) for (let c = 0; c < S; c++) v[r * S + c] = Math.exp(-((c - x) ** 2 + (r - y) ** 2) / (2 * 1.2 ** 2));
  return tf.tensor4d(v, [1, S, S, 1]);
}

/** Intensity centroid (x, y) of image i of a batch. */
async function centroid(t: tf.Tensor4D, i = 0): Promise<[number, number]> {
  const v = (await t.slice([i, 0, 0, 0], [1, -1, -1, 1]).data()) as Float32Array;
  let sx = 0,
    sy = 0,
    s = 0;
  for (let r = 0; r < S; r++) {
    for (let c = 0; c < S; c++) {
      const w = v[r * S + c];
      sx += w * c;
      sy += w * r;
      s += w;
    }
  }
  return [sx / s, sy / s];
}

async function landing(p: Partial<TransformParams>, x: number, y: number): Promise<[number, number]> {
  const img = spot(x, y);
  const out = applyTransforms(img, [transformMatrix({ ...IDENTITY_PARAMS, ...p }, S, S)]);
  const at = await centroid(out);
  img.dispose();
  out.dispose();
  return at;
}

/**
 * Where Keras's transform sends input point (x, y), worked out step by step from its definition
 * (output -> input map C(out - c) + c with C = R T Sh Z, then a flip of the output columns):
 * undo each factor from the left, independently of transformMatrix's matrix products.
 */
function kerasForward(p: TransformParams, x: number, y: number): [number, number] {
  let u = x - C;
  let v = y - C;
  const t = (p.theta * Math.PI) / 180;
  [u, v] = [Math.cos(t) * u + Math.sin(t) * v, -Math.sin(t) * u + Math.cos(t) * v]; // R^-1
  u -= p.tx; // Keras's tx lands on the x axis after its axis swap
  v -= p.ty;
  const s = (p.shear * Math.PI) / 180;
  v /= Math.cos(s); // Sh = [[1, -sin s], [0, cos s]]
  u += Math.sin(s) * v;
  u /= p.zx;
  v /= p.zy;
  let ox = u + C;
  const oy = v + C;
  if (p.flipHorizontal) ox = S - 1 - ox;
  return [ox, oy];
}

async function expectLanding(p: Partial<TransformParams>, from: [number, number], to: [number, number], tol = 0.2): Promise<void> {
  const [x, y] = await landing(p, from[0], from[1]);
  expect(Math.abs(x - to[0]), `x: got ${x}, expected ${to[0]}`).toBeLessThan(tol);
  expect(Math.abs(y - to[1]), `y: got ${y}, expected ${to[1]}`).toBeLessThan(tol);
}

describe('Keras affine geometry on tf.image.transform (wasm)', () => {
  it('leaves the image unchanged for identity parameters', async () => {
    expect(transformMatrix(IDENTITY_PARAMS, S, S)).toEqual([1, 0, 0, 0, 1, 0, 0, 0]);
    await expectLanding({}, [20, 40], [20, 40], 1e-4);
  });

  it('rotates +90 degrees counter-clockwise on screen about the image centre', async () => {
    // A spot right of centre ends up above it (y grows downwards).
    await expectLanding({ theta: 90 }, [C + 10, C], [C, C - 10]);
    await expectLanding({ theta: -90 }, [C + 10, C], [C, C + 10]);
  });

  it('shifts: Keras tx moves along x, ty along y, opposite to their sign', async () => {
    await expectLanding({ tx: 6 }, [30, 30], [24, 30]);
    await expectLanding({ ty: -5 }, [30, 30], [30, 35]);
  });

  it('shears by an angle in degrees', async () => {
    const s = (20 * Math.PI) / 180;
    await expectLanding({ shear: 20 }, [C, C + 10], [C + 10 * Math.tan(s), C + 10 / Math.cos(s)]);
  });

  it('zooms: factor 2 halves distances from the centre, 0.8 stretches them', async () => {
    await expectLanding({ zx: 2 }, [C + 16, C], [C + 8, C]);
    await expectLanding({ zy: 0.8 }, [C, C - 12], [C, C - 15]);
  });

  it('flips horizontally: column x goes to w - 1 - x', async () => {
    await expectLanding({ flipHorizontal: true }, [10, 20], [S - 1 - 10, 20], 1e-4);
  });

  it('composes rotation, shift, shear, zoom and flip as Keras does', async () => {
    const p: TransformParams = { theta: 8, tx: -4.5, ty: 3.2, shear: 11, zx: 1.15, zy: 0.85, flipHorizontal: true };
    for (const from of [
      [24, 30],
      [38, 25],
      [31, 40],
    ] as [number, number][]) {
      await expectLanding(p, from, kerasForward(p, from[0], from[1]), 0.3);
    }
    const q: TransformParams = { ...p, flipHorizontal: false, theta: -9 };
    await expectLanding(q, [26, 36], kerasForward(q, 26, 36), 0.3);
  });

  it('fills points from outside the image with fillValue', async () => {
    const img = tf.fill<tf.Rank.R4>([1, S, S, 1], 0.5);
    const out = applyTransforms(img, [transformMatrix({ ...IDENTITY_PARAMS, tx: 20 }, S, S)], -0.25);
    const v = await out.data();
    expect(v[S - 1]).toBeCloseTo(-0.25); // the right edge now reads beyond the input
    expect(v[0]).toBeCloseTo(0.5);
    tf.dispose([img, out]);
  });
});

describe('random parameters', () => {
  it('draw within the Keras ranges, with both flips and all signs seen', () => {
    const rng = mulberry32(1);
    const ps = Array.from({ length: 2000 }, () => randomTransformParams(rng, KERAS_AUGMENT_DEFAULTS, 224, 224));
    const range = (k: keyof TransformParams) => [Math.min(...ps.map((p) => Number(p[k]))), Math.max(...ps.map((p) => Number(p[k])))];
    const [tMin, tMax] = range('theta');
    expect(tMin).toBeGreaterThanOrEqual(-10);
    expect(tMax).toBeLessThanOrEqual(10);
    expect(tMin).toBeLessThan(-9.5);
    expect(tMax).toBeGreaterThan(9.5);
    for (const k of ['tx', 'ty'] as const) {
      const [lo, hi] = range(k);
      expect(lo).toBeGreaterThanOrEqual(-0.2 * 224);
      expect(hi).toBeLessThanOrEqual(0.2 * 224);
      expect(hi - lo).toBeGreaterThan(0.38 * 224);
    }
    const [sMin, sMax] = range('shear');
    expect(sMin).toBeGreaterThanOrEqual(-0.2);
    expect(sMax).toBeLessThanOrEqual(0.2);
    for (const k of ['zx', 'zy'] as const) {
      const [lo, hi] = range(k);
      expect(lo).toBeGreaterThanOrEqual(0.8);
      expect(hi).toBeLessThanOrEqual(1.2);
    }
    expect(ps.some((p) => p.zx !== p.zy)).toBe(true);
    const flips = ps.filter((p) => p.flipHorizontal).length;
    expect(flips).toBeGreaterThan(900);
    expect(flips).toBeLessThan(1100);
  });

  it('repeat for the same (seed, epoch) and differ between epochs', () => {
    const a = randomTransformParams(epochRng(42, 3), KERAS_AUGMENT_DEFAULTS, 224, 224);
    const b = randomTransformParams(epochRng(42, 3), KERAS_AUGMENT_DEFAULTS, 224, 224);
    const c = randomTransformParams(epochRng(42, 4), KERAS_AUGMENT_DEFAULTS, 224, 224);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });
});

describe('augmentBatch', () => {
  async function differentPerImage(): Promise<void> {
    // Four copies of the same image: each must come back with its own transform.
    const one = spot(28, 34);
    const batch = tf.concat<tf.Tensor4D>([one, one, one, one]);
    const out = augmentBatch(batch, mulberry32(7));
    const spots = await Promise.all([0, 1, 2, 3].map((i) => centroid(out, i)));
    const keys = new Set(spots.map(([x, y]) => `${x.toFixed(1)},${y.toFixed(1)}`));
    expect(keys.size).toBe(4);
    // ...and each is the transform the same stream dictates for that image.
    const rng = mulberry32(7);
    for (let i = 0; i < 4; i++) {
      const p = randomTransformParams(rng, KERAS_AUGMENT_DEFAULTS, S, S);
      const [ex, ey] = kerasForward(p, 28, 34);
      expect(Math.abs(spots[i][0] - ex)).toBeLessThan(0.35);
      expect(Math.abs(spots[i][1] - ey)).toBeLessThan(0.35);
    }
    expect(out.shape).toEqual(batch.shape);
    tf.dispose([one, batch, out]);
  }

  it('gives each image of a batch its own transform on wasm', async () => {
    expect(tf.getBackend()).toBe('wasm');
    await differentPerImage();
  });

  it('does the same on the cpu backend, whose batched kernel only handles image 0', async () => {
    await tf.setBackend('cpu');
    try {
      await differentPerImage();
    } finally {
      await tf.setBackend('wasm');
    }
  });

  it('repeats exactly with the same seed and leaks no tensors', async () => {
    const batch = tf.randomUniform<tf.Rank.R4>([3, S, S, 3], -1, 1, 'float32', 5);
    const before = tf.memory().numTensors;
    const a = augmentBatch(batch, epochRng(9, 1));
    const b = augmentBatch(batch, epochRng(9, 1));
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(Array.from(await a.data())).toEqual(Array.from(await b.data()));
    tf.dispose([batch, a, b]);
  });

  it('rejects invalid options with the offending value', () => {
    const batch = tf.zeros<tf.Rank.R4>([1, 8, 8, 3]);
    expect(() => augmentBatch(batch, Math.random, { ...KERAS_AUGMENT_DEFAULTS, zoom: 1.5 })).toThrow(/zoom must be < 1.*1\.5/);
    expect(() => augmentBatch(batch, Math.random, { ...KERAS_AUGMENT_DEFAULTS, rotation: -3 })).toThrow(/rotation.*-3/);
    batch.dispose();
  });
});
