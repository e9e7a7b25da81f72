/**
 * Messages between the page and the teach worker (src/teach/teach-worker.ts), which reads the
 * labelled frames through the base model, trains a new head and packs the new version. Plain
 * structured-clone data only.
 */
import type { EvalMetrics, ModelMetadataJson } from '../core/metadata.ts';
import type { ModelSource } from '../inference/protocol.ts';
import type { HeadEpoch, HeadProgress } from './head-trainer.ts';
import type { SplitMode, SplitNotice } from './split.ts';

/** Where a training frame came from: an imported folder, or the session's reviewed frames. */
export type TeachFrameSource = 'folder' | 'review';

export interface TeachInputFrame {
  /** Unique in the request (a folder path, or `review:` + the session's frame id). */
  id: string;
  /** What the user sees: the file name, or the folder path. */
  name: string;
  className: string;
  source: TeachFrameSource;
  file: Blob;
}

export interface TeachRequest {
  /** The model to teach from (the active one): its backbone is kept, its head replaced. */
  base: ModelSource;
  baseModelKey: string;
  frames: TeachInputFrame[];
  seed: number;
  /** ISO 8601, the new version's date (passed in: the worker's results stay reproducible). */
  createdAt: string;
  /** The new version's version string, e.g. "taught-2026-11-30-1". */
  version: string;
  /** 'head-only' (the default, seconds) or also the backbone's last layers (minutes, src/teach/fine-tune.ts). */
  method?: TeachMethod;
  /** 'webgpu' when the app classifies on WebGPU; otherwise (and if WebGPU fails in the teach worker) WASM. */
  backend?: 'webgpu' | 'wasm';
}

export type TeachMethod = 'head-only' | 'last-blocks';

export type TeachPhase = 'loading' | 'reading' | 'training' | 'fine-tuning' | 'packing';

export interface TeachProgress {
  phase: TeachPhase;
  /** Frames read, training runs or fine-tune epochs finished, out of `total`. */
  done: number;
  total: number;
  /** Milliseconds since the start. */
  elapsedMs: number;
  /** Estimated milliseconds left in this phase, when there is an estimate. */
  etaMs?: number;
  /** The current training run's last epoch. */
  epoch?: HeadProgress;
}

export interface FailedFrame {
  id: string;
  name: string;
  reason: string;
}

/** What the split looked like, for the page: counts, notices (warnings shown, errors refused). */
export interface TeachPlanSummary {
  mode: SplitMode;
  folds: number;
  /** Classes of the new version, in output order. */
  classes: string[];
  /** Frames used per class. */
  counts: Record<string, number>;
  heldOutCount: number;
  notices: SplitNotice[];
  /** Frames left out: the same picture under two classes. */
  refused: string[];
}

/** A file of the new version as the trainer writes it (model.json, weight shards, metadata.json). */
export interface TeachFile {
  name: string;
  data: ArrayBuffer;
}

export interface TeachResult {
  plan: TeachPlanSummary;
  failed: FailedFrame[];
  /** The base model on the held-out frames (classes it does not know count as misses). */
  before: EvalMetrics;
  /** The new version on the same frames. */
  after: EvalMetrics;
  /** The shipped head's training run (loss and accuracy per epoch; held-out = the inner cut); then the fine-tune's epochs. */
  curves: HeadEpoch[];
  /** How the version was made; 'last-blocks' asked for but a class too small to hold out a part gives 'head-only' with this set. */
  method: TeachMethod;
  fineTuneSkipped?: 'kfold';
  metadata: ModelMetadataJson;
  files: TeachFile[];
  wallMs: number;
}

export type TeachErrorCode =
  | 'no-frames'
  | 'all-failed'
  | 'plan'
  | 'base-model'
  | 'training'
  /** Unexpected: a bug or the browser (out of memory...). */
  | 'internal';

export type ToTeachWorker = { type: 'start'; request: TeachRequest } | { type: 'cancel' };

export type FromTeachWorker =
  | { type: 'progress'; progress: TeachProgress }
  | { type: 'plan'; plan: TeachPlanSummary; failed: FailedFrame[] }
  | { type: 'done'; result: TeachResult }
  | { type: 'error'; code: TeachErrorCode; message: string; plan?: TeachPlanSummary; failed?: FailedFrame[] }
  | { type: 'cancelled' };
