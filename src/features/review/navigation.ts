/** Moving between frames during review: plain functions over the list the results view shows. */
import { confidenceLevel } from '../../domain/confidence.ts';
import type { ConfidenceLevel, ConfidenceThresholds, ReviewableFrame } from '../../domain/review.ts';

/**
 * Index of the next frame after `current` (before it, with direction -1) that satisfies `pred`,
 * wrapping around the list; -1 when none does. `current` -1 means "start from the top".
 */
export function findNext<T>(frames: readonly T[], current: number, direction: 1 | -1, pred: (f: T) => boolean): number {
  const n = frames.length;
  if (n === 0) return -1;
  const start = current < 0 || current >= n ? (direction === 1 ? -1 : n) : current;
  for (let step = 1; step <= n; step++) {
    const i = (((start + direction * step) % n) + n) % n;
    if (pred(frames[i])) return i;
  }
  return -1;
}

/** Neighbouring frame, clamped at the ends (moving past the last frame stays on it). */
export function stepIndex(count: number, current: number, direction: 1 | -1): number {
  if (count === 0) return -1;
  if (current < 0) return direction === 1 ? 0 : count - 1;
  return Math.min(count - 1, Math.max(0, current + direction));
}

/**
 * "Next uncertain frame": the next frame whose confidence level is in `levels` (uncertain, low and
 * unfamiliar by default). Reviewed frames are skipped unless `includeReviewed`: triage is about what
 * still needs a look.
 */
export function nextUncertain(
  frames: readonly ReviewableFrame[],
  current: number,
  thresholds: ConfidenceThresholds,
  opts: { direction?: 1 | -1; levels?: readonly ConfidenceLevel[]; includeReviewed?: boolean } = {},
): number {
  const levels = opts.levels ?? ['uncertain', 'low', 'unfamiliar'];
  return findNext(frames, current, opts.direction ?? 1, (f) => {
    if (!opts.includeReviewed && f.review?.reviewedClass) return false;
    return levels.includes(confidenceLevel(f.confidence, thresholds, f.unfamiliar));
  });
}

export function nextUnreviewed(frames: readonly ReviewableFrame[], current: number, direction: 1 | -1 = 1): number {
  return findNext(frames, current, direction, (f) => !f.review?.reviewedClass);
}
