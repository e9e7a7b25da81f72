import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ModelVersionSummary } from '../store/teach-slice.ts';
import { clearSessionData, loadSessionIndex, onQuotaExceeded, resetDbHandle, saveSessionIndex, saveThumb } from './db.ts';
import {
  deleteModelVersion,
  listModelVersions,
  loadModelVersionFiles,
  saveModelVersion,
  updateModelVersionState,
} from './model-versions.ts';

const summary = (id: string, createdAt: string): ModelVersionSummary => ({
  id,
  createdAt,
  name: `Taught ${id}`,
  version: '1.0.0',
  classes: ['0_normal', '2_polyps'],
  state: 'candidate',
  heldOutMacroF1: 0.8,
  baseName: 'EndoLens',
});

const modelFiles = (tag: string) => [
  new File([JSON.stringify({ tag })], 'model.json', { type: 'application/json' }),
  new File([new Uint8Array([1, 2, 3, tag.length])], 'group1-shard1of1.bin', { type: 'application/octet-stream' }),
  new File([`{"name":"${tag}"}`], 'metadata.json', { type: 'application/json' }),
];

beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  resetDbHandle();
});
afterEach(() => vi.restoreAllMocks());

describe('model versions in IndexedDB', () => {
  it('lists versions newest first and gives back each one its own files, names, bytes and types', async () => {
    await saveModelVersion({ summary: summary('a', '2026-03-01T10:00:00.000Z'), files: modelFiles('a') });
    await saveModelVersion({ summary: summary('c', '2026-03-03T10:00:00.000Z'), files: modelFiles('c') });
    await saveModelVersion({ summary: summary('b', '2026-03-02T10:00:00.000Z'), files: modelFiles('bb') });

    expect((await listModelVersions()).map((v) => v.id)).toEqual(['c', 'b', 'a']);
    expect((await listModelVersions())[1]).toEqual(summary('b', '2026-03-02T10:00:00.000Z'));

    const files = await loadModelVersionFiles('b');
    expect(files?.map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin', 'metadata.json']);
    expect(files?.every((f) => f instanceof File)).toBe(true);
    expect(JSON.parse(await files![0].text())).toEqual({ tag: 'bb' });
    expect([...new Uint8Array(await files![1].arrayBuffer())]).toEqual([1, 2, 3, 2]);
    expect(files?.map((f) => f.type)).toEqual(['application/json', 'application/octet-stream', 'application/json']);
    expect(await loadModelVersionFiles('missing')).toBeUndefined();
  });

  it('lists only versions, whatever else the store holds', async () => {
    await saveSessionIndex({ version: 2, order: ['f1'], modelInfos: {} });
    await saveModelVersion({ summary: summary('a', '2026-03-01T10:00:00.000Z'), files: modelFiles('a') });
    expect((await listModelVersions()).map((v) => v.id)).toEqual(['a']);
  });

  it('updates the state of a stored version and creates nothing for an unknown one', async () => {
    await saveModelVersion({ summary: summary('a', '2026-03-01T10:00:00.000Z'), files: modelFiles('a') });
    expect(await updateModelVersionState('a', 'kept')).toMatchObject({ id: 'a', state: 'kept' });
    expect((await listModelVersions())[0].state).toBe('kept');
    expect(await updateModelVersionState('nope', 'kept')).toBeUndefined();
    expect((await listModelVersions()).map((v) => v.id)).toEqual(['a']);
  });

  it('deletes a version with its files, and only that one', async () => {
    await saveModelVersion({ summary: summary('a', '2026-03-01T10:00:00.000Z'), files: modelFiles('a') });
    await saveModelVersion({ summary: summary('b', '2026-03-02T10:00:00.000Z'), files: modelFiles('b') });

    await deleteModelVersion('b');
    expect((await listModelVersions()).map((v) => v.id)).toEqual(['a']);
    expect(await loadModelVersionFiles('b')).toBeUndefined();
    expect(await loadModelVersionFiles('a')).toHaveLength(3);

    await deleteModelVersion('a');
    expect(await listModelVersions()).toEqual([]);
  });

  it('survives clearing the session', async () => {
    await saveModelVersion({ summary: summary('a', '2026-03-01T10:00:00.000Z'), files: modelFiles('a') });
    await saveSessionIndex({ version: 2, order: ['f1'], modelInfos: {} });
    await saveThumb('f1', new Blob(['t']));

    await clearSessionData();
    expect(await loadSessionIndex()).toBeUndefined();
    expect((await listModelVersions()).map((v) => v.id)).toEqual(['a']);
    expect(await loadModelVersionFiles('a')).toHaveLength(3);
  });

  it('leaves no summary behind when the files are refused for quota, and reports the full quota', async () => {
    await saveModelVersion({ summary: summary('old', '2026-03-01T10:00:00.000Z'), files: modelFiles('old') });
    // eslint-disable-next-line @typescript-eslint/unbound-method -- always called with .call(this) below
    const put = IDBObjectStore.prototype.put;
    // The files are the big write: refuse them as a full disk does, after the summary was queued.
    vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(function (this: IDBObjectStore, value: unknown, key?: IDBValidKey) {
      if (typeof key === 'string' && key.startsWith('mvfiles:'))
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      return put.call(this, value, key);
    });
    const full = vi.fn();
    const unsubscribe = onQuotaExceeded(full);

    await expect(saveModelVersion({ summary: summary('new', '2026-03-02T10:00:00.000Z'), files: modelFiles('new') })).rejects.toMatchObject(
      {
        name: 'QuotaExceededError',
      },
    );
    unsubscribe();
    expect(full).toHaveBeenCalledTimes(1);
    vi.restoreAllMocks();
    expect((await listModelVersions()).map((v) => v.id)).toEqual(['old']);
    expect(await loadModelVersionFiles('new')).toBeUndefined();
    expect(await loadModelVersionFiles('old')).toHaveLength(3);
  });
});
