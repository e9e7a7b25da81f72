/**
 * Messages between the app (main thread) and the inference worker, which owns tfjs, decoding and
 * preprocessing. Plain structured-clone data only.
 */
import type { FamiliarityScore } from '../core/familiarity.ts';
import type { ModelMetadata } from '../core/metadata.ts';
import type { PixelImage } from '../core/preprocess.ts';

export type BackendName = 'webgpu' | 'webgl' | 'wasm';
/** Measured in this order: WASM first (reliable on CPUs), software GPU adapters last. */
export const BACKEND_ORDER: readonly BackendName[] = ['wasm', 'webgl', 'webgpu'];

export function isBackendName(v: unknown): v is BackendName {
  return typeof v === 'string' && (BACKEND_ORDER as readonly string[]).includes(v);
}

export type ModelSource =
  | { kind: 'embedded'; baseUrl: string }
  /** A user's exported model: model.json, its weight shards and metadata.json. */
  | { kind: 'files'; files: File[] };

/** What to run on: a forced backend (URL hook or settings), a remembered choice, or measure. */
export type BackendRequest =
  | { mode: 'forced'; backend: BackendName; reason: 'url' | 'settings' }
  /**
   * Used only if the loaded model's key matches; otherwise the worker measures. `device` is what the
   * worker saw when it chose (GPU adapters, cores): another device is measured again, in the background.
   */
  | { mode: 'remembered'; backend: BackendName; modelKey: string; device?: string }
  | { mode: 'measure' };

/**
 * Why this backend: `measuring` = WASM at once while real GPUs are timed in the background;
 * `software-gpu` = the only GPUs are software renderers (not used, not timed); `no-gpu` = no GPU
 * backend at all; `measured` = the fastest of those timed.
 */
export type BackendReason = 'measuring' | 'software-gpu' | 'no-gpu' | 'measured' | 'remembered' | 'url' | 'settings';

export interface BackendTiming {
  backend: BackendName;
  ok: boolean;
  /** Median milliseconds per frame after warm-up, at `batch` frames per call. */
  msPerFrame?: number;
  /** Frames per timed call (the worker's batch size); absent in choices remembered before it was recorded (batch 1). */
  batch?: number;
  /** Not timed: a software GPU adapter (SwiftShader, llvmpipe...) or no such backend in this browser. */
  skipped?: 'software' | 'unavailable';
  /** The adapter or renderer, as the browser names it. */
  adapter?: string;
  error?: string;
}

export interface ClassifyJob {
  id: string;
  fileName: string;
  file: Blob;
  /** The page has no thumbnail for it yet: the worker makes one from the same decode. */
  wantsThumbnail?: boolean;
}

export type FrameErrorCode = 'empty' | 'not-image' | 'truncated' | 'decode-failed' | 'too-large' | 'inference-failed';

export type FrameOutcome =
  | {
      id: string;
      ok: true;
      probabilities: number[];
      width: number;
      height: number;
      downscaled: boolean;
      /** A small JPEG from the same decode, when the job asked for one. */
      thumbnail?: Blob;
      /** Familiarity check (src/core/familiarity.ts); both absent when the model has none. */
      familiarityDistance?: number;
      unfamiliar?: boolean;
    }
  | { id: string; ok: false; code: FrameErrorCode; detail?: string };

export type ModelErrorKind = 'missing' | 'metadata' | 'corrupt' | 'mismatch' | 'backend';

export type ToWorker =
  /**
   * Sent by the entry point before the page has read the saved session: the embedded model is what
   * this page will most likely load on WASM (src/inference/worker-start.ts), so the worker builds and
   * warms it up meanwhile; the next load adopts it when it asks for exactly that, and frees it otherwise.
   */
  | { type: 'prebuild-embedded'; baseUrl: string }
  | { type: 'load'; source: ModelSource; backend: BackendRequest }
  | { type: 'classify'; jobs: ClassifyJob[] }
  | { type: 'cancel' }
  | { type: 'memory' }
  /** Grad-CAM of one frame for one class, with the loaded model (src/inference/gradcam.ts). */
  | { type: 'gradcam'; requestId: number; file: Blob; classIndex: number }
  /**
   * Model inputs already preprocessed elsewhere (a video worker runs src/core/preprocess.ts beside
   * this one), or decoded pixels preprocessed here (a live camera frame). Answered by `scores`, in order.
   */
  | { type: 'classify-inputs'; requestId: number; inputs: Float32Array[] }
  | { type: 'classify-pixels'; requestId: number; pixels: PixelImage };

/** One frame's scores: every class's probability and, when the model has the check, its familiarity. */
export interface Scores {
  probabilities: number[];
  familiarity?: FamiliarityScore;
}

export type FromWorker =
  | {
      type: 'loaded';
      metadata: ModelMetadata;
      modelKey: string;
      backend: BackendName;
      backendReason: BackendReason;
      timings: BackendTiming[];
      numTensors: number;
    }
  | { type: 'load-error'; kind: ModelErrorKind; message: string }
  /**
   * The background choice moved on (GPU probed, a candidate timed, the backend switched between
   * batches). `settled`: nothing more will be timed, so the page remembers the choice (with `device`).
   */
  | {
      type: 'backend';
      modelKey: string;
      backend: BackendName;
      backendReason: BackendReason;
      timings: BackendTiming[];
      settled: boolean;
      device?: string;
      numTensors: number;
    }
  | { type: 'results'; outcomes: FrameOutcome[]; numTensors: number }
  /** Queue empty (finished or cancelled); numTensors is read after every tensor was disposed. */
  | { type: 'idle'; numTensors: number; cancelledIds: string[] }
  | { type: 'memory'; numTensors: number }
  | {
      type: 'gradcam-result';
      requestId: number;
      ok: true;
      heatmap: Float32Array;
      width: number;
      height: number;
      layerName: string;
      score: 'logit' | 'output';
    }
  | { type: 'gradcam-result'; requestId: number; ok: false; message: string }
  | { type: 'scores'; requestId: number; ok: true; scores: Scores[] }
  | { type: 'scores'; requestId: number; ok: false; message: string };
