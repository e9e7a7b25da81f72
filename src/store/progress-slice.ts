import type { StateCreator } from 'zustand';
import type { AppState } from './store.ts';
import type { Progress } from './types.ts';

export interface ProgressSlice {
  progress: Progress;
  startWork: (count: number) => void;
  finishWork: (count: number, numTensors: number) => void;
  setIdle: (numTensors: number) => void;
  setBaseline: (numTensors: number) => void;
  setLastGradCamMs: (ms: number) => void;
}

export const progressInitial = {
  progress: {
    total: 0,
    done: 0,
    startedAt: null,
    running: false,
    numTensors: null,
    baselineTensors: null,
    lastGradCamMs: null,
  } as Progress,
};

export const createProgressSlice: StateCreator<AppState, [], [], ProgressSlice> = (set) => ({
  ...progressInitial,
  startWork: (count) =>
    set((s) => {
      const p = s.progress;
      // A new drop while idle starts a new run; during a run it extends it.
      return p.running
        ? { progress: { ...p, total: p.total + count } }
        : { progress: { ...p, total: count, done: 0, startedAt: Date.now(), running: count > 0 } };
    }),
  finishWork: (count, numTensors) =>
    set((s) => ({ progress: { ...s.progress, done: Math.min(s.progress.total, s.progress.done + count), numTensors } })),
  setIdle: (numTensors) => set((s) => ({ progress: { ...s.progress, running: false, numTensors } })),
  setBaseline: (numTensors) => set((s) => ({ progress: { ...s.progress, baselineTensors: numTensors, numTensors } })),
  setLastGradCamMs: (ms) => set((s) => ({ progress: { ...s.progress, lastGradCamMs: ms } })),
});

/** Seconds left at the rate so far, or null before there is a rate. */
export function etaSeconds(p: Progress, now: number): number | null {
  if (!p.running || !p.startedAt || p.done === 0) return null;
  const perFrame = (now - p.startedAt) / p.done;
  return Math.max(0, Math.round(((p.total - p.done) * perFrame) / 1000));
}
