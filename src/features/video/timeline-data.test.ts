import { describe, expect, it } from 'vitest';
import type { TimelinePoint } from '../../domain/video-segments.ts';
import { chartRows, formatTime, savedFrameName, unfamiliarStretches } from './timeline-data.ts';

const pts = (n: number, fps: number, f: (i: number) => Partial<TimelinePoint> = () => ({})): TimelinePoint[] =>
  Array.from({ length: n }, (_, i) => ({ t: i / fps, probabilities: [1 - (i % 2), i % 2], ...f(i) }));

describe('chartRows', () => {
  it('keeps every frame of a short video', () => {
    const rows = chartRows(pts(10, 10), 2);
    expect(rows).toHaveLength(10);
    expect(rows[3]).toEqual({ t: 0.3, c0: 0, c1: 1 });
  });

  it('averages a long video into at most the asked number of buckets, time order kept', () => {
    const rows = chartRows(pts(72_000, 30), 2, 600);
    expect(rows.length).toBeLessThanOrEqual(601);
    expect(rows.length).toBeGreaterThan(500);
    expect(rows[10].c1).toBeCloseTo(0.5, 1);
    for (let i = 1; i < rows.length; i++) expect(rows[i].t).toBeGreaterThan(rows[i - 1].t);
  });

  it('leaves unfamiliar frames out of the means and leaves a gap where all were unfamiliar', () => {
    const rows = chartRows(
      pts(4, 1, (i) => (i >= 2 ? { unfamiliar: true, probabilities: [0, 1] } : {})),
      2,
    );
    expect(rows[2].c1).toBeUndefined();
    expect(rows[1].c1).toBe(1);
  });
});

describe('unfamiliarStretches', () => {
  it('merges runs of unfamiliar frames', () => {
    const p = pts(10, 1, (i) => (i === 2 || i === 3 || i === 7 ? { unfamiliar: true } : {}));
    expect(unfamiliarStretches(p, 1)).toEqual([
      { start: 2, end: 4 },
      { start: 7, end: 8 },
    ]);
  });
});

describe('names and times', () => {
  it('formats times and names saved frames after the video and the time', () => {
    expect(formatTime(65.32)).toBe('1:05.3');
    expect(formatTime(3725)).toBe('1:02:05.0');
    expect(savedFrameName('colon.mp4', 65.32)).toBe('colon.mp4@00-01-05.320.png');
  });
});
