/// <reference lib="webworker" />
/**
 * The inference worker: owns tfjs, the loaded model and the frame queue, so decoding, preprocessing
 * and inference never block the page. Frames go through src/core/preprocess.ts, the trainer's code.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelMetadata } from '../core/metadata.ts';
import { probeGpus, timeBatches, timeCandidate, useBackend } from './backends.ts';
import { startingBackend } from './backend-choice.ts';
import { BackgroundWork, backgroundChoice, type ChoiceUpdate } from './background-choice.ts';
import { gradCamFromPixels } from './gradcam.ts';
import { FrameError, THUMB_WIDTH } from './decode.ts';
import { PrepPool } from './prep-pool.ts';
import type { PreparedFrame } from './prepare.ts';
import { disposeInferenceModel, runBatch, type InferenceModel } from './inference-model.ts';
import { loadModelBundle, ModelLoadError } from './model-files.ts';
import { adoptPrebuilt, buildChecked, foldedArtifacts, prebuildEmbedded, warmUp, type Prebuilt } from './model-build.ts';
import { preprocessPixels, type PixelImage } from '../core/preprocess.ts';
import type { BackendRequest, BackendName, ClassifyJob, FrameOutcome, FromWorker, ModelSource, ToWorker } from './protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

/** Frames per model call: big enough to amortise the call, small enough for steady progress. */
export const BATCH_SIZE = 8;

interface Loaded {
  /** The model, and the familiarity check's view of it when its metadata has one. */
  inference: InferenceModel;
  metadata: ModelMetadata;
  backend: BackendName;
  modelKey: string;
  /** Kept to load the very same graph and weights on another backend. */
  artifacts: tf.io.ModelArtifacts;
  /** The warm-up call, run after the page has heard "loaded": frames wait for it, the page does not. */
  warm: Promise<void>;
}

let loaded: Loaded | undefined;
// Helpers decode and preprocess; this worker takes a share too, its model being the quicker part.
const prepPool = new PrepPool({ shareInPlace: true });
const queue: ClassifyJob[] = [];
let pumping: Promise<void> | undefined;
let cancelledIds: string[] = [];
/** Loads run one after another, never while a batch uses the model. */
let loadChain: Promise<void> = Promise.resolve();
/** GPU timing, only while no batch or Grad-CAM runs (src/inference/background-choice.ts). */
/** Idle time before GPU timing starts or resumes: a user's first drop right after "ready" never waits for it. */
const BACKGROUND_IDLE_MS = 500;
const background = new BackgroundWork((e) => console.warn('Background backend timing stopped:', e), BACKGROUND_IDLE_MS);

function post(msg: FromWorker): void {
  self.postMessage(msg);
}

// A first visit classifies on WASM (src/inference/backend-choice.ts startingBackend): its binary
// compiles now, while the page is still reading the saved session, not after the load message.
const wasmStarting = useBackend('wasm').catch(() => undefined);

/** The embedded model being built before the page asks (ToWorker 'prebuild-embedded'); the first load takes it. */
let prebuilding: Promise<Prebuilt | undefined> | undefined;

/** The worker's side of the background choice: the model it times is the loaded one, from the same artifacts. */
function startBackgroundChoice(current: Loaded, mode: 'time-gpus' | 'check-device', rememberedDevice: string | undefined): void {
  const spec = {
    artifacts: current.artifacts,
    inputSize: current.metadata.input.size,
    familiarity: current.metadata.familiarity,
    batch: BATCH_SIZE,
  };
  const live = () => (loaded === current ? current : undefined);
  background.start(
    backgroundChoice<InferenceModel>(mode, rememberedDevice, {
      probe: probeGpus,
      cores: navigator.hardwareConcurrency || 1,
      active: () => current.backend,
      timeActive: async (checkpoint) => ({
        backend: current.backend,
        ok: true,
        batch: BATCH_SIZE,
        msPerFrame: await timeBatches(current.inference, BATCH_SIZE, undefined, checkpoint),
      }),
      timeCandidate: (backend, against, checkpoint) => timeCandidate({ ...spec, backend, restore: current.backend }, against, checkpoint),
      // Between batches (the job only runs while none does): frames after this run on `backend`.
      switchTo: async (backend, model) => {
        await useBackend(backend);
        const old = current.inference;
        current.inference = model;
        current.backend = backend;
        disposeInferenceModel(old);
      },
      discard: disposeInferenceModel,
      report: (u: ChoiceUpdate) => {
        if (!live()) return;
        post({
          type: 'backend',
          modelKey: current.modelKey,
          backend: u.backend,
          backendReason: u.reason,
          timings: u.timings,
          settled: u.settled,
          device: u.device,
          numTensors: tf.memory().numTensors,
        });
      },
    }),
  );
}

