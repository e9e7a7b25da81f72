/**
 * The data the exports work on. The app maps its store to these shapes (they hold plain data:
 * no tensors, no Files), so exports and imports do not depend on how the store is laid out.
 */
import type { ConfidenceThresholds, ReviewState } from '../../domain/review.ts';

export type { ConfidenceThresholds, ReviewState };

export interface FrameResult {
  /** The app's frame id (unique within a session). */
  id: string;
  fileName: string;
  /** One probability per class, in the model's class order. */
  probabilities: number[];
  /** Class name as in metadata (e.g. `2_polyps`). */
  predictedClass: string;
  /** Top probability, 0..1. */
  confidence: number;
  /** Familiarity check: cosine distance to the nearest class centroid; absent = not checked (or not a finite number). */
  familiarityDistance?: number;
  /** Flagged as unlike the training images; absent = not checked. */
  unfamiliar?: boolean;
  /** tfjs backend that classified the frame (webgpu, webgl, wasm, cpu). */
  backend: string;
  /** ISO 8601 time of classification. */
  classifiedAt: string;
  /** Small preview as a data URL (e.g. image/jpeg, ~128 px). */
  thumbnail?: string;
  review?: ReviewState;
  /** SHA-256 (hex) of the original file's bytes: identifies the frame without its pixels. */
  sha256?: string;
  /** Original file's size in bytes and MIME type, when known. */
  size?: number;
  mimeType?: string;
}

/** Which model produced the results; classes in output order. */
export interface SessionModelInfo {
  name: string;
  version: string;
  classes: string[];
}
