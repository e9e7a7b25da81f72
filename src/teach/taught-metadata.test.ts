import { describe, expect, it } from 'vitest';
import { validateMetadata, type EvalMetrics } from '../core/metadata.ts';
import { computeMetrics } from '../core/metrics.ts';
import { buildTaughtMetadata, TaughtMetadataError, type TaughtFrame, type TaughtMetadataInput } from './taught-metadata.ts';
import type { SplitPlan } from './split.ts';

const base = validateMetadata({
  format: 'endolens-model',
  formatVersion: 1,
  name: 'EndoLens WCE',
  version: '1.2.0',
  createdAt: '2026-11-01T00:00:00Z',
  intendedUse: 'Research only.',
  classes: ['0_normal', '2_polyps'],
  input: { size: 224 },
  backbone: { name: 'MobileNetV2', alpha: 0.35, weights: 'imagenet' },
  dataset: { name: 'wce', description: 'curated', counts: { test: { '0_normal': 10, '2_polyps': 10 } } },
  lowConfidenceThreshold: 0.6,
});

const sha = (i: number) => i.toString(16).padStart(64, '0');
const CLASSES = ['0_normal', '2_polyps', '4_angiectasia'];
// 4 frames per class; f0..f3 normal, f4..f7 polyps, f8..f11 the new class.
const frames: TaughtFrame[] = Array.from({ length: 12 }, (_, i) => ({
  id: `f${i}`,
  className: CLASSES[Math.floor(i / 4)],
  sha256: sha(i),
}));
const plan: SplitPlan = {
  mode: 'holdout',
  seed: 7,
  folds: [{ train: ['f0', 'f1', 'f2', 'f4', 'f5', 'f6', 'f8', 'f9', 'f10'], heldOut: ['f3', 'f7', 'f11'] }],
  counts: { '0_normal': 4, '2_polyps': 4, '4_angiectasia': 4 },
  refused: [],
  notices: [],
  ok: true,
};
const heldOut: EvalMetrics = computeMetrics([0, 1, 2], Float32Array.from([0.8, 0.1, 0.1, 0.2, 0.7, 0.1, 0.1, 0.3, 0.6]), CLASSES);

const input = (over: Partial<TaughtMetadataInput> = {}): TaughtMetadataInput => ({
  base,
  baseModelKey: 'embedded:EndoLens WCE@1.2.0',
  version: '1.2.0-taught.1',
  createdAt: '2026-11-30T10:00:00Z',
  classes: CLASSES,
  frames,
  plan,
  recipe: { epochs: 12, maxEpochs: 60, patience: 6, batchSize: 32, learningRate: 1e-3 },
  heldOut,
  curves: [{ epoch: 1, loss: 1, accuracy: 0.4, heldOutLoss: Number.NaN, heldOutAccuracy: 0.3 }],
  ...over,
});

describe('buildTaughtMetadata', () => {
  it('validates with the metadata schema, JSON round trip included', () => {
    const json = buildTaughtMetadata(input());
    const m = validateMetadata(JSON.parse(JSON.stringify(json)));
    expect(m.name).toBe('EndoLens WCE');
    expect(m.teach?.base).toEqual({ name: 'EndoLens WCE', version: '1.2.0', modelKey: 'embedded:EndoLens WCE@1.2.0' });
    expect(m.teach?.recipe).toMatchObject({ method: 'head-only', seed: 7, split: 'holdout', folds: 1, epochs: 12 });
    expect(m.metrics?.test?.confusion).toHaveLength(3);
    expect(m.curves?.[0]).toMatchObject({ phase: 'teach-head', valLoss: Number.NaN });
    // Fitted to the base model's last layer and classes: not carried over.
    expect(m.lowConfidenceThreshold).toBeUndefined();
    expect(m.familiarity).toBeUndefined();
  });

  it('lists the classes, frames per class with their fingerprints, and the split counts', () => {
    const m = validateMetadata(buildTaughtMetadata(input({ plan: { ...plan, refused: ['f0'] } })));
    expect(m.classes.map((c) => c.name)).toEqual(CLASSES);
    expect(m.teach?.frames['0_normal']).toEqual([sha(1), sha(2), sha(3)]);
    expect(m.teach?.frames['4_angiectasia']).toHaveLength(4);
    expect(m.dataset.counts).toEqual({
      train: { '0_normal': 2, '2_polyps': 3, '4_angiectasia': 3 },
      heldOut: { '0_normal': 1, '2_polyps': 1, '4_angiectasia': 1 },
    });
  });

  it('counts the whole set in k-fold mode', () => {
    const kfold: SplitPlan = { ...plan, mode: 'kfold', folds: [plan.folds[0], plan.folds[0]] };
    const m = validateMetadata(buildTaughtMetadata(input({ plan: kfold })));
    expect(m.dataset.counts).toEqual({ all: { '0_normal': 4, '2_polyps': 4, '4_angiectasia': 4 } });
    expect(m.teach?.recipe).toMatchObject({ split: 'kfold', folds: 2 });
  });

  it('gives a new class a readable display name and keeps the base model names', () => {
    const m = validateMetadata(buildTaughtMetadata(input()));
    expect(m.classes[1].display.en).toBe('Polyp');
    expect(m.classes[2].display).toEqual({ en: 'Angiectasia', es: 'Angiectasia' });
  });

  it("says plainly it was trained on the user's own frames", () => {
    const m = validateMetadata(buildTaughtMetadata(input()));
    expect(m.intendedUse).toMatch(/the user's own frames/);
    expect(m.dataset.description).toMatch(/4_angiectasia/);
  });

  it('refuses a frame of a class the head does not have, and metrics of the wrong size', () => {
    expect(() => buildTaughtMetadata(input({ classes: CLASSES.slice(0, 2) }))).toThrow(TaughtMetadataError);
    expect(() => buildTaughtMetadata(input({ heldOut: computeMetrics([0], Float32Array.from([1, 0]), CLASSES.slice(0, 2)) }))).toThrow(
      /2 classes, the head has 3/,
    );
  });
});
