/**
 * Runs the schedule epoch by epoch with explicit state: idle -> running -> idle ... -> finished.
 * A step called out of order throws.
 *
 * Per batch: uint8 pixels -> the app's scaling (scaleToRange) -> augmentation (training only) ->
 * the frozen part with predict() (inference mode: its batch norm uses and keeps its moving
 * statistics, as Keras 2 treats frozen layers) -> one Adam step on the trainable tail, applied in
 * training mode (Dropout active, the tail's batch norm on batch statistics, updating its moving
 * averages). This is the plain schedule's maths: the frozen layers get no gradient and do not
 * change, so computing their outputs first is the same forward pass.
 */
import * as tf from '@tensorflow/tfjs';
import type { EpochRecord } from '../../../src/core/metadata.ts';
import { DEFAULT_INPUT_RANGE } from '../../../src/core/preprocess.ts';
import { splitForTraining, type TrainingSplit } from '../models/split.ts';
import { dropoutSeed, setDropoutSeed } from '../tfjs-internals.ts';
import { epochRng, shuffledIndices } from '../../../src/core/rng.ts';
import { batchRanges, identityOrder, imageBatch, labelBatch, type ImageSplit } from './batches.ts';
import { positionAfter, totalEpochs, type EpochPosition, type Phase } from './phases.ts';
import {
  assignTensors,
  assignWeights,
  captureAdam,
  checkFits,
  orderedWeights,
  readVariables,
  restoreAdam,
  type AdamState,
  type NamedArray,
} from './state.ts';

export type AugmentFn = (batch: tf.Tensor4D, rng: () => number) => tf.Tensor4D;

export interface TrainerOptions {
  classifier: tf.LayersModel;
  /** backbone.layers.length (input layer included): where the head starts in the classifier. */
  backboneLayerCount: number;
  numClasses: number;
  inputSize: number;
  inputRange?: readonly [number, number];
  phases: Phase[];
  batchSize: number;
  seed: number;
  train: ImageSplit;
  val: ImageSplit;
  /** Applied to scaled training batches only; absent = no augmentation. */
  augment?: AugmentFn;
  /**
   * Label smoothing of the training loss (Szegedy et al. 2016): targets (1 - e) one-hot + e / k.
   * Validation loss, and so the kept epoch, stays plain cross-entropy. Default 0.
   */
  labelSmoothing?: number;
}

export interface BatchProgress {
  position: EpochPosition;
  batch: number;
  batches: number;
  /** Images seen so far in this epoch. */
  seen: number;
  total: number;
  /** Running means over the epoch so far, as Keras's progress bar shows them. */
  loss: number;
  accuracy: number;
}

export interface EpochHooks {
  onBatch?: (p: BatchProgress) => void;
  /** Checked between batches; an aborted signal stops the epoch with TrainingInterrupted. */
  signal?: AbortSignal;
}

export type TrainerStatus = 'idle' | 'running' | 'finished' | 'interrupted' | 'disposed';

export class TrainingInterrupted extends Error {
  override name = 'TrainingInterrupted';
  constructor(readonly completedEpochs: number) {
    super(`Training interrupted during epoch ${completedEpochs + 1}; ${completedEpochs} epoch(s) finished.`);
  }
}

export interface BestWeights {
  valLoss: number;
  /** 1-based epoch over the whole run. */
  epoch: number;
  weights: NamedArray[];
}

/** Everything needed to continue after the last finished epoch, as plain data. */
export interface TrainerSnapshot {
  completedEpochs: number;
  history: EpochRecord[];
  weights: NamedArray[];
  best: BestWeights | null;
  /** The optimizer of the phase the next epoch belongs to; null when that phase has not started. */
  optimizer: AdamState | null;
}