async function load(source: ModelSource, request: BackendRequest): Promise<void> {
  cancelledIds.push(...queue.splice(0).map((j) => j.id));
  await pumping;
  await background.stop(); // frees a model it was timing, and goes back to the loaded backend
  if (loaded) disposeInferenceModel(loaded.inference);
  loaded = undefined;
  try {
    let prebuilt = await adoptPrebuilt(prebuilding, source);
    prebuilding = undefined;
    const bundle = prebuilt?.bundle ?? (await loadModelBundle(source));
    const artifacts = prebuilt?.artifacts ?? foldedArtifacts(bundle);
    // Never a measurement first: WASM (or the forced / remembered backend) at once.
    let choice = startingBackend(request, bundle.modelKey);
    await wasmStarting; // one backend initialisation at a time
    if (prebuilt && choice.backend !== 'wasm') {
      disposeInferenceModel(prebuilt.inference);
      prebuilt = undefined;
    }
    try {
      await useBackend(choice.backend);
    } catch (e) {
      // A remembered GPU that is gone (driver, other browser flags) is no reason to fail: start over on WASM.
      if (choice.reason !== 'remembered') throw new ModelLoadError('backend', e instanceof Error ? e.message : String(e));
      choice = startingBackend({ mode: 'measure' }, bundle.modelKey);
      try {
        await useBackend(choice.backend);
      } catch (e2) {
        throw new ModelLoadError('backend', e2 instanceof Error ? e2.message : String(e2));
      }
    }
    const inference = prebuilt?.inference ?? (await buildChecked(bundle, artifacts));
    // "loaded" goes out first; the warm-up (the first call compiles and packs the weights, ~0.4 s on
    // WASM) runs right after, while the page hands over its first frames, which wait for it in infer().
    const current: Loaded = {
      inference,
      metadata: bundle.metadata,
      backend: choice.backend,
      modelKey: bundle.modelKey,
      artifacts,
      warm: Promise.resolve(),
    };
    loaded = current;
    post({
      type: 'loaded',
      metadata: bundle.metadata,
      modelKey: bundle.modelKey,
      backend: choice.backend,
      backendReason: choice.reason,
      timings: [],
      numTensors: tf.memory().numTensors,
    });
    // Frames that came before the model: their decoding starts in the helpers now, beside the warm-up.
    if (queue.length) pump();
    // Warm up on the chosen backend, on the path frames take, so the first frame is not slow.
    if (!prebuilt) current.warm = warmUp(inference, bundle).then(() => undefined);
    try {
      await current.warm;
    } catch (e) {
      if (loaded === current) loaded = undefined;
      disposeInferenceModel(inference); // a model that cannot run is not kept, nor leaked
      throw e; // "load-error" after "loaded": the page shows the model error (client onModelFailed)
    }
    if (choice.background !== 'none')
      startBackgroundChoice(current, choice.background, request.mode === 'remembered' ? request.device : undefined);
  } catch (e) {
    const kind = e instanceof ModelLoadError ? e.kind : 'corrupt';
    post({ type: 'load-error', kind, message: e instanceof Error ? e.message : String(e) });
  }
}

type Prepared = { job: ClassifyJob; frame?: PreparedFrame; error?: FrameOutcome };

/** Starts decoding + preprocessing a batch (in helper workers where there are cores to spare). */
function startPrep(batch: ClassifyJob[], metadata: ModelMetadata): Promise<Prepared[]> {
  const spec = { inputSize: metadata.input.size, range: metadata.input.range };
  return Promise.all(
    batch.map(async (job): Promise<Prepared> => {
      try {
        return { job, frame: await prepPool.prepare(job.file, spec, job.wantsThumbnail ? THUMB_WIDTH : undefined) };
      } catch (e) {
        const code = e instanceof FrameError ? e.code : 'decode-failed';
        return { job, error: { id: job.id, ok: false, code, detail: e instanceof Error ? e.message : String(e) } };
      }
    }),
  );
}

