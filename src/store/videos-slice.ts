import type { StateCreator } from 'zustand';
import type { TimelinePoint } from '../domain/video-segments.ts';
import type { VideoErrorCode, VideoInfo } from '../inference/video-protocol.ts';
import type { AppState } from './store.ts';

/** `paused`: the user paused it; `cancelled`: stopped, resumable from where it stopped. */
export type VideoStatus = 'queued' | 'running' | 'paused' | 'done' | 'error' | 'cancelled';

export interface VideoRecord {
  id: string;
  fileName: string;
  size: number;
  /** With size and name, recognises the same file dropped again (re-attached instead of analysed again). */
  lastModified: number;
  addedAt: number;
  status: VideoStatus;
  info?: VideoInfo;
  /** Frames per second analysed at most (Settings, when it was added). */
  sampleFps: number;
  framesAnalysed: number;
  /** Time of the last analysed frame, seconds; analysis resumes after it. */
  analysedUntilS: number;
  /** The model(s) whose probabilities the timeline holds (key into modelInfos), and the backend. */
  modelKey?: string;
  backend?: string;
  error?: { code: VideoErrorCode | 'interrupted'; detail?: string };
  /** The file broke there: analysed up to it. */
  truncated?: { atS: number; detail?: string };
  /** The video itself is in IndexedDB (false: the quota refused it, or it came from a session file; drop it again to play it). */
  fileStored: boolean;
  /**
   * Milliseconds per analysed frame by stage, over the last run (the benchmark reads them):
   * waiting on the decoder, drawing + preprocessing, scoring (inference worker round trip), storing.
   */
  stageMs?: { decode: number; preprocess: number; inference: number; ui: number; frames: number };
  /** Wall-clock start of the current run and the frames analysed before it (for the ETA). */
  runStartedAt?: number;
  runStartS?: number;
}

export interface VideosSlice {
  videos: Record<string, VideoRecord>;
  videoOrder: string[];
  /**
   * Each video's analysed frames, as the batches came (chunks: appending one copies the chunk list,
   * never the points, so a 40-minute video does not cost quadratic time).
   */
  videoPoints: Record<string, readonly (readonly TimelinePoint[])[]>;
  addVideos: (records: VideoRecord[], points?: Record<string, TimelinePoint[]>) => void;
  updateVideo: (id: string, patch: Partial<VideoRecord>) => void;
  appendVideoPoints: (id: string, points: TimelinePoint[], patch: Partial<VideoRecord>) => void;
  removeAllVideos: () => void;
}

export const videosInitial = {
  videos: {} as Record<string, VideoRecord>,
  videoOrder: [] as string[],
  videoPoints: {} as Record<string, readonly (readonly TimelinePoint[])[]>,
};

export const createVideosSlice: StateCreator<AppState, [], [], VideosSlice> = (set) => ({
  ...videosInitial,
  addVideos: (records, points = {}) =>
    set((s) => {
      const videos = { ...s.videos };
      const videoPoints = { ...s.videoPoints };
      for (const r of records) {
        videos[r.id] = r;
        videoPoints[r.id] = points[r.id]?.length ? [points[r.id]] : (s.videoPoints[r.id] ?? []);
      }
      return { videos, videoPoints, videoOrder: [...s.videoOrder, ...records.map((r) => r.id).filter((id) => !s.videos[id])] };
    }),
  updateVideo: (id, patch) => set((s) => (s.videos[id] ? { videos: { ...s.videos, [id]: { ...s.videos[id], ...patch } } } : s)),
  appendVideoPoints: (id, points, patch) =>
    set((s) => {
      const prev = s.videos[id];
      if (!prev) return s;
      return {
        videos: { ...s.videos, [id]: { ...prev, ...patch } },
        videoPoints: { ...s.videoPoints, [id]: [...(s.videoPoints[id] ?? []), points] },
      };
    }),
  removeAllVideos: () => set({ ...videosInitial }),
});

/** A video's analysed frames in time order, as one array. */
export function flatPoints(chunks: readonly (readonly TimelinePoint[])[] | undefined): TimelinePoint[] {
  return chunks ? chunks.flat() : [];
}
