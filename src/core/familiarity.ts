/**
 * "Is this frame like the images the model learned from?" The trainer fits this check and writes it
 * into metadata.json; the app applies it to every frame. One definition for both sides.
 *
 * Why: softmax has no "none of these" output, so a 2-class model calls uniform noise "normal" at
 * p = 0.997 and no probability threshold can catch it. The pooled backbone features can: a frame
 * whose feature vector points away (cosine) from every class's training centroid is unlike anything
 * the model was trained on. Measured on the embedded model: notes/issue-4-measurements.md.
 */

import { FEATURE_POOLINGS, type FeaturePooling } from './feature-output.ts';

export const FAMILIARITY_METHOD = 'cosine-to-class-centroid';

/** The layer whose output is the pooled feature vector (the head's first layer, training/src/models/classifier.ts). */
export const FEATURE_LAYER = 'global_average_pooling2d';

/** Share of validation frames kept below the threshold: 1 in 20 ordinary frames gets flagged (the issue-10 bound; notes/issue-10-familiarity.md). */
export const FAMILIARITY_QUANTILE = 0.95;

export interface FamiliarityCheck {
  method: typeof FAMILIARITY_METHOD;
  /** Name of the layer whose output is compared. */
  layer: string;
  /** How a feature-map layer is pooled into a vector (src/core/feature-output.ts); absent: the layer is rank 2 already. */
  pooling?: FeaturePooling;
  /** One unit-length centroid per class, in class order: the mean training feature, normalised. */
  centroids: number[][];
  /** A frame whose distance exceeds this is "unlike the training images". */
  threshold: number;
  /** The threshold is this quantile of the distances on `thresholdSplit`. */
  quantile: number;
  /** Split the centroids were computed on (no augmentation). */
  centroidSplit: string;
  thresholdSplit: string;
  /** Share of each evaluated split's frames above the threshold, e.g. { val: 0.011, test: 0.017 }. */
  flaggedShare: Record<string, number>;
  /**
   * Keys of `flaggedShare` that are frames of findings the model never learned (never trained on,
   * never used to fit the check): for those, a high share is what the check is for.
   */
  neverLearned?: string[];
}

/**
 * Cosine distance, 1 - cos, from `features` to the nearest centroid: 0 = same direction as a class's
 * training mean, 1 = orthogonal to all. An all-zero feature vector (no activation at all) is 1.
 * Centroids must be unit length (as fitted).
 */
export function centroidDistance(features: ArrayLike<number>, centroids: readonly (readonly number[])[]): number {
  let norm = 0;
  for (let i = 0; i < features.length; i++) norm += features[i] * features[i];
  norm = Math.sqrt(norm);
  if (!(norm > 0)) return 1;
  let best = -Infinity;
  for (const c of centroids) {
    if (c.length !== features.length) throw new RangeError(`centroid has ${c.length} values, features have ${features.length}`);
    let dot = 0;
    for (let i = 0; i < c.length; i++) dot += features[i] * c[i];
    best = Math.max(best, dot / norm);
  }
  return 1 - best;
}

export function isUnfamiliar(distance: number, check: Pick<FamiliarityCheck, 'threshold'>): boolean {
  return !(distance <= check.threshold); // NaN counts as unfamiliar: a broken score is never trusted
}

/** What a frame's result carries about the check. */
export interface FamiliarityScore {
  /** Cosine distance to the nearest class centroid (NaN if the features were broken). */
  familiarityDistance: number;
  unfamiliar: boolean;
}

/** A frame's distance and verdict from its pooled features: what the app shows and the trainer reports. */
export function scoreFamiliarity(features: ArrayLike<number>, check: Pick<FamiliarityCheck, 'centroids' | 'threshold'>): FamiliarityScore {
  const familiarityDistance = centroidDistance(features, check.centroids);
  return { familiarityDistance, unfamiliar: isUnfamiliar(familiarityDistance, check) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks metadata.json's `familiarity` block against the model's class count; each problem found is
 * pushed onto `problems` naming the field and the value it got.
 */
export function validateFamiliarity(json: unknown, numClasses: number, problems: string[]): FamiliarityCheck | undefined {
  const before = problems.length;
  if (!isRecord(json)) {
    problems.push(`familiarity must be an object, got ${JSON.stringify(json)?.slice(0, 40)}`);
    return undefined;
  }
  if (json.method !== FAMILIARITY_METHOD) problems.push(`familiarity.method must be "${FAMILIARITY_METHOD}", got ${JSON.stringify(json.method)}`);
  if (typeof json.layer !== 'string' || json.layer === '') problems.push(`familiarity.layer must name a layer, got ${JSON.stringify(json.layer)}`);
  if (json.pooling !== undefined && !(FEATURE_POOLINGS as readonly unknown[]).includes(json.pooling)) {
    problems.push(`familiarity.pooling must be one of ${FEATURE_POOLINGS.map((p) => `"${p}"`).join(', ')} or absent, got ${JSON.stringify(json.pooling)}`);
  }
  const c = json.centroids;
  if (!Array.isArray(c) || c.length !== numClasses) {
    problems.push(`familiarity.centroids must hold one vector per class (${numClasses}), got ${Array.isArray(c) ? c.length : JSON.stringify(c)?.slice(0, 40)}`);
  } else {
    const dim = Array.isArray(c[0]) ? c[0].length : 0;
    c.forEach((v: unknown, i: number) => {
      if (!Array.isArray(v) || v.length === 0 || v.length !== dim || !v.every((x) => typeof x === 'number' && Number.isFinite(x))) {
        problems.push(`familiarity.centroids[${i}] must be ${dim || 'a non-empty list of'} finite numbers`);
      }
    });
  }
  const t = json.threshold;
  if (typeof t !== 'number' || !(t > 0 && t <= 2)) problems.push(`familiarity.threshold must be a cosine distance in (0, 2], got ${JSON.stringify(t)}`);
  const q = json.quantile;
  if (typeof q !== 'number' || !(q > 0 && q <= 1)) problems.push(`familiarity.quantile must be in (0, 1], got ${JSON.stringify(q)}`);
  if (typeof json.centroidSplit !== 'string' || typeof json.thresholdSplit !== 'string') problems.push('familiarity must name its centroidSplit and thresholdSplit');
  if (!isRecord(json.flaggedShare) || !Object.values(json.flaggedShare).every((x) => typeof x === 'number' && x >= 0 && x <= 1)) {
    problems.push(`familiarity.flaggedShare must map split names to shares in 0..1, got ${JSON.stringify(json.flaggedShare)?.slice(0, 60)}`);
  }
  const nl = json.neverLearned;
  if (nl !== undefined && !(Array.isArray(nl) && nl.every((k) => typeof k === 'string' && isRecord(json.flaggedShare) && k in json.flaggedShare))) {
    problems.push(`familiarity.neverLearned must list keys of flaggedShare, got ${JSON.stringify(nl)?.slice(0, 60)}`);
  }
  return problems.length === before ? (json as unknown as FamiliarityCheck) : undefined;
}
