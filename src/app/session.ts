/**
 * Wires the store to the inference worker and IndexedDB: model loading with backend choice,
 * dropped files -> records -> worker jobs, results -> store (one update per batch), cancel,
 * clear session, resume after reload. Components call these functions; they hold no logic of their own.
 */
import { backendFromUrl, resolveBackendRequest } from '../inference/backend-choice.ts';
import { InferenceClient, type BackendUpdate, type GradCamOutput } from '../inference/client.ts';
import { EMBEDDED_MODEL_URL } from '../inference/embedded-model.ts';
import { rememberStartHint } from '../inference/worker-start.ts';
import type { ClassifyJob, FrameOutcome, ModelSource, Scores } from '../inference/protocol.ts';
import type { PixelImage } from '../core/preprocess.ts';
import {
  clearCustomModel,
  clearSessionData,
  loadBackendChoice,
  loadCustomModel,
  loadFiles,
  saveBackendChoice,
  saveCustomModel,
  saveFiles,
  saveThumb,
} from '../persistence/db.ts';
import { hydrate, startPersisting } from '../persistence/persist-store.ts';
import { requestPersistentStorage } from '../persistence/storage.ts';
import { forgetAllThumbs, rememberThumb } from '../media/thumbnails.ts';
import { expandModelZips, ZipError } from '../teach/zip.ts';
import { useAppStore } from '../store/store.ts';
import type { FrameRecord, ModelSourceKind } from '../store/types.ts';

let client: InferenceClient | undefined;
let persistence: ReturnType<typeof startPersisting> | undefined;

const store = () => useAppStore.getState();

function newId(): string {
  return crypto.randomUUID();
}

function getClient(): InferenceClient {
  client ??= new InferenceClient({
    onResults: (outcomes, numTensors) => {
      keepThumbnails(outcomes);
      const modelKey = store().model.modelKey ?? '';
      store().applyOutcomes(outcomes, modelKey, store().model.backend);
      store().finishWork(outcomes.length, numTensors);
    },
    onIdle: (numTensors, cancelledIds) => {
      if (cancelledIds.length)
        store().setFrameStatus(
          cancelledIds.filter((id) => store().frames[id]?.status === 'queued'),
          'cancelled',
        );
      store().setIdle(numTensors);
    },
    onBackend: (u) => void applyBackendUpdate(u),
    onModelFailed: (f) => store().setModel({ status: 'error', source: store().model.source, error: { kind: f.kind, message: f.message } }),
  });
  return client;
}

/**
 * The worker timed the GPUs in the background (or found only software ones) and may have switched
 * backend between batches: the header and settings follow, and a settled choice is remembered for
 * this model on this device, so the next visit loads it directly.
 */
async function applyBackendUpdate(u: BackendUpdate): Promise<void> {
  const model = store().model;
  if (model.status !== 'ready' || model.modelKey !== u.modelKey) return; // a model since replaced
  store().setModel({ ...model, backend: u.backend, backendReason: u.backendReason, timings: u.timings });
  rememberStartHint(model.source === 'embedded' && u.backend === 'wasm');
  store().setBaseline(u.numTensors); // a switch reloads the same weights on another backend
  if (u.settled)
    await saveBackendChoice(model.source, { modelKey: u.modelKey, backend: u.backend, timings: u.timings, device: u.device }).catch(
      () => undefined,
    );
}

async function loadModel(sourceKind: ModelSourceKind, source: ModelSource): Promise<boolean> {
  const s = store();
  s.setModel({ status: 'loading', source: sourceKind });
  const remembered = await loadBackendChoice(sourceKind).catch(() => undefined);
  const request = resolveBackendRequest({ urlBackend: backendFromUrl(location.search), setting: s.settings.backend, remembered });
  const res = await getClient().load(source, request);
  if (res.type === 'load-error') {
    store().setModel({ status: 'error', source: sourceKind, error: { kind: res.kind, message: res.message } });
    return false;
  }
  // Nothing is remembered yet: the worker times the GPUs in the background and says when it has settled (onBackend).
  const timings = res.timings.length
    ? res.timings
    : res.backendReason === 'remembered' && remembered?.modelKey === res.modelKey
      ? remembered.timings
      : [];
  store().setModel({
    status: 'ready',
    source: sourceKind,
    metadata: res.metadata,
    modelKey: res.modelKey,
    backend: res.backend,
    backendReason: res.backendReason,
    timings,
  });
  store().setBaseline(res.numTensors);
  rememberStartHint(sourceKind === 'embedded' && res.backend === 'wasm');
  return true;
}

