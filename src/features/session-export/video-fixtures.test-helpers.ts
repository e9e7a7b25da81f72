/** Videos the export tests share: made timelines (no real patient data). */
import type { TimelinePoint } from '../../domain/video-segments.ts';
import type { VideoResult } from './video-results.ts';

export const VIDEO_MODEL = { name: 'EndoLens MobileNetV2', version: '1.1.0', classes: ['0_normal', '2_polyps'] };
export const PARAMS = { smoothingS: 1, enter: 0.6, exit: 0.4, minDurationS: 1 };

/**
 * 10 s at 10 frames/s: normal until 5 s, then polyp; the frame at 7.0 s flagged unfamiliar. Times are
 * computed as a decoder reports them (0.30000000000000004, ...), probabilities with many digits.
 */
export function polypTimeline(): TimelinePoint[] {
  return Array.from({ length: 100 }, (_, i) => {
    const t = i * 0.1;
    const polyp = t >= 5 ? 0.9 + (i % 3) * 0.031234567 : 0.05 + (i % 2) * 0.0123456;
    const p: TimelinePoint = { t, probabilities: [1 - polyp, polyp], unfamiliar: i === 70 };
    return p;
  });
}

export function makeVideo(patch: Partial<VideoResult> = {}): VideoResult {
  return {
    id: 'v1',
    fileName: 'procedure.webm',
    size: 123456,
    lastModified: 1_764_000_000_000,
    status: 'done',
    info: { durationS: 10, width: 720, height: 576, codec: 'vp8', downscaled: false },
    sampleFps: 30,
    framesAnalysed: 100,
    analysedUntilS: 9.9,
    model: { ...VIDEO_MODEL, classes: [...VIDEO_MODEL.classes] },
    backend: 'wasm',
    points: polypTimeline(),
    ...patch,
  };
}
