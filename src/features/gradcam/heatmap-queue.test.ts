import { describe, expect, it } from 'vitest';
import { HeatmapQueue } from './heatmap-queue.ts';

/** A compute function whose calls the test finishes by hand. */
function controlled() {
  const calls: { frameId: string; classIndex: number; finish: (v: string) => void; fail: (e: Error) => void }[] = [];
  const compute = (frameId: string, classIndex: number) =>
    new Promise<string>((finish, fail) => {
      calls.push({ frameId, classIndex, finish, fail });
    });
  return { calls, compute };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

describe('HeatmapQueue', () => {
  it('computes one map at a time, caches it, and shares a pending request', async () => {
    const { calls, compute } = controlled();
    const q = new HeatmapQueue(compute);
    const a1 = q.get('a', 0);
    const a2 = q.get('a', 0);
    const b = q.get('b', 1);
    await tick();
    expect(calls.map((c) => c.frameId)).toEqual(['a']);
    calls[0].finish('map-a');
    expect(await a1).toBe('map-a');
    expect(await a2).toBe('map-a');
    await tick();
    expect(calls.map((c) => c.frameId)).toEqual(['a', 'b']);
    calls[1].finish('map-b');
    expect(await b).toBe('map-b');
    expect(await q.get('a', 0)).toBe('map-a');
    expect(calls).toHaveLength(2);
    expect(q.peek('b', 1)).toBe('map-b');
  });

  it('serves the frame on screen before background prefetches, and waits while paused', async () => {
    const { calls, compute } = controlled();
    const q = new HeatmapQueue(compute);
    q.pause();
    q.prefetch([
      { frameId: 'p1', classIndex: 0 },
      { frameId: 'p2', classIndex: 0 },
    ]);
    const seen = q.get('on-screen', 2);
    await tick();
    expect(calls).toHaveLength(0); // paused while the batch classifies
    q.resume();
    await tick();
    expect(calls.map((c) => c.frameId)).toEqual(['on-screen']);
    calls[0].finish('m');
    await seen;
    await tick();
    expect(calls.map((c) => c.frameId)).toEqual(['on-screen', 'p1']);
    // p2, still queued in the background, is promoted when the user opens it.
    const p2 = q.get('p2', 0, 'now');
    calls[1].finish('m1');
    await tick();
    expect(calls.at(-1)?.frameId).toBe('p2');
    calls[2].finish('m2');
    expect(await p2).toBe('m2');
  });

  it('reports failures without caching them, evicts the oldest, and forgets everything on invalidate', async () => {
    const { calls, compute } = controlled();
    const q = new HeatmapQueue(compute, 2);
    const bad = q.get('x', 0);
    await tick();
    calls[0].fail(new Error('out of memory'));
    await expect(bad).rejects.toThrow('out of memory');
    expect(q.peek('x', 0)).toBeUndefined();
    for (const id of ['a', 'b', 'c']) {
      const p = q.get(id, 0);
      await tick();
      (calls.at(-1) as (typeof calls)[number]).finish(id);
      await p;
    }
    expect(q.size).toBe(2);
    expect(q.peek('a', 0)).toBeUndefined();
    q.pause();
    const queued = q.get('d', 0);
    q.invalidate();
    await expect(queued).rejects.toThrow(/cancelled/);
    expect(q.size).toBe(0);
  });
});
