import { describe, expect, it, vi } from 'vitest';
import type { GpuProbe } from './backend-choice.ts';
import { BackgroundWork, Paused, backgroundChoice, type ChoiceSteps, type ChoiceUpdate } from './background-choice.ts';
import type { BackendName, BackendTiming } from './protocol.ts';

/** A promise resolved from outside: lets a test decide when a fake step finishes. */
function gate(): { promise: Promise<void>; open: () => void } {
  let open!: () => void;
  const promise = new Promise<void>((r) => (open = r));
  return { promise, open };
}

const tick = () => new Promise<void>((r) => setTimeout(r, 0));

describe('BackgroundWork', () => {
  it('runs a job only while nothing holds the worker, pausing it at a checkpoint and resuming it after', async () => {
    const work = new BackgroundWork((e) => {
      throw e;
    });
    const log: string[] = [];
    let step = 0;
    const steps = [gate(), gate(), gate()];
    work.start(async (checkpoint) => {
      while (step < steps.length) {
        checkpoint();
        log.push(`step ${step} starts`);
        await steps[step].promise;
        step++;
      }
      log.push('done');
    });
    await tick();
    expect(log).toEqual(['step 0 starts']);

    // A batch arrives mid-step: it waits for the step, never for the whole job.
    let held = false;
    const holding = work.hold().then(() => (held = true));
    await tick();
    expect(held).toBe(false);
    steps[0].open();
    await holding;
    expect(log).toEqual(['step 0 starts']); // step 1 did not start: the checkpoint stopped it
    expect(work.pending).toBe(true);

    work.release();
    await tick();
    expect(log).toEqual(['step 0 starts', 'step 1 starts']);
    steps[1].open();
    steps[2].open();
    await vi.waitFor(() => expect(log.at(-1)).toBe('done'));
    expect(work.pending).toBe(false);
  });

  it('waits for every holder: two batches, or a batch and a Grad-CAM', async () => {
    const work = new BackgroundWork((e) => {
      throw e;
    });
    const ran = vi.fn(() => Promise.resolve());
    await work.hold();
    await work.hold();
    work.start(ran);
    work.release();
    await tick();
    expect(ran).not.toHaveBeenCalled();
    work.release();
    await vi.waitFor(() => expect(ran).toHaveBeenCalledOnce());
  });

  it('stop() drops the job and resolves once it has stopped (a new model is loading)', async () => {
    const work = new BackgroundWork((e) => {
      throw e;
    });
    const g = gate();
    const cleaned = vi.fn();
    work.start(async (checkpoint) => {
      try {
        await g.promise;
        checkpoint();
      } catch (e) {
        cleaned();
        throw e;
      }
    });
    await tick();
    const stopped = work.stop();
    g.open();
    await stopped;
    expect(cleaned).toHaveBeenCalledOnce();
    expect(work.pending).toBe(false);
  });

  it('starts only after the worker has been idle for idleMs, and a batch in that time puts it off again', async () => {
    vi.useFakeTimers();
    try {
      const work = new BackgroundWork((e) => {
        throw e;
      }, 500);
      const ran = vi.fn(() => Promise.resolve());
      work.start(ran);
      await vi.advanceTimersByTimeAsync(400);
      expect(ran).not.toHaveBeenCalled();
      await work.hold(); // frames dropped right after "ready"
      await vi.advanceTimersByTimeAsync(1000);
      expect(ran).not.toHaveBeenCalled();
      work.release();
      await vi.advanceTimersByTimeAsync(499);
      expect(ran).not.toHaveBeenCalled();
      await vi.advanceTimersByTimeAsync(1);
      expect(ran).toHaveBeenCalledOnce();
    } finally {
      vi.useRealTimers();
    }
  });

  it('reports a failing job once and drops it', async () => {
    const onError = vi.fn();
    const work = new BackgroundWork(onError);
    work.start(() => Promise.reject(new Error('device lost')));
    await vi.waitFor(() => expect(onError).toHaveBeenCalledOnce());
    expect(work.pending).toBe(false);
    expect(Paused.name).toBe('Paused');
  });
});

interface FakeModel {
  backend: BackendName;
  disposed: boolean;
}

/** Fake steps: timings by backend, a log of what happened, the active backend switched like the worker does. */
function fakeSteps(opts: {
  probes: GpuProbe[];
  ms: Partial<Record<BackendName, number>>;
  fail?: BackendName;
  start?: BackendName;
  onCandidate?: () => Promise<void>;
}) {
  let active: BackendName = opts.start ?? 'wasm';
  const updates: ChoiceUpdate[] = [];
  const models: FakeModel[] = [];
  const timed: BackendName[] = [];
  const steps: ChoiceSteps<FakeModel> = {
    probe: () => Promise.resolve(opts.probes),
    cores: 2,
    active: () => active,
    timeActive: (checkpoint) => {
      checkpoint();
      timed.push(active);
      return Promise.resolve({ backend: active, ok: true, batch: 8, msPerFrame: opts.ms[active] });
    },
    timeCandidate: async (backend, _against, checkpoint): Promise<{ timing: BackendTiming; model?: FakeModel }> => {
      checkpoint();
      const model = { backend, disposed: false };
      models.push(model);
      await opts.onCandidate?.();
      try {
        checkpoint();
      } catch (e) {
        model.disposed = true;
        throw e;
      }
      timed.push(backend);
      if (opts.fail === backend) {
        model.disposed = true;
        return { timing: { backend, ok: false, error: 'context lost' } };
      }
      return { timing: { backend, ok: true, batch: 8, msPerFrame: opts.ms[backend] }, model };
    },
    switchTo: (backend, model) => {
      const old = models.find((m) => m.backend === active && !m.disposed);
      if (old) old.disposed = true;
      active = backend;
      expect(model.backend).toBe(backend);
      return Promise.resolve();
    },
    discard: (model) => {
      model.disposed = true;
    },
    report: (u) => updates.push(u),
  };
  return { steps, updates, models, timed, active: () => active };
}

