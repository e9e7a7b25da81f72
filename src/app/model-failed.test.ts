/** A model that loaded and then could not run (its warm-up failed in the worker) becomes a model error on the page. */
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClientEvents } from '../inference/client.ts';
import { freshStoreAndDb, testMetadata } from '../store/fixtures.test-helpers.ts';
import { useAppStore } from '../store/store.ts';
import { loadCustomModelFiles } from './session.ts';

// The worker is replaced by a client that accepts every load and keeps the page's event handlers.
const worker = vi.hoisted(() => ({ events: undefined as ClientEvents | undefined }));
vi.mock('../inference/client.ts', () => ({
  InferenceClient: class {
    constructor(events: ClientEvents) {
      worker.events = events;
    }
    cancel(): void {}
    load() {
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

beforeEach(() => {
  freshStoreAndDb();
  vi.stubGlobal('location', { search: '' });
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
