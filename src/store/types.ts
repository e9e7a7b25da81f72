/** Plain data kept in the store and persisted; never tensors, never Blobs. */
import type { ClassEntry, ModelMetadata } from '../core/metadata.ts';
import type { BackendName, BackendReason, BackendTiming, FrameErrorCode, ModelErrorKind } from '../inference/protocol.ts';
import type { BackendSetting } from '../inference/backend-choice.ts';
import type { ReviewState } from '../domain/review.ts';
import type { SegmentParams } from '../domain/video-segments.ts';

export type FrameStatus = 'queued' | 'done' | 'error' | 'cancelled';

export interface FrameRecord {
  id: string;
  fileName: string;
  size: number;
  addedAt: number;
  status: FrameStatus;
  /** The model that produced `probabilities` (key into modelInfos). */
  modelKey?: string;
  /** Every class's probability, in the model's class order. */
  probabilities?: number[];
  predictedIndex?: number;
  confidence?: number;
  width?: number;
  height?: number;
  downscaled?: boolean;
  error?: { code: FrameErrorCode; detail?: string };
  hasThumb: boolean;
  classifiedAt?: number;
  /**
   * Familiarity check (src/core/familiarity.ts): cosine distance of the frame's features to the
   * nearest class centroid, and whether it is over the model's threshold. Both absent = not checked
   * (a model without the check, or a frame classified before it existed).
   */
  familiarityDistance?: number;
  unfamiliar?: boolean;
  /** tfjs backend that produced `probabilities` (the CSV reports it). */
  backend?: string;
  /** The clinician's review; absent = not reviewed and no note. Kept on the record so it persists with it. */
  review?: ReviewState;
  /** SHA-256 (hex) of the original file, when known (imported sessions); identifies it for re-attaching. */
  sha256?: string;
  /** Imported without its image (hashes-only export): no original file is stored until re-attached. */
  imageMissing?: boolean;
}

/** What a result needs to be read later, even after another model was loaded. */
export interface ModelInfo {
  modelKey: string;
  name: string;
  version: string;
  classes: ClassEntry[];
}

export type ModelSourceKind = 'embedded' | 'custom';

export interface ModelState {
  status: 'loading' | 'ready' | 'error';
  source: ModelSourceKind;
  metadata?: ModelMetadata;
  modelKey?: string;
  backend?: BackendName;
  /** How the backend was chosen. */
  backendReason?: BackendReason;
  timings?: BackendTiming[];
  error?: { kind: ModelErrorKind; message: string };
}

export type SortKey = 'added' | 'name' | 'class' | 'confidence-desc' | 'confidence-asc';

export interface ViewState {
  sort: SortKey;
  /** Class name to show only, or 'all'. */
  classFilter: string;
  /** Confidence range shown, 0..1. */
  minConfidence: number;
  maxConfidence: number;
  onlyLowConfidence: boolean;
  /** Reviewed vs not (issue 6); absent in views saved before it = 'all'. */
  reviewFilter?: ReviewFilter;
}

export type ReviewFilter = 'all' | 'reviewed' | 'unreviewed';

export interface Settings {
  /** null: follow the browser's language. */
  language: 'en' | 'es' | null;
  /** null: the model's metadata.lowConfidenceThreshold, else DEFAULT_LOW_CONFIDENCE. */
  lowConfidenceThreshold: number | null;
  /** null: the larger of the low threshold and DEFAULT_CONFIDENT. At or above it a frame is "confident". */
  confidentThreshold: number | null;
  backend: BackendSetting;
  /** Video analysis (absent in settings saved before videos: the defaults). */
  video?: VideoSettings;
}

export interface VideoSettings {
  /** At most this many frames per second are analysed. */
  sampleFps: number;
  segments: SegmentParams;
}

export interface Progress {
  total: number;
  done: number;
  startedAt: number | null;
  running: boolean;
  numTensors: number | null;
  /** numTensors with the model loaded and idle; after each batch it must return here. */
  baselineTensors: number | null;
  /** Worker round trip of the last Grad-CAM in ms (the detail view shows it; e2e reads it). */
  lastGradCamMs: number | null;
}

export const DEFAULT_LOW_CONFIDENCE = 0.6;
export const DEFAULT_CONFIDENT = 0.8;

/** Every frame of ordinary 25 / 30 fps endoscopy video; faster videos are sampled down to it. */
export const DEFAULT_SAMPLE_FPS = 30;
