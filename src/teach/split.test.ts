import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../core/rng.ts';
import type { FrameFingerprint } from './fingerprint.ts';
import { planSplit, SplitError, type SplitNotice, type TeachFrame } from './split.ts';

const hex16 = (rng: () => number) => Array.from({ length: 16 }, () => Math.floor(rng() * 16).toString(16)).join('');

/** A distinct random picture's fingerprint (random 64-bit hashes differ by ~32 bits). */
function distinct(rng: () => number, n: number): FrameFingerprint {
  return { sha256: `sha-${n}`, aHash: hex16(rng), dHash: hex16(rng) };
}

/** The same picture re-encoded: another file hash, one bit flipped in each perceptual hash. */
function reencoded(fp: FrameFingerprint, n: number): FrameFingerprint {
  const flip = (h: string) => (parseInt(h[0], 16) ^ 1).toString(16) + h.slice(1);
  return { sha256: `sha-copy-${n}`, aHash: flip(fp.aHash), dHash: flip(fp.dHash) };
}

function dataset(perClass: Record<string, number>, seed = 7): TeachFrame[] {
  const rng = mulberry32(seed);
  let n = 0;
  return Object.entries(perClass).flatMap(([className, count]) =>
    Array.from({ length: count }, (_, i) => ({
      id: `${className}/${String(i).padStart(3, '0')}.jpg`,
      className,
      fingerprint: distinct(rng, n++),
    })),
  );
}

const classOf = (id: string) => id.slice(0, id.indexOf('/'));
const countIn = (ids: string[], c: string) => ids.filter((id) => classOf(id) === c).length;
const kinds = (notices: SplitNotice[]) => notices.map((n) => `${n.kind}:${'className' in n ? n.className : ''}`);

describe('planSplit: held-out part', () => {
  const frames = dataset({ normal: 200, polyp: 50, colitis: 31 });
  const plan = planSplit(frames, { seed: 42 });

  it('holds out 20 % of every class and trains on the rest, each frame once', () => {
    expect(plan.mode).toBe('holdout');
    expect(plan.folds).toHaveLength(1);
    const [{ train, heldOut }] = plan.folds;
    expect(countIn(heldOut, 'normal')).toBe(40);
    expect(countIn(heldOut, 'polyp')).toBe(10);
    expect(countIn(heldOut, 'colitis')).toBe(6);
    expect(new Set([...train, ...heldOut]).size).toBe(frames.length);
    expect(train.length + heldOut.length).toBe(frames.length);
    expect(plan.counts).toEqual({ colitis: 31, normal: 200, polyp: 50 });
    expect(plan.ok).toBe(true);
    expect(plan.notices).toEqual([]);
  });

  it('is the same for the same seed whatever the input order, and differs for another seed', () => {
    const again = planSplit([...frames].reverse(), { seed: 42 });
    expect(again.folds).toEqual(plan.folds);
    expect(planSplit(frames, { seed: 43 }).folds[0].heldOut).not.toEqual(plan.folds[0].heldOut);
  });

  it('takes the share asked for', () => {
    const tenth = planSplit(frames, { seed: 1, heldOutShare: 0.1 });
    expect(countIn(tenth.folds[0].heldOut, 'normal')).toBe(20);
    expect(() => planSplit(frames, { seed: 1, heldOutShare: 1 })).toThrow(SplitError);
  });

  it('keeps every copy of a picture on one side', () => {
    const withCopies = [...frames];
    // Ten pictures of "polyp" saved three times each.
    for (let p = 0; p < 10; p++) {
      const original = frames.find((f) => f.id === `polyp/${String(p).padStart(3, '0')}.jpg`) as TeachFrame;
      for (let c = 0; c < 2; c++)
        withCopies.push({ id: `polyp/copy-${p}-${c}.jpg`, className: 'polyp', fingerprint: reencoded(original.fingerprint, p * 2 + c) });
    }
    for (const seed of [1, 2, 3, 4, 5]) {
      const { heldOut } = planSplit(withCopies, { seed }).folds[0];
      for (let p = 0; p < 10; p++) {
        const sides = [`polyp/${String(p).padStart(3, '0')}.jpg`, `polyp/copy-${p}-0.jpg`, `polyp/copy-${p}-1.jpg`].map((id) =>
          heldOut.includes(id),
        );
        expect(new Set(sides).size).toBe(1);
      }
      expect(countIn(heldOut, 'polyp')).toBeGreaterThanOrEqual(12); // about 20 % of 70
      expect(countIn(heldOut, 'polyp')).toBeLessThanOrEqual(14);
    }
  });
});

