/**
 * The Teach view's app logic with the worker replaced: what a finished run keeps (a candidate
 * version), accepting it, storage refusing it (nothing lost: exportable), cancel, a reload mid-run.
 * IndexedDB is fake-indexeddb, so versions really go through src/persistence/model-versions.ts.
 */
import 'fake-indexeddb/auto';
import { unzipSync } from 'fflate';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelSource } from '../inference/protocol.ts';
import { saveFiles } from '../persistence/db.ts';
import { listModelVersions } from '../persistence/model-versions.ts';
import { freshStoreAndDb, queuedFrame, readyModel, testMetadata } from '../store/fixtures.test-helpers.ts';
import { activeVersionId } from '../store/selectors.ts';
import { useAppStore } from '../store/store.ts';
import type { FromTeachWorker, TeachRequest, TeachResult } from '../teach/teach-protocol.ts';
import {
  acceptCandidate,
  addReviewedFrames,
  cancelTeaching,
  discardCandidate,
  exportVersion,
  importTeachFiles,
  initTeach,
  startTeaching,
} from './teach-session.ts';

// The teach worker: records the request and lets the test answer for it.
const run = vi.hoisted(() => ({
  request: undefined as TeachRequest | undefined,
  answer: undefined as ((msg: FromTeachWorker) => void) | undefined,
  cancelled: 0,
}));
vi.mock('../teach/teach-client.ts', () => ({
  TeachRun: class {
    running = true;
    constructor(request: TeachRequest, onMessage: (msg: FromTeachWorker) => void) {
      run.request = request;
      run.answer = (msg) => {
        // As the real one: over once the worker has said done, error or cancelled.
        if (msg.type !== 'progress' && msg.type !== 'plan') this.running = false;
        onMessage(msg);
      };
    }
    cancel(): void {
      run.cancelled++;
    }
  },
}));
// The inference worker: accepts any model it is asked to load.
const loads = vi.hoisted(() => [] as ModelSource[]);
vi.mock('../inference/client.ts', () => ({
  InferenceClient: class {
    cancel(): void {}
    load(source: ModelSource) {
      loads.push(source);
      return Promise.resolve({
        type: 'loaded',
        metadata: { ...testMetadata, version: 'taught-1' },
        modelKey: 'T@1#z',
        backend: 'wasm',
        backendReason: 'measured',
        timings: [],
        numTensors: 3,
      });
    }
  },
}));
const downloads = vi.hoisted(() => [] as { name: string; blob: Blob }[]);
vi.mock('../features/session-export/download.ts', () => ({
  downloadBlob: (name: string, blob: Blob) => downloads.push({ name, blob }),
}));

const storage = new Map<string, string>();
beforeEach(() => {
  freshStoreAndDb();
  readyModel();
  storage.clear();
  vi.stubGlobal('localStorage', {
    getItem: (k: string) => storage.get(k) ?? null,
    setItem: (k: string, v: string) => void storage.set(k, v),
    removeItem: (k: string) => void storage.delete(k),
  });
  vi.stubGlobal('location', { search: '' });
  run.request = undefined;
  run.answer = undefined;
  run.cancelled = 0;
  loads.length = 0;
  downloads.length = 0;
});

const inFolder = (path: string, type = 'image/jpeg') => {
  const file = new File([new Uint8Array([1, 2, 3])], path.split('/').pop() ?? path, { type });
  Object.defineProperty(file, 'webkitRelativePath', { value: path });
  return file;
};

function finished(): TeachResult {
  const metrics = {
    accuracy: 1,
    loss: 0.1,
    count: 2,
    perClass: [],
    macro: { precision: 1, recall: 1, f1: 0.9 },
    weighted: { precision: 1, recall: 1, f1: 1 },
    confusion: [],
  };
  return {
    plan: { mode: 'holdout', folds: 1, classes: ['0_normal', 'new'], counts: {}, heldOutCount: 2, notices: [], refused: [] },
    failed: [],
    before: metrics,
    after: metrics,
    curves: [],
    method: 'head-only',
    metadata: { ...testMetadata, version: 'taught-1', classes: [] },
    files: ['model.json', 'group1-shard1of1.bin', 'metadata.json'].map((name) => ({ name, data: new TextEncoder().encode(name).buffer })),
    wallMs: 1000,
  };
}

async function startAndFinish(): Promise<void> {
  importTeachFiles([inFolder('mine/Normal mucosa/a.jpg'), inFolder('mine/new/b.jpg'), inFolder('mine/new/notes.txt', 'text/plain')]);
  await startTeaching();
  run.answer?.({ type: 'done', result: finished() });
  await vi.waitFor(() => expect(useAppStore.getState().teach.status).toBe('done'));
}

