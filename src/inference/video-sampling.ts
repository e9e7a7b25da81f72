/**
 * Which decoded video frames are analysed, and at what size they are drawn. Pure, so it is unit-tested
 * without a browser.
 */
import { fitWithin } from './decode.ts';

/** Frames are drawn at most this many pixels (1920x1080) before preprocessing: a 4K frame is downscaled first. */
export const MAX_VIDEO_PIXELS = 1920 * 1080;

/**
 * Keeps at most `fps` frames per second of presentation time, on a grid of 1/fps from the first
 * frame: a frame is kept when it reaches the next grid time (with a little slack, so a 30 fps video at
 * 30 keeps every frame despite timestamp rounding), and the grid never drifts.
 */
export class FrameSampler {
  private next = -Infinity;
  private readonly period: number;
  private readonly slack: number;

  constructor(fps: number) {
    if (!(fps > 0)) throw new RangeError(`The sampling rate must be above 0 frames per second, got ${fps}.`);
    this.period = 1 / fps;
    this.slack = Math.min(this.period * 0.1, 0.002); // timestamp rounding, not a frame
  }

  keep(t: number): boolean {
    if (t < this.next - this.slack) return false;
    if (this.next === -Infinity) this.next = t;
    while (this.next <= t + this.slack) this.next += this.period;
    return true;
  }
}

/** Size to draw a width x height frame at: unchanged unless over `maxPixels`, then scaled down keeping its shape (decode.ts's rule for stills). */
export function drawSize(
  width: number,
  height: number,
  maxPixels = MAX_VIDEO_PIXELS,
): { width: number; height: number; downscaled: boolean } {
  const fit = fitWithin(width, height, maxPixels);
  return { ...fit, downscaled: fit.width !== width || fit.height !== height };
}
