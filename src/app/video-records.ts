/**
 * Between the store's video records and session-export's VideoResult (findings CSV, session JSON,
 * report). Pure functions, like session-records.ts for frames.
 */
import type { VideoResult } from '../features/session-export/video-results.ts';
import type { TimelinePoint } from '../domain/video-segments.ts';
import type { ModelInfo } from '../store/types.ts';
import { flatPoints, type VideoRecord, type VideoStatus } from '../store/videos-slice.ts';
import { sessionModelInfo } from './session-records.ts';

/** Videos with a model (at least one batch analysed), in session order; the others have nothing to export yet. */
export function toVideoResults(
  order: readonly string[],
  videos: Record<string, VideoRecord>,
  points: Record<string, readonly (readonly TimelinePoint[])[]>,
  infos: Record<string, ModelInfo>,
): VideoResult[] {
  const out: VideoResult[] = [];
  for (const id of order) {
    const r = videos[id];
    const info = r?.modelKey ? infos[r.modelKey] : undefined;
    if (!r || !info) continue;
    const v: VideoResult = {
      id: r.id,
      fileName: r.fileName,
      size: r.size,
      lastModified: r.lastModified,
      status: r.status,
      sampleFps: r.sampleFps,
      framesAnalysed: r.framesAnalysed,
      analysedUntilS: r.analysedUntilS,
      model: sessionModelInfo(info),
      points: flatPoints(points[id]),
    };
    if (r.info) v.info = { ...r.info };
    if (r.backend) v.backend = r.backend;
    if (r.truncated) v.truncated = { ...r.truncated };
    if (r.error) v.error = { ...r.error };
    out.push(v);
  }
  return out;
}

type ErrorCode = NonNullable<VideoRecord['error']>['code'];
const ERROR_CODES = [
  'empty',
  'not-video',
  'no-video-track',
  'codec-unsupported',
  'decode-failed',
  'interrupted',
] as const satisfies readonly ErrorCode[];

const TERMINAL: readonly VideoStatus[] = ['done', 'error', 'cancelled'];

/** A video being analysed here (or waiting to be) keeps its own results: an import would race its analysis. */
export function isBusy(r: VideoRecord | undefined): boolean {
  return r !== undefined && !TERMINAL.includes(r.status);
}

/**
 * The record of an imported video. Without its file it cannot be analysed further, so a run that
 * was still going when exported comes in stopped (`cancelled`: dropping the same file resumes it).
 * An existing record (same id) keeps what is local to this browser: when it was added, whether the
 * file is stored here.
 */
export function videoRecordFromImport(v: VideoResult, info: ModelInfo, existing: VideoRecord | undefined, now: number): VideoRecord {
  const status: VideoStatus = TERMINAL.includes(v.status) ? v.status : 'cancelled';
  const record: VideoRecord = {
    id: v.id,
    fileName: v.fileName,
    size: v.size,
    lastModified: v.lastModified,
    addedAt: existing?.addedAt ?? now,
    status,
    sampleFps: v.sampleFps,
    framesAnalysed: v.framesAnalysed,
    analysedUntilS: v.analysedUntilS,
    modelKey: info.modelKey,
    fileStored: existing?.fileStored ?? false,
  };
  if (v.info) record.info = { ...v.info };
  if (v.backend) record.backend = v.backend;
  if (v.truncated) record.truncated = { ...v.truncated };
  if (v.error) {
    // A code this app does not know (a newer app's) still reads as a failure, its detail kept.
    const code = ERROR_CODES.find((c) => c === v.error?.code) ?? 'decode-failed';
    record.error = { code, detail: v.error.detail ?? (code === v.error.code ? undefined : v.error.code) };
  }
  return record;
}
