/**
 * The videos' findings segments as CSV: a file of its own ("Export findings (CSV)"), one row per
 * segment, so a script reads one table with one header (the frames CSV has a column per class, the
 * findings file one per segment field). Same rules as csv.ts: RFC 4180, formula-looking text cells
 * neutralised, fixed English column names, dot decimals; times in seconds with 3 decimals.
 * A video without findings has no row.
 */
import type { SegmentParams } from '../../domain/video-segments.ts';
import { formatNumber, neutralizeFormula, quoteCsvField } from './csv.ts';
import { videoSegments, type VideoResult } from './video-results.ts';

export const FINDINGS_COLUMNS = [
  'video_file',
  'start_s',
  'end_s',
  'class',
  'mean_probability',
  'max_probability',
  'frames',
  'model_name',
  'model_version',
] as const;

const textCell = (v: string) => quoteCsvField(neutralizeFormula(v));
const seconds = (s: number) => (Number.isFinite(s) ? s.toFixed(3) : '');

export interface FindingsCsvOptions {
  /** The segment settings in force (Settings > Video). */
  params: SegmentParams;
  /** Start with a UTF-8 byte-order mark (Excel and accented names). Default true. */
  bom?: boolean;
}

export function findingsToCsv(videos: readonly VideoResult[], opts: FindingsCsvOptions): string {
  const rows = [FINDINGS_COLUMNS.join(',')];
  for (const video of videos) {
    for (const s of videoSegments(video, opts.params)) {
      rows.push(
        [
          textCell(video.fileName),
          seconds(s.start),
          seconds(s.end),
          textCell(s.className),
          formatNumber(s.meanProbability),
          formatNumber(s.maxProbability),
          String(s.frames),
          textCell(video.model.name),
          textCell(video.model.version),
        ].join(','),
      );
    }
  }
  return `${opts.bom === false ? '' : '\uFEFF'}${rows.join('\r\n')}\r\n`;
}