/**
 * Frames dropped while no model was ready, kept in memory until they go to the worker: reading them
 * back from IndexedDB could race their own save (a model now loads in about 2 s) or find nothing
 * when the quota refused it.
 */
const unsent = new Map<string, File>();

/** Sends frames still waiting (after a reload or a model switch) to the worker: from memory, else from IndexedDB. */
async function resumeQueued(): Promise<void> {
  const s = store();
  const ids = s.order.filter((id) => s.frames[id]?.status === 'queued');
  if (!ids.length) return;
  const stored = await loadFiles(ids.filter((id) => !unsent.has(id)));
  const jobs: ClassifyJob[] = [];
  const lost: string[] = [];
  ids.forEach((id) => {
    const file = unsent.get(id) ?? stored.shift();
    unsent.delete(id);
    if (file) jobs.push({ id, fileName: s.frames[id].fileName, file, wantsThumbnail: !s.frames[id].hasThumb });
    else lost.push(id);
  });
  if (lost.length) {
    store().applyOutcomes(
      lost.map((id) => ({ id, ok: false, code: 'decode-failed', detail: 'The file was not kept by the browser; drop it again.' })),
      '',
    );
  }
  store().startWork(jobs.length);
  getClient().classify(jobs);
}

let persistenceAsked: Promise<void> | undefined;

export async function startApp(): Promise<void> {
  // Takes the worker the entry point started (or starts it, on a page not yet cross-origin isolated), so
  // its script loads and its WASM compiles while the saved session is read below.
  getClient();
  // Asked once (not again on a retry), so the browser does not evict the session when the disk runs low; Settings shows the answer.
  persistenceAsked ??= requestPersistentStorage().then((answer) => store().setStoragePersistence(answer));
  await hydrate().catch((e: unknown) => console.error('Could not read the saved session', e));
  persistence = startPersisting();
  const custom = await loadCustomModel().catch(() => undefined);
  const ok = custom?.length
    ? await loadModel('custom', { kind: 'files', files: custom })
    : await loadModel('embedded', { kind: 'embedded', baseUrl: EMBEDDED_MODEL_URL });
  if (ok) await resumeQueued();
}

/** Records are added in chunks, one render each, so a drop of 1000 frames never blocks the page for long. */
export const ADD_CHUNK = 100;

