import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE, phasesFor, positionAfter, validateSchedule } from '../src/schedule/phases.ts';
import { Trainer, TrainingInterrupted, type TrainerOptions } from '../src/schedule/trainer.ts';
import { epochRng, shuffledIndices } from '../../src/core/rng.ts';
import { imageBatch, labelBatch } from '../src/schedule/batches.ts';
import { colourSplit, maxAbsDiff, tinyClassifier, weightsOf } from './schedule-fixtures.ts';

const SIZE = 16;
const CLASSES = 3;

beforeAll(async () => {
  await tf.setBackend('cpu');
});

function options(overrides: Partial<TrainerOptions> & { warmup?: number; finetune?: number; unfreeze?: number } = {}): TrainerOptions {
  const { classifier, backboneLayerCount } = tinyClassifier(SIZE, CLASSES, 7);
  const phases = phasesFor({
    ...DEFAULT_SCHEDULE,
    warmupEpochs: overrides.warmup ?? 1,
    epochs: overrides.finetune ?? 3,
    unfreeze: overrides.unfreeze ?? 3,
  });
  return {
    classifier,
    backboneLayerCount,
    numClasses: CLASSES,
    inputSize: SIZE,
    phases,
    batchSize: 4,
    seed: 42,
    train: colourSplit(10, SIZE, CLASSES, 1),
    val: colourSplit(6, SIZE, CLASSES, 2),
    ...overrides,
  };
}

describe('schedule phases', () => {
  it('defaults are the original schedule', () => {
    expect(phasesFor(DEFAULT_SCHEDULE)).toEqual([
      { name: 'warmup', epochs: 2, learningRate: 1e-3, unfreeze: 0 },
      { name: 'finetune', epochs: 20, learningRate: 1e-4, unfreeze: 13 },
    ]);
    expect(DEFAULT_SCHEDULE.batchSize).toBe(32);
  });

  it('rejects bad numbers naming the value', () => {
    expect(() => validateSchedule({ ...DEFAULT_SCHEDULE, batchSize: 0 })).toThrow(/batchSize=0/);
    expect(() => validateSchedule({ ...DEFAULT_SCHEDULE, lr: 2 })).toThrow(/lr=2/);
    expect(() => validateSchedule({ ...DEFAULT_SCHEDULE, warmupEpochs: 1.5 })).toThrow(/warmupEpochs=1.5/);
    expect(() => validateSchedule({ ...DEFAULT_SCHEDULE, warmupEpochs: 0, epochs: 0 })).toThrow(/no epochs/);
  });

  it('places epochs in phases and drops empty phases', () => {
    const phases = phasesFor({ ...DEFAULT_SCHEDULE, warmupEpochs: 2, epochs: 3 });
    expect(positionAfter(phases, 0)).toMatchObject({ phaseIndex: 0, epochInPhase: 1, globalEpoch: 1 });
    expect(positionAfter(phases, 2)).toMatchObject({ phaseIndex: 1, epochInPhase: 1, globalEpoch: 3 });
    expect(positionAfter(phases, 5)).toBeUndefined();
    expect(phasesFor({ ...DEFAULT_SCHEDULE, warmupEpochs: 0, epochs: 1 }).map((p) => p.name)).toEqual(['finetune']);
  });
});

