/**
 * Loading a user's model from a .zip (as Teach exports it): expanded before the worker sees it, a bad zip a model error.
 * And a model that loaded, then could not run (its warm-up failed in the worker): a model error too.
 */
import 'fake-indexeddb/auto';
import { strToU8, zipSync } from 'fflate';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientEvents } from '../inference/client.ts';
import type { ModelSource } from '../inference/protocol.ts';
import { loadCustomModel } from '../persistence/db.ts';
import { freshStoreAndDb, readyModel, testMetadata } from '../store/fixtures.test-helpers.ts';
import { useAppStore } from '../store/store.ts';
import { zipModelFiles } from '../teach/zip.ts';
import { loadCustomModelFiles } from './session.ts';

// The worker is replaced by a client that records what it was asked to load, accepts it, and keeps the page's event handlers.
const worker = vi.hoisted(() => ({ loads: [] as ModelSource[], events: undefined as ClientEvents | undefined }));
vi.mock('../inference/client.ts', () => ({
  InferenceClient: class {
    constructor(events: ClientEvents) {
      worker.events = events;
    }
    cancel(): void {}
    load(source: ModelSource) {
      worker.loads.push(source);
      return Promise.resolve({
        type: 'loaded',
        metadata: testMetadata,
        modelKey: 'T@1#z',
        backend: 'wasm',
        backendReason: 'measured',
        timings: [],
        numTensors: 3,
      });
    }
  },
}));

const loadedNames = () => {
  const last = worker.loads.at(-1);
  return last?.kind === 'files' ? last.files.map((f) => f.name).sort() : undefined;
};

const exportZip = () =>
  new File(
    [
      zipModelFiles(
        [
          { name: 'model.json', data: '{"modelTopology":{}}' },
          { name: 'group1-shard1of1.bin', data: new Uint8Array([1, 2, 3]) },
          { name: 'metadata.json', data: '{}' },
        ],
        'endolens-1.0.0',
      ),
    ],
    'endolens-1.0.0.zip',
    { type: 'application/zip' },
  );

beforeEach(() => {
  freshStoreAndDb();
  vi.stubGlobal('location', { search: '' }); // loadModel reads ?backend= from the page's address
  worker.loads.length = 0;
});

describe('loadCustomModelFiles', () => {
  it('loads the files inside a .zip and keeps those, not the zip, for the next start', async () => {
    expect(await loadCustomModelFiles([exportZip()])).toBe(true);
    expect(loadedNames()).toEqual(['group1-shard1of1.bin', 'metadata.json', 'model.json']);
    expect(useAppStore.getState().model).toMatchObject({ status: 'ready', source: 'custom', modelKey: 'T@1#z' });
    // Node's structured clone keeps a File's bytes but not its name (browsers keep both): compare contents.
    const kept = await Promise.all((await loadCustomModel())?.map((f) => f.text()) ?? []);
    const source = worker.loads[0];
    const loaded = source.kind === 'files' ? await Promise.all(source.files.map((f) => f.text())) : [];
    expect(kept).toHaveLength(3);
    expect(kept.sort()).toEqual(loaded.sort());
  });

  it('passes plain model files through unchanged', async () => {
    const files = [new File(['{}'], 'model.json'), new File([new Uint8Array(4)], 'group1-shard1of1.bin')];
    expect(await loadCustomModelFiles(files)).toBe(true);
    expect(worker.loads.at(-1)).toEqual({ kind: 'files', files });
  });

  it('turns a damaged zip into a model error with its reason, without asking the worker', async () => {
    readyModel();
    expect(await loadCustomModelFiles([new File(['not a zip'], 'model.zip')])).toBe(false);
    const model = useAppStore.getState().model;
    expect(model).toMatchObject({ status: 'error', source: 'custom', error: { kind: 'corrupt' } });
    expect(model.error?.message).toMatch(/model\.zip is not a readable \.zip file/);
    expect(worker.loads).toEqual([]);
  });

  it('reports a zip without model.json as missing files', async () => {
    const weightsOnly = new File([zipSync({ 'w/group1-shard1of1.bin': strToU8('x') })], 'weights.zip');
    expect(await loadCustomModelFiles([weightsOnly])).toBe(false);
    expect(useAppStore.getState().model.error?.kind).toBe('missing');
    expect(useAppStore.getState().model.error?.message).toMatch(/weights\.zip holds no model\.json/);
    expect(worker.loads).toEqual([]);
  });
});

describe('a model failing after it loaded', () => {
  it('shows the model error with the worker reason, for the model source that was loaded', async () => {
    expect(await loadCustomModelFiles([new File(['{}'], 'model.json')])).toBe(true);
    expect(useAppStore.getState().model.status).toBe('ready');
    worker.events?.onModelFailed({ type: 'load-error', kind: 'backend', message: 'the warm-up call failed: out of memory' });
    expect(useAppStore.getState().model).toMatchObject({
      status: 'error',
      source: 'custom',
      error: { kind: 'backend', message: 'the warm-up call failed: out of memory' },
    });
  });
});