interface PhaseRuntime {
  phaseIndex: number;
  split: TrainingSplit;
  optimizer: tf.AdamOptimizer;
  vars: tf.Variable[];
  dropouts: tf.layers.Layer[];
  /**
   * The frozen part's outputs for every validation image, computed at the phase's first validation:
   * the frozen layers do not change within a phase and validation is not augmented, so each epoch
   * only runs the tail. One array per boundary tensor, N x (per-image size).
   */
  valFeatures: { data: Float32Array[]; shapes: number[][] } | null;
}

function countCorrect(probs: tf.Tensor, oneHot: tf.Tensor): tf.Scalar {
  return tf.sum(tf.cast(tf.equal(tf.argMax(probs, -1), tf.argMax(oneHot, -1)), 'float32'));
}

function yieldToEventLoop(): Promise<void> {
  // Lets a SIGINT handler (or any abort) run between synchronous batches. A browser worker (the
  // app's Teach view runs this trainer) has no setImmediate: a task does the same there.
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}

export class Trainer {
  private statusValue: TrainerStatus = 'idle';
  private completed = 0;
  private readonly records: EpochRecord[] = [];
  private best: { valLoss: number; epoch: number; tensors: tf.Tensor[] } | null = null;
  private runtime: PhaseRuntime | null = null;
  private pendingAdam: AdamState | null = null;
  private readonly range: readonly [number, number];
  private readonly total: number;

