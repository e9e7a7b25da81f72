/**
 * Image preprocessing shared, byte for byte, by the browser app and the Node trainer.
 *
 * Decoding differs per platform (canvas in the browser, sharp in Node) and both deliver full-size
 * RGB(A) pixels; everything after that happens here, in plain JavaScript doubles, so the app and the
 * trainer compute the same model input for the same decoded pixels. No DOM, no tfjs.
 *
 * Steps: composite alpha onto black -> resize to inputSize x inputSize with an antialiased
 * bilinear (triangle) filter, as PIL's Image.resize(BILINEAR) does -> round to uint8 ->
 * scale to the model's range (Keras `preprocess_input(mode="tf")`: x / 127.5 - 1 for [-1, 1]).
 */

export const DEFAULT_INPUT_SIZE = 224;
export const DEFAULT_INPUT_RANGE: readonly [number, number] = [-1, 1];
export const RESIZE_METHOD = 'bilinear-antialias';

export interface PixelImage {
  /** Interleaved pixels, row-major. */
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  /** 3 = RGB, 4 = RGBA. */
  channels: 3 | 4;
}

export interface PreprocessSpec {
  inputSize: number;
  range: readonly [number, number];
}

export class PreprocessError extends Error {
  override name = 'PreprocessError';
}

function checkImage(img: PixelImage): void {
  const { width, height, channels, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new PreprocessError(`Image has no pixels (got ${width}x${height}).`);
  }
  if (channels !== 3 && channels !== 4) {
    throw new PreprocessError(`Expected 3 or 4 channels, got ${String(channels)}.`);
  }
  if (data.length !== width * height * channels) {
    throw new PreprocessError(
      `Pixel buffer holds ${data.length} values, expected ${width}x${height}x${channels} = ${width * height * channels}.`,
    );
  }
}

/** Tap positions and normalised weights of a 1-D triangle filter, PIL's `precompute_coeffs`. */
function resampleTaps(inSize: number, outSize: number): { start: Int32Array; count: Int32Array; weights: Float64Array; maxTaps: number } {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale; // the triangle filter's support is 1, widened when shrinking
  const maxTaps = Math.ceil(support) * 2 + 1;
  const start = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Float64Array(outSize * maxTaps);
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(Math.trunc(center - support + 0.5), 0);
    const hi = Math.min(Math.trunc(center + support + 0.5), inSize);
    let total = 0;
    for (let i = lo; i < hi; i++) {
      const w = Math.max(0, 1 - Math.abs((i - center + 0.5) / filterScale));
      weights[o * maxTaps + (i - lo)] = w;
      total += w;
    }
    for (let i = lo; i < hi; i++) weights[o * maxTaps + (i - lo)] /= total || 1;
    start[o] = lo;
    count[o] = hi - lo;
  }
  return { start, count, weights, maxTaps };
}

/** Whether every pixel of interleaved RGBA is fully opaque. */
function isOpaque(rgba: Uint8Array | Uint8ClampedArray): boolean {
  for (let i = 3; i < rgba.length; i += 4) if (rgba[i] !== 255) return false;
  return true;
}

/**
 * The horizontal pass's rows, kept between calls: a 1280x1024 frame needs 5.5 MB of doubles, which a
 * fresh array would zero and later collect for every frame. Every value is written before it is read.
 */
let rowScratch = new Float64Array(0);

/**
 * Resizes to size x size RGB uint8 (aspect ratio not kept, as Keras's loader does), compositing any
 * alpha onto black first.
 */
export function resizeToRgb(img: PixelImage, size: number): Uint8Array {
  checkImage(img);
  if (!Number.isInteger(size) || size < 1) throw new PreprocessError(`Invalid output size ${size}.`);
  const { data, width, height, channels } = img;

  // Horizontal pass: height rows of `size` RGB doubles.
  const { start: hStart, count: hCount, weights: hWeights, maxTaps: hTaps } = resampleTaps(width, size);
  if (rowScratch.length < height * size * 3) rowScratch = new Float64Array(height * size * 3);
  const tmp = rowScratch;
  // Opaque pixels (every video frame, nearly every photo) skip the alpha multiply: w * v * 1 === w * v,
  // so the result is bit for bit the same, at about half the cost.
  const blend = channels === 4 && !isOpaque(data);
  for (let y = 0; y < height; y++) {
    const row = y * width * channels;
    for (let o = 0; o < size; o++) {
      let r = 0,
        g = 0,
        b = 0;
      const base = o * hTaps;
      const s = hStart[o];
      const n = hCount[o];
      if (blend) {
        for (let k = 0; k < n; k++) {
          const w = hWeights[base + k];
          const p = row + (s + k) * 4;
          const a = data[p + 3] / 255;
          r += w * data[p] * a;
          g += w * data[p + 1] * a;
          b += w * data[p + 2] * a;
        }
      } else {
        for (let k = 0, p = row + s * channels; k < n; k++, p += channels) {
          const w = hWeights[base + k];
          r += w * data[p];
          g += w * data[p + 1];
          b += w * data[p + 2];
        }
      }
      const t = (y * size + o) * 3;
      tmp[t] = r;
      tmp[t + 1] = g;
      tmp[t + 2] = b;
    }
  }

  // Vertical pass, then round once to uint8.
  const { start: vStart, count: vCount, weights: vWeights, maxTaps: vTaps } = resampleTaps(height, size);
  const out = new Uint8Array(size * size * 3);
  for (let o = 0; o < size; o++) {
    const base = o * vTaps;
    const s = vStart[o];
    const n = vCount[o];
    for (let x = 0; x < size; x++) {
      let r = 0,
        g = 0,
        b = 0;
      for (let k = 0, t = (s * size + x) * 3; k < n; k++, t += size * 3) {
        const w = vWeights[base + k];
        r += w * tmp[t];
        g += w * tmp[t + 1];
        b += w * tmp[t + 2];
      }
      const q = (o * size + x) * 3;
      out[q] = Math.min(255, Math.max(0, Math.round(r)));
      out[q + 1] = Math.min(255, Math.max(0, Math.round(g)));
      out[q + 2] = Math.min(255, Math.max(0, Math.round(b)));
    }
  }
  return out;
}

/** uint8 RGB -> float32 in `range` (x / 127.5 - 1 for [-1, 1], Keras's mode "tf"). */
export function scaleToRange(rgb: Uint8Array, range: readonly [number, number] = DEFAULT_INPUT_RANGE): Float32Array {
  const [lo, hi] = range;
  if (!(hi > lo)) throw new PreprocessError(`Invalid input range [${lo}, ${hi}].`);
  const divisor = 255 / (hi - lo);
  const out = new Float32Array(rgb.length);
  for (let i = 0; i < rgb.length; i++) out[i] = rgb[i] / divisor + lo;
  return out;
}

/** Decoded pixels -> the model's input, HWC float32 of inputSize x inputSize x 3. */
export function preprocessPixels(img: PixelImage, spec: PreprocessSpec): Float32Array {
  return scaleToRange(resizeToRgb(img, spec.inputSize), spec.range);
}
