/**
 * Keeps the store and IndexedDB in step: hydrate once at start, then write the session and the
 * settings shortly after each change (batched), and at once when the page is hidden.
 */
import { useAppStore, type AppState } from '../store/store.ts';
import type { FrameRecord } from '../store/types.ts';
import { loadSession, loadSettings, saveSession, saveSettings } from './db.ts';

export const SAVE_DELAY_MS = 250;

export async function hydrate(): Promise<void> {
  const [session, settings] = await Promise.all([loadSession(), loadSettings()]);
  const patch: Partial<AppState> = {};
  if (session?.version === 1) {
    // Frames a reload interrupted go back to the queue (their files are in IndexedDB too).
    const frames: Record<string, FrameRecord> = {};
    for (const [id, f] of Object.entries(session.frames)) frames[id] = f;
    Object.assign(patch, { frames, order: session.order.filter((id) => frames[id]), modelInfos: session.modelInfos });
  }
  if (settings?.version === 1) Object.assign(patch, { settings: { ...useAppStore.getState().settings, ...settings.settings }, view: { ...useAppStore.getState().view, ...settings.view } });
  useAppStore.setState(patch);
}

/** Starts saving; returns a function that stops it and flushes. */
export function startPersisting(delayMs = SAVE_DELAY_MS): { stop(): Promise<void>; flush(): Promise<void> } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let sessionDirty = false;
  let settingsDirty = false;
  let writing: Promise<void> = Promise.resolve();

  const flush = (): Promise<void> => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    const s = useAppStore.getState();
    const jobs: Promise<void>[] = [];
    if (sessionDirty) jobs.push(saveSession({ version: 1, frames: s.frames, order: s.order, modelInfos: s.modelInfos }));
    if (settingsDirty) jobs.push(saveSettings({ version: 1, settings: s.settings, view: s.view }));
    sessionDirty = settingsDirty = false;
    writing = writing.then(() => Promise.all(jobs)).then(() => undefined);
    return writing;
  };

  const unsubscribe = useAppStore.subscribe((s, prev) => {
    if (s.frames !== prev.frames || s.order !== prev.order || s.modelInfos !== prev.modelInfos) sessionDirty = true;
    if (s.settings !== prev.settings || s.view !== prev.view) settingsDirty = true;
    // Settings change rarely and by hand: write them at once. Results arrive in bursts: batch them.
    if (settingsDirty) void flush();
    else if (sessionDirty && !timer) timer = setTimeout(() => void flush(), delayMs);
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
      if (typeof document !== 'undefined') {
        document.removeEventListener('visibilitychange', onHide);
        window.removeEventListener('pagehide', onHide);
      }
      await flush();
    },
  };
}
