/**
 * Wires the Teach view to the teach worker and IndexedDB: gathering frames (imported folders, the
 * session's reviewed frames), one teaching run at a time, the finished version kept as a candidate
 * until the user accepts or discards it, versions used, exported as .zip or deleted.
 * Nothing here replaces the active model unless the user asks.
 */
import { downloadBlob } from '../features/session-export/download.ts';
import { loadCustomModel, loadFiles } from '../persistence/db.ts';
import {
  deleteModelVersion,
  listModelVersions,
  loadModelVersionFiles,
  saveModelVersion,
  updateModelVersionState,
} from '../persistence/model-versions.ts';
import { isQuotaExceeded } from '../persistence/storage.ts';
import { activeVersionId } from '../store/selectors.ts';
import { useAppStore } from '../store/store.ts';
import type { GatheredFrame, ModelVersionSummary } from '../store/teach-slice.ts';
import { sortIntoClasses } from '../teach/gather.ts';
import { TeachRun } from '../teach/teach-client.ts';
import type { FromTeachWorker, TeachFile, TeachRequest } from '../teach/teach-protocol.ts';
import { zipModelFiles } from '../teach/zip.ts';
import { EMBEDDED_MODEL_URL } from '../inference/embedded-model.ts';
import { loadCustomModelFiles, switchToEmbeddedModel } from './session.ts';
import type { ModelSource } from '../inference/protocol.ts';

const store = () => useAppStore.getState();

/** Set while a run goes on: found at the next start, it means a reload (or a crash) ended the run. */
const RUNNING_FLAG = 'endolens-teach-running';

let run: TeachRun | undefined;
/** The last run's files when they could not be stored (quota): still exportable in this tab. */
let unsavedFiles: TeachFile[] | undefined;

/** Files a folder input or a drop gave (webkitRelativePath / path), sorted into classes by folder. */
export function importTeachFiles(files: File[]): void {
  const known = store().model.metadata?.classes ?? [];
  const pathed = files.map((file) => ({ file, path: relativePath(file) }));
  const { sorted, skipped } = sortIntoClasses(pathed, known);
  const frames: GatheredFrame[] = sorted.map((s) => ({
    id: `folder:${s.path}`,
    name: s.path,
    className: s.className,
    source: 'folder',
    file: s.file,
  }));
  store().addGathered(frames, skipped);
  const folder = pathed[0]?.path.split(/[\\/]/)[0] ?? '';
  store().setTeach({ lastImport: { folder, added: frames.length, classes: [...new Set(frames.map((f) => f.className))].sort() } });
}

