/**
 * The backend choice that never makes anyone wait: once the model is ready (on WASM, or on a
 * remembered backend), the worker probes the GPUs and times the real ones while it has nothing else
 * to do, and switches between batches when one is measurably faster. No tfjs here: the worker hands
 * in the steps (src/inference/backends.ts), so the scheduling is unit-tested with fakes.
 */
import { deviceKey, planGpuTiming, shouldSwitch, type BackgroundChoice, type GpuProbe } from './backend-choice.ts';
import type { BackendName, BackendReason, BackendTiming } from './protocol.ts';

/** Thrown at a checkpoint when work arrived or the job was dropped: the step frees what it holds and stops. */
export class Paused extends Error {
  constructor() {
    super('background work paused');
    this.name = 'Paused';
  }
}

/** `checkpoint()` throws Paused when the job must stop; a job keeps its own progress and resumes from it. */
export type BackgroundJob = (checkpoint: () => void) => Promise<void>;

/**
 * Runs one job only while nothing holds the worker. A batch or a Grad-CAM `hold()`s it: the job stops
 * at its next checkpoint (one step: a model load, a warm-up or one timed call), and `release()` lets it
 * go on. tfjs has one active backend per worker, so the job and the work never run at the same time.
 * The job (re)starts only after the worker has been idle for `idleMs`, so frames dropped right after
 * the model is ready, or a drop that arrives in chunks, do not wait for a step.
 */
export class BackgroundWork {
  private holds = 0;
  private job: BackgroundJob | undefined;
  private running: Promise<void> | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly onError: (e: unknown) => void,
    private readonly idleMs = 0,
  ) {}

  /** Replaces any unfinished job; starts at once when nothing holds the worker. */
  start(job: BackgroundJob): void {
    this.job = job;
    this.kick();
  }

  /** Drops the job and waits until it has stopped and freed what it held (a new model is loading). */
  async stop(): Promise<void> {
    this.job = undefined;
    await this.running;
  }

  /** Work arrived: resolves once the job (if running) has stopped at a checkpoint. */
  async hold(): Promise<void> {
    this.holds++;
    await this.running;
  }

  release(): void {
    this.holds--;
    this.kick();
  }

  /** Whether a job is waiting or running (tests, and the worker's idle bookkeeping). */
  get pending(): boolean {
    return this.job !== undefined || this.running !== undefined;
  }

  private kick(): void {
    if (!this.job || this.running || this.holds > 0 || this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.run();
    }, this.idleMs);
  }

  private run(): void {
    const job = this.job;
    if (!job || this.running || this.holds > 0) return;
    const checkpoint = () => {
      if (this.holds > 0 || this.job !== job) throw new Paused();
    };
    this.running = (async () => {
      try {
        await job(checkpoint);
        if (this.job === job) this.job = undefined;
      } catch (e) {
        if (e instanceof Paused) return;
        if (this.job === job) this.job = undefined;
        this.onError(e);
      } finally {
        this.running = undefined;
      }
    })().then(() => this.kick());
  }
}

export interface ChoiceUpdate {
  backend: BackendName;
  reason: BackendReason;
  timings: BackendTiming[];
  /** Nothing more will be timed: the page remembers the choice. */
  settled: boolean;
  device: string;
}

/** What the worker does for the job; every step that uses tfjs calls `checkpoint` between its parts. */
export interface ChoiceSteps<M> {
  probe(): Promise<GpuProbe[]>;
  cores: number;
  active(): BackendName;
  /** Times the model already running on the active backend, at the worker's batch size. */
  timeActive(checkpoint: () => void): Promise<BackendTiming>;
  /**
   * Loads the same model on `backend`, warms it up and times it at the worker's batch size; returns
   * it for a switch. Frees it itself (and goes back to the active backend) when it fails or is paused.
   */
  timeCandidate(
    backend: BackendName,
    againstMsPerFrame: number | undefined,
    checkpoint: () => void,
  ): Promise<{ timing: BackendTiming; model?: M }>;
  /** Makes `model` (loaded on `backend`) the one frames run on, freeing the previous one. */
  switchTo(backend: BackendName, model: M): Promise<void>;
  discard(model: M): void;
  report(update: ChoiceUpdate): void;
}

/**
 * The background job for one loaded model. `check-device`: a remembered choice stands unless the
 * cores or GPUs differ from those it was made with; `time-gpus`: a first visit.
 */
export function backgroundChoice<M>(
  mode: Exclude<BackgroundChoice, 'none'>,
  rememberedDevice: string | undefined,
  steps: ChoiceSteps<M>,
): BackgroundJob {
  let plan: { toTime: BackendName[]; reasonIfNone: BackendReason; device: string } | undefined;
  const timings: BackendTiming[] = [];
  let activeTiming: BackendTiming | undefined;
  const report = (reason: BackendReason, settled: boolean) =>
    steps.report({ backend: steps.active(), reason, timings: [...timings], settled, device: plan?.device ?? '' });

  return async (checkpoint) => {
    if (!plan) {
      const probes = await steps.probe();
      checkpoint();
      const device = deviceKey(probes, steps.cores);
      if (mode === 'check-device' && device === rememberedDevice) return;
      const p = planGpuTiming(probes, steps.active());
      plan = { toTime: p.toTime, reasonIfNone: p.reasonIfNone, device };
      timings.push(...p.skipped);
      if (!p.toTime.length) {
        report(p.reasonIfNone, true);
        return;
      }
      report('measuring', false);
    }
    if (!activeTiming) {
      activeTiming = await steps.timeActive(checkpoint);
      timings.push(activeTiming);
    }
    while (plan.toTime.length) {
      checkpoint();
      const backend = plan.toTime[0];
      const { timing, model } = await steps.timeCandidate(backend, activeTiming.msPerFrame, checkpoint);
      plan.toTime.shift();
      timings.push(timing);
      if (model !== undefined && shouldSwitch(activeTiming, timing)) {
        await steps.switchTo(backend, model);
        activeTiming = timing;
      } else if (model !== undefined) {
        steps.discard(model);
      }
      report(plan.toTime.length ? 'measuring' : 'measured', plan.toTime.length === 0);
    }
  };
}
