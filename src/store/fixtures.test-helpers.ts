/** Fixtures shared by the store's and the persistence's tests: a small valid model, queued frames, a fresh IndexedDB. */
import { IDBFactory } from 'fake-indexeddb';
import { validateMetadata } from '../core/metadata.ts';
import { resetDbHandle } from '../persistence/db.ts';
import { useAppStore } from './store.ts';
import type { FrameRecord } from './types.ts';

export const testMetadata = validateMetadata({
  format: 'endolens-model',
  formatVersion: 1,
  name: 'M',
  version: '1',
  createdAt: '2026-01-01',
  intendedUse: 'research',
  classes: ['0_normal', '2_polyps'],
  input: { size: 8 },
  backbone: { name: 'b', weights: 'w' },
  dataset: { name: 'd', description: 'd', counts: {} },
  lowConfidenceThreshold: 0.7,
});

/** A frame just dropped; `id` is `f<number>`, the number giving its order. */
export const queuedFrame = (id: string, fileName = `${id}.jpg`): FrameRecord => ({
  id,
  fileName,
  size: 10,
  addedAt: Number(id.slice(1)),
  status: 'queued',
  hasThumb: false,
});

export function readyModel(): void {
  useAppStore.getState().setModel({
    status: 'ready',
    source: 'embedded',
    metadata: testMetadata,
    modelKey: 'M@1#x',
    backend: 'wasm',
    backendReason: 'measured',
  });
}

/** An empty database and store for each test. */
export function freshStoreAndDb(): void {
  globalThis.indexedDB = new IDBFactory();
  resetDbHandle();
  useAppStore.getState().reset();
}
