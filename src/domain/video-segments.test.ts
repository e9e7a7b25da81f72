import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SEGMENT_PARAMS,
  findSegments,
  frameInterval,
  normalClassIndex,
  smoothClass,
  type TimelinePoint,
} from './video-segments.ts';

/** A 2-class timeline at `fps`: polyp probability from `polyp(t)`. */
function timeline(
  seconds: number,
  fps: number,
  polyp: (t: number, i: number) => number,
  unfamiliar?: (t: number) => boolean,
): TimelinePoint[] {
  return Array.from({ length: Math.round(seconds * fps) }, (_, i) => {
    const t = i / fps;
    const p = polyp(t, i);
    return { t, probabilities: [1 - p, p], ...(unfamiliar?.(t) ? { unfamiliar: true } : {}) };
  });
}

/** Deterministic noise in [-a, a]. */
const noise = (i: number, a: number) => (((i * 7919) % 101) / 100 - 0.5) * 2 * a;

describe('normalClassIndex', () => {
  it('finds the normal class by its folder name and not a lookalike', () => {
    expect(normalClassIndex(['0_normal', '2_polyps'])).toBe(0);
    expect(normalClassIndex(['polyp', 'Normal'])).toBe(1);
    expect(normalClassIndex(['abnormal', 'polyp'])).toBeUndefined();
    expect(normalClassIndex(['a', 'b'])).toBeUndefined();
  });
});

describe('smoothClass', () => {
  it('averages familiar neighbours only, centred', () => {
    const pts: TimelinePoint[] = [
      { t: 0, probabilities: [0, 0] },
      { t: 1, probabilities: [0, 1] },
      { t: 2, probabilities: [0, 1], unfamiliar: true },
      { t: 3, probabilities: [0, 0.5] },
    ];
    const s = smoothClass(pts, 1, 2);
    expect(Array.from(s.slice(0, 2))).toEqual([0.5, 0.5]);
    expect(Number.isNaN(s[2])).toBe(true);
    expect(s[3]).toBe(0.5); // the unfamiliar neighbour at t=2 is left out
  });
});

describe('findSegments', () => {
  it('finds the polyp stretch of 5 s normal then 5 s polyp, near 5 s, despite noise', () => {
    const pts = timeline(10, 10, (t, i) => Math.min(1, Math.max(0, (t < 5 ? 0.1 : 0.85) + noise(i, 0.1))));
    const segs = findSegments(pts, 2, 0);
    expect(segs).toHaveLength(1);
    expect(segs[0].classIndex).toBe(1);
    expect(Math.abs(segs[0].start - 5)).toBeLessThanOrEqual(0.5);
    expect(segs[0].end).toBeCloseTo(10, 5);
    expect(segs[0].meanProbability).toBeGreaterThan(0.75);
    expect(segs[0].maxProbability).toBeLessThanOrEqual(1);
  });

  it('ignores a single confident frame among normal ones', () => {
    const pts = timeline(6, 10, (_, i) => (i === 30 ? 0.99 : 0.05));
    expect(findSegments(pts, 2, 0)).toEqual([]);
  });

  it('keeps one segment while the probability wavers between the thresholds (hysteresis)', () => {
    // 2 s at 0.9, then 3 s alternating 0.45 / 0.65 (mean 0.55: below enter, above exit), then normal.
    const pts = timeline(8, 10, (t, i) => (t < 2 ? 0.9 : t < 5 ? (i % 2 ? 0.45 : 0.65) : 0.05));
    const segs = findSegments(pts, 2, 0);
    expect(segs).toHaveLength(1);
    expect(segs[0].start).toBeLessThan(0.5);
    expect(Math.abs(segs[0].end - 5)).toBeLessThanOrEqual(0.6);
    // Without hysteresis (exit = enter) the wavering part ends it early.
    const strict = findSegments(pts, 2, 0, { ...DEFAULT_SEGMENT_PARAMS, exit: 0.6 });
    expect(strict[0].end).toBeLessThan(3);
  });

  it('drops segments shorter than the minimum duration', () => {
    const pts = timeline(10, 10, (t) => (t >= 4 && t < 4.8 ? 0.95 : 0.05));
    expect(findSegments(pts, 2, 0, { ...DEFAULT_SEGMENT_PARAMS, smoothingS: 0 })).toHaveLength(0);
    expect(findSegments(pts, 2, 0, { ...DEFAULT_SEGMENT_PARAMS, smoothingS: 0, minDurationS: 0.5 })).toHaveLength(1);
  });

  it('ends a segment at a stretch of unfamiliar frames and leaves them out of its numbers', () => {
    // Polyp for 10 s, with 3 s in the middle the check calls unfamiliar (their probability 1.0 means nothing).
    const pts = timeline(
      10,
      10,
      (t) => (t >= 4 && t < 7 ? 1 : 0.8),
      (t) => t >= 4 && t < 7,
    );
    const segs = findSegments(pts, 2, 0);
    expect(segs.map((s) => [Math.round(s.start), Math.round(s.end)])).toEqual([
      [0, 4],
      [7, 10],
    ]);
    for (const s of segs) expect(s.maxProbability).toBeCloseTo(0.8, 6);
  });

  it('reports every class other than normal, in time order, on a 4-class model', () => {
    const pts: TimelinePoint[] = Array.from({ length: 90 }, (_, i) => {
      const t = i / 10;
      const probs = t < 3 ? [0.1, 0.8, 0.05, 0.05] : t < 6 ? [0.9, 0.05, 0.03, 0.02] : [0.1, 0.05, 0.05, 0.8];
      return { t, probabilities: probs };
    });
    const segs = findSegments(pts, 4, 0);
    expect(segs.map((s) => s.classIndex)).toEqual([1, 3]);
    // With no normal class, the normal-looking stretch is a segment of class 0 too.
    expect(findSegments(pts, 4, undefined).map((s) => s.classIndex)).toEqual([1, 0, 3]);
  });

  it('refuses settings that cannot work', () => {
    expect(() => findSegments([], 2, 0, { ...DEFAULT_SEGMENT_PARAMS, exit: 0.9 })).toThrow(/closing threshold/);
    expect(() => findSegments([], 2, 0, { ...DEFAULT_SEGMENT_PARAMS, enter: 0 })).toThrow(/opening threshold/);
  });

  it('reads the frame interval as the median gap', () => {
    expect(frameInterval(timeline(2, 25, () => 0))).toBeCloseTo(0.04, 9);
    expect(frameInterval([])).toBe(0);
  });
});