  constructor(private readonly opts: TrainerOptions) {
    const { train, val, numClasses, batchSize, phases } = opts;
    if (phases.length === 0) throw new Error('The schedule has no phases.');
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be an integer >= 1. Received: ${batchSize}`);
    if (train.count < 1) throw new Error('The training split is empty.');
    if (val.count < 1) throw new Error('The validation split is empty: the schedule keeps the epoch with the lowest validation loss.');
    const out = opts.classifier.outputs[0].shape;
    if (out[out.length - 1] !== numClasses)
      throw new Error(`The classifier outputs ${out[out.length - 1]} classes, the data has ${numClasses}.`);
    this.range = opts.inputRange ?? DEFAULT_INPUT_RANGE;
    this.total = totalEpochs(phases);
  }

  get status(): TrainerStatus {
    return this.statusValue;
  }
  get completedEpochs(): number {
    return this.completed;
  }
  get totalEpochs(): number {
    return this.total;
  }
  get history(): readonly EpochRecord[] {
    return this.records;
  }
  get bestEpoch(): { epoch: number; valLoss: number } | null {
    return this.best && { epoch: this.best.epoch, valLoss: this.best.valLoss };
  }
  /** The epoch runEpoch() would run next; undefined once finished. */
  get nextEpoch(): EpochPosition | undefined {
    return positionAfter(this.opts.phases, this.completed);
  }

  private expect(allowed: TrainerStatus[], action: string): void {
    if (!allowed.includes(this.statusValue)) {
      const why: Record<TrainerStatus, string> = {
        idle: 'it has not finished the schedule',
        running: 'an epoch is running',
        finished: 'the schedule is complete',
        interrupted: 'it was interrupted mid-epoch (resume from the last checkpoint instead)',
        disposed: 'it has been disposed',
      };
      throw new Error(`Cannot ${action}: ${why[this.statusValue]}.`);
    }
  }

  /** Puts a snapshot back into a fresh trainer (same model, data and schedule), before any epoch. */
  restore(s: TrainerSnapshot): void {
    this.expect(['idle'], 'restore a checkpoint');
    if (this.completed > 0) throw new Error('Cannot restore a checkpoint: this trainer has already run epochs.');
    if (s.completedEpochs < 0 || s.completedEpochs > this.total) {
      throw new Error(`The checkpoint has ${s.completedEpochs} finished epochs; this schedule has ${this.total}.`);
    }
    assignWeights(this.opts.classifier, s.weights, 'The checkpoint');
    if (s.best) {
      checkFits(this.opts.classifier, s.best.weights, "The checkpoint's best weights");
      this.best = {
        valLoss: s.best.valLoss,
        epoch: s.best.epoch,
        tensors: s.best.weights.map((a) => tf.tensor(a.data, a.shape, 'float32')),
      };
    }
    this.records.push(...s.history);
    this.completed = s.completedEpochs;
    this.pendingAdam = s.optimizer;
    if (this.completed === this.total) this.statusValue = 'finished';
  }

  private async ensurePhase(pos: EpochPosition): Promise<PhaseRuntime> {
    if (this.runtime?.phaseIndex === pos.phaseIndex) return this.runtime;
    this.dropRuntime();
    // The split models share the classifier's layers and hold no weights of their own (see dropRuntime).
    const split = splitForTraining(this.opts.classifier, this.opts.backboneLayerCount, pos.phase.unfreeze);
    // A fresh Adam per phase, as Keras's compile() before each fit(); Keras's defaults
    // (beta1 0.9, beta2 0.999, epsilon 1e-7 = tfjs's float32 backend epsilon).
    const optimizer = tf.train.adam(pos.phase.learningRate, 0.9, 0.999);
    const vars = split.trainable.trainableWeights.map((w) => w.read() as tf.Variable);
    if (this.pendingAdam && this.pendingAdam.phaseIndex === pos.phaseIndex) await restoreAdam(optimizer, this.pendingAdam, vars);
    this.pendingAdam = null;
    const dropouts = split.trainable.layers.filter((l) => l.getClassName() === 'Dropout');
    this.runtime = { phaseIndex: pos.phaseIndex, split, optimizer, vars, dropouts, valFeatures: null };
    return this.runtime;
  }

  private dropRuntime(): void {
    const rt = this.runtime;
    if (!rt) return;
    rt.optimizer.dispose();
    // Building the tail re-applied its layers, which raised their tfjs ref counts; disposing the tail
    // model lowers them again (the classifier still holds them, so no weight is freed). The frozen
    // model re-applied nothing and must NOT be disposed: that would free the classifier's weights.
    rt.split.trainable.dispose();
    this.runtime = null;
  }

  /** Runs the next epoch of the schedule (train, then validate) and returns its record. */
  async runEpoch(hooks: EpochHooks = {}): Promise<EpochRecord> {
    this.expect(['idle'], 'run an epoch');
    const pos = this.nextEpoch as EpochPosition;
    this.statusValue = 'running';
    try {
      const runtime = await this.ensurePhase(pos);
      const train = await this.trainOneEpoch(pos, runtime, hooks);
      const val = await this.validate(runtime);
      const record: EpochRecord = {
        phase: pos.phase.name,
        epoch: pos.globalEpoch,
        loss: train.loss,
        accuracy: train.accuracy,
        valLoss: val.loss,
        valAccuracy: val.accuracy,
      };
      this.records.push(record);
      this.keepIfBest(record);
      this.completed += 1;
      this.statusValue = this.completed === this.total ? 'finished' : 'idle';
      return record;
    } catch (err) {
      // The in-memory weights are now part-way through an epoch: only a checkpoint can continue.
      this.statusValue = 'interrupted';
      throw err;
    }
  }

  private async trainOneEpoch(pos: EpochPosition, rt: PhaseRuntime, hooks: EpochHooks): Promise<{ loss: number; accuracy: number }> {
    const { train, batchSize, numClasses, inputSize, seed, augment } = this.opts;
    // Every random choice of an epoch comes from (seed, epoch), so a resumed run repeats it exactly.
    const order = shuffledIndices(train.count, epochRng(seed, pos.globalEpoch, 0));
    const augRng = epochRng(seed, pos.globalEpoch, 1);
    const dropRng = epochRng(seed, pos.globalEpoch, 2);
    const batches = Math.ceil(train.count / batchSize);
    const savedSeeds = rt.dropouts.map((l) => dropoutSeed(l));
    let lossSum = 0;
    let correctSum = 0;
    let seen = 0;
    let batch = 0;
    try {
      for (const idx of batchRanges(order, batchSize)) {
        if (hooks.signal?.aborted) throw new TrainingInterrupted(this.completed);
        const features = tf.tidy(() => {
          const x = imageBatch(train, idx, inputSize, this.range);
          const input = augment ? augment(x, augRng) : x;
          return rt.split.frozen.predict(input, { batchSize: idx.length });
        });
        const labels = labelBatch(train, idx, numClasses);
        const e = this.opts.labelSmoothing ?? 0;
        const targets = e > 0 ? tf.tidy(() => tf.add(tf.mul(labels, 1 - e), e / numClasses)) : labels;
        // Each step's dropout mask from (seed, epoch), so a resumed run repeats it.
        for (const l of rt.dropouts) setDropoutSeed(l, Math.floor(dropRng() * 0x7fffffff));
        let correct: tf.Scalar | undefined;
        const loss = rt.optimizer.minimize(
          () => {
            const probs = rt.split.trainable.apply(features, { training: true }) as tf.Tensor;
            correct = tf.keep(countCorrect(probs, labels));
            return tf.mean<tf.Scalar>(tf.metrics.categoricalCrossentropy(targets, probs));
          },
          true,
          rt.vars,
        ) as tf.Scalar;
        let batchLoss: number;
        let batchCorrect: number;
        try {
          batchLoss = (await loss.data())[0];
          batchCorrect = (await (correct as tf.Scalar).data())[0];
        } finally {
          tf.dispose([features, labels, targets, loss, correct]);
        }
        lossSum += batchLoss * idx.length;
        correctSum += batchCorrect;
        seen += idx.length;
        batch += 1;
        hooks.onBatch?.({ position: pos, batch, batches, seen, total: train.count, loss: lossSum / seen, accuracy: correctSum / seen });
        await yieldToEventLoop();
      }
    } finally {
      rt.dropouts.forEach((l, i) => setDropoutSeed(l, savedSeeds[i]));
    }
    return { loss: lossSum / seen, accuracy: correctSum / seen };
  }

  /** The frozen part's outputs for the whole validation split (once per phase). */
  private async valFeatures(rt: PhaseRuntime): Promise<{ data: Float32Array[]; shapes: number[][] }> {
    if (rt.valFeatures) return rt.valFeatures;
    const { val, batchSize, inputSize } = this.opts;
    const shapes = rt.split.frozen.outputs.map((o) => o.shape.slice(1) as number[]);
    const sizes = shapes.map((sh) => sh.reduce((a, b) => a * b, 1));
    const data = sizes.map((n) => new Float32Array(val.count * n));
    for (const idx of batchRanges(identityOrder(val.count), batchSize)) {
      const out = tf.tidy(() => rt.split.frozen.predict(imageBatch(val, idx, inputSize, this.range), { batchSize: idx.length }));
      const outs = Array.isArray(out) ? out : [out];
      try {
        for (const [k, t] of outs.entries()) data[k].set(await t.data(), idx[0] * sizes[k]);
      } finally {
        tf.dispose(outs);
      }
    }
    rt.valFeatures = { data, shapes };
    return rt.valFeatures;
  }

  /** Validation loss and accuracy: the tail (inference mode) on the cached frozen outputs; equals evaluate(val). */
  private async validate(rt: PhaseRuntime): Promise<{ loss: number; accuracy: number }> {
    const feats = await this.valFeatures(rt);
    const sizes = feats.shapes.map((sh) => sh.reduce((a, b) => a * b, 1));
    return this.lossAndAccuracy(this.opts.val, (idx) => {
      const from = idx[0];
      const to = from + idx.length;
      const inputs = feats.data.map((d, k) =>
        tf.tensor(d.subarray(from * sizes[k], to * sizes[k]), [idx.length, ...feats.shapes[k]], 'float32'),
      );
      return rt.split.trainable.predict(inputs.length === 1 ? inputs[0] : inputs, { batchSize: idx.length }) as tf.Tensor;
    });
  }

  /** Loss and accuracy of the classifier as it is now, inference mode, no augmentation. */
  async evaluate(split: ImageSplit): Promise<{ loss: number; accuracy: number }> {
    this.expect(['idle', 'running', 'finished'], 'evaluate');
    const { classifier, inputSize } = this.opts;
    return this.lossAndAccuracy(
      split,
      (idx) => classifier.predict(imageBatch(split, idx, inputSize, this.range), { batchSize: idx.length }) as tf.Tensor,
    );
  }

  /**
   * The one evaluation loop: mean cross-entropy and accuracy over `split` in order, batch by batch;
   * `probsOf` gives a batch's probabilities (called inside a tidy). Sums are read back with
   * `await data()` outside the tidy: the WebGPU backend in Node has no synchronous read-back.
   */
  private async lossAndAccuracy(split: ImageSplit, probsOf: (idx: Int32Array) => tf.Tensor): Promise<{ loss: number; accuracy: number }> {
    const { batchSize, numClasses } = this.opts;
    let lossSum = 0;
    let correct = 0;
    for (const idx of batchRanges(identityOrder(split.count), batchSize)) {
      const [l, c] = tf.tidy<[tf.Tensor, tf.Tensor]>(() => {
        const p = probsOf(idx);
        const y = labelBatch(split, idx, numClasses);
        return [tf.sum(tf.metrics.categoricalCrossentropy(y, p)), countCorrect(p, y)];
      });
      try {
        lossSum += (await l.data())[0];
        correct += (await c.data())[0];
      } finally {
        tf.dispose([l, c]);
      }
    }
    return { loss: lossSum / split.count, accuracy: correct / split.count };
  }

  private keepIfBest(r: EpochRecord): void {
    const b = this.best;
    const better = b === null || (Number.isNaN(b.valLoss) && !Number.isNaN(r.valLoss)) || r.valLoss < b.valLoss;
    if (!better) return;
    if (b) tf.dispose(b.tensors);
    // Copies, not views: later steps assign new values to the variables.
    const tensors = orderedWeights(this.opts.classifier).map((w) => tf.clone(w.read()));
    this.best = { valLoss: r.valLoss, epoch: r.epoch, tensors };
  }

  /** Sets the classifier to the kept (lowest validation loss) weights; once the schedule is done. */
  useBestWeights(): { epoch: number; valLoss: number } {
    this.expect(['finished'], 'use the best weights');
    const b = this.best;
    if (!b) throw new Error('No epoch produced a validation loss to keep.');
    assignTensors(this.opts.classifier, b.tensors);
    return { epoch: b.epoch, valLoss: b.valLoss };
  }

  /** Plain-data state after the last finished epoch (weights, best weights, the live optimizer). */
  async snapshot(): Promise<TrainerSnapshot> {
    this.expect(['idle', 'finished'], 'take a snapshot');
    const next = this.nextEpoch;
    let optimizer: AdamState | null = null;
    if (next && this.runtime?.phaseIndex === next.phaseIndex) optimizer = await captureAdam(this.runtime.optimizer, next.phaseIndex);
    else if (next && this.pendingAdam?.phaseIndex === next.phaseIndex) optimizer = this.pendingAdam;
    const b = this.best;
    const names = orderedWeights(this.opts.classifier).map((w) => w.name);
    return {
      completedEpochs: this.completed,
      history: this.records.map((r) => ({ ...r })),
      weights: await readVariables(orderedWeights(this.opts.classifier)),
      best: b && {
        valLoss: b.valLoss,
        epoch: b.epoch,
        weights: await Promise.all(
          b.tensors.map(async (t, i) => ({ name: names[i], shape: t.shape.slice(), data: (await t.data()) as Float32Array })),
        ),
      },
      optimizer,
    };
  }

  dispose(): void {
    if (this.statusValue === 'disposed') return;
    this.dropRuntime();
    if (this.best) tf.dispose(this.best.tensors);
    this.best = null;
    this.statusValue = 'disposed';
  }
}
