/**
 * The browser's storage for this origin: ask once that it be persistent (so the browser does not
 * evict a session when the disk runs low), and recognise a full quota among IndexedDB's errors.
 */

/** What the browser says about keeping this origin's data: `null` where it has no StorageManager.persist. */
export type StoragePersistence = 'persistent' | 'best-effort' | null;

/** Asks for persistent storage unless already granted; never throws (the answer is only shown, never required). */
export async function requestPersistentStorage(
  storage: StorageManager | undefined = globalThis.navigator?.storage,
): Promise<StoragePersistence> {
  if (typeof storage?.persist !== 'function') return null;
  try {
    const granted = (typeof storage.persisted === 'function' && (await storage.persisted())) || (await storage.persist());
    return granted ? 'persistent' : 'best-effort';
  } catch {
    return null;
  }
}

/** A write refused because the origin's quota is used up (IndexedDB aborts the transaction with this DOMException). */
export function isQuotaExceeded(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'QuotaExceededError';
}