const software: GpuProbe[] = [
  { backend: 'webgpu', available: true, adapter: 'google swiftshader', software: true },
  {
    backend: 'webgl',
    available: true,
    adapter: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)',
    software: true,
  },
];
const realGpus: GpuProbe[] = [
  { backend: 'webgpu', available: true, adapter: 'nvidia hopper', software: false },
  { backend: 'webgl', available: true, adapter: 'ANGLE (NVIDIA, NVIDIA H200)', software: false },
];

async function runToEnd(job: (c: () => void) => Promise<void>): Promise<void> {
  const work = new BackgroundWork((e) => {
    throw e;
  });
  work.start(job);
  await vi.waitFor(() => expect(work.pending).toBe(false));
}

describe('backgroundChoice', () => {
  it('with software GPUs only, times nothing and settles on WASM: "software only, not used"', async () => {
    const f = fakeSteps({ probes: software, ms: {} });
    await runToEnd(backgroundChoice('time-gpus', undefined, f.steps));
    expect(f.timed).toEqual([]);
    expect(f.updates).toHaveLength(1);
    expect(f.updates[0]).toMatchObject({ backend: 'wasm', reason: 'software-gpu', settled: true });
    expect(f.updates[0].timings.map((t) => [t.backend, t.skipped])).toEqual([
      ['webgpu', 'software'],
      ['webgl', 'software'],
    ]);
    expect(f.updates[0].device).toContain('swiftshader');
  });

  it('switches to a GPU that is measurably faster at the batch size, and frees the models it does not keep', async () => {
    const f = fakeSteps({ probes: realGpus, ms: { wasm: 16, webgpu: 2.2, webgl: 3 } });
    await runToEnd(backgroundChoice('time-gpus', undefined, f.steps));
    expect(f.timed).toEqual(['wasm', 'webgpu', 'webgl']);
    expect(f.active()).toBe('webgpu'); // webgl (3 ms) is not 20 % faster than webgpu (2.2 ms)
    expect(f.models.filter((m) => !m.disposed).map((m) => m.backend)).toEqual(['webgpu']);
    expect(f.updates.map((u) => [u.backend, u.reason, u.settled])).toEqual([
      ['wasm', 'measuring', false],
      ['webgpu', 'measuring', false],
      ['webgpu', 'measured', true],
    ]);
    expect(f.updates.at(-1)?.timings.map((t) => `${t.backend} ${t.msPerFrame}`)).toEqual(['wasm 16', 'webgpu 2.2', 'webgl 3']);
  });

  it('stays on WASM when the GPUs are slower or fail, saying they were measured', async () => {
    const f = fakeSteps({ probes: realGpus, ms: { wasm: 16, webgpu: 40 }, fail: 'webgl' });
    await runToEnd(backgroundChoice('time-gpus', undefined, f.steps));
    expect(f.active()).toBe('wasm');
    expect(f.models.every((m) => m.disposed)).toBe(true);
    expect(f.updates.at(-1)).toMatchObject({ backend: 'wasm', reason: 'measured', settled: true });
    expect(f.updates.at(-1)?.timings.find((t) => t.backend === 'webgl')).toMatchObject({ ok: false, error: 'context lost' });
  });

  it("a batch during a candidate's timing pauses it; the candidate is freed and timed again from the start", async () => {
    let holdNow: (() => void) | undefined;
    const f = fakeSteps({
      probes: realGpus,
      ms: { wasm: 16, webgpu: 2, webgl: 30 },
      onCandidate: () => {
        holdNow?.();
        holdNow = undefined;
        return tick();
      },
    });
    const work = new BackgroundWork((e) => {
      throw e;
    });
    let held: Promise<void> | undefined;
    holdNow = () => {
      held = work.hold();
    };
    work.start(backgroundChoice('time-gpus', undefined, f.steps));
    await vi.waitFor(() => expect(held).toBeDefined());
    await held;
    // Paused inside webgpu's timing: its model is freed, nothing switched, the batch runs on WASM.
    expect(f.active()).toBe('wasm');
    expect(f.models).toEqual([{ backend: 'webgpu', disposed: true }]);
    work.release();
    await vi.waitFor(() => expect(work.pending).toBe(false));
    expect(f.timed).toEqual(['wasm', 'webgpu', 'webgl']); // wasm was not timed twice
    expect(f.active()).toBe('webgpu');
    expect(f.models.filter((m) => !m.disposed).map((m) => m.backend)).toEqual(['webgpu']);
  });

  it('keeps a remembered choice on the same device without timing anything', async () => {
    const f = fakeSteps({ probes: realGpus, ms: { webgpu: 2 }, start: 'webgpu' });
    const device = '2 cores; webgl: ANGLE (NVIDIA, NVIDIA H200); webgpu: nvidia hopper';
    await runToEnd(backgroundChoice('check-device', device, f.steps));
    expect(f.timed).toEqual([]);
    expect(f.updates).toEqual([]);
  });

  it('times again when the remembered choice was made on another device (or before devices were recorded)', async () => {
    const f = fakeSteps({ probes: realGpus, ms: { wasm: 16, webgpu: 2, webgl: 3 }, start: 'wasm' });
    await runToEnd(backgroundChoice('check-device', undefined, f.steps));
    expect(f.timed).toEqual(['wasm', 'webgpu', 'webgl']);
    expect(f.updates.at(-1)).toMatchObject({ backend: 'webgpu', reason: 'measured', settled: true });
  });
});
