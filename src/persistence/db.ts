/**
 * IndexedDB through idb-keyval: the session (results), settings, thumbnails, the dropped frames
 * themselves (so unfinished work resumes after a reload), a loaded custom model and remembered
 * backend choices; taught model versions in ./model-versions.ts. One database, one object store, keys by prefix.
 */
import { createStore, del, delMany, get, getMany, keys, set, setMany, type UseStore } from 'idb-keyval';
import type { RememberedChoice } from '../inference/backend-choice.ts';
import type { FrameRecord, ModelInfo, Settings, ViewState } from '../store/types.ts';
import type { VideoRecord } from '../store/videos-slice.ts';
import type { StoredPoints } from './video-points.ts';
import { isQuotaExceeded } from './storage.ts';

export const DB_NAME = 'endolens';
const STORE_NAME = 'kv';

let store: UseStore | undefined;
/** The one store; exported for ./model-versions.ts, whose writes go through `write` too. */
export function db(): UseStore {
  store ??= createStore(DB_NAME, STORE_NAME);
  return store;
}

/** Tests open a fresh fake IndexedDB per case. */
export function resetDbHandle(): void {
  store = undefined;
}

/** The session's index; each frame record is stored under its own key so a change writes only that frame. */
export interface SessionIndex {
  version: 2;
  order: string[];
  modelInfos: Record<string, ModelInfo>;
}

export interface SettingsSnapshot {
  version: 1;
  settings: Settings;
  view: ViewState;
}

const SESSION = 'session';
const SETTINGS = 'settings';
const CUSTOM_MODEL = 'custom-model';
const thumbKey = (id: string) => `thumb:${id}`;
const fileKey = (id: string) => `file:${id}`;
/** Keyed by model source ('embedded' or 'custom'); the entry names the exact model it was measured for. */
const backendKey = (source: string) => `backend:${source}`;

const frameKey = (id: string) => `frame:${id}`;

const quotaListeners = new Set<() => void>();

/** Calls `listener` whenever a write is refused because the storage quota is full; returns the unsubscribe. */
export function onQuotaExceeded(listener: () => void): () => void {
  quotaListeners.add(listener);
  return () => void quotaListeners.delete(listener);
}

/** Every write goes through here, so a full quota is reported wherever it happens; the caller still gets the error. */
export function write(done: Promise<void>): Promise<void> {
  return done.catch((e: unknown) => {
    if (isQuotaExceeded(e)) quotaListeners.forEach((listener) => listener());
    throw e;
  });
}

export const saveSessionIndex = (s: SessionIndex) => write(set(SESSION, s, db()));
export const loadSessionIndex = () => get<SessionIndex>(SESSION, db());
export const saveFrameRecords = (frames: FrameRecord[]) =>
  write(
    setMany(
      frames.map((f) => [frameKey(f.id), f]),
      db(),
    ),
  );
export const deleteFrameRecords = (ids: string[]) => delMany(ids.map(frameKey), db());
export const loadFrameRecords = (ids: string[]) => getMany<FrameRecord>(ids.map(frameKey), db());
export const saveSettings = (s: SettingsSnapshot) => write(set(SETTINGS, s, db()));
export const loadSettings = () => get<SettingsSnapshot>(SETTINGS, db());

export const saveThumb = (id: string, blob: Blob) => write(set(thumbKey(id), blob, db()));
export const loadThumb = (id: string) => get<Blob>(thumbKey(id), db());

export const saveFiles = (entries: { id: string; file: Blob }[]) =>
  write(
    setMany(
      entries.map((e) => [fileKey(e.id), e.file]),
      db(),
    ),
  );
export const loadFiles = async (ids: string[]): Promise<(Blob | undefined)[]> => getMany<Blob>(ids.map(fileKey), db());

/** A user's model, kept so a reload comes back to it. */
export const saveCustomModel = (files: File[]) => write(set(CUSTOM_MODEL, files, db()));
export const loadCustomModel = () => get<File[]>(CUSTOM_MODEL, db());
export const clearCustomModel = () => del(CUSTOM_MODEL, db());

export const saveBackendChoice = (source: string, c: RememberedChoice) => write(set(backendKey(source), c, db()));
export const loadBackendChoice = (source: string) => get<RememberedChoice>(backendKey(source), db());

/** Videos: the list, each record, its analysed frames (compact) and the file itself, one key each. */
const VIDEO_INDEX = 'videos';
const videoKey = (id: string) => `video:${id}`;
const videoPointsKey = (id: string) => `vpoints:${id}`;
const videoFileKey = (id: string) => `vfile:${id}`;

export const saveVideoIndex = (order: string[]) => write(set(VIDEO_INDEX, { version: 1, order }, db()));
export const loadVideoIndex = () => get<{ version: 1; order: string[] }>(VIDEO_INDEX, db());
export const saveVideoRecord = (r: VideoRecord) => write(set(videoKey(r.id), r, db()));
export const loadVideoRecords = (ids: string[]) => getMany<VideoRecord>(ids.map(videoKey), db());
export const saveVideoPoints = (id: string, p: StoredPoints) => write(set(videoPointsKey(id), p, db()));
export const loadVideoPoints = (id: string) => get<StoredPoints>(videoPointsKey(id), db());
export const saveVideoFile = (id: string, file: Blob) => write(set(videoFileKey(id), file, db()));
export const loadVideoFile = (id: string) => get<Blob>(videoFileKey(id), db());

/** Removes every frame, video, thumbnail and result; keeps settings, models (taught versions too) and backend choices. */
export async function clearSessionData(): Promise<void> {
  const all = await keys(db());
  const doomed = all.filter(
    (k) => typeof k === 'string' && (k === SESSION || k === VIDEO_INDEX || /^(frame|thumb|file|video|vpoints|vfile):/.test(k)),
  );
  await delMany(doomed, db());
}
