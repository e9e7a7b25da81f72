import type { StateCreator } from 'zustand';
import type { FrameOutcome } from '../inference/protocol.ts';
import type { AppState } from './store.ts';
import type { ReviewMap } from '../domain/review.ts';
import type { FrameRecord, ModelInfo } from './types.ts';

export interface FramesSlice {
  frames: Record<string, FrameRecord>;
  order: string[];
  addFrames: (records: FrameRecord[]) => void;
  applyOutcomes: (outcomes: FrameOutcome[], modelKey: string, backend?: string) => void;
  /** Writes a whole review map (as the review workspace hands it back) onto the frame records. */
  setReviews: (next: ReviewMap) => void;
  /** Adds imported frames, updating those with the same id (merge; see importSession in app/session.ts). */
  importFrames: (records: FrameRecord[], info: ModelInfo) => void;
  /** Frames whose original file was stored again (re-attached). */
  markImagesAttached: (ids: string[]) => void;
  setFrameStatus: (ids: string[], status: FrameRecord['status']) => void;
  setThumbs: (ids: string[]) => void;
  removeAllFrames: () => void;
}

export const framesInitial = { frames: {} as Record<string, FrameRecord>, order: [] as string[] };

function argmax(xs: number[]): number {
  let best = 0;
  for (let i = 1; i < xs.length; i++) if (xs[i] > xs[best]) best = i;
  return best;
}

export const createFramesSlice: StateCreator<AppState, [], [], FramesSlice> = (set) => ({
  ...framesInitial,
  addFrames: (records) =>
    set((s) => {
      const frames = { ...s.frames };
      for (const r of records) frames[r.id] = r;
      return { frames, order: [...s.order, ...records.map((r) => r.id).filter((id) => !s.frames[id])] };
    }),
  // One store update per worker batch, however many frames it holds.
  applyOutcomes: (outcomes, modelKey, backend) =>
    set((s) => {
      const frames = { ...s.frames };
      const now = Date.now();
      for (const o of outcomes) {
        const prev = frames[o.id];
        if (!prev) continue;
        if (o.ok) {
          const predictedIndex = argmax(o.probabilities);
          // A previous result's check must not outlive it (e.g. re-run with a model without one).
          const { familiarityDistance: _d, unfamiliar: _u, ...rest } = prev;
          frames[o.id] = {
            ...rest,
            status: 'done',
            modelKey,
            probabilities: o.probabilities,
            predictedIndex,
            confidence: o.probabilities[predictedIndex],
            width: o.width,
            height: o.height,
            downscaled: o.downscaled,
            error: undefined,
            classifiedAt: now,
            backend,
            ...(o.unfamiliar !== undefined && { unfamiliar: o.unfamiliar, familiarityDistance: o.familiarityDistance }),
          };
        } else {
          frames[o.id] = { ...prev, status: 'error', error: { code: o.code, detail: o.detail }, classifiedAt: now };
        }
      }
      return { frames };
    }),
  setFrameStatus: (ids, status) =>
    set((s) => {
      const frames = { ...s.frames };
      for (const id of ids) if (frames[id]) frames[id] = { ...frames[id], status };
      return { frames };
    }),
  setThumbs: (ids) =>
    set((s) => {
      const frames = { ...s.frames };
      for (const id of ids) if (frames[id]) frames[id] = { ...frames[id], hasThumb: true };
      return { frames };
    }),
  setReviews: (next) =>
    set((s) => {
      let frames: Record<string, FrameRecord> | undefined;
      for (const id of s.order) {
        const f = s.frames[id];
        if (!f || f.review === next[id]) continue;
        frames ??= { ...s.frames };
        const { review: _old, ...rest } = f;
        frames[id] = next[id] ? { ...rest, review: next[id] } : rest;
      }
      return frames ? { frames } : {};
    }),
  importFrames: (records, info) =>
    set((s) => {
      const frames = { ...s.frames };
      for (const r of records) frames[r.id] = r;
      return {
        frames,
        order: [...s.order, ...records.map((r) => r.id).filter((id) => !s.frames[id])],
        modelInfos: s.modelInfos[info.modelKey] ? s.modelInfos : { ...s.modelInfos, [info.modelKey]: info },
      };
    }),
  markImagesAttached: (ids) =>
    set((s) => {
      const frames = { ...s.frames };
      for (const id of ids) if (frames[id]) frames[id] = { ...frames[id], imageMissing: false };
      return { frames };
    }),
  removeAllFrames: () => set({ ...framesInitial }),
});
