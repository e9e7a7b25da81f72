import { describe, expect, it } from 'vitest';
import type { PixelImage } from '../../core/preprocess.ts';
import type { Scores } from '../../inference/protocol.ts';
import { LiveLoop, type FrameSource, type LiveResult } from './frame-loop.ts';

/** A camera whose frames the test presents one by one, and a model whose answers the test releases. */
function fakes() {
  let pending: ((capturedAt: number) => void) | undefined;
  const source: FrameSource = {
    nextFrame(cb) {
      pending = cb;
      return () => {
        if (pending === cb) pending = undefined;
      };
    },
    read: (): PixelImage => ({ data: new Uint8ClampedArray(4), width: 1, height: 1, channels: 4 }),
  };
  const answers: ((s: Scores) => void)[] = [];
  const score = (_pixels: PixelImage) => new Promise<Scores>((resolve) => answers.push(resolve));
  const frame = (t: number) => pending?.(t);
  const flush = () => new Promise((r) => setTimeout(r, 0));
  return { source, score, answers, frame, flush, watching: () => pending !== undefined };
}

describe('LiveLoop', () => {
  it('has one frame in flight: frames arriving while the model is busy are dropped, not queued', async () => {
    const f = fakes();
    const results: LiveResult[] = [];
    let clock = 0;
    const loop = new LiveLoop(f.source, f.score, { onResult: (r) => results.push(r), onError: () => undefined }, () => clock);
    loop.start();
    f.frame(0);
    f.frame(10);
    f.frame(20);
    expect(f.answers).toHaveLength(1);
    expect(loop.dropped).toBe(2);
    clock = 45;
    f.answers[0]({ probabilities: [0.2, 0.8] });
    await f.flush();
    expect(results).toEqual([
      { scores: { probabilities: [0.2, 0.8] }, capturedAt: 0, latencyMs: 45, stages: { waitMs: 0, readMs: 0, scoreMs: 45 } },
    ]);
    // The next frame after the answer is scored, not one of the dropped ones.
    f.frame(50);
    expect(f.answers).toHaveLength(2);
    clock = 90;
    f.answers[1]({ probabilities: [0.6, 0.4] });
    await f.flush();
    expect(results.at(-1)).toMatchObject({ capturedAt: 50, latencyMs: 40 });
  });

  it('paused: no frame is scored; resumed: scoring goes on', () => {
    const f = fakes();
    const loop = new LiveLoop(f.source, f.score, { onResult: () => undefined, onError: () => undefined });
    loop.setPaused(true);
    loop.start();
    f.frame(0);
    f.frame(1);
    expect(f.answers).toHaveLength(0);
    loop.setPaused(false);
    f.frame(2);
    expect(f.answers).toHaveLength(1);
  });

  it('stopped: stops watching frames and throws away a result still in flight', async () => {
    const f = fakes();
    const results: LiveResult[] = [];
    const loop = new LiveLoop(f.source, f.score, { onResult: (r) => results.push(r), onError: () => undefined });
    loop.start();
    f.frame(0);
    loop.stop();
    expect(f.watching()).toBe(false);
    f.answers[0]({ probabilities: [1, 0] });
    await f.flush();
    expect(results).toHaveLength(0);
  });

  it('a failed frame is reported and the loop carries on', async () => {
    const f = fakes();
    const errors: unknown[] = [];
    let fail = true;
    const score = (p: PixelImage) => (fail ? Promise.reject(new Error('no model')) : f.score(p));
    const loop = new LiveLoop(f.source, score, { onResult: () => undefined, onError: (e) => errors.push(e) });
    loop.start();
    f.frame(0);
    await f.flush();
    expect(errors).toHaveLength(1);
    fail = false;
    f.frame(1);
    expect(f.answers).toHaveLength(1);
  });
});
