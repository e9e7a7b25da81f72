/**
 * Findings segments of a video: stretches where a class other than normal holds, read from the
 * model's per-frame probabilities after smoothing. Plain data in, plain data out (no DOM, no tfjs),
 * so the timeline, the CSV, the session JSON and the report all read the same segments.
 *
 * Steps, per class other than normal:
 * 1. a centred moving average of the class's probability over `smoothingS` seconds of familiar
 *    frames (frames marked "unlike training images" carry no evidence and are left out);
 * 2. hysteresis: a segment opens where the average reaches `enter` and closes where it falls below
 *    `exit` (enter > exit, so a value hovering around one threshold does not flicker), or where no
 *    familiar frame was seen for longer than `smoothingS` (an unfamiliar stretch or a gap);
 * 3. segments shorter than `minDurationS` are dropped.
 */

export interface TimelinePoint {
  /** Presentation time of the frame, seconds from the start of the video. */
  t: number;
  /** Every class's probability, in the model's class order. */
  probabilities: readonly number[];
  /** The unfamiliar-frame check flagged it: its probabilities mean nothing. */
  unfamiliar?: boolean;
}

export interface SegmentParams {
  /** Width of the moving average, seconds. */
  smoothingS: number;
  /** Smoothed probability at which a segment opens. */
  enter: number;
  /** Smoothed probability below which it closes. */
  exit: number;
  /** Shorter segments are dropped, seconds. */
  minDurationS: number;
}

/** Defaults, justified in README ("Video: findings segments"). */
export const DEFAULT_SEGMENT_PARAMS: Readonly<SegmentParams> = { smoothingS: 1, enter: 0.6, exit: 0.4, minDurationS: 1 };

export interface Segment {
  classIndex: number;
  /** Seconds: the first frame's time, and the last frame's time plus one frame interval. */
  start: number;
  end: number;
  /** Of the class's raw (unsmoothed) probability over the segment's familiar frames. */
  meanProbability: number;
  maxProbability: number;
  frames: number;
}

/** The class clinicians read as "nothing found" ('0_normal', 'normal', ...); undefined when a model has none. */
export function normalClassIndex(classNames: readonly string[]): number | undefined {
  const i = classNames.findIndex((n) => /^(\d+[_-])?normal([_-]|$)/i.test(n));
  return i >= 0 ? i : undefined;
}

export function checkSegmentParams(p: SegmentParams): string | undefined {
  if (!(p.smoothingS >= 0)) return 'the smoothing window must be 0 s or more';
  if (!(p.minDurationS >= 0)) return 'the minimum duration must be 0 s or more';
  if (!(p.enter > 0 && p.enter <= 1)) return 'the opening threshold must be above 0 and at most 1';
  if (!(p.exit >= 0 && p.exit <= p.enter)) return 'the closing threshold must be between 0 and the opening threshold';
  return undefined;
}

/** The typical time between analysed frames (median), or 0 for fewer than two frames. */
export function frameInterval(points: readonly TimelinePoint[]): number {
  if (points.length < 2) return 0;
  const gaps = points
    .slice(1)
    .map((p, i) => p.t - points[i].t)
    .sort((a, b) => a - b);
  return gaps[Math.floor(gaps.length / 2)];
}

/** Centred moving average of class `c` over familiar points; NaN at unfamiliar points. Linear time. */
export function smoothClass(points: readonly TimelinePoint[], c: number, windowS: number): Float64Array {
  const out = new Float64Array(points.length).fill(NaN);
  const half = windowS / 2;
  let lo = 0;
  let hi = 0; // window = familiar points with index in [lo, hi)
  let sum = 0;
  let count = 0;
  for (let i = 0; i < points.length; i++) {
    const t = points[i].t;
    for (; hi < points.length && points[hi].t <= t + half; hi++) {
      if (!points[hi].unfamiliar) {
        sum += points[hi].probabilities[c];
        count++;
      }
    }
    for (; lo < hi && points[lo].t < t - half; lo++) {
      if (!points[lo].unfamiliar) {
        sum -= points[lo].probabilities[c];
        count--;
      }
    }
    if (!points[i].unfamiliar && count > 0) out[i] = sum / count;
  }
  return out;
}

/** Points must be in time order (as a video is analysed). */
export function findSegments(
  points: readonly TimelinePoint[],
  classCount: number,
  normalIndex: number | undefined,
  params: SegmentParams = DEFAULT_SEGMENT_PARAMS,
): Segment[] {
  const problem = checkSegmentParams(params);
  if (problem) throw new RangeError(`Segment settings: ${problem}.`);
  const interval = frameInterval(points);
  const maxGap = Math.max(params.smoothingS, interval * 1.5);
  const segments: Segment[] = [];
  for (let c = 0; c < classCount; c++) {
    if (c === normalIndex) continue;
    const smooth = smoothClass(points, c, params.smoothingS);
    let open: { first: number; last: number } | undefined;
    const close = () => {
      if (!open) return;
      const seg = summarise(points, c, open.first, open.last, interval);
      if (seg.end - seg.start >= params.minDurationS) segments.push(seg);
      open = undefined;
    };
    let lastFamiliarT = -Infinity;
    for (let i = 0; i < points.length; i++) {
      const s = smooth[i];
      if (Number.isNaN(s)) continue;
      if (open && points[i].t - lastFamiliarT > maxGap) close();
      lastFamiliarT = points[i].t;
      if (open) {
        if (s < params.exit) close();
        else open.last = i;
      } else if (s >= params.enter) {
        open = { first: i, last: i };
      }
    }
    close();
  }
  return segments.sort((a, b) => a.start - b.start || a.classIndex - b.classIndex);
}

function summarise(points: readonly TimelinePoint[], c: number, first: number, last: number, interval: number): Segment {
  let sum = 0;
  let max = 0;
  let frames = 0;
  for (let i = first; i <= last; i++) {
    if (points[i].unfamiliar) continue;
    const p = points[i].probabilities[c];
    sum += p;
    max = Math.max(max, p);
    frames++;
  }
  return {
    classIndex: c,
    start: points[first].t,
    end: points[last].t + interval,
    meanProbability: frames ? sum / frames : 0,
    maxProbability: max,
    frames,
  };
}
