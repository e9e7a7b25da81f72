import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAMILIARITY_METHOD } from '../core/familiarity.ts';
import { validateMetadata, type ModelMetadata } from '../core/metadata.ts';
import { mulberry32 } from '../core/rng.ts';
import { loadModelBundle } from '../inference/model-files.ts';
import { HeadTrainingCancelled } from './head-trainer.ts';
import { beforeProbabilities, runTeaching, teachClassOrder, TeachRunError, type ReadFrame, type TeachRunInput } from './teach-run.ts';
import { tinyTrainerModel } from './tiny-model.test-helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

const FEATURES = 8; // the tiny model's pooled width (8 filters)
const FAM = 16; // out_relu mean-std: 8 means then 8 standard deviations

function baseMetadata(): ModelMetadata {
  return validateMetadata({
    format: 'endolens-model',
    formatVersion: 1,
    name: 'Tiny',
    version: '1.0.0',
    createdAt: '2026-11-01T00:00:00Z',
    intendedUse: 'Research only.',
    classes: ['0_normal', '2_polyps'],
    input: { size: 12 },
    backbone: { name: 'MobileNetV2', alpha: 0.35, weights: 'imagenet' },
    dataset: { name: 'tiny', description: 'made by the test', counts: { test: { '0_normal': 1, '2_polyps': 1 } } },
    familiarity: {
      method: FAMILIARITY_METHOD,
      layer: 'out_relu',
      pooling: 'mean-std',
      centroids: [new Array<number>(FAM).fill(0.25), new Array<number>(FAM).fill(-0.25)],
      threshold: 0.3,
      quantile: 0.95,
      centroidSplit: 'train',
      thresholdSplit: 'val',
      flaggedShare: { val: 0.05 },
    },
  });
}

const hex16 = (rng: () => number) => Array.from({ length: 16 }, () => Math.floor(rng() * 16).toString(16)).join('');

/**
 * `perClass` frames of each class around a class-specific centre (well apart, so a head can learn
 * them); the base model "knows" the first two classes (its probabilities favour the true one).
 */
function frames(perClass: Record<string, number>, seed = 1): ReadFrame[] {
  const rng = mulberry32(seed);
  const out: ReadFrame[] = [];
  Object.entries(perClass).forEach(([className, n], c) => {
    for (let i = 0; i < n; i++) {
      const features = Float32Array.from({ length: FEATURES }, (_, j) => (j === c ? 3 : 0) + rng() * 0.5);
      const familiarity = Float32Array.from({ length: FAM }, (_, j) => (j % 3 === c ? 2 : 0.1) + rng() * 0.2);
      const p = c === 0 ? 0.9 : c === 1 ? 0.2 : 0.6; // the new class looks "normal" to the base model
      out.push({
        id: `${className}/${i}`,
        className,
        fingerprint: { sha256: (c * 1000 + i).toString(16).padStart(64, '0'), aHash: hex16(rng), dHash: hex16(rng) },
        features,
        familiarity,
        baseProbs: Float32Array.from([p, 1 - p]),
        // The tiny model's 12x12 input, brighter per class (for the fine-tune test).
        rgb: Uint8Array.from({ length: 12 * 12 * 3 }, () => Math.floor(40 + 60 * c + rng() * 40)),
      });
    }
  });
  return out;
}

describe('teachClassOrder and beforeProbabilities', () => {
  it('keeps the base classes in their order, then new ones by name, and drops classes without frames', () => {
    expect(teachClassOrder(['0_normal', '2_polyps'], { zeta: 3, '2_polyps': 4, alpha: 2, '0_normal': 0 })).toEqual([
      '2_polyps',
      'alpha',
      'zeta',
    ]);
  });

  it('moves the base probabilities into the new order, with 0 for classes the base does not know', () => {
    const p = beforeProbabilities(['a', 'b'], ['b', 'new', 'a'], [Float32Array.from([0.7, 0.3])]);
    expect(Array.from(p)).toEqual([Math.fround(0.3), 0, Math.fround(0.7)]);
  });
});

/** runTeaching on the tiny model with a fixed date; each test gives its frames, seed and options. */
async function teach(over: Omit<TeachRunInput, 'base' | 'baseModelKey' | 'baseArtifacts' | 'createdAt'>) {
  return runTeaching({
    base: baseMetadata(),
    baseModelKey: 'tiny#1',
    baseArtifacts: await tinyTrainerModel(2),
    createdAt: '2026-11-30T10:00:00Z',
    ...over,
  });
}

