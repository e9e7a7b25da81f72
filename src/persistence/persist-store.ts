/**
 * Keeps the store and IndexedDB in step: hydrate once at start, then write every change almost at
 * once (changes made in the same tick are written together), so a reload or a crash right after a
 * result loses nothing. Frames are stored one key each and only changed frames are written, so a
 * session of 1000 frames costs no more per update than a session of 10.
 */
import { useAppStore, type AppState } from '../store/store.ts';
import type { FrameRecord } from '../store/types.ts';
import {
  deleteFrameRecords,
  loadFrameRecords,
  loadSessionIndex,
  loadSettings,
  onQuotaExceeded,
  saveFrameRecords,
  saveSessionIndex,
  saveSettings,
} from './db.ts';
import { isQuotaExceeded } from './storage.ts';

export const SAVE_DELAY_MS = 0;

export async function hydrate(): Promise<void> {
  const [index, settings] = await Promise.all([loadSessionIndex(), loadSettings()]);
  const patch: Partial<AppState> = {};
  if (index?.version === 2) {
    const records = await loadFrameRecords(index.order);
    const frames: Record<string, FrameRecord> = {};
    records.forEach((f) => {
      if (f) frames[f.id] = f;
    });
    // Frames still 'queued' go back to the worker after the model loads (their files are kept too).
    Object.assign(patch, { frames, order: index.order.filter((id) => frames[id]), modelInfos: index.modelInfos });
  }
  if (settings?.version === 1) {
    const s = useAppStore.getState();
    Object.assign(patch, { settings: { ...s.settings, ...settings.settings }, view: { ...s.view, ...settings.view } });
  }
  useAppStore.setState(patch);
}

/** Starts saving; `stop()` unsubscribes and flushes, `flush()` writes what is pending now. */
export function startPersisting(delayMs = SAVE_DELAY_MS): { stop(): Promise<void>; flush(): Promise<void> } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let saved = useAppStore.getState().frames; // what IndexedDB holds (after hydrate)
  let indexDirty = false;
  let framesDirty = false;
  let settingsDirty = false;
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const s = useAppStore.getState();
    const jobs: Promise<void>[] = [];
    const attempt = { saved, framesDirty, indexDirty, settingsDirty };
    if (framesDirty) {
      const changed = Object.values(s.frames).filter((f) => saved[f.id] !== f);
      const removed = Object.keys(saved).filter((id) => !s.frames[id]);
      if (changed.length) jobs.push(saveFrameRecords(changed));
      if (removed.length) jobs.push(deleteFrameRecords(removed));
      saved = s.frames;
    }
    if (indexDirty) jobs.push(saveSessionIndex({ version: 2, order: s.order, modelInfos: s.modelInfos }));
    if (settingsDirty) jobs.push(saveSettings({ version: 1, settings: s.settings, view: s.view }));
    framesDirty = indexDirty = settingsDirty = false;
    writing = writing
      .then(() => Promise.all(jobs))
      .then(
        () => undefined,
        (e: unknown) => {
          console.error('Could not save the session', e);
          if (!isQuotaExceeded(e)) return;
          // Storage full: what IndexedDB holds stays as it is, and these changes are written again with the next flush.
          saved = attempt.saved;
          framesDirty ||= attempt.framesDirty;
          indexDirty ||= attempt.indexDirty;
          settingsDirty ||= attempt.settingsDirty;
        },
      );
    return writing;
  };

  // The user is told once storage is full (any write: results, frames, thumbnails); the session goes on in memory.
  const unwatchQuota = onQuotaExceeded(() => useAppStore.getState().setStorageFull(true));

  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (s.frames !== prev.frames) framesDirty = true;
    if (s.order !== prev.order || s.modelInfos !== prev.modelInfos) indexDirty = true;
    if (s.settings !== prev.settings || s.view !== prev.view) settingsDirty = true;
    if ((framesDirty || indexDirty || settingsDirty) && !timer) timer = setTimeout(() => void flush(), delayMs);
  });

  const onHide = () => {
    if (document.visibilityState === 'hidden') void flush();
  };
  if (typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', onHide);
  }

  return {
    flush,
    stop: async () => {
      unsubscribe();
      unwatchQuota();
      if (typeof document !== 'undefined') {
        document.removeEventListener('visibilitychange', onHide);
        window.removeEventListener('pagehide', onHide);
      }
      await flush();
    },
  };
}
