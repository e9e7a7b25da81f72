/** Frames the export tests share (made here, no real patient data). */
import type { FrameResult, SessionModelInfo } from './types.ts';

export const MODEL: SessionModelInfo = {
  name: 'EndoLens MobileNetV2',
  version: '1.2.0',
  classes: ['0_normal', '2_polyps', '3_esophagitis'],
};

export function makeFrames(): FrameResult[] {
  return [
    {
      id: 'f1',
      fileName: 'normal, frame 1.jpg',
      probabilities: [0.91, 0.06, 0.03],
      predictedClass: '0_normal',
      confidence: 0.91,
      backend: 'wasm',
      classifiedAt: '2026-11-26T10:00:00.000Z',
      review: { reviewedClass: '0_normal', reviewedAt: '2026-11-26T10:05:00.000Z' },
    },
    {
      id: 'f2',
      fileName: '=HYPERLINK("http://x")',
      probabilities: [0.2, 0.55, 0.25],
      predictedClass: '2_polyps',
      confidence: 0.55,
      backend: 'webgl',
      classifiedAt: '2026-11-26T10:00:01.000Z',
      review: {
        reviewedClass: '3_esophagitis',
        note: 'says "polyp",\nbut it is\r\ninflamed; ñandú',
        reviewedAt: '2026-11-26T10:06:00.000Z',
      },
    },
    {
      id: 'f3',
      fileName: '-3.png',
      probabilities: [0.4, 0.35, 0.25],
      predictedClass: '0_normal',
      confidence: 0.4,
      backend: 'wasm',
      classifiedAt: '2026-11-26T10:00:02.000Z',
      review: { note: '@mention +1' },
    },
  ];
}
