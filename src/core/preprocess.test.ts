import { describe, expect, it } from 'vitest';
import { PreprocessError, preprocessPixels, resizeToRgb, scaleToRange, type PixelImage } from './preprocess.ts';

function image(width: number, height: number, channels: 3 | 4, px: (x: number, y: number) => number[]): PixelImage {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data.set(px(x, y).slice(0, channels), (y * width + x) * channels);
  return { data, width, height, channels };
}

const pattern = (x: number, y: number) => [(x * 31 + y * 7) % 256, (x * x + y) % 256, (y * 13) % 256, 255];

describe('resizeToRgb', () => {
  it('returns the pixels unchanged when the size already matches', () => {
    const img = image(12, 12, 3, pattern);
    expect(Array.from(resizeToRgb(img, 12))).toEqual(Array.from(img.data));
  });

  it('treats opaque RGBA exactly like RGB', () => {
    const rgb = image(50, 37, 3, pattern);
    const rgba = image(50, 37, 4, pattern);
    expect(Array.from(resizeToRgb(rgba, 16))).toEqual(Array.from(resizeToRgb(rgb, 16)));
  });

  it('blends as soon as one pixel is not opaque (the opaque shortcut must not swallow it)', () => {
    const rgb = image(50, 37, 3, pattern);
    // The same colours as the RGB image; only one pixel's alpha is 0.
    const oneClear = image(50, 37, 4, (x, y) => (x === 20 && y === 18 ? [...pattern(x, y).slice(0, 3), 0] : pattern(x, y)));
    const a = resizeToRgb(oneClear, 16);
    const b = resizeToRgb(rgb, 16);
    // The transparent pixel goes black, so its neighbourhood differs from the RGB image; everything far from it is equal.
    expect(Array.from(a)).not.toEqual(Array.from(b));
    expect(Array.from(a.slice(0, 3 * 16 * 3))).toEqual(Array.from(b.slice(0, 3 * 16 * 3)));
  });

  it('composites alpha onto black (transparent -> 0, half -> about half)', () => {
    const clear = image(8, 8, 4, () => [200, 100, 50, 0]);
    expect(Array.from(resizeToRgb(clear, 4)).every((v) => v === 0)).toBe(true);
    const half = image(8, 8, 4, () => [200, 100, 50, 128]);
    expect(Array.from(resizeToRgb(half, 4)).slice(0, 3)).toEqual([100, 50, 25]);
  });

  it('keeps a uniform image uniform at any scale (weights are normalised)', () => {
    const flat = image(333, 101, 3, () => [17, 128, 250]);
    for (const size of [8, 224, 500]) {
      const out = resizeToRgb(flat, size);
      const off = out.findIndex((v, i) => v !== [17, 128, 250][i % 3]);
      expect(off, `first differing value at ${off} for size ${size}`).toBe(-1);
    }
  });

  it('is orientation-free: resizing a transposed image gives the transposed result', () => {
    const img = image(90, 60, 3, pattern);
    const transposed = image(60, 90, 3, (x, y) => pattern(y, x));
    const a = resizeToRgb(img, 20);
    const b = resizeToRgb(transposed, 20);
    for (let y = 0; y < 20; y++)
      for (let x = 0; x < 20; x++)
        for (let c = 0; c < 3; c++) {
          expect(Math.abs(a[(y * 20 + x) * 3 + c] - b[(x * 20 + y) * 3 + c])).toBeLessThanOrEqual(1);
        }
  });

  it('antialiases when shrinking: a fine checkerboard becomes mid-grey, not aliased black or white', () => {
    const checker = image(200, 200, 3, (x, y) => ((x + y) % 2 ? [255, 255, 255] : [0, 0, 0]));
    const out = resizeToRgb(checker, 10);
    for (const v of out) expect(Math.abs(v - 127.5)).toBeLessThan(3);
  });

  it('gives the same result whatever was resized before (the rows kept between calls carry nothing over)', () => {
    const small = image(40, 30, 4, pattern);
    const big = image(300, 200, 4, (x, y) => [255 - ((x * 3) % 256), (y * 5) % 256, (x * y) % 256, 255]);
    const first = Array.from(resizeToRgb(small, 16));
    const bigOut = Array.from(resizeToRgb(big, 24));
    expect(Array.from(resizeToRgb(small, 16))).toEqual(first);
    expect(Array.from(resizeToRgb(big, 24))).toEqual(bigOut);
  });

  it('rejects buffers that do not match their size, naming the numbers', () => {
    expect(() => resizeToRgb({ data: new Uint8Array(10), width: 4, height: 4, channels: 3 }, 2)).toThrow(PreprocessError);
    expect(() => resizeToRgb({ data: new Uint8Array(10), width: 4, height: 4, channels: 3 }, 2)).toThrow(/10 values, expected 4x4x3 = 48/);
    expect(() => resizeToRgb({ data: new Uint8Array(0), width: 0, height: 0, channels: 3 }, 2)).toThrow(/no pixels/);
  });
});

describe('scaleToRange and preprocessPixels', () => {
  it('maps 0..255 onto the model range ([-1, 1]: x / 127.5 - 1)', () => {
    expect(Array.from(scaleToRange(new Uint8Array([0, 255, 51]), [-1, 1]))).toEqual([-1, 1, Math.fround(51 / 127.5 - 1)]);
    expect(Array.from(scaleToRange(new Uint8Array([0, 255]), [0, 1]))).toEqual([0, 1]);
  });

  it('produces size x size x 3 floats in range', () => {
    const out = preprocessPixels(image(64, 48, 4, pattern), { inputSize: 32, range: [-1, 1] });
    expect(out).toBeInstanceOf(Float32Array);
    expect(out.length).toBe(32 * 32 * 3);
    expect(Math.min(...out)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...out)).toBeLessThanOrEqual(1);
  });
});
