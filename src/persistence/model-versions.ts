/**
 * Models taught in the browser (Teach), kept in the app's IndexedDB store (./db.ts) so they survive a
 * reload: each version's summary and its files under their own keys, plus which version is loaded.
 * `clearSessionData` leaves all of it alone: clearing results must not throw away a trained model.
 */
import { get, getMany, keys, promisifyRequest, set } from 'idb-keyval';
import type { ModelVersionSummary } from '../store/teach-slice.ts';
import { db, write } from './db.ts';

/** A version as saved: model.json, group1-shard*.bin and metadata.json, as the model loader takes them. */
export interface StoredModelVersion {
  summary: ModelVersionSummary;
  files: File[];
}

/**
 * Files are stored as name + bytes, not as File: a structured clone of a File keeps its name in
 * browsers but not everywhere (Node's gives a plain Blob), and the loader needs the names.
 */
interface StoredFile {
  name: string;
  data: Blob;
}

const SUMMARY_PREFIX = 'mversion:';
const summaryKey = (id: string) => `${SUMMARY_PREFIX}${id}`;
const filesKey = (id: string) => `mvfiles:${id}`;

/**
 * Summary and files in one transaction, so a refused write (quota) leaves neither: the list never
 * shows a version whose files are missing. A put that throws at once aborts what was already queued.
 */
export function saveModelVersion(v: StoredModelVersion): Promise<void> {
  const files: StoredFile[] = v.files.map((f) => ({ name: f.name, data: f }));
  return write(
    db()('readwrite', (store) => {
      try {
        store.put(v.summary, summaryKey(v.summary.id));
        store.put(files, filesKey(v.summary.id));
      } catch (e) {
        store.transaction.abort();
        throw e;
      }
      return promisifyRequest(store.transaction);
    }),
  );
}

/** Every stored version, newest first. */
export async function listModelVersions(): Promise<ModelVersionSummary[]> {
  const all = await keys(db());
  const ids = all.filter((k): k is string => typeof k === 'string' && k.startsWith(SUMMARY_PREFIX));
  const summaries = (await getMany<ModelVersionSummary>(ids, db())).filter((s) => s !== undefined);
  // ISO dates sort as strings; the id breaks ties so the order is stable.
  return summaries.sort((a, b) => (a.createdAt === b.createdAt ? a.id.localeCompare(b.id) : a.createdAt < b.createdAt ? 1 : -1));
}

/** The version's files as Files again (undefined: no such version). */
export async function loadModelVersionFiles(id: string): Promise<File[] | undefined> {
  const stored = await get<StoredFile[]>(filesKey(id), db());
  return stored?.map((f) => new File([f.data], f.name, { type: f.data.type }));
}

/** Marks a candidate kept (or back); returns the updated summary, undefined when there is no such version. */
export async function updateModelVersionState(id: string, state: ModelVersionSummary['state']): Promise<ModelVersionSummary | undefined> {
  const summary = await get<ModelVersionSummary>(summaryKey(id), db());
  if (!summary) return undefined;
  const updated = { ...summary, state };
  await write(set(summaryKey(id), updated, db()));
  return updated;
}

/**
 * Removes the version's summary and files. Which version is active is not stored: it is the loaded
 * custom model's name and version (src/app/teach-session.ts), so nothing else needs forgetting.
 */
export function deleteModelVersion(id: string): Promise<void> {
  return write(
    db()('readwrite', (store) => {
      store.delete(summaryKey(id));
      store.delete(filesKey(id));
      return promisifyRequest(store.transaction);
    }),
  );
}
