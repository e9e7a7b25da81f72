/**
 * A video's analysed frames as IndexedDB keeps them: typed arrays instead of one object per frame,
 * so a 40-minute video at 30 fps (72 000 frames) is about 2 MB and is written and read in one go.
 */
import type { TimelinePoint } from '../domain/video-segments.ts';

export interface StoredPoints {
  version: 1;
  classCount: number;
  t: Float64Array;
  /** Row-major, classCount per frame. */
  probabilities: Float32Array;
  /** 1 = unlike the training images, 0 = familiar, 2 = not checked (a model without the check). */
  familiarity: Uint8Array;
}

export function packPoints(points: readonly TimelinePoint[], classCount: number): StoredPoints {
  const t = new Float64Array(points.length);
  const probabilities = new Float32Array(points.length * classCount);
  const familiarity = new Uint8Array(points.length);
  points.forEach((p, i) => {
    t[i] = p.t;
    probabilities.set(p.probabilities.slice(0, classCount), i * classCount);
    familiarity[i] = p.unfamiliar === undefined ? 2 : p.unfamiliar ? 1 : 0;
  });
  return { version: 1, classCount, t, probabilities, familiarity };
}

export function unpackPoints(s: StoredPoints): TimelinePoint[] {
  const n = s.t.length;
  const out: TimelinePoint[] = new Array<TimelinePoint>(n);
  for (let i = 0; i < n; i++) {
    const probabilities = Array.from(s.probabilities.subarray(i * s.classCount, (i + 1) * s.classCount));
    const f = s.familiarity[i];
    out[i] = f === 2 ? { t: s.t[i], probabilities } : { t: s.t[i], probabilities, unfamiliar: f === 1 };
  }
  return out;
}
