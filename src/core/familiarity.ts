/**
 * "Is this frame like the images the model learned from?" The trainer fits this check and writes it
 * into metadata.json; the app applies it to every frame. One definition for both sides.
 *
 * Why: softmax has no "none of these" output, so a 2-class model calls uniform noise "normal" at
 * p = 0.997 and no probability threshold can catch it. The pooled backbone features can: a frame
 * whose feature vector points away (cosine) from every class's training centroid is unlike anything
 * the model was trained on. Measured on the embedded model: notes/issue-4-measurements.md.
 */

import * as v from 'valibot';
import { FEATURE_POOLINGS } from './feature-output.ts';
import { itemStep, share, show } from './schema.ts';

export const FAMILIARITY_METHOD = 'cosine-to-class-centroid';

/** The layer whose output is the pooled feature vector (the head's first layer, training/src/models/classifier.ts). */
export const FEATURE_LAYER = 'global_average_pooling2d';

/** Share of validation frames kept below the threshold: 1 in 20 ordinary frames gets flagged (the issue-10 bound; notes/issue-10-familiarity.md). */
export const FAMILIARITY_QUANTILE = 0.95;

const isFiniteNumber = (x: unknown) => typeof x === 'number' && Number.isFinite(x);

/** A centroid holds thousands of numbers: one pass over the vector (a schema per number costs ~40x more), naming the first bad one. */
const centroid = v.custom<number[]>(
  (x) => Array.isArray(x) && x.length > 0 && x.every(isFiniteNumber),
  ({ input }) => {
    const bad = Array.isArray(input) ? input.findIndex((x) => !isFiniteNumber(x)) : -1;
    return `must be a non-empty list of finite numbers${Array.isArray(input) && bad >= 0 ? ` ([${bad}] is ${show(input[bad])})` : ''}`;
  },
);

export const FamiliarityCheckFields = v.object({
  method: v.literal(FAMILIARITY_METHOD, `must be "${FAMILIARITY_METHOD}"`),
  /** Name of the layer whose output is compared. */
  layer: v.message(v.pipe(v.string(), v.nonEmpty()), 'must name a layer'),
  /** How a feature-map layer is pooled into a vector (src/core/feature-output.ts); absent: the layer is rank 2 already. */
  pooling: v.optional(v.picklist(FEATURE_POOLINGS, `must be one of ${FEATURE_POOLINGS.map((p) => `"${p}"`).join(', ')} or absent`)),
  /** One unit-length centroid per class, in class order: the mean training feature, normalised. */
  centroids: v.pipe(
    v.array(centroid),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const dim = dataset.value[0]?.length;
      dataset.value.forEach((c, i) => {
        if (c.length !== dim)
          addIssue({ message: `must hold ${dim} numbers as centroids[0] does, got ${c.length}`, path: [itemStep(dataset.value, i)] });
      });
    }),
  ),
  /** A frame whose distance exceeds this is "unlike the training images". */
  threshold: v.message(v.pipe(v.number(), v.gtValue(0), v.maxValue(2)), 'must be a cosine distance in (0, 2]'),
  /** The threshold is this quantile of the distances on `thresholdSplit`. */
  quantile: v.message(v.pipe(v.number(), v.gtValue(0), v.maxValue(1)), 'must be in (0, 1]'),
  /** Split the centroids were computed on (no augmentation). */
  centroidSplit: v.string(),
  thresholdSplit: v.string(),
  /** Share of each evaluated split's frames above the threshold, e.g. { val: 0.011, test: 0.017 }. */
  flaggedShare: v.record(v.string(), share),
  /**
   * Keys of `flaggedShare` that are frames of findings the model never learned (never trained on,
   * never used to fit the check): for those, a high share is what the check is for.
   */
  neverLearned: v.optional(v.array(v.string())),
});

/** The check as metadata.json holds it; `familiarity.centroids` must also hold one vector per class (src/core/metadata.ts). */
export const FamiliarityCheckSchema = v.pipe(
  FamiliarityCheckFields,
  v.forward(
    v.partialCheck(
      [['flaggedShare'], ['neverLearned']],
      (c) => (c.neverLearned ?? []).every((k) => k in c.flaggedShare),
      (issue) => `must list keys of flaggedShare, got ${show(issue.input.neverLearned)}`,
    ),
    ['neverLearned'],
  ),
);

export type FamiliarityCheck = v.InferOutput<typeof FamiliarityCheckSchema>;

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
