import type { StateCreator } from 'zustand';
import type { StoragePersistence } from '../persistence/storage.ts';
import type { AppState } from './store.ts';

export interface StorageState {
  /** The browser's answer to navigator.storage.persist() at start; null: not asked yet, or no such API. */
  persistence: StoragePersistence;
  /** A write failed for lack of space: what was saved before is kept, newer changes live only in memory. */
  full: boolean;
}

export interface StorageSlice {
  storage: StorageState;
  setStoragePersistence: (persistence: StoragePersistence) => void;
  setStorageFull: (full: boolean) => void;
}

export const storageInitial = {
  storage: { persistence: null, full: false } as StorageState,
};

export const createStorageSlice: StateCreator<AppState, [], [], StorageSlice> = (set) => ({
  ...storageInitial,
  setStoragePersistence: (persistence) => set((s) => ({ storage: { ...s.storage, persistence } })),
  setStorageFull: (full) => set((s) => (s.storage.full === full ? s : { storage: { ...s.storage, full } })),
});
