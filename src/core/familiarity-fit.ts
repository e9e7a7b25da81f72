/**
 * Fits the "unlike the training images" check (./familiarity.ts): one centroid per class from the
 * training split's pooled features, and a distance threshold from the validation split, so that
 * FAMILIARITY_QUANTILE of ordinary validation frames pass. Pure, so both the trainer and the app
 * (refitting the check for a version taught in the browser) fit it the same way.
 */
import {
  centroidDistance,
  isUnfamiliar,
  FAMILIARITY_METHOD,
  FAMILIARITY_QUANTILE,
  FEATURE_LAYER,
  type FamiliarityCheck,
} from './familiarity.ts';
import type { FeaturePooling } from './feature-output.ts';
import { MetricsError } from './metrics.ts';

export interface FeatureRows {
  /** Row-major N x dim. */
  features: Float32Array;
  dim: number;
}

/** Significant digits kept in metadata.json: enough that distances move by < 1e-5, small enough to ship. */
const CENTROID_DIGITS = 6;

/** Unit-length mean feature of each class (rounded as they will be stored). */
export function classCentroids(rows: FeatureRows, labels: ArrayLike<number>, numClasses: number): number[][] {
  const { features, dim } = rows;
  if (!(dim > 0) || features.length !== labels.length * dim)
    throw new MetricsError(`${features.length} feature values for ${labels.length} images of ${dim} features`);
  const sums = Array.from({ length: numClasses }, () => new Float64Array(dim));
  const counts = new Int32Array(numClasses);
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!(c >= 0 && c < numClasses)) throw new MetricsError(`label ${c} of image ${i} is outside 0..${numClasses - 1}`);
    counts[c]++;
    const s = sums[c];
    for (let j = 0; j < dim; j++) s[j] += features[i * dim + j];
  }
  return sums.map((s, c) => {
    if (counts[c] === 0) throw new MetricsError(`class ${c} has no training images: its centroid is undefined`);
    const norm = Math.hypot(...s);
    if (!(norm > 0)) throw new MetricsError(`class ${c}'s training features are all zero: the backbone passes nothing through`);
    return Array.from(s, (x) => Number((x / norm).toPrecision(CENTROID_DIGITS)));
  });
}

export function distancesTo(rows: FeatureRows, centroids: readonly (readonly number[])[]): Float64Array {
  const n = rows.features.length / rows.dim;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = centroidDistance(rows.features.subarray(i * rows.dim, (i + 1) * rows.dim), centroids);
  return out;
}

/** Share of `distances` the check flags (isUnfamiliar: NaN counts as flagged). */
export function flaggedShareOf(distances: ArrayLike<number>, threshold: number): number {
  let n = 0;
  for (let i = 0; i < distances.length; i++) if (isUnfamiliar(distances[i], { threshold })) n++;
  return n / Math.max(1, distances.length);
}

/** The smallest value v with at least q of `values` <= v (so at most 1 - q lie above it). */
export function upperQuantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) throw new MetricsError('no values to take a quantile of');
  const sorted = Float64Array.from(values).sort();
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/**
 * The stored threshold for these distances (e.g. of frames held out of a fold): their `quantile`,
 * rounded up at 6 digits so every frame at the quantile stays below it once stored, and at least
 * 1e-6, as a distance of exactly 0 (frames on a centroid) is no usable threshold.
 */
export function thresholdFromDistances(distances: ArrayLike<number>, quantile: number): number {
  return Math.max(1e-6, Math.ceil(upperQuantile(distances, quantile) * 1e6) / 1e6);
}

export interface FamiliarityInput {
  train: FeatureRows & { labels: ArrayLike<number> };
  /** The split the threshold comes from (validation). */
  threshold: FeatureRows;
  /** Further splits to report the flagged share of, e.g. { test }. */
  report?: Record<string, FeatureRows>;
  numClasses: number;
  layer?: string;
  pooling?: FeaturePooling;
  quantile?: number;
}

export function fitFamiliarity(x: FamiliarityInput): FamiliarityCheck {
  const quantile = x.quantile ?? FAMILIARITY_QUANTILE;
  const centroids = classCentroids(x.train, x.train.labels, x.numClasses);
  const valDistances = distancesTo(x.threshold, centroids);
  const threshold = thresholdFromDistances(valDistances, quantile);
  const share = (d: Float64Array) => flaggedShareOf(d, threshold);
  const flaggedShare: Record<string, number> = { val: share(valDistances) };
  for (const [name, rows] of Object.entries(x.report ?? {})) flaggedShare[name] = share(distancesTo(rows, centroids));
  return {
    method: FAMILIARITY_METHOD,
    layer: x.layer ?? FEATURE_LAYER,
    ...(x.pooling ? { pooling: x.pooling } : {}),
    centroids,
    threshold,
    quantile,
    centroidSplit: 'train',
    thresholdSplit: 'val',
    flaggedShare,
  };
}
