/**
 * A frame's fingerprints, so the same picture twice is recognised: SHA-256 of the file's bytes
 * (exact copies), and an 8x8 average hash plus a 9x8 difference hash of the decoded pixels (the
 * same picture re-encoded, resized or re-saved). Hashes are 16 hex digits (64 bits).
 */

export interface FrameFingerprint {
  /** SHA-256 of the file's bytes, lowercase hex. */
  sha256: string;
  /** 8x8 average hash: bit set where a cell is brighter than the mean. */
  aHash: string;
  /** 9x8 difference hash: bit set where a cell is darker than its right neighbour. */
  dHash: string;
}

export class FingerprintError extends Error {
  override name = 'FingerprintError';
}

/** SHA-256 with Web Crypto (browsers, workers and Node >= 20 alike). */
export async function sha256Hex(bytes: BufferSource): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Mean luma (BT.601) of each cell of a cols x rows grid over RGBA (or, `channels` 3, RGB) pixels:
 * area averaging, so the result does not depend on which pixels a resampler happens to pick.
 */
export function lumaGrid(
  rgba: ArrayLike<number>,
  width: number,
  height: number,
  cols: number,
  rows: number,
  channels: 3 | 4 = 4,
): Float64Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new FingerprintError(`image size ${width}x${height} is not a positive integer size`);
  }
  if (rgba.length !== width * height * channels) {
    throw new FingerprintError(
      `expected ${width * height * channels} ${channels === 4 ? 'RGBA' : 'RGB'} values for ${width}x${height}, got ${rgba.length}`,
    );
  }
  const sums = new Float64Array(cols * rows);
  const counts = new Float64Array(cols * rows);
  for (let y = 0; y < height; y++) {
    const row = Math.min(rows - 1, Math.floor((y * rows) / height));
    for (let x = 0; x < width; x++) {
      const col = Math.min(cols - 1, Math.floor((x * cols) / width));
      const i = (y * width + x) * channels;
      sums[row * cols + col] += 0.299 * rgba[i] + 0.587 * rgba[i + 1] + 0.114 * rgba[i + 2];
      counts[row * cols + col]++;
    }
  }
  // An image narrower than the grid leaves cells empty: they copy their left neighbour.
  for (let c = 0; c < sums.length; c++) sums[c] = counts[c] ? sums[c] / counts[c] : c % cols ? sums[c - 1] : 0;
  return sums;
}

function bitsToHex(bits: boolean[]): string {
  let hex = '';
  for (let i = 0; i < bits.length; i += 4) {
    hex += ((Number(bits[i]) << 3) | (Number(bits[i + 1]) << 2) | (Number(bits[i + 2]) << 1) | Number(bits[i + 3])).toString(16);
  }
  return hex;
}

/** 8x8 average hash and 9x8 difference hash of decoded RGBA (or RGB) pixels. */
export function perceptualHashes(
  rgba: ArrayLike<number>,
  width: number,
  height: number,
  channels: 3 | 4 = 4,
): { aHash: string; dHash: string } {
  const a = lumaGrid(rgba, width, height, 8, 8, channels);
  const mean = a.reduce((s, v) => s + v, 0) / a.length;
  const d = lumaGrid(rgba, width, height, 9, 8, channels);
  const dBits: boolean[] = [];
  for (let r = 0; r < 8; r++) for (let c = 0; c < 8; c++) dBits.push(d[r * 9 + c] < d[r * 9 + c + 1]);
  return { aHash: bitsToHex(Array.from(a, (v) => v > mean)), dHash: bitsToHex(dBits) };
}

/** Set bits of a 32-bit integer (SWAR). */
export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (Math.imul((x + (x >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24) & 0xff;
}

/** Bits that differ between two 64-bit hashes written as 16 hex digits. */
export function hammingDistance(a: string, b: string): number {
  if (!/^[0-9a-f]{16}$/.test(a) || !/^[0-9a-f]{16}$/.test(b)) throw new FingerprintError(`not 64-bit hex hashes: "${a}", "${b}"`);
  return (
    popcount32(parseInt(a.slice(0, 8), 16) ^ parseInt(b.slice(0, 8), 16)) + popcount32(parseInt(a.slice(8), 16) ^ parseInt(b.slice(8), 16))
  );
}

/** A frame's fingerprint from its file bytes and its decoded pixels (RGBA unless `channels` says 3). */
export async function fingerprintFrame(
  fileBytes: BufferSource,
  pixels: { data: ArrayLike<number>; width: number; height: number; channels?: 3 | 4 },
): Promise<FrameFingerprint> {
  return { sha256: await sha256Hex(fileBytes), ...perceptualHashes(pixels.data, pixels.width, pixels.height, pixels.channels) };
}
