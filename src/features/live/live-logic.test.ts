import { describe, expect, it } from 'vitest';
import { cameraErrorCode } from './camera-errors.ts';
import { captureSize } from './capture-size.ts';
import { liveFrameName } from './frame-name.ts';
import { pushHistory, type HistoryPoint } from './history.ts';
import { captureTimeOf, medianOf, pushLatency } from './latency.ts';

describe('latency window', () => {
  it('keeps the last N latencies, oldest dropped first', () => {
    let w: number[] = [];
    for (let i = 1; i <= 5; i++) w = pushLatency(w, i, 3);
    expect(w).toEqual([3, 4, 5]);
  });

  it('median of odd and even counts; NaN when empty', () => {
    expect(medianOf([30, 10, 20])).toBe(20);
    expect(medianOf([40, 10, 30, 20])).toBe(25);
    expect(medianOf([])).toBeNaN();
  });

  it('capture time: the camera’s when plausible, else presentation, else the callback time', () => {
    expect(captureTimeOf(1000, { captureTime: 950, presentationTime: 980 })).toBe(950);
    // In the future or from another clock: not believed.
    expect(captureTimeOf(1000, { captureTime: 1200, presentationTime: 980 })).toBe(980);
    expect(captureTimeOf(10_000, { captureTime: 5, presentationTime: 9_990 })).toBe(9_990);
    expect(captureTimeOf(1000, {})).toBe(1000);
    expect(captureTimeOf(1000)).toBe(1000);
  });
});

describe('probability history', () => {
  const point = (t: number): HistoryPoint => ({ t, probabilities: [0.5, 0.5], unfamiliar: false });

  it('keeps only the last window of time', () => {
    let h: HistoryPoint[] = [point(0), point(4_000), point(8_000)];
    h = pushHistory(h, point(12_000), 10_000);
    expect(h.map((p) => p.t)).toEqual([4_000, 8_000, 12_000]);
    h = pushHistory(h, point(30_000), 10_000);
    expect(h.map((p) => p.t)).toEqual([30_000]);
  });
});

describe('saved frame name', () => {
  it('is live-<local date>T<hh-mm-ss.mmm>.png', () => {
    expect(liveFrameName(new Date(2026, 10, 30, 10, 15, 3, 123))).toBe('live-2026-11-30T10-15-03.123.png');
    expect(liveFrameName(new Date(2027, 0, 2, 3, 4, 5, 6))).toBe('live-2027-01-02T03-04-05.006.png');
  });
});

describe('capture size', () => {
  it('keeps frames up to 1280x720 as they are', () => {
    expect(captureSize(640, 480)).toEqual({ width: 640, height: 480 });
    expect(captureSize(1280, 720)).toEqual({ width: 1280, height: 720 });
  });

  it('scales larger frames down to fit, aspect kept', () => {
    expect(captureSize(3840, 2160)).toEqual({ width: 1280, height: 720 });
    expect(captureSize(1280, 1024)).toEqual({ width: 900, height: 720 });
    expect(captureSize(1920, 1080)).toEqual({ width: 1280, height: 720 });
  });
});

describe('camera errors', () => {
  const named = (name: string) => Object.assign(new Error(name), { name });

  it('maps getUserMedia rejections to what the user is told', () => {
    expect(cameraErrorCode(named('NotAllowedError'))).toBe('denied');
    expect(cameraErrorCode(named('NotFoundError'))).toBe('no-camera');
    expect(cameraErrorCode(named('OverconstrainedError'))).toBe('no-camera');
    expect(cameraErrorCode(named('NotReadableError'))).toBe('busy');
    expect(cameraErrorCode({ name: 'NotAllowedError' })).toBe('denied');
    expect(cameraErrorCode(new TypeError('x'))).toBe('failed');
    expect(cameraErrorCode('nonsense')).toBe('failed');
  });
});
