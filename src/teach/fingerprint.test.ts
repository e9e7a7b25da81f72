import { describe, expect, it } from 'vitest';
import { FingerprintError, fingerprintFrame, hammingDistance, lumaGrid, perceptualHashes, sha256Hex } from './fingerprint.ts';
import { groupSamePictures, isSamePicture } from './near-duplicates.ts';

/** An RGBA test picture: a diagonal gradient with a bright disc, optionally mirrored. */
function picture(width: number, height: number, mirrored = false): Uint8ClampedArray {
  const out = new Uint8ClampedArray(width * height * 4);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (mirrored ? width - 1 - x : x) / width;
      const v = y / height;
      const disc = (u - 0.3) ** 2 + (v - 0.6) ** 2 < 0.04 ? 120 : 0;
      const i = (y * width + x) * 4;
      out[i] = 60 + 120 * u + disc;
      out[i + 1] = 40 + 80 * v + disc;
      out[i + 2] = 30 + disc / 2;
      out[i + 3] = 255;
    }
  }
  return out;
}

/** Box-filter downscale by 2 (what a re-saved, smaller copy of a picture looks like). */
function halve(rgba: Uint8ClampedArray, width: number, height: number): Uint8ClampedArray {
  const w = width / 2;
  const h = height / 2;
  const out = new Uint8ClampedArray(w * h * 4);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++)
      for (let ch = 0; ch < 4; ch++) {
        const at = (yy: number, xx: number) => rgba[(yy * width + xx) * 4 + ch];
        out[(y * w + x) * 4 + ch] = (at(2 * y, 2 * x) + at(2 * y, 2 * x + 1) + at(2 * y + 1, 2 * x) + at(2 * y + 1, 2 * x + 1)) / 4;
      }
  return out;
}

describe('fingerprints', () => {
  it('hashes bytes with SHA-256 (FIPS 180-2 "abc" vector)', async () => {
    expect(await sha256Hex(new TextEncoder().encode('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('gives the same picture, smaller and slightly brighter, nearly the same hashes; another picture far ones', () => {
    const big = picture(160, 128);
    const a = perceptualHashes(big, 160, 128);
    const small = halve(big, 160, 128).map((v, i) => (i % 4 === 3 ? v : v + 6));
    const b = perceptualHashes(small, 80, 64);
    expect(hammingDistance(a.aHash, b.aHash)).toBeLessThanOrEqual(2);
    expect(hammingDistance(a.dHash, b.dHash)).toBeLessThanOrEqual(2);
    const other = perceptualHashes(picture(160, 128, true), 160, 128);
    expect(hammingDistance(a.aHash, other.aHash) + hammingDistance(a.dHash, other.dHash)).toBeGreaterThan(16);
    expect(a.aHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('counts differing bits across both 32-bit halves', () => {
    expect(hammingDistance('0000000000000000', 'ffffffffffffffff')).toBe(64);
    expect(hammingDistance('8000000000000001', '0000000000000000')).toBe(2);
    expect(() => hammingDistance('abc', '0000000000000000')).toThrow(FingerprintError);
  });

  it('averages every pixel into its grid cell, even for images smaller than the grid', () => {
    const one = new Uint8ClampedArray([100, 100, 100, 255]);
    expect(Array.from(lumaGrid(one, 1, 1, 2, 1))).toEqual([100, 100]);
    expect(() => lumaGrid(one, 2, 2, 8, 8)).toThrow(FingerprintError);
  });

  it('hashes RGB pixels (channels 3) as it hashes the same picture in RGBA', () => {
    const rgba = picture(160, 128);
    const rgb = rgba.filter((_, i) => i % 4 !== 3);
    expect(perceptualHashes(rgb, 160, 128, 3)).toEqual(perceptualHashes(rgba, 160, 128));
    expect(() => perceptualHashes(rgba, 160, 128, 3)).toThrow(/expected 61440 RGB values/);
  });

  it('groups a file saved twice and a resized copy with the original, and nothing else', async () => {
    const big = picture(160, 128);
    const bytes = new TextEncoder().encode('file-1');
    const original = await fingerprintFrame(bytes, { data: big, width: 160, height: 128 });
    const copy = await fingerprintFrame(bytes, { data: big, width: 160, height: 128 });
    const resized = await fingerprintFrame(new TextEncoder().encode('file-2'), { data: halve(big, 160, 128), width: 80, height: 64 });
    const other = await fingerprintFrame(new TextEncoder().encode('file-3'), { data: picture(160, 128, true), width: 160, height: 128 });
    expect(isSamePicture(original, copy)).toBe(true);
    expect(isSamePicture(original, resized)).toBe(true);
    expect(isSamePicture(original, other)).toBe(false);
    expect(groupSamePictures([original, other, resized, copy])).toEqual([[0, 2, 3], [1]]);
  });
});
