import { describe, expect, it } from 'vitest';
import { drawSize, FrameSampler, MAX_VIDEO_PIXELS } from './video-sampling.ts';

const keptOf = (fps: number, videoFps: number, seconds: number) => {
  const s = new FrameSampler(fps);
  let kept = 0;
  for (let i = 0; i < videoFps * seconds; i++) if (s.keep(Math.round((i / videoFps) * 1e6) / 1e6)) kept++;
  return kept;
};

describe('FrameSampler', () => {
  it('keeps every frame of a 25 or 30 fps video at 30 fps', () => {
    expect(keptOf(30, 25, 10)).toBe(250);
    expect(keptOf(30, 30, 10)).toBe(300);
  });

  it('keeps about the asked rate of faster videos, evenly', () => {
    expect(keptOf(30, 60, 10)).toBe(300);
    expect(keptOf(5, 25, 10)).toBe(50);
    expect(keptOf(1, 30, 10)).toBe(10);
  });

  it('refuses a rate of 0', () => {
    expect(() => new FrameSampler(0)).toThrow(/above 0/);
  });
});

describe('drawSize', () => {
  it('keeps PAL and HD frames as they are and downscales 4K to at most the limit, keeping its shape', () => {
    expect(drawSize(720, 576)).toEqual({ width: 720, height: 576, downscaled: false });
    expect(drawSize(1920, 1080)).toEqual({ width: 1920, height: 1080, downscaled: false });
    const k = drawSize(3840, 2160);
    expect(k.downscaled).toBe(true);
    expect(k.width * k.height).toBeLessThanOrEqual(MAX_VIDEO_PIXELS);
    expect(k.width / k.height).toBeCloseTo(16 / 9, 2);
  });
});
