/**
 * A run's schedule on disk: every finished epoch is checkpointed, then logged, so a run stopped at
 * any point resumes from its last finished epoch (restoreSchedule) with nothing half-written.
 */
import type { ProgressSink } from '../progress/epoch-progress.ts';
import type { RunTracker } from '../track/index.ts';
import { runCheckpointFolder, writeCheckpoint } from './checkpoint.ts';
import { Trainer, TrainingInterrupted, type TrainerSnapshot } from './trainer.ts';

export interface ScheduleRun<Config> {
  runDir: string;
  tracker: RunTracker;
  progress: ProgressSink;
  /** Training images per epoch, for the progress bar. */
  trainCount: number;
  /** Aborting stops between batches (TrainingInterrupted); the last checkpoint stands. */
  signal?: AbortSignal;
  /** What the checkpoint carries besides tensors, as of the epoch just finished. */
  checkpointConfig: () => Config;
  /** Called after each epoch's checkpoint and log line are written. */
  afterEpoch?: (completedEpochs: number) => void | Promise<void>;
}

/** Puts a checkpoint back into a fresh trainer and brings the run's epoch log in line with it. */
export async function restoreSchedule(
  trainer: Trainer,
  snapshot: TrainerSnapshot,
  run: Pick<ScheduleRun<unknown>, 'runDir' | 'tracker' | 'progress'>,
): Promise<void> {
  const { tracker } = run;
  trainer.restore(snapshot);
  // The log holds at most the checkpoint's epochs (it is appended after each checkpoint), but may
  // lack the last one if a crash fell between the two writes.
  await tracker.keepEpochs(trainer.completedEpochs);
  const logged = new Set((await tracker.readEpochs()).map((r) => r.epoch));
  for (const r of snapshot.history) if (!logged.has(r.epoch)) await tracker.logEpoch({ ...r });
  run.progress.log(`resuming ${run.runDir} after epoch ${trainer.completedEpochs}/${trainer.totalEpochs}`);
}

/** Runs the remaining epochs, checkpointing and logging each. */
export async function runSchedule<Config>(trainer: Trainer, run: ScheduleRun<Config>): Promise<void> {
  const { progress, tracker, signal } = run;
  while (trainer.status !== 'finished') {
    if (signal?.aborted) throw new TrainingInterrupted(trainer.completedEpochs);
    const pos = trainer.nextEpoch;
    if (!pos) break;
    progress.startEpoch(`epoch ${pos.globalEpoch}/${trainer.totalEpochs} ${pos.phase.name}`, run.trainCount);
    const t0 = performance.now();
    const record = await trainer.runEpoch({ signal, onBatch: (p) => progress.batch(p) });
    const config = run.checkpointConfig();
    await writeCheckpoint(runCheckpointFolder(run.runDir), await trainer.snapshot(), config);
    await tracker.logEpoch({ ...record });
    const best = trainer.bestEpoch;
    progress.endEpoch(
      record,
      trainer.totalEpochs,
      (performance.now() - t0) / 1000,
      best?.epoch === record.epoch ? '(best so far, checkpointed)' : '(checkpointed)',
    );
    await run.afterEpoch?.(trainer.completedEpochs);
  }
}
