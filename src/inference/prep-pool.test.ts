import { describe, expect, it } from 'vitest';
import { helperCount, MAX_HELPERS, PrepPool } from './prep-pool.ts';

describe('PrepPool', () => {
  it('uses one helper fewer than the cores, none on one core, at most MAX_HELPERS', () => {
    expect(helperCount(1)).toBe(0);
    expect(helperCount(undefined)).toBe(0);
    expect(helperCount(2)).toBe(1);
    expect(helperCount(64)).toBe(MAX_HELPERS);
  });

  it('without helpers prepares in place and reports bad files the same way', async () => {
    const pool = new PrepPool(0);
    expect(pool.size).toBe(0);
    await expect(pool.prepare(new Blob([]), { inputSize: 8, range: [-1, 1] })).rejects.toMatchObject({ name: 'FrameError', code: 'empty' });
    await expect(pool.prepare(new Blob(['plain text']), { inputSize: 8, range: [-1, 1] })).rejects.toMatchObject({ code: 'not-image' });
  });
});