async function infer(prepared: Prepared[], current: Loaded): Promise<FrameOutcome[]> {
  const outcomes: FrameOutcome[] = prepared.flatMap((p) => (p.error ? [p.error] : []));
  const ready = prepared.filter((p): p is Prepared & { frame: PreparedFrame } => !!p.frame);
  if (ready.length) {
    try {
      await current.warm;
      const scores = await runBatch(
        current.inference,
        ready.map((r) => r.frame.input),
      );
      ready.forEach((r, i) =>
        outcomes.push({
          id: r.job.id,
          ok: true,
          probabilities: scores[i].probabilities,
          ...scores[i].familiarity,
          width: r.frame.width,
          height: r.frame.height,
          downscaled: r.frame.downscaled,
          ...(r.frame.thumbnail ? { thumbnail: r.frame.thumbnail } : {}),
        }),
      );
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      ready.forEach((r) => outcomes.push({ id: r.job.id, ok: false, code: 'inference-failed', detail }));
    }
  }
  return outcomes;
}

function pump(): void {
  pumping ??= drain().finally(() => {
    pumping = undefined;
  });
}

async function drain(): Promise<void> {
  // Pipeline: the next batch is decoded while the model runs on this one.
  let next = queue.length && loaded ? startPrep(queue.splice(0, BATCH_SIZE), loaded.metadata) : undefined;
  // Background GPU timing stops at its next step before a batch runs, and goes on once the queue is empty.
  await background.hold();
  try {
    while (next && loaded) {
      const current = loaded;
      const prepared = await next;
      next = queue.length ? startPrep(queue.splice(0, BATCH_SIZE), current.metadata) : undefined;
      const outcomes = await infer(prepared, current);
      post({ type: 'results', outcomes, numTensors: tf.memory().numTensors });
    }
    // The model went away mid-run: frames already being decoded count as cancelled.
    if (next) cancelledIds.push(...(await next).map((p) => p.job.id));
  } finally {
    post({ type: 'idle', numTensors: tf.memory().numTensors, cancelledIds });
    cancelledIds = [];
    background.release();
  }
}

async function gradCam(requestId: number, file: Blob, classIndex: number): Promise<void> {
  await background.hold(); // its ops run on the active backend, where the model's weights are
  try {
    const current = loaded;
    if (!current) throw new Error('no model is loaded');
    const size = current.metadata.input.size;
    const prepared = await prepPool.prepare(file, { inputSize: size, range: current.metadata.input.range });
    const r = await gradCamFromPixels(current.inference.model, prepared.input, size, classIndex);
    post({
      type: 'gradcam-result',
      requestId,
      ok: true,
      heatmap: r.heatmap,
      width: r.width,
      height: r.height,
      layerName: r.layerName,
      score: r.score,
    });
  } catch (e) {
    post({ type: 'gradcam-result', requestId, ok: false, message: e instanceof Error ? e.message : String(e) });
  } finally {
    background.release();
  }
}

/** Inputs preprocessed elsewhere (video) or pixels preprocessed here (live): scored in order, in one call. */
async function scoreInputs(requestId: number, inputs: Float32Array[] | PixelImage): Promise<void> {
  await background.hold();
  try {
    const current = loaded;
    if (!current) throw new Error('no model is loaded');
    await current.warm;
    const spec = { inputSize: current.metadata.input.size, range: current.metadata.input.range };
    const batch = Array.isArray(inputs) ? inputs : [preprocessPixels(inputs, spec)];
    const expected = spec.inputSize * spec.inputSize * 3;
    const wrong = batch.find((x) => x.length !== expected);
    if (wrong) throw new Error(`an input holds ${wrong.length} values, the model takes ${expected}`);
    const scores = await runBatch(current.inference, batch);
    post({ type: 'scores', requestId, ok: true, scores });
  } catch (e) {
    post({ type: 'scores', requestId, ok: false, message: e instanceof Error ? e.message : String(e) });
  } finally {
    background.release();
  }
}

self.onmessage = (ev: MessageEvent<ToWorker>) => {
  const msg = ev.data;
  switch (msg.type) {
    case 'prebuild-embedded':
      prebuilding ??= prebuildEmbedded(msg.baseUrl, wasmStarting);
      break;
    case 'load':
      loadChain = loadChain.then(() => load(msg.source, msg.backend));
      break;
    case 'classify':
      queue.push(...msg.jobs);
      pump();
      break;
    case 'cancel':
      cancelledIds.push(...queue.splice(0).map((j) => j.id));
      if (!pumping) post({ type: 'idle', numTensors: tf.memory().numTensors, cancelledIds: cancelledIds.splice(0) });
      break;
    case 'memory':
      post({ type: 'memory', numTensors: tf.memory().numTensors });
      break;
    case 'gradcam':
      void gradCam(msg.requestId, msg.file, msg.classIndex);
      break;
    case 'classify-inputs':
      void scoreInputs(msg.requestId, msg.inputs);
      break;
    case 'classify-pixels':
      void scoreInputs(msg.requestId, msg.pixels);
      break;
  }
};
