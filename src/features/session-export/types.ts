/**
 * The data the exports work on. The app maps its store to these shapes (they hold plain data:
 * no tensors, no Files), so exports and imports do not depend on how the store is laid out. The
 * schemas are what a session file's frames are checked against (session-json.ts).
 */
import * as v from 'valibot';
import { nonEmptyString, share } from '../../core/schema.ts';
import type { ConfidenceThresholds, ReviewState } from '../../domain/review.ts';
import { isBase64DataUrl } from './encoding.ts';

export type { ConfidenceThresholds, ReviewState };

/** An ISO 8601 time (what Date.parse reads). */
export const isoDate = v.message(
  v.pipe(
    v.string(),
    v.nonEmpty(),
    v.check((s) => !Number.isNaN(Date.parse(s))),
  ),
  'must be an ISO date',
);

export const ReviewStateSchema = v.object({
  reviewedClass: v.optional(v.string()),
  note: v.optional(v.string()),
  reviewedAt: v.optional(isoDate),
}) satisfies v.GenericSchema<unknown, ReviewState>;

export const FrameResultSchema = v.object({
  /** The app's frame id (unique within a session). */
  id: nonEmptyString,
  fileName: nonEmptyString,
  /** One probability per class, in the model's class order. */
  probabilities: v.array(share),
  /** Class name as in metadata (e.g. `2_polyps`). */
  predictedClass: v.string(),
  /** Top probability, 0..1. */
  confidence: share,
  /** Familiarity check: cosine distance to the nearest class centroid; absent = not checked (or not a finite number). Any finite number: rounding can put it a hair below 0. */
  familiarityDistance: v.optional(v.message(v.pipe(v.number(), v.finite()), 'must be a number (a cosine distance)')),
  /** Flagged as unlike the training images; absent = not checked. */
  unfamiliar: v.optional(v.boolean()),
  /** tfjs backend that classified the frame (webgpu, webgl, wasm, cpu). */
  backend: v.string(),
  /** ISO 8601 time of classification. */
  classifiedAt: isoDate,
  /** Small preview as a data URL (e.g. image/jpeg, ~128 px). */
  thumbnail: v.optional(v.custom<string>(isBase64DataUrl, 'must be a base64 data URL')),
  review: v.optional(ReviewStateSchema),
  /** SHA-256 (hex) of the original file's bytes: identifies the frame without its pixels. */
  sha256: v.optional(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/, 'must be 64 lowercase hex digits'))),
  /** Original file's size in bytes and MIME type, when known. */
  size: v.optional(v.message(v.pipe(v.number(), v.integer(), v.minValue(0)), 'must be a byte count')),
  mimeType: v.optional(v.string()),
});
export type FrameResult = v.InferOutput<typeof FrameResultSchema>;

/** Which model produced the results; classes in output order. */
export const SessionModelInfoSchema = v.object({
  name: nonEmptyString,
  version: nonEmptyString,
  classes: v.pipe(
    v.array(nonEmptyString, 'must list at least 2 class names'),
    v.minLength(2, 'must list at least 2 class names'),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const dup = dataset.value.find((c, i) => dataset.value.indexOf(c) !== i);
      if (dup !== undefined) addIssue({ message: `names "${dup}" twice` });
    }),
  ),
});
export type SessionModelInfo = v.InferOutput<typeof SessionModelInfoSchema>;
