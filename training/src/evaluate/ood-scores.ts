/**
 * Established out-of-distribution scores on pooled features, for comparing against the shipped
 * check (cosine distance to class centroids, src/core/familiarity.ts). Higher = less familiar.
 * - Mahalanobis distance to the nearest class mean under one shared covariance (Lee et al. 2018),
 *   shrunk toward its average variance so the inverse exists with fewer images than features.
 * - k-th nearest-neighbour distance of the unit-normalised feature to the training bank (Sun et al. 2022).
 * - Energy, -logsumexp(logits) (Liu et al. 2020).
 * Used by training/scripts/compare-familiarity.ts; only the cosine check ships.
 */
import * as tf from '@tensorflow/tfjs';
import { centroidDistance } from '../../../src/core/familiarity.ts';
import { classCentroids, type FeatureRows } from '../../../src/core/familiarity-fit.ts';

/** Scores read back with `await data()`: the trainer's WebGPU backend in Node has no synchronous read-back. */
export type Scorer = (rows: FeatureRows) => Promise<Float64Array>;

function rowsOf(rows: FeatureRows): Float32Array[] {
  const n = rows.features.length / rows.dim;
  return Array.from({ length: n }, (_, i) => rows.features.subarray(i * rows.dim, (i + 1) * rows.dim));
}

export function cosineScorer(train: FeatureRows, labels: ArrayLike<number>, numClasses: number): Scorer {
  const centroids = classCentroids(train, labels, numClasses);
  return (rows) => Promise.resolve(Float64Array.from(rowsOf(rows), (f) => centroidDistance(f, centroids)));
}

/**
 * In-place Cholesky factor (lower triangle) of a symmetric positive definite d x d row-major matrix.
 * Plain loops on a Float64Array: ml-matrix's element accessors made this ~10x slower at d = 2560.
 */
export function cholesky(a: Float64Array, d: number): Float64Array {
  for (let j = 0; j < d; j++) {
    let s = a[j * d + j];
    for (let k = 0; k < j; k++) s -= a[j * d + k] * a[j * d + k];
    if (!(s > 0)) throw new Error(`matrix is not positive definite (pivot ${j} = ${s})`);
    const ljj = Math.sqrt(s);
    a[j * d + j] = ljj;
    for (let i = j + 1; i < d; i++) {
      let t = a[i * d + j];
      const ri = i * d;
      const rj = j * d;
      for (let k = 0; k < j; k++) t -= a[ri + k] * a[rj + k];
      a[ri + j] = t / ljj;
    }
  }
  for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) a[i * d + j] = 0;
  return a;
}

/** Inverse of a lower-triangular d x d row-major matrix (forward substitution per column). */
export function invertLower(l: Float64Array, d: number): Float64Array {
  const inv = new Float64Array(d * d);
  for (let c = 0; c < d; c++) {
    inv[c * d + c] = 1 / l[c * d + c];
    for (let i = c + 1; i < d; i++) {
      let s = 0;
      for (let k = c; k < i; k++) s += l[i * d + k] * inv[k * d + c];
      inv[i * d + c] = -s / l[i * d + i];
    }
  }
  return inv;
}

/**
 * Squared Mahalanobis distance to the nearest class mean under the shared covariance
 * (1 - shrink) S + shrink * mean(diag S) * I: ||L^-1 (f - m)||^2 with S = L L^T.
 */
export async function mahalanobisScorer(train: FeatureRows, labels: ArrayLike<number>, numClasses: number, shrink = 0.1): Promise<Scorer> {
  const d = train.dim;
  const n = train.features.length / d;
  const lab = Int32Array.from(labels);
  const { means, cov } = tf.tidy(() => {
    const x = tf.tensor2d(train.features, [n, d]);
    const oneHot = tf.oneHot(tf.tensor1d(lab, 'int32'), numClasses).toFloat();
    const m = tf.div(tf.matMul(oneHot, x, true, false), tf.reshape(tf.sum(oneHot, 0), [numClasses, 1]));
    const xc = tf.sub(x, tf.matMul(oneHot, m));
    return { means: m, cov: tf.div(tf.matMul(xc, xc, true, false), n) };
  });
  let s: Float64Array;
  let meanRows: number[][];
  try {
    s = Float64Array.from(await cov.data());
    meanRows = (await means.array()) as number[][];
  } finally {
    tf.dispose([means, cov]);
  }
  let trace = 0;
  for (let i = 0; i < d; i++) trace += s[i * d + i];
  for (let i = 0; i < s.length; i++) s[i] *= 1 - shrink;
  for (let i = 0; i < d; i++) s[i * d + i] += (shrink * trace) / d;
  const whiten = tf.tensor2d(Float32Array.from(invertLower(cholesky(s, d), d)), [d, d]);
  return async (rows) => {
    const q = tf.tidy(() => {
      const f = tf.tensor2d(rows.features, [rows.features.length / d, d]);
      const per = meanRows.map((m) => tf.sum(tf.square(tf.matMul(tf.sub(f, tf.tensor2d([m])), whiten, false, true)), 1));
      return tf.min(tf.stack(per, 1), 1);
    });
    try {
      return Float64Array.from(await q.data());
    } finally {
      q.dispose();
    }
  };
}

/** 1 - cosine similarity to the k-th most similar training feature. */
export function knnScorer(train: FeatureRows, k: number): Scorer {
  const n = train.features.length / train.dim;
  if (k < 1 || k > n) throw new RangeError(`k must be in 1..${n}, got ${k}`);
  const bank = tf.tidy(() => {
    const x = tf.tensor2d(train.features, [n, train.dim]);
    return tf.div(x, tf.maximum(tf.norm(x, 2, 1, true), 1e-12));
  });
  return async (rows) => {
    const kth = tf.tidy(() => {
      const f = tf.tensor2d(rows.features, [rows.features.length / rows.dim, rows.dim]);
      const sims = tf.matMul(tf.div(f, tf.maximum(tf.norm(f, 2, 1, true), 1e-12)), bank, false, true);
      const { values } = tf.topk(sims, k);
      return tf.sub(1, tf.slice(values, [0, k - 1], [-1, 1]).reshape([-1]));
    });
    try {
      return Float64Array.from(await kth.data());
    } finally {
      kth.dispose();
    }
  };
}

/** -logsumexp of each row of logits (N x classes). */
export function energyScores(logits: FeatureRows): Float64Array {
  return Float64Array.from(rowsOf(logits), (z) => {
    const m = Math.max(...z);
    return -(m + Math.log(z.reduce((s, v) => s + Math.exp(v - m), 0)));
  });
}

/** Area under the ROC curve for telling `outliers` (positives) from `inliers` by score (ties count half). */
export function auroc(inliers: ArrayLike<number>, outliers: ArrayLike<number>): number {
  let wins = 0;
  for (let i = 0; i < outliers.length; i++)
    for (let j = 0; j < inliers.length; j++) wins += outliers[i] > inliers[j] ? 1 : outliers[i] === inliers[j] ? 0.5 : 0;
  return wins / (outliers.length * inliers.length);
}