describe('Trainer', () => {
  it('throws when steps run out of order', async () => {
    const trainer = new Trainer(options({ warmup: 1, finetune: 0 }));
    expect(() => trainer.useBestWeights()).toThrow(/not finished the schedule/);
    const running = trainer.runEpoch();
    await expect(trainer.snapshot()).rejects.toThrow(/an epoch is running/);
    await running;
    expect(trainer.status).toBe('finished');
    await expect(trainer.runEpoch()).rejects.toThrow(/schedule is complete/);
    expect(trainer.useBestWeights().epoch).toBe(1);
    trainer.dispose();
    await expect(trainer.evaluate(colourSplit(3, SIZE, CLASSES, 3))).rejects.toThrow(/disposed/);
  });

  it('keeps frozen layers (batch norm statistics included) untouched and trains the rest', async () => {
    const opts = options({ warmup: 1, finetune: 1, unfreeze: 3 });
    const trainer = new Trainer(opts);
    const byName = () => new Map(opts.classifier.weights.map((w) => [w.originalName, w.read().dataSync().slice()]));
    const start = byName();
    await trainer.runEpoch(); // warm-up: backbone frozen
    const afterWarmup = byName();
    for (const [name, v] of afterWarmup) {
      const moved = v.some((x, i) => x !== start.get(name)?.[i]);
      expect([name, moved]).toEqual([name, !/^(conv_a|conv_b|bn_b)\//.test(name) ? true : false]);
    }
    await trainer.runEpoch(); // fine-tune: conv_b, bn_b, out_relu trainable
    const afterFinetune = byName();
    for (const [name, v] of afterFinetune) {
      const moved = v.some((x, i) => x !== afterWarmup.get(name)?.[i]);
      // bn_b's moving statistics move too: the tail's batch norm runs in training mode.
      expect([name, moved]).toEqual([name, !name.startsWith('conv_a/')]);
    }
    trainer.dispose();
  });

  it("validates on cached frozen outputs with the whole classifier's numbers", async () => {
    const opts = options({ warmup: 1, finetune: 2, unfreeze: 3 });
    const trainer = new Trainer(opts);
    for (let e = 0; e < 3; e++) {
      const r = await trainer.runEpoch();
      const full = await trainer.evaluate(opts.val);
      expect(r.valLoss).toBeCloseTo(full.loss, 6);
      expect(r.valAccuracy).toBe(full.accuracy);
    }
    trainer.dispose();
  });

  it('keeps the tensor count flat across epochs of a phase', async () => {
    const trainer = new Trainer(options({ warmup: 0, finetune: 3 }));
    await trainer.runEpoch(); // creates Adam's moments
    const after1 = tf.memory().numTensors;
    await trainer.runEpoch();
    expect(tf.memory().numTensors).toBe(after1);
    await trainer.runEpoch();
    expect(tf.memory().numTensors).toBe(after1);
    trainer.dispose();
  });

  it('stops between batches when aborted and refuses to continue', async () => {
    const trainer = new Trainer(options({ warmup: 1, finetune: 0 }));
    const ac = new AbortController();
    await expect(trainer.runEpoch({ signal: ac.signal, onBatch: (p) => p.batch === 1 && ac.abort() })).rejects.toBeInstanceOf(
      TrainingInterrupted,
    );
    expect(trainer.status).toBe('interrupted');
    await expect(trainer.runEpoch()).rejects.toThrow(/interrupted/);
    trainer.dispose();
  });

  it('a fine-tune step equals a plain trainOnBatch on the whole classifier', async () => {
    // One batch holding the whole (shuffled) training set; no batch norm in the frozen part, where
    // tfjs's fit() would wrongly use batch statistics, so the plain path is the reference maths.
    const opts = options({ warmup: 0, finetune: 1, unfreeze: 3, batchSize: 10 });
    const plain = tinyClassifier(SIZE, CLASSES, 99).classifier;
    plain.setWeights(opts.classifier.weights.map((w) => w.read()));
    const initial = weightsOf(plain).map((a) => a.slice());
    const trainer = new Trainer(opts);
    await trainer.runEpoch();

    const order = shuffledIndices(opts.train.count, epochRng(opts.seed, 1, 0));
    const dropoutSeed = Math.floor(epochRng(opts.seed, 1, 2)() * 0x7fffffff);
    (plain.getLayer('dropout') as unknown as { seed: number }).seed = dropoutSeed;
    plain.getLayer('conv_a').trainable = false;
    plain.compile({ optimizer: tf.train.adam(opts.phases[0].learningRate, 0.9, 0.999), loss: 'categoricalCrossentropy' });
    const x = imageBatch(opts.train, order, SIZE, [-1, 1]);
    const y = labelBatch(opts.train, order, CLASSES);
    await plain.trainOnBatch(x, y);
    tf.dispose([x, y]);
    expect(maxAbsDiff(weightsOf(plain), weightsOf(opts.classifier))).toBeLessThan(1e-6);
    expect(maxAbsDiff(initial, weightsOf(opts.classifier))).toBeGreaterThan(1e-4); // the step did something
    trainer.dispose();
  });

  it('label smoothing trains on (1 - e) one-hot + e / k targets, as trainOnBatch with those targets does', async () => {
    const e = 0.1;
    const opts = options({ warmup: 0, finetune: 1, unfreeze: 3, batchSize: 10, labelSmoothing: e });
    const plain = tinyClassifier(SIZE, CLASSES, 99).classifier;
    plain.setWeights(opts.classifier.weights.map((w) => w.read()));
    const unsmoothed = tinyClassifier(SIZE, CLASSES, 99).classifier;
    unsmoothed.setWeights(opts.classifier.weights.map((w) => w.read()));
    const trainer = new Trainer(opts);
    await trainer.runEpoch();

    const order = shuffledIndices(opts.train.count, epochRng(opts.seed, 1, 0));
    const dropoutSeed = Math.floor(epochRng(opts.seed, 1, 2)() * 0x7fffffff);
    for (const [model, smooth] of [
      [plain, e],
      [unsmoothed, 0],
    ] as const) {
      (model.getLayer('dropout') as unknown as { seed: number }).seed = dropoutSeed;
      model.getLayer('conv_a').trainable = false;
      model.compile({ optimizer: tf.train.adam(opts.phases[0].learningRate, 0.9, 0.999), loss: 'categoricalCrossentropy' });
      const x = imageBatch(opts.train, order, SIZE, [-1, 1]);
      const y = tf.tidy(() => tf.add(tf.mul(labelBatch(opts.train, order, CLASSES), 1 - smooth), smooth / CLASSES));
      await model.trainOnBatch(x, y);
      tf.dispose([x, y]);
    }
    expect(maxAbsDiff(weightsOf(plain), weightsOf(opts.classifier))).toBeLessThan(1e-6);
    expect(maxAbsDiff(weightsOf(unsmoothed), weightsOf(opts.classifier))).toBeGreaterThan(1e-6); // smoothing changed the step
    trainer.dispose();
  });
});
