/**
 * The training schedule as data. Defaults are the original Keras script's: a warm-up with the
 * backbone frozen, then a fine-tune with the backbone's last layers unfrozen, each phase compiled
 * with a fresh Adam optimizer (as Keras's `model.compile` before each `fit` gives).
 */

export type PhaseName = 'warmup' | 'finetune';

export interface Phase {
  name: PhaseName;
  epochs: number;
  learningRate: number;
  /** How many of the backbone's last layers (Keras order) train in this phase; 0 = backbone frozen. */
  unfreeze: number;
}

export interface ScheduleConfig {
  warmupEpochs: number;
  warmupLr: number;
  epochs: number;
  lr: number;
  unfreeze: number;
  batchSize: number;
  seed: number;
}

export const DEFAULT_SCHEDULE: Readonly<ScheduleConfig> = Object.freeze({
  warmupEpochs: 2,
  warmupLr: 1e-3,
  epochs: 20,
  lr: 1e-4,
  unfreeze: 13,
  batchSize: 32,
  seed: 42,
});

/**
 * Which weights the run keeps: those of the epoch with the lowest validation loss over ALL epochs
 * (warm-up and fine-tune together). Keras's ModelCheckpoint(save_best_only=True, monitor='val_loss')
 * on the fine-tune fit would only see fine-tune epochs; counting the warm-up too can only keep a
 * model with a lower validation loss, and is identical whenever any fine-tune epoch beats the warm-up.
 * Ties keep the earlier epoch (Keras's strict `<`).
 */
export const BEST_WEIGHTS_POLICY = 'lowest validation loss over all epochs (warm-up and fine-tune), earlier epoch on ties';

export const LOSS_NAME = 'categorical_crossentropy';

function checkPositiveInt(name: string, v: number, min: number): void {
  if (!Number.isInteger(v) || v < min) throw new RangeError(`${name} must be an integer >= ${min}. Received: ${name}=${String(v)}`);
}

function checkRate(name: string, v: number): void {
  if (!Number.isFinite(v) || v <= 0 || v >= 1) {
    throw new RangeError(`${name} must be a number in (0, 1). Received: ${name}=${String(v)}`);
  }
}

/** Checks every number of a schedule; each error names the value it got. */
export function validateSchedule(c: ScheduleConfig): void {
  checkPositiveInt('warmupEpochs', c.warmupEpochs, 0);
  checkPositiveInt('epochs', c.epochs, 0);
  checkPositiveInt('unfreeze', c.unfreeze, 0);
  checkPositiveInt('batchSize', c.batchSize, 1);
  checkPositiveInt('seed', c.seed, 0);
  if (c.warmupEpochs > 0) checkRate('warmupLr', c.warmupLr);
  if (c.epochs > 0) checkRate('lr', c.lr);
  if (c.warmupEpochs + c.epochs === 0) throw new RangeError('The schedule has no epochs: warmupEpochs and epochs are both 0.');
}

/** The phases to run, in order; a phase with 0 epochs is left out. */
export function phasesFor(c: ScheduleConfig): Phase[] {
  validateSchedule(c);
  const phases: Phase[] = [];
  if (c.warmupEpochs > 0) phases.push({ name: 'warmup', epochs: c.warmupEpochs, learningRate: c.warmupLr, unfreeze: 0 });
  if (c.epochs > 0) phases.push({ name: 'finetune', epochs: c.epochs, learningRate: c.lr, unfreeze: c.unfreeze });
  return phases;
}

export interface EpochPosition {
  phaseIndex: number;
  phase: Phase;
  /** 1-based within the phase. */
  epochInPhase: number;
  /** 1-based over the whole run. */
  globalEpoch: number;
}

/** Where the epoch after `completedEpochs` finished epochs sits; undefined once the schedule is done. */
export function positionAfter(phases: readonly Phase[], completedEpochs: number): EpochPosition | undefined {
  let before = 0;
  for (let i = 0; i < phases.length; i++) {
    if (completedEpochs < before + phases[i].epochs) {
      return { phaseIndex: i, phase: phases[i], epochInPhase: completedEpochs - before + 1, globalEpoch: completedEpochs + 1 };
    }
    before += phases[i].epochs;
  }
  return undefined;
}

export function totalEpochs(phases: readonly Phase[]): number {
  return phases.reduce((s, p) => s + p.epochs, 0);
}
