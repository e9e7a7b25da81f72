/**
 * What the timeline draws: a 40-minute video holds 72 000 analysed frames, far more than a chart has
 * pixels, so frames are averaged into at most `buckets` points per class (min and max would hide
 * nothing more a clinician reads here: segments carry the peaks), and unfamiliar frames become
 * stretches shaded as such. Pure, so it is unit-tested.
 */
import type { TimelinePoint } from '../../domain/video-segments.ts';

export interface ChartRow {
  t: number;
  /** Class index -> mean probability of the bucket's familiar frames; absent when all were unfamiliar. */
  [classKey: `c${number}`]: number | undefined;
}

export const classKey = (c: number): `c${number}` => `c${c}`;

export function chartRows(points: readonly TimelinePoint[], classCount: number, buckets = 600): ChartRow[] {
  if (!points.length) return [];
  const span = points[points.length - 1].t - points[0].t;
  const width = points.length <= buckets || span <= 0 ? 0 : span / buckets;
  const rows: ChartRow[] = [];
  let i = 0;
  while (i < points.length) {
    const start = points[i].t;
    const sums = new Float64Array(classCount);
    let n = 0;
    let j = i;
    for (; j < points.length && (j === i || points[j].t < start + width); j++) {
      if (points[j].unfamiliar) continue;
      for (let c = 0; c < classCount; c++) sums[c] += points[j].probabilities[c];
      n++;
    }
    const row: ChartRow = { t: start };
    for (let c = 0; c < classCount; c++) row[classKey(c)] = n ? sums[c] / n : undefined;
    rows.push(row);
    i = j;
  }
  return rows;
}

/** Runs of unfamiliar frames as [start, end) seconds, ends one frame interval after the run's last frame. */
export function unfamiliarStretches(points: readonly TimelinePoint[], interval: number): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  let open: { start: number; end: number } | undefined;
  for (const p of points) {
    if (p.unfamiliar) {
      if (open) open.end = p.t + interval;
      else open = { start: p.t, end: p.t + interval };
    } else if (open) {
      out.push(open);
      open = undefined;
    }
  }
  if (open) out.push(open);
  return out;
}

/** "12:05.3" for a time in seconds (hours when the video is that long). */
export function formatTime(s: number): string {
  const sign = s < 0 ? '-' : '';
  const total = Math.abs(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = (total % 60).toFixed(1).padStart(4, '0');
  return h ? `${sign}${h}:${String(m).padStart(2, '0')}:${sec}` : `${sign}${m}:${sec}`;
}

/** File name of a frame saved from a video: the video's name and the time, e.g. "colon.mp4@00-01-05.320.png". */
export function savedFrameName(videoName: string, t: number): string {
  const ms = Math.round(t * 1000);
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const pad = (x: number, n = 2) => String(x).padStart(n, '0');
  return `${videoName}@${pad(h)}-${pad(m)}-${pad(s)}.${pad(ms % 1000, 3)}.png`;
}
