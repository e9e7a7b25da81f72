/**
 * Turning a small Grad-CAM map (e.g. 7x7) into pixels over a frame: bilinear upsampling and a
 * colour map. Plain JavaScript (no DOM, no tfjs) so it is cheap to test and usable in a worker.
 */

export interface Heatmap {
  /** Row-major height x width values in 0..1. */
  heatmap: ArrayLike<number>;
  width: number;
  height: number;
}

function checkMap(h: Heatmap): void {
  if (!Number.isInteger(h.width) || !Number.isInteger(h.height) || h.width < 1 || h.height < 1) {
    throw new RangeError(`Heatmap size must be positive integers, got ${h.width}x${h.height}.`);
  }
  if (h.heatmap.length !== h.width * h.height) {
    throw new RangeError(`Heatmap holds ${h.heatmap.length} values, expected ${h.width}x${h.height} = ${h.width * h.height}.`);
  }
}

/**
 * Bilinear resize with half-pixel centres (as tf.image.resizeBilinear with halfPixelCenters, and
 * canvas smoothing): each feature-map cell covers an equal block of the frame, so a peak in cell
 * (0, 0) lands in the frame's top-left block, not shifted by half a cell. Edges are clamped.
 */
export function upsampleBilinear(map: Heatmap, outWidth: number, outHeight: number): Float32Array {
  checkMap(map);
  if (!Number.isInteger(outWidth) || !Number.isInteger(outHeight) || outWidth < 1 || outHeight < 1) {
    throw new RangeError(`Output size must be positive integers, got ${outWidth}x${outHeight}.`);
  }
  const { heatmap: src, width: w, height: h } = map;
  const out = new Float32Array(outWidth * outHeight);
  const sx = w / outWidth;
  const sy = h / outHeight;
  for (let y = 0; y < outHeight; y++) {
    const fy = Math.min(Math.max((y + 0.5) * sy - 0.5, 0), h - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, h - 1);
    const ty = fy - y0;
    for (let x = 0; x < outWidth; x++) {
      const fx = Math.min(Math.max((x + 0.5) * sx - 0.5, 0), w - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, w - 1);
      const tx = fx - x0;
      const top = src[y0 * w + x0] * (1 - tx) + src[y0 * w + x1] * tx;
      const bottom = src[y1 * w + x0] * (1 - tx) + src[y1 * w + x1] * tx;
      out[y * outWidth + x] = top * (1 - ty) + bottom * ty;
    }
  }
  return out;
}

/**
 * Google's Turbo colour map (Mikhailov, 2019), polynomial fit: perceptually smoother than jet and
 * readable as light/dark for colour-blind viewers (blue = none, red = strongest).
 */
export function turbo(value: number): [number, number, number] {
  const t = Math.min(1, Math.max(0, Number.isFinite(value) ? value : 0));
  const r = 0.13572138 + t * (4.6153926 + t * (-42.66032258 + t * (132.13108234 + t * (-152.94239396 + t * 59.28637943))));
  const g = 0.09140261 + t * (2.19418839 + t * (4.84296658 + t * (-14.18503333 + t * (4.27729857 + t * 2.82956604))));
  const b = 0.1066733 + t * (12.64194608 + t * (-60.58204836 + t * (110.36276771 + t * (-89.90310912 + t * 27.34824973))));
  const byte = (v: number) => Math.round(255 * Math.min(1, Math.max(0, v)));
  return [byte(r), byte(g), byte(b)];
}

export interface ColorizeOptions {
  /** Alpha of the strongest cell, 0..1 (the opacity slider). */
  opacity?: number;
  /**
   * Values below this fade to transparent (alpha grows linearly up to it), so the frame stays
   * visible where the model found no evidence. 0 = uniform alpha.
   */
  fadeBelow?: number;
}

/** Values in 0..1 -> RGBA bytes (ImageData layout) with the Turbo map. */
export function colorize(values: ArrayLike<number>, opts: ColorizeOptions = {}): Uint8ClampedArray<ArrayBuffer> {
  const opacity = Math.min(1, Math.max(0, opts.opacity ?? 1));
  const fade = Math.min(1, Math.max(0, opts.fadeBelow ?? 0.15));
  const out = new Uint8ClampedArray(values.length * 4);
  for (let i = 0; i < values.length; i++) {
    const v = Math.min(1, Math.max(0, values[i]));
    const [r, g, b] = turbo(v);
    const ramp = fade > 0 ? Math.min(1, v / fade) : 1;
    out[i * 4] = r;
    out[i * 4 + 1] = g;
    out[i * 4 + 2] = b;
    out[i * 4 + 3] = Math.round(255 * opacity * ramp);
  }
  return out;
}

/** The map upsampled to outWidth x outHeight and coloured: ready for `new ImageData(...)`. */
export function heatmapToRgba(
  map: Heatmap,
  outWidth: number,
  outHeight: number,
  opts: ColorizeOptions = {},
): Uint8ClampedArray<ArrayBuffer> {
  return colorize(upsampleBilinear(map, outWidth, outHeight), opts);
}

/** Largest size within maxSide keeping the frame's aspect ratio (overlays need no more pixels). */
export function fitWithin(width: number, height: number, maxSide: number): { width: number; height: number } {
  const scale = Math.min(1, maxSide / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