describe('runTeaching', () => {
  it('adds a class: held-out metrics before and after, a loadable model with 3 outputs and a refitted familiarity check', async () => {
    const progress: [number, number][] = [];
    const result = await teach({
      frames: frames({ '0_normal': 25, '2_polyps': 25, esophagitis: 25 }),
      seed: 3,
      version: 'taught-1',
      maxEpochs: 25,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result.plan.mode).toBe('holdout');
    expect(result.plan.classes).toEqual(['0_normal', '2_polyps', 'esophagitis']);
    expect(result.after.count).toBe(result.plan.heldOutCount);
    expect(result.after.macro.f1).toBeGreaterThan(0.9);
    // The base model cannot say "esophagitis": before, that class is never found.
    const esoBefore = result.before.perClass.find((c) => c.name === 'esophagitis');
    expect(esoBefore?.recall).toBe(0);
    expect(result.before.macro.f1).toBeLessThan(result.after.macro.f1);
    expect(progress.at(-1)).toEqual([2, 2]);

    const meta = validateMetadata(result.metadata);
    expect(meta.classes.map((c) => c.name)).toEqual(['0_normal', '2_polyps', 'esophagitis']);
    expect(meta.familiarity?.centroids).toHaveLength(3);
    expect(meta.familiarity?.centroids[0]).toHaveLength(FAM);
    expect(meta.familiarity?.thresholdSplit).toBe('teach-held-out');
    expect(meta.teach?.recipe.split).toBe('holdout');

    const names = result.files.map((f) => f.name);
    expect(names).toContain('model.json');
    expect(names).toContain('metadata.json');
    const files = result.files.map((f) => new File([f.data], f.name));
    const bundle = await loadModelBundle({ kind: 'files', files });
    const model = await tf.loadLayersModel(tf.io.fromMemory(bundle.artifacts));
    expect(model.outputs[0].shape).toEqual([null, 3]);
    model.dispose();
  });

  it('switches to k folds for a small class: every frame held out once, and a final head on all of them', async () => {
    const progress: [number, number][] = [];
    const result = await teach({
      frames: frames({ '0_normal': 12, '2_polyps': 12, esophagitis: 6 }),
      seed: 5,
      version: 'taught-2',
      maxEpochs: 10,
      onProgress: (done, total) => progress.push([done, total]),
    });
    expect(result.plan.mode).toBe('kfold');
    expect(result.after.count).toBe(30);
    const k = result.plan.folds;
    expect(progress.at(-1)).toEqual([2 * k + 1, 2 * k + 1]);
    expect(validateMetadata(result.metadata).familiarity?.thresholdSplit).toBe('teach-out-of-fold');
  });

  it('fine-tunes the backbone too when asked: the recipe says so, the curves go on, the exported model loads', async () => {
    const ticks: [number, number][] = [];
    const result = await teach({
      frames: frames({ '0_normal': 25, '2_polyps': 25, esophagitis: 25 }),
      seed: 3,
      version: 'taught-ft',
      maxEpochs: 10,
      method: 'last-blocks',
      fineTuneEpochs: 2,
      onFineTuneEpoch: (done, total) => ticks.push([done, total]),
    });
    expect(result.method).toBe('last-blocks');
    expect(ticks).toEqual([
      [0, 2],
      [1, 2],
      [2, 2],
    ]);
    const meta = validateMetadata(result.metadata);
    expect(meta.teach?.recipe.method).toBe('last-blocks');
    expect(meta.teach?.recipe.fineTune).toMatchObject({ epochs: 2, unfreeze: 1 });
    expect(meta.intendedUse).toContain("backbone's last 1 layers were retrained");
    expect(result.after.count).toBe(result.plan.heldOutCount);
    const headEpochs = result.curves.length - 2;
    expect(result.curves.slice(headEpochs).map((c) => c.epoch)).toEqual([headEpochs + 1, headEpochs + 2]);
    const files = result.files.map((f) => new File([f.data], f.name));
    const model = await tf.loadLayersModel(tf.io.fromMemory((await loadModelBundle({ kind: 'files', files })).artifacts));
    expect(model.outputs[0].shape).toEqual([null, 3]);
    model.dispose();
  });

  it('falls back to the head only (and says so) when a small class means k folds', async () => {
    const result = await teach({
      frames: frames({ '0_normal': 12, '2_polyps': 12, esophagitis: 6 }),
      seed: 5,
      version: 'taught-ft2',
      maxEpochs: 5,
      method: 'last-blocks',
    });
    expect(result.method).toBe('head-only');
    expect(result.fineTuneSkipped).toBe('kfold');
    expect(validateMetadata(result.metadata).teach?.recipe.method).toBe('head-only');
  });

  it('refuses one class with the plan that says why', async () => {
    const run = teach({
      frames: frames({ '0_normal': 12 }),
      seed: 5,
      version: 'x',
    });
    const error = await run.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TeachRunError);
    expect((error as TeachRunError).plan?.notices.map((n) => n.kind)).toContain('too-few-classes');
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(
      teach({
        frames: frames({ '0_normal': 12, '2_polyps': 12 }),
        seed: 5,
        version: 'x',
        signal: controller.signal,
      }),
    ).rejects.toBeInstanceOf(HeadTrainingCancelled);
  });
});
