import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as v from 'valibot';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from '../src/schedule/checkpoint.ts';
import { DEFAULT_SCHEDULE, phasesFor } from '../src/schedule/phases.ts';
import { Trainer, TrainingInterrupted, type TrainerOptions } from '../src/schedule/trainer.ts';
import { colourSplit, maxAbsDiff, tinyClassifier, weightsOf } from './schedule-fixtures.ts';

const SIZE = 16;
const CLASSES = 3;
let dir: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'endolens-resume-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A fresh model (its initial weights depend on initSeed) with the same data and schedule. */
function options(initSeed: number): TrainerOptions {
  const { classifier, backboneLayerCount } = tinyClassifier(SIZE, CLASSES, initSeed);
  return {
    classifier,
    backboneLayerCount,
    numClasses: CLASSES,
    inputSize: SIZE,
    phases: phasesFor({ ...DEFAULT_SCHEDULE, warmupEpochs: 2, epochs: 3, unfreeze: 3 }),
    batchSize: 4,
    seed: 5,
    train: colourSplit(10, SIZE, CLASSES, 1),
    val: colourSplit(6, SIZE, CLASSES, 2),
    // A stand-in augmentation that uses the rng, so a resumed run must repeat the random stream.
    augment: (x, rng) => tf.mul(x, 0.8 + 0.4 * rng()),
  };
}

async function uninterrupted(): Promise<{ weights: Float32Array[]; history: unknown; best: unknown }> {
  const opts = options(7);
  const t = new Trainer(opts);
  while (t.status !== 'finished') await t.runEpoch();
  const best = t.useBestWeights();
  const out = { weights: weightsOf(opts.classifier), history: [...t.history], best };
  t.dispose();
  return out;
}

describe('resume', () => {
  let reference: Awaited<ReturnType<typeof uninterrupted>>;
  beforeAll(async () => {
    reference = await uninterrupted();
  }, 120_000);

  // 2: at the phase boundary (next phase starts a fresh Adam); 3: mid fine-tune (Adam's moments carry over).
  it.each([2, 3])('interrupted during epoch %i+1, resumed from the checkpoint, ends where an uninterrupted run does', async (k) => {
    const runDir = join(dir, `run-k${k}`);
    const first = new Trainer(options(7));
    for (let e = 0; e < k; e++) {
      await first.runEpoch();
      await writeCheckpoint(runDir, await first.snapshot(), { note: 'config travels with the checkpoint' });
    }
    const ac = new AbortController();
    await expect(first.runEpoch({ signal: ac.signal, onBatch: () => ac.abort() })).rejects.toBeInstanceOf(TrainingInterrupted);
    first.dispose();

    const { snapshot, config } = await readCheckpoint(runDir, v.object({ note: v.string() }));
    expect(config.note).toMatch(/config travels/);
    expect(snapshot.completedEpochs).toBe(k);
    const opts = options(123); // other initial weights: everything must come from the checkpoint
    const resumed = new Trainer(opts);
    resumed.restore(snapshot);
    while (resumed.status !== 'finished') await resumed.runEpoch();
    const best = resumed.useBestWeights();
    expect(resumed.history).toEqual(reference.history);
    expect(best).toEqual(reference.best);
    expect(maxAbsDiff(weightsOf(opts.classifier), reference.weights)).toBe(0);
    resumed.dispose();
    // Only the files the last checkpoint names are left.
    const files = (await readdir(runDir)).sort();
    expect(files.filter((f) => f.startsWith('state-'))).toEqual([`state-e${k}.bin`]);
    expect(files.some((f) => f.endsWith('.tmp'))).toBe(false);
  });

  it('a checkpoint restored into a model of another shape fails naming the weight', async () => {
    const runDir = join(dir, 'run-shape');
    const t = new Trainer(options(7));
    await t.runEpoch();
    await writeCheckpoint(runDir, await t.snapshot(), {});
    t.dispose();
    const { classifier, backboneLayerCount } = tinyClassifier(SIZE, 4, 7); // 4 classes, not 3
    const other = new Trainer({ ...options(7), classifier, backboneLayerCount, numClasses: 4 });
    const { snapshot } = await readCheckpoint(runDir, v.unknown());
    expect(() => other.restore(snapshot)).toThrow(/predictions.*shape/);
    other.dispose();
  });

  it('reports a missing or foreign checkpoint clearly', async () => {
    await expect(readCheckpoint(join(dir, 'nothing-here'), v.unknown())).rejects.toThrow(/No checkpoint at .*nothing-here/);
    const bad = join(dir, 'bad');
    await writeCheckpoint(bad, { completedEpochs: 0, history: [], weights: [], best: null, optimizer: null }, {});
    await writeFile(join(bad, 'checkpoint.json'), '{"format":"other"}');
    await expect(readCheckpoint(bad, v.unknown())).rejects.toThrow(/not an EndoLens checkpoint/);
  });

  it('checks checkpoint.json and its config field by field, naming the file', async () => {
    const folder = join(dir, 'checked');
    const empty = { completedEpochs: 0, history: [], weights: [], best: null, optimizer: null };
    await writeCheckpoint(folder, empty, { epochs: 2 });
    const file = join(folder, 'checkpoint.json');
    const json = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(
      file,
      JSON.stringify({ ...json, completedEpochs: -1, state: { ...(json.state as object), file: '../../elsewhere.bin' } }),
    );
    await expect(readCheckpoint(folder, v.unknown())).rejects.toThrow(
      `${file}: completedEpochs must be a count (an integer >= 0), got -1; state.file must name a state-e<k>.bin or best-e<k>.bin file beside it, got "../../elsewhere.bin"`,
    );
    await writeFile(file, JSON.stringify(json));
    await expect(readCheckpoint(folder, v.object({ epochs: v.string() }))).rejects.toThrow(
      `${file}: config.epochs must be a string, got 2`,
    );
    // Nor is a bad one written: a NaN epoch number would be null in JSON.
    await expect(writeCheckpoint(folder, { ...empty, completedEpochs: Number.NaN }, {})).rejects.toThrow(/completedEpochs must be a count/);
  });
});
