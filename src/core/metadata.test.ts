import { describe, expect, it } from 'vitest';
import { MetadataError, validateMetadata } from './metadata.ts';

const valid = {
  format: 'endolens-model',
  formatVersion: 1,
  name: 'Proxy',
  version: '1.0.0',
  createdAt: '2026-11-26T00:00:00Z',
  intendedUse: 'Research only.',
  classes: ['0_normal', '2_polyps'],
  input: { size: 224 },
  backbone: { name: 'MobileNetV2', alpha: 0.35, weights: 'imagenet' },
  dataset: { name: 'gi-proxy', description: 'two classes', counts: { test: { '0_normal': 150, '2_polyps': 197 } } },
};

function problems(json: unknown): string[] {
  try {
    validateMetadata(json);
    return [];
  } catch (e) {
    expect(e).toBeInstanceOf(MetadataError);
    return (e as MetadataError).problems;
  }
}

describe('validateMetadata', () => {
  it('fills defaults: display names for class folders, the [-1, 1] range and the resize method', () => {
    const m = validateMetadata(valid);
    expect(m.classes).toEqual([
      { name: '0_normal', display: { en: 'Normal mucosa', es: 'Mucosa normal' } },
      { name: '2_polyps', display: { en: 'Polyp', es: 'Pólipo' } },
    ]);
    expect(m.input).toEqual({ size: 224, channels: 3, range: [-1, 1], resize: 'bilinear-antialias', layout: 'NHWC' });
  });

  it('reads unknown class folders as readable names', () => {
    expect(validateMetadata({ ...valid, classes: ['0_foo_bar', '1_baz'] }).classes[0].display.en).toBe('Foo bar');
  });

  it('lists every problem, each naming the field and the value it got', () => {
    const p = problems({ ...valid, format: 'keras', classes: ['a', 'a'], input: { size: 7, range: [1, -1] }, lowConfidenceThreshold: 2 });
    expect(p).toEqual(
      expect.arrayContaining([
        'format must be "endolens-model", got "keras"',
        'classes must name each class once, "a" appears twice',
        'input.size must be an integer in 8..1024, got 7',
        'input.range must be [low, high] with low < high, got [1,-1]',
        'lowConfidenceThreshold must be in 0..1, got 2',
      ]),
    );
  });

  const split = (confusion: number[][]) => ({
    accuracy: 0.9,
    loss: 0.3,
    count: 3,
    perClass: [{ name: '0_normal', precision: 1, recall: 1, f1: 1, support: 1 }],
    macro: { precision: 1, recall: 1, f1: 1 },
    weighted: { precision: 1, recall: 1, f1: 1 },
    confusion,
  });

  it('rejects a confusion matrix that does not match the classes, on test and on val', () => {
    const three = [
      [1, 0, 0],
      [0, 1, 0],
      [0, 0, 1],
    ];
    expect(problems({ ...valid, metrics: { test: split(three) } })).toEqual(['metrics.test.confusion has 3 rows for 2 classes']);
    expect(problems({ ...valid, metrics: { val: split([[1, 0]]) } })).toEqual(['metrics.val.confusion has 1 rows for 2 classes']);
  });

  it('checks the metrics, curves and the previous model field by field; NaN (null in JSON) reads back as NaN', () => {
    const curves = [{ phase: 'warm-up', epoch: 1, loss: null, accuracy: 0.5, valLoss: 0.7, valAccuracy: 0.6 }];
    const m = validateMetadata({
      ...valid,
      metrics: {
        test: {
          ...split([
            [1, 0],
            [0, 1],
          ]),
          loss: null,
        },
      },
      curves,
    });
    expect(m.metrics?.test?.loss).toBeNaN();
    expect(m.curves?.[0].loss).toBeNaN();
    const bad = {
      ...valid,
      metrics: {
        test: {
          ...split([
            [1, 0],
            [0, -1],
          ]),
          perClass: [{ name: 'a', precision: '1', recall: 1, f1: 1, support: 1.5 }],
        },
      },
      curves: [{ ...curves[0], epoch: -1 }],
      previous: { name: 'Old', version: '0.9.0', metrics: {} },
    };
    expect(problems(bad)).toEqual([
      'metrics.test.perClass[0].precision must be a number (null for NaN), got "1"',
      'metrics.test.perClass[0].support must be a count (an integer >= 0), got 1.5',
      'metrics.test.confusion[1][1] must be a count (an integer >= 0), got -1',
      'previous.createdAt is missing',
      'curves[0].epoch must be a count (an integer >= 0), got -1',
    ]);
  });

  it('rejects non-objects and newer format versions', () => {
    expect(problems([1, 2])[0]).toMatch(/expected a JSON object/);
    expect(problems({ ...valid, formatVersion: 99 })[0]).toMatch(/formatVersion must be a number <= 1, got 99/);
  });
});

describe('validateMetadata: the optional teach provenance', () => {
  const teach = {
    base: { name: 'Proxy', version: '1.0.0', modelKey: 'embedded:Proxy@1.0.0' },
    frames: { '0_normal': ['a'.repeat(64)], '2_polyps': ['b'.repeat(64)] },
    recipe: {
      method: 'head-only',
      seed: 1,
      split: 'holdout',
      folds: 1,
      epochs: 5,
      maxEpochs: 60,
      patience: 6,
      batchSize: 32,
      learningRate: 0.001,
    },
  };

  it('reads a file without it (every file written before teaching existed)', () => {
    expect(validateMetadata(valid).teach).toBeUndefined();
  });

  it('reads it when present and checks it field by field', () => {
    expect(validateMetadata({ ...valid, teach }).teach?.recipe.split).toBe('holdout');
    expect(
      problems({ ...valid, teach: { ...teach, frames: { '0_normal': ['XYZ'] }, recipe: { ...teach.recipe, method: 'full' } } }),
    ).toEqual(
      expect.arrayContaining([
        'teach.frames.0_normal[0] must be a SHA-256 in lowercase hex, got "XYZ"',
        'teach.recipe.method must be "head-only" or "last-blocks", got "full"',
      ]),
    );
  });
});
