import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { helperCount, IN_PLACE_WEIGHT, MAX_HELPERS, PrepPool, prepareInPlace, type PrepRequest, type PrepResponse } from './prep-pool.ts';

describe('PrepPool', () => {
  it('uses one helper fewer than the cores, none on one core, at most MAX_HELPERS', () => {
    expect(helperCount(1)).toBe(0);
    expect(helperCount(undefined)).toBe(0);
    expect(helperCount(2)).toBe(1);
    expect(helperCount(64)).toBe(MAX_HELPERS);
  });

  it('without helpers prepares in place and reports bad files the same way', async () => {
    const pool = new PrepPool({ helpers: 0 });
    expect(pool.size).toBe(0);
    await expect(pool.prepare(new Blob([]), { inputSize: 8, range: [-1, 1] })).rejects.toMatchObject({ name: 'FrameError', code: 'empty' });
    await expect(pool.prepare(new Blob(['plain text']), { inputSize: 8, range: [-1, 1] })).rejects.toMatchObject({ code: 'not-image' });
  });
});

/** A helper worker that answers every frame at once with a 1-value input, recording what it was sent. */
class FakeHelper {
  static all: FakeHelper[] = [];
  received = 0;
  onmessage: ((ev: { data: PrepResponse }) => void) | undefined;
  onerror: (() => void) | undefined;
  constructor() {
    FakeHelper.all.push(this);
  }
  postMessage(req: PrepRequest): void {
    this.received++;
    queueMicrotask(() =>
      this.onmessage?.({ data: { id: req.id, ok: true, input: new Float32Array(1), width: 1, height: 1, downscaled: false } }),
    );
  }
  terminate(): void {}
}

describe('PrepPool sharing the work with its caller', () => {
  beforeEach(() => {
    FakeHelper.all = [];
    vi.stubGlobal('Worker', FakeHelper);
  });
  afterEach(() => vi.unstubAllGlobals());

  it('keeps a frame in place when the least busy helper holds IN_PLACE_WEIGHT times what the caller does', () => {
    expect(IN_PLACE_WEIGHT).toBe(2);
    expect(prepareInPlace(0, 1)).toBe(false);
    expect(prepareInPlace(0, 2)).toBe(true);
    expect(prepareInPlace(1, 3)).toBe(false);
    expect(prepareInPlace(1, 4)).toBe(true);
  });

  it('a batch of 8 with one helper: 6 go to the helper, 2 are prepared in place (same errors, same results otherwise)', async () => {
    const pool = new PrepPool({ helpers: 1, shareInPlace: true });
    // Blobs Node cannot decode: the in-place ones fail with the decoder's own message, the helper's succeed.
    const outcomes = await Promise.allSettled(
      Array.from({ length: 8 }, () => pool.prepare(new Blob(['x']), { inputSize: 8, range: [-1, 1] })),
    );
    expect(FakeHelper.all[0].received).toBe(6);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(6);
    expect(outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason as Error)).toEqual([
      expect.objectContaining({ name: 'FrameError', code: 'not-image' }),
      expect.objectContaining({ name: 'FrameError', code: 'not-image' }),
    ]);
  });

  it('without sharing every frame goes to the helpers', async () => {
    const pool = new PrepPool({ helpers: 1 });
    await Promise.all(Array.from({ length: 8 }, () => pool.prepare(new Blob(['x']), { inputSize: 8, range: [-1, 1] })));
    expect(FakeHelper.all[0].received).toBe(8);
  });
});