function relativePath(file: File): string {
  // react-dropzone sets `path` on dropped folders' files; a folder input sets webkitRelativePath.
  const dropped = (file as File & { path?: string }).path;
  return file.webkitRelativePath || (dropped ? dropped.replace(/^\.?\//, '') : file.name);
}

/** The session's reviewed frames (the clinician's class), with their files from IndexedDB. */
export async function addReviewedFrames(): Promise<void> {
  const s = store();
  const ids = s.order.filter((id) => s.frames[id]?.review?.reviewedClass);
  const files = await loadFiles(ids);
  const frames: GatheredFrame[] = [];
  const skipped: { name: string; reason: 'file-not-kept' }[] = [];
  ids.forEach((id, i) => {
    const f = s.frames[id];
    const file = files[i];
    if (!file) skipped.push({ name: f.fileName, reason: 'file-not-kept' });
    else frames.push({ id: `review:${id}`, name: f.fileName, className: f.review?.reviewedClass ?? '', source: 'review', file });
  });
  store().addGathered(frames, skipped);
}

/** The active model as the worker can load it again. */
async function activeSource(): Promise<ModelSource | undefined> {
  const m = store().model;
  if (m.source === 'embedded') return { kind: 'embedded', baseUrl: EMBEDDED_MODEL_URL };
  const files = await loadCustomModel();
  return files?.length ? { kind: 'files', files } : undefined;
}

function versionStamp(d: Date): string {
  return `taught-${d.toISOString().slice(0, 19).replace(/[-:]/g, '').replace('T', '-')}`;
}

export async function startTeaching(): Promise<void> {
  if (run?.running) return;
  const s = store();
  const model = s.model;
  if (model.status !== 'ready' || !model.modelKey) {
    s.setTeach({ status: 'error', error: { code: 'base-model', message: 'Wait until the model has loaded.' } });
    return;
  }
  const base = await activeSource();
  if (!base) {
    s.setTeach({ status: 'error', error: { code: 'base-model', message: 'The loaded model was not kept; load it again.' } });
    return;
  }
  const now = new Date();
  const request: TeachRequest = {
    base,
    baseModelKey: model.modelKey,
    frames: s.teach.gathered.map((f) => ({ id: f.id, name: f.name, className: f.className, source: f.source, file: f.file })),
    seed: 1,
    method: s.teach.method,
    // The app's own backend when it is WebGPU (timed fastest, remembered, or asked for); else WASM.
    backend: model.backend === 'webgpu' ? 'webgpu' : 'wasm',
    createdAt: now.toISOString(),
    version: versionStamp(now),
  };
  unsavedFiles = undefined;
  s.setTeach({
    status: 'training',
    progress: undefined,
    plan: undefined,
    failed: [],
    result: undefined,
    candidateId: undefined,
    error: undefined,
  });
  localStorage.setItem(RUNNING_FLAG, request.createdAt);
  run = new TeachRun(request, (msg) => void onMessage(msg, request));
}

async function onMessage(msg: FromTeachWorker, request: TeachRequest): Promise<void> {
  const s = store();
  switch (msg.type) {
    case 'progress':
      s.setTeach({ progress: msg.progress });
      return;
    case 'plan':
      s.setTeach({ plan: msg.plan, failed: msg.failed });
      return;
    case 'cancelled':
      localStorage.removeItem(RUNNING_FLAG);
      s.setTeach({
        status: 'idle',
        progress: undefined,
        error: { code: 'cancelled', message: 'Training was cancelled; nothing was changed.' },
      });
      return;
    case 'error':
      localStorage.removeItem(RUNNING_FLAG);
      s.setTeach({
        status: 'error',
        progress: undefined,
        error: { code: msg.code, message: msg.message },
        ...(msg.plan ? { plan: msg.plan } : {}),
        ...(msg.failed ? { failed: msg.failed } : {}),
      });
      return;
    case 'done': {
      localStorage.removeItem(RUNNING_FLAG);
      const { files, ...result } = msg.result;
      const summary: ModelVersionSummary = {
        id: crypto.randomUUID(),
        createdAt: request.createdAt,
        name: result.metadata.name,
        version: result.metadata.version,
        classes: result.plan.classes,
        state: 'candidate',
        heldOutMacroF1: result.after.macro.f1,
        baseName: s.model.metadata ? `${s.model.metadata.name} ${s.model.metadata.version}` : request.baseModelKey,
      };
      try {
        await saveModelVersion({ summary, files: files.map((f) => new File([f.data], f.name)) });
        store().setTeach({
          status: 'done',
          progress: undefined,
          result,
          failed: msg.result.failed,
          candidateId: summary.id,
          error: undefined,
        });
        await refreshVersions();
      } catch (e) {
        // Nothing is lost: the run's files stay in this tab for export.
        unsavedFiles = files;
        const full = isQuotaExceeded(e);
        store().setTeach({
          status: 'done',
          progress: undefined,
          result,
          candidateId: undefined,
          error: {
            code: 'storage',
            message: full
              ? 'The browser storage is full: the new version was not kept. Export it now, or free space (Settings) and train again.'
              : `The new version could not be kept: ${e instanceof Error ? e.message : String(e)}`,
          },
        });
      }
      return;
    }
  }
}

export function cancelTeaching(): void {
  run?.cancel();
}

/** The candidate becomes a kept version and the active model. */
export async function acceptCandidate(): Promise<void> {
  const id = store().teach.candidateId;
  if (!id) return;
  if (await activateVersion(id)) {
    await updateModelVersionState(id, 'kept');
    store().setTeach({ candidateId: undefined });
    await refreshVersions();
  }
}

export async function discardCandidate(): Promise<void> {
  const id = store().teach.candidateId;
  if (id) await deleteModelVersion(id);
  unsavedFiles = undefined;
  store().setTeach({ status: 'idle', result: undefined, candidateId: undefined, plan: undefined, failed: [], error: undefined });
  await refreshVersions();
}

/** Loads a version as the active model (kept as the custom model, so a reload comes back to it). */
export async function activateVersion(id: string): Promise<boolean> {
  const files = await loadModelVersionFiles(id);
  if (!files) {
    store().setTeach({ error: { code: 'storage', message: 'That version is no longer stored.' } });
    await refreshVersions();
    return false;
  }
  const ok = await loadCustomModelFiles(files);
  if (!ok) store().setTeach({ error: { code: 'base-model', message: store().model.error?.message ?? 'The version could not be loaded.' } });
  return ok;
}

export async function activateEmbedded(): Promise<void> {
  await switchToEmbeddedModel();
}

/** Downloads a stored version as a .zip; an id not stored exports the last run's files kept in this tab (storage was full). */
export async function exportVersion(id: string): Promise<void> {
  const v = store().modelVersions.find((x) => x.id === id);
  const files = await loadModelVersionFiles(id);
  const entries = files
    ? await Promise.all(files.map(async (f) => ({ name: f.name, data: new Uint8Array(await f.arrayBuffer()) })))
    : unsavedFiles?.map((f) => ({ name: f.name, data: new Uint8Array(f.data) }));
  if (!entries) return;
  const folder = `endolens-${v?.version ?? store().teach.result?.metadata.version ?? 'taught'}`;
  const zip = zipModelFiles(entries, folder);
  downloadBlob(`${folder}.zip`, new Blob([zip], { type: 'application/zip' }));
}

export async function deleteVersion(id: string): Promise<void> {
  if (activeVersionId(store()) === id) await activateEmbedded();
  await deleteModelVersion(id);
  if (store().teach.candidateId === id) store().setTeach({ candidateId: undefined });
  await refreshVersions();
}

async function refreshVersions(): Promise<void> {
  const versions = await listModelVersions().catch(() => [] as ModelVersionSummary[]);
  store().setModelVersions(versions);
}

/** At start: the stored versions, and a run a reload interrupted (reported once, nothing kept from it). */
export async function initTeach(): Promise<void> {
  const interrupted = localStorage.getItem(RUNNING_FLAG);
  if (interrupted) {
    localStorage.removeItem(RUNNING_FLAG);
    store().setTeach({
      status: 'error',
      error: {
        code: 'interrupted',
        message:
          'A teaching run was interrupted when the page was reloaded or closed. Nothing was changed; import the frames and train again.',
      },
    });
  }
  await refreshVersions();
}
