/// <reference lib="webworker" />
/**
 * The teach worker: its own tfjs (WASM), so training never blocks the page or the classification
 * worker. Loads the base model, reads the labelled frames through it, runs src/teach/teach-run.ts
 * and sends back the new version's files. One run at a time; `cancel` stops it between batches
 * or epochs, and everything it held is freed.
 */
import * as tf from '@tensorflow/tfjs';
import { HEAD_LAYERS } from '../core/head.ts';
import { useBackend } from '../inference/backends.ts';
import { foldForInference } from '../inference/fold-batchnorm.ts';
import { loadModelBundle, ModelLoadError } from '../inference/model-files.ts';
import { HeadTrainingCancelled } from './head-trainer.ts';
import { readFrames } from './read-frames.ts';
import { runTeaching, TeachRunError } from './teach-run.ts';
import type { FromTeachWorker, TeachProgress, TeachRequest, ToTeachWorker } from './teach-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

let running: AbortController | undefined;

/** WebGPU only where the app already classifies on it (src/inference/background-choice.ts); WASM otherwise or if it fails. */
async function startBackend(wanted: 'webgpu' | 'wasm'): Promise<void> {
  if (wanted === 'webgpu') {
    try {
      await useBackend('webgpu');
      return;
    } catch (e) {
      console.warn('Teaching on WASM: WebGPU did not start in the teach worker.', e);
    }
  }
  await useBackend('wasm');
}

function post(msg: FromTeachWorker, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

async function teach(request: TeachRequest, signal: AbortSignal): Promise<void> {
  const started = performance.now();
  const progress = (p: Omit<TeachProgress, 'elapsedMs'>) =>
    post({ type: 'progress', progress: { ...p, elapsedMs: performance.now() - started } });
  if (!request.frames.length) {
    post({ type: 'error', code: 'no-frames', message: 'There are no training frames.' });
    return;
  }
  progress({ phase: 'loading', done: 0, total: 1 });
  let bundle;
  let model: tf.LayersModel;
  let modelDisposed = false;
  const disposeModel = () => {
    if (!modelDisposed) model.dispose();
    modelDisposed = true;
  };
  try {
    await startBackend(request.backend ?? 'wasm');
    bundle = await loadModelBundle(request.base);
    const keep = [HEAD_LAYERS.pooling, ...(bundle.metadata.familiarity ? [bundle.metadata.familiarity.layer] : [])];
    model = await tf.loadLayersModel(tf.io.fromMemory(foldForInference(bundle.artifacts, keep)));
  } catch (e) {
    const message = e instanceof ModelLoadError || e instanceof Error ? e.message : String(e);
    post({ type: 'error', code: 'base-model', message: `The active model could not be loaded for teaching: ${message}` });
    return;
  }
  try {
    const readStart = performance.now();
    const total = request.frames.length;
    const read = await readFrames(
      model,
      bundle.metadata,
      request.frames,
      (done) => {
        const perFrame = (performance.now() - readStart) / done;
        progress({ phase: 'reading', done, total, etaMs: perFrame * (total - done) });
      },
      signal,
      request.method === 'last-blocks',
    );
    disposeModel();
    if (!read.frames.length) {
      post({ type: 'error', code: 'all-failed', message: 'None of the frames could be read.', failed: read.failed });
      return;
    }
    const trainStart = performance.now();
    let fineTuneStart = trainStart;
    const result = await runTeaching({
      base: bundle.metadata,
      baseModelKey: request.baseModelKey,
      baseArtifacts: bundle.artifacts,
      frames: read.frames,
      seed: request.seed,
      createdAt: request.createdAt,
      version: request.version,
      signal,
      method: request.method ?? 'head-only',
      onFineTuneEpoch: (done, total) => {
        const perEpoch = (performance.now() - fineTuneStart) / Math.max(1, done);
        progress({ phase: 'fine-tuning', done, total, etaMs: perEpoch * (total - done) });
      },
      onPlan: (plan) => post({ type: 'plan', plan, failed: read.failed }),
      onProgress: (done, runs, epoch) => {
        // Runs finished so far give the pace; the current run's own ETA covers the rest of it.
        const perRun = done ? (performance.now() - trainStart) / done : undefined;
        const etaMs = perRun !== undefined ? perRun * (runs - done) : epoch ? epoch.etaMs * runs : undefined;
        fineTuneStart = performance.now();
        progress({ phase: 'training', done, total: runs, ...(etaMs !== undefined ? { etaMs } : {}), ...(epoch ? { epoch } : {}) });
      },
    });
    progress({ phase: 'packing', done: 1, total: 1 });
    post(
      { type: 'done', result: { ...result, failed: read.failed, wallMs: performance.now() - started } },
      result.files.map((f) => f.data),
    );
  } catch (e) {
    if (e instanceof HeadTrainingCancelled || signal.aborted) post({ type: 'cancelled' });
    else if (e instanceof TeachRunError) post({ type: 'error', code: 'plan', message: e.message, ...(e.plan ? { plan: e.plan } : {}) });
    else post({ type: 'error', code: 'training', message: e instanceof Error ? e.message : String(e) });
  } finally {
    disposeModel();
  }
}

self.onmessage = (ev: MessageEvent<ToTeachWorker>) => {
  const msg = ev.data;
  if (msg.type === 'cancel') {
    running?.abort();
    return;
  }
  if (running) {
    post({ type: 'error', code: 'internal', message: 'A teaching run is already going on.' });
    return;
  }
  const controller = new AbortController();
  running = controller;
  void teach(msg.request, controller.signal)
    .catch((e: unknown) => post({ type: 'error', code: 'internal', message: e instanceof Error ? e.message : String(e) }))
    .finally(() => {
      running = undefined;
    });
};