describe('teach session', () => {
  it('sorts an imported folder into classes, the known one by its display name, and says what it added', () => {
    importTeachFiles([inFolder('mine/Normal mucosa/a.jpg'), inFolder('mine/new/b.jpg'), inFolder('mine/new/notes.txt', 'text/plain')]);
    const t = useAppStore.getState().teach;
    expect(t.gathered.map((f) => [f.id, f.className])).toEqual([
      ['folder:mine/Normal mucosa/a.jpg', '0_normal'],
      ['folder:mine/new/b.jpg', 'new'],
    ]);
    expect(t.skipped).toEqual([{ name: 'mine/new/notes.txt', reason: 'not-image' }]);
    expect(t.lastImport).toEqual({ folder: 'mine', added: 2, classes: ['0_normal', 'new'] });
  });

  it("gathers the session's reviewed frames with the clinician's class and their kept files, and names those not kept", async () => {
    const reviewed = (id: string, reviewedClass?: string) => ({
      ...queuedFrame(id),
      status: 'done' as const,
      ...(reviewedClass ? { review: { reviewedClass } } : {}),
    });
    useAppStore.getState().addFrames([reviewed('f1', '2_polyps'), reviewed('f2'), reviewed('f3', 'new'), reviewed('f4', '0_normal')]);
    await saveFiles([
      { id: 'f1', file: new Blob(['one']) },
      { id: 'f2', file: new Blob(['two']) },
      { id: 'f3', file: new Blob(['three']) },
    ]);
    await addReviewedFrames();
    const t = useAppStore.getState().teach;
    expect(t.gathered.map((f) => [f.id, f.className, f.source])).toEqual([
      ['review:f1', '2_polyps', 'review'],
      ['review:f3', 'new', 'review'],
    ]);
    expect(await t.gathered[1].file.text()).toBe('three');
    expect(t.skipped).toEqual([{ name: 'f4.jpg', reason: 'file-not-kept' }]);
  });

  it('keeps a finished run as a candidate, which accepting loads as the active model', async () => {
    await startAndFinish();
    expect(run.request?.frames).toHaveLength(2);
    expect(run.request?.base).toEqual({ kind: 'embedded', baseUrl: expect.stringMatching(/model\/$/) as string });
    expect(storage.size).toBe(0); // the run is over: a reload now is no interruption
    const versions = await listModelVersions();
    expect(versions.map((v) => [v.version, v.state])).toEqual([['taught-1', 'candidate']]);
    expect(useAppStore.getState().teach.candidateId).toBe(versions[0].id);

    await acceptCandidate();
    expect(loads.at(-1)?.kind).toBe('files');
    expect((await listModelVersions())[0].state).toBe('kept');
    expect(activeVersionId(useAppStore.getState())).toBe(versions[0].id);
    expect(useAppStore.getState().teach.candidateId).toBeUndefined();
  });

  it('discarding deletes the candidate and keeps the active model', async () => {
    await startAndFinish();
    await discardCandidate();
    expect(await listModelVersions()).toEqual([]);
    expect(loads).toHaveLength(0);
    expect(useAppStore.getState().teach.status).toBe('idle');
  });

  it('when storage refuses the version, says so and still exports the run as a .zip', async () => {
    const quota = vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
      throw new DOMException('full', 'QuotaExceededError');
    });
    await startAndFinish();
    quota.mockRestore();
    const t = useAppStore.getState().teach;
    expect(t.error?.code).toBe('storage');
    expect(t.candidateId).toBeUndefined();
    expect(await listModelVersions()).toEqual([]);

    await exportVersion('');
    expect(downloads.map((d) => d.name)).toEqual(['endolens-taught-1.zip']);
    const entries = unzipSync(new Uint8Array(await downloads[0].blob.arrayBuffer()));
    expect(Object.keys(entries).sort()).toEqual([
      'endolens-taught-1/group1-shard1of1.bin',
      'endolens-taught-1/metadata.json',
      'endolens-taught-1/model.json',
    ]);
  });

  it('cancelling asks the worker, and its answer leaves nothing changed', async () => {
    importTeachFiles([inFolder('mine/a/1.jpg'), inFolder('mine/b/2.jpg')]);
    await startTeaching();
    expect(useAppStore.getState().teach.status).toBe('training');
    cancelTeaching();
    expect(run.cancelled).toBe(1);
    run.answer?.({ type: 'cancelled' });
    await vi.waitFor(() => expect(useAppStore.getState().teach.status).toBe('idle'));
    expect(useAppStore.getState().teach.error?.code).toBe('cancelled');
    expect(await listModelVersions()).toEqual([]);
  });

  it('after a reload mid-run, says the run was interrupted, once', async () => {
    importTeachFiles([inFolder('mine/a/1.jpg'), inFolder('mine/b/2.jpg')]);
    await startTeaching();
    expect(storage.size).toBe(1);
    useAppStore.getState().reset(); // the page reloads: the store is new, localStorage is not
    await initTeach();
    expect(useAppStore.getState().teach.error?.code).toBe('interrupted');
    expect(useAppStore.getState().teach.status).toBe('error');
    expect(storage.size).toBe(0);
  });
});
