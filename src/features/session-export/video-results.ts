/**
 * A session's videos as the exports see them: plain data the app maps its store to (no Files, no
 * store layout), and their findings segments. Segments are derived, never stored: every export reads
 * them from the timeline with the segment settings in force, exactly as the timeline view does, so
 * the CSV, the session file and the report agree with what the clinician saw.
 */
import { findSegments, normalClassIndex, type SegmentParams, type TimelinePoint } from '../../domain/video-segments.ts';
import type { SessionModelInfo } from './types.ts';

export const VIDEO_STATUSES = ['queued', 'running', 'paused', 'done', 'error', 'cancelled'] as const;
export type VideoStatusName = (typeof VIDEO_STATUSES)[number];

export interface VideoFileInfo {
  durationS: number;
  width: number;
  height: number;
  codec: string;
  downscaled: boolean;
}

export interface VideoResult {
  /** The app's video id (unique within a session; an import with the same id updates that video). */
  id: string;
  fileName: string;
  size: number;
  /** With name and size, recognises the same file dropped again. */
  lastModified: number;
  status: VideoStatusName;
  info?: VideoFileInfo;
  sampleFps: number;
  framesAnalysed: number;
  analysedUntilS: number;
  /** The model whose probabilities the timeline holds. */
  model: SessionModelInfo;
  backend?: string;
  truncated?: { atS: number; detail?: string };
  error?: { code: string; detail?: string };
  /** Analysed frames in time order. */
  points: readonly TimelinePoint[];
}

/** A findings segment with its class named (exports outlive class orders). */
export interface NamedSegment {
  className: string;
  start: number;
  end: number;
  meanProbability: number;
  maxProbability: number;
  frames: number;
}

/** The video's findings segments as the timeline shows them. */
export function videoSegments(video: Pick<VideoResult, 'model' | 'points'>, params: SegmentParams): NamedSegment[] {
  const { classes } = video.model;
  return findSegments(video.points, classes.length, normalClassIndex(classes), params).map((s) => ({
    className: classes[s.classIndex],
    start: s.start,
    end: s.end,
    meanProbability: s.meanProbability,
    maxProbability: s.maxProbability,
    frames: s.frames,
  }));
}