export async function addFiles(files: readonly File[]): Promise<void> {
  if (!files.length) return;
  const now = Date.now();
  const jobs: ClassifyJob[] = [];
  for (let start = 0; start < files.length; start += ADD_CHUNK) {
    const chunk = files.slice(start, start + ADD_CHUNK);
    const records: FrameRecord[] = chunk.map((f, i) => ({
      id: newId(),
      fileName: (f as File & { path?: string }).path?.replace(/^\.?\//, '') || f.name,
      size: f.size,
      addedAt: now + start + i,
      status: 'queued',
      hasThumb: false,
    }));
    store().addFrames(records);
    // The worker makes each thumbnail from the decode it classifies (one decode per frame, not two).
    const chunkJobs = records.map((r, i) => ({ id: r.id, fileName: r.fileName, file: chunk[i], wantsThumbnail: true }));
    jobs.push(...chunkJobs);
    if (store().model.status === 'ready') {
      store().startWork(chunkJobs.length);
      getClient().classify(chunkJobs);
    } else {
      for (const j of chunkJobs) unsent.set(j.id, j.file);
    }
    if (start + ADD_CHUNK < files.length) await new Promise((r) => setTimeout(r, 0));
  }
  // Keep the frames themselves so a reload can finish the work; do not wait for it to classify.
  await saveFiles(jobs.map((j) => ({ id: j.id, file: j.file }))).catch((e: unknown) =>
    console.error('Could not keep the frames in IndexedDB', e),
  );
}

/**
 * Thumbnails the worker made from its decode: shown at once, kept in IndexedDB. The store hears about
 * them in the same task as the batch's results, so the page renders once per batch, not twice.
 */
function keepThumbnails(outcomes: readonly FrameOutcome[]): void {
  const ids: string[] = [];
  for (const o of outcomes) {
    if (!o.ok || !o.thumbnail || !store().frames[o.id]) continue;
    rememberThumb(o.id, o.thumbnail);
    ids.push(o.id);
    void saveThumb(o.id, o.thumbnail).catch(() => undefined);
  }
  if (ids.length) store().setThumbs(ids);
}

/**
 * Grad-CAM heatmap (row-major, 0..1, feature-map resolution) of a frame for a class index of the
 * frame's model, computed in the worker from the frame kept in IndexedDB. For the review/Grad-CAM UI.
 */
export async function computeGradCam(frameId: string, classIndex: number): Promise<GradCamOutput> {
  const [file] = await loadFiles([frameId]);
  if (!file) throw new Error('This frame is no longer stored in the browser; drop it again to see its heatmap.');
  const started = performance.now();
  const out = await getClient().gradCam(file, classIndex);
  store().setLastGradCamMs(performance.now() - started);
  return out;
}

/** Scores model inputs preprocessed elsewhere (video frames), with the loaded model, in the inference worker. */
export function scoreInputs(inputs: Float32Array[]): Promise<Scores[]> {
  return getClient().classifyInputs(inputs);
}

/** Preprocesses and scores one frame's decoded pixels (a live camera frame) in the inference worker. */
export function scorePixels(pixels: PixelImage): Promise<Scores> {
  return getClient().classifyPixels(pixels);
}

export function cancelClassification(): void {
  getClient().cancel();
}

/** Classifies again every frame that was cancelled or interrupted. */
export async function resumeCancelled(): Promise<void> {
  const s = store();
  const ids = s.order.filter((id) => s.frames[id]?.status === 'cancelled');
  s.setFrameStatus(ids, 'queued');
  await resumeQueued();
}

export async function clearSession(): Promise<void> {
  getClient().cancel();
  store().removeAllFrames();
  unsent.clear();
  forgetAllThumbs();
  await persistence?.flush();
  await clearSessionData();
}

/** A model's files, a .zip of them (as Teach exports), or both: zips are expanded before loading. */
export async function loadCustomModelFiles(files: File[]): Promise<boolean> {
  getClient().cancel();
  let modelFiles: File[];
  try {
    modelFiles = await expandModelZips(files);
  } catch (e) {
    if (!(e instanceof ZipError)) throw e;
    const kind = e.reason === 'no-model-json' ? 'missing' : 'corrupt';
    store().setModel({ status: 'error', source: 'custom', error: { kind, message: e.message } });
    return false;
  }
  const ok = await loadModel('custom', { kind: 'files', files: modelFiles });
  if (ok) {
    // The expanded files are kept, so a reload need not unzip again.
    await saveCustomModel(modelFiles).catch(() => undefined);
    await resumeQueued();
  }
  return ok;
}

export async function switchToEmbeddedModel(): Promise<void> {
  getClient().cancel();
  await clearCustomModel().catch(() => undefined);
  if (await loadModel('embedded', { kind: 'embedded', baseUrl: EMBEDDED_MODEL_URL })) await resumeQueued();
}

/** Reloads the current model on the backend the settings now ask for. */
export async function applyBackendSetting(): Promise<void> {
  const s = store();
  if (s.model.source === 'custom') {
    const files = await loadCustomModel();
    if (files?.length) {
      if (await loadModel('custom', { kind: 'files', files })) await resumeQueued();
      return;
    }
  }
  if (await loadModel('embedded', { kind: 'embedded', baseUrl: EMBEDDED_MODEL_URL })) await resumeQueued();
}

export async function flushPersistence(): Promise<void> {
  await persistence?.flush();
}