describe('planSplit: small classes', () => {
  it('switches to stratified k-fold when a class has fewer than 10 frames, each frame held out once', () => {
    const frames = dataset({ normal: 40, polyp: 30, oesophagitis: 6 });
    const plan = planSplit(frames, { seed: 3 });
    expect(plan.mode).toBe('kfold');
    expect(plan.folds).toHaveLength(5);
    const heldOnce = plan.folds.flatMap((f) => f.heldOut);
    expect(new Set(heldOnce).size).toBe(frames.length);
    expect(heldOnce).toHaveLength(frames.length);
    for (const fold of plan.folds) {
      expect(fold.train.length + fold.heldOut.length).toBe(frames.length);
      expect(countIn(fold.heldOut, 'normal')).toBe(8);
      expect(countIn(fold.heldOut, 'polyp')).toBe(6);
      expect([1, 2]).toContain(countIn(fold.heldOut, 'oesophagitis'));
    }
    expect(kinds(plan.notices)).toEqual(['few-frames:oesophagitis']);
    expect(planSplit([...frames].reverse(), { seed: 3 }).folds).toEqual(plan.folds);
  });

  it('uses as many folds as the smallest class has pictures, and trains on a one-frame class in every fold', () => {
    const plan = planSplit(dataset({ a: 12, b: 3, c: 1 }), { seed: 9 });
    expect(plan.mode).toBe('kfold');
    expect(plan.folds).toHaveLength(3);
    for (const fold of plan.folds) {
      expect(countIn(fold.heldOut, 'b')).toBe(1);
      expect(countIn(fold.heldOut, 'a')).toBe(4);
      expect(fold.train).toContain('c/000.jpg');
    }
    expect(kinds(plan.notices)).toEqual(['few-frames:a', 'few-frames:b', 'single-frame:c', 'few-frames:c']);
    expect(plan.ok).toBe(true);
  });

  it('holds out at least one frame of a class with two, when a held-out part is asked for', () => {
    const plan = planSplit(dataset({ a: 30, b: 2 }), { seed: 5, mode: 'holdout' });
    expect(countIn(plan.folds[0].heldOut, 'b')).toBe(1);
    expect(countIn(plan.folds[0].train, 'b')).toBe(1);
  });

  it('warns, never refuses, below 20 frames', () => {
    const plan = planSplit(dataset({ a: 19, b: 20 }), { seed: 1 });
    expect(plan.notices.map((n) => n.severity)).toEqual(['warning']);
    expect(plan.notices[0]).toMatchObject({ kind: 'few-frames', className: 'a', count: 19, recommended: 20 });
    expect(plan.ok).toBe(true);
  });
});

describe('planSplit: bad input', () => {
  it('refuses a picture labelled with two classes, naming both, and keeps the rest', () => {
    const frames = dataset({ normal: 25, polyp: 25 });
    const original = frames[3];
    frames.push({ id: 'polyp/dup.jpg', className: 'polyp', fingerprint: reencoded(original.fingerprint, 1) });
    const plan = planSplit(frames, { seed: 1 });
    expect(plan.refused).toEqual([original.id, 'polyp/dup.jpg'].sort());
    const refusal = plan.notices.find((n) => n.kind === 'same-picture-two-classes');
    expect(refusal).toMatchObject({ severity: 'refused', classes: ['normal', 'polyp'] });
    expect(refusal?.message).toContain('"normal" and "polyp"');
    expect(plan.counts).toEqual({ normal: 24, polyp: 25 });
    const used = [...plan.folds[0].train, ...plan.folds[0].heldOut];
    expect(used).not.toContain(original.id);
    expect(used).toHaveLength(49);
    expect(plan.ok).toBe(true);
  });

  it('warns when all frames of a class are one picture', () => {
    const frames = dataset({ a: 20 });
    const base = dataset({ b: 1 }, 99)[0];
    for (let i = 0; i < 3; i++)
      frames.push({ id: `b/${i}.jpg`, className: 'b', fingerprint: { ...base.fingerprint, sha256: 'same-file' } });
    const plan = planSplit(frames, { seed: 1 });
    expect(kinds(plan.notices)).toEqual(['one-picture:b', 'few-frames:b']);
    for (const fold of plan.folds) expect(countIn(fold.heldOut, 'b')).toBe(0);
  });

  it('reports an error with fewer than two classes or nothing to hold out', () => {
    const one = planSplit(dataset({ a: 30 }), { seed: 1 });
    expect(one.ok).toBe(false);
    expect(one.notices.map((n) => n.kind)).toContain('too-few-classes');
    const singles = planSplit(dataset({ a: 1, b: 1 }), { seed: 1 });
    expect(singles.ok).toBe(false);
    expect(singles.notices.map((n) => n.kind)).toContain('nothing-to-hold-out');
  });

  it('rejects an id given twice', () => {
    const frames = dataset({ a: 2, b: 2 });
    expect(() => planSplit([...frames, frames[0]], { seed: 1 })).toThrow(SplitError);
  });
});
