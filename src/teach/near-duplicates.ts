/**
 * Groups frames that show the same picture: equal SHA-256, or both perceptual hashes within a few
 * bits. Requiring both hashes to agree keeps distinct endoscopy frames apart: they share a dark
 * vignette and a pink field, which alone can bring one hash close.
 */
import { hammingDistance, popcount32, type FrameFingerprint } from './fingerprint.ts';

/** Bits two 64-bit hashes may differ by and still be the same picture (re-encoded, resized). */
export const NEAR_DUPLICATE_BITS = 4;

export interface NearDuplicateOptions {
  maxBits?: number;
}

export function isSamePicture(a: FrameFingerprint, b: FrameFingerprint, maxBits = NEAR_DUPLICATE_BITS): boolean {
  if (a.sha256 === b.sha256) return true;
  return hammingDistance(a.aHash, b.aHash) <= maxBits && hammingDistance(a.dHash, b.dHash) <= maxBits;
}

/** Both perceptual hashes as four 32-bit words, parsed once: 1000 frames are 500k comparisons. */
function words(fps: readonly FrameFingerprint[]): Uint32Array {
  const out = new Uint32Array(fps.length * 4);
  fps.forEach((fp, i) => {
    hammingDistance(fp.aHash, fp.dHash); // validates both
    out.set(
      [
        parseInt(fp.aHash.slice(0, 8), 16),
        parseInt(fp.aHash.slice(8), 16),
        parseInt(fp.dHash.slice(0, 8), 16),
        parseInt(fp.dHash.slice(8), 16),
      ],
      i * 4,
    );
  });
  return out;
}

/** Indices grouped by picture (union-find over every pair); groups ordered by first index, members ascending. */
export function groupSamePictures(fingerprints: readonly FrameFingerprint[], opts: NearDuplicateOptions = {}): number[][] {
  const maxBits = opts.maxBits ?? NEAR_DUPLICATE_BITS;
  const w = words(fingerprints);
  const parent = fingerprints.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (let i = 0; i < fingerprints.length; i++) {
    for (let j = i + 1; j < fingerprints.length; j++) {
      const same =
        fingerprints[i].sha256 === fingerprints[j].sha256 ||
        (popcount32(w[i * 4] ^ w[j * 4]) + popcount32(w[i * 4 + 1] ^ w[j * 4 + 1]) <= maxBits &&
          popcount32(w[i * 4 + 2] ^ w[j * 4 + 2]) + popcount32(w[i * 4 + 3] ^ w[j * 4 + 3]) <= maxBits);
      if (!same) continue;
      const ri = find(i);
      const rj = find(j);
      if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
    }
  }
  const groups = new Map<number, number[]>();
  for (let i = 0; i < fingerprints.length; i++) {
    const r = find(i);
    const g = groups.get(r);
    if (g) g.push(i);
    else groups.set(r, [i]);
  }
  return [...groups.values()];
}
