import 'fake-indexeddb/auto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { useAppStore } from '../store/store.ts';
import { freshStoreAndDb, queuedFrame as frame, readyModel } from '../store/fixtures.test-helpers.ts';
import { loadFrameRecords, loadSessionIndex, loadThumb, saveThumb } from './db.ts';
import { startPersisting } from './persist-store.ts';
import { isQuotaExceeded, requestPersistentStorage } from './storage.ts';

const result = (id: string) => ({ id, ok: true as const, probabilities: [0.2, 0.8], width: 4, height: 4, downscaled: false });
const quotaError = () => new DOMException('The quota has been exceeded.', 'QuotaExceededError');

/** From here on IndexedDB refuses every write as a full disk makes it (the put throws QuotaExceededError). */
const fillTheDisk = () =>
  vi.spyOn(IDBObjectStore.prototype, 'put').mockImplementation(() => {
    throw quotaError();
  });

beforeEach(() => {
  freshStoreAndDb();
  readyModel();
  vi.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(() => vi.restoreAllMocks());

describe('requestPersistentStorage', () => {
  const manager = (persisted: boolean, grant: boolean | Error) => ({
    persisted: vi.fn(() => Promise.resolve(persisted)),
    persist: vi.fn(() => (grant instanceof Error ? Promise.reject(grant) : Promise.resolve(grant))),
  });

  it('asks the browser once, unless storage is already persistent, and reports the answer', async () => {
    const granted = manager(false, true);
    expect(await requestPersistentStorage(granted as unknown as StorageManager)).toBe('persistent');
    expect(granted.persist).toHaveBeenCalledTimes(1);
    const already = manager(true, true);
    expect(await requestPersistentStorage(already as unknown as StorageManager)).toBe('persistent');
    expect(already.persist).not.toHaveBeenCalled();
    expect(await requestPersistentStorage(manager(false, false) as unknown as StorageManager)).toBe('best-effort');
  });

  it('answers null where the browser has no persist() or it fails', async () => {
    expect(await requestPersistentStorage(undefined)).toBeNull();
    expect(await requestPersistentStorage({} as StorageManager)).toBeNull();
    expect(await requestPersistentStorage(manager(false, new Error('no')) as unknown as StorageManager)).toBeNull();
  });
});

describe('a full storage quota', () => {
  it('recognises QuotaExceededError only', () => {
    expect(isQuotaExceeded(quotaError())).toBe(true);
    expect(isQuotaExceeded(new DOMException('aborted', 'AbortError'))).toBe(false);
    expect(isQuotaExceeded(new Error('QuotaExceededError'))).toBe(false);
    expect(isQuotaExceeded(undefined)).toBe(false);
  });

  it('tells the user, deletes nothing already stored, keeps the session in memory, and writes what was missed once there is room', async () => {
    const p = startPersisting();
    const s = () => useAppStore.getState();
    s().addFrames([frame('f1')]);
    s().applyOutcomes([result('f1')], 'M@1#x');
    await p.flush();
    const [stored] = await loadFrameRecords(['f1']);
    expect(stored).toMatchObject({ id: 'f1', status: 'done' });

    const put = fillTheDisk();
    s().addFrames([frame('f2')]);
    s().applyOutcomes([result('f2')], 'M@1#x');
    await p.flush();
    expect(put).toHaveBeenCalled();
    expect(s().storage.full, 'the user is told').toBe(true);
    expect(s().order, 'the session in memory').toEqual(['f1', 'f2']);
    expect(s().frames.f2).toMatchObject({ status: 'done', confidence: 0.8 });
    expect(await loadFrameRecords(['f1', 'f2']), 'what was stored is kept').toEqual([stored, undefined]);
    expect((await loadSessionIndex())?.order).toEqual(['f1']);

    put.mockRestore(); // room again: the next change writes f2 as well
    s().addFrames([frame('f3')]);
    await p.flush();
    expect(await loadFrameRecords(['f1', 'f2', 'f3'])).toEqual([stored, s().frames.f2, s().frames.f3]);
    expect((await loadSessionIndex())?.order).toEqual(['f1', 'f2', 'f3']);
    await p.stop();
  });

  it('a thumbnail (or frame file) refused for lack of space tells the user too', async () => {
    const p = startPersisting();
    fillTheDisk();
    await expect(saveThumb('f1', new Blob(['jpeg']))).rejects.toThrow(/quota/);
    expect(useAppStore.getState().storage.full).toBe(true);
    vi.restoreAllMocks();
    expect(await loadThumb('f1')).toBeUndefined();
    await p.stop();
  });
});
