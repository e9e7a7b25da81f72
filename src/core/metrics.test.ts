import { describe, expect, it } from 'vitest';
import { computeMetrics, categoricalCrossEntropy, MetricsError } from './metrics.ts';

/** Probability rows that predict `pred` with confidence `p` (rest spread evenly). */
function probsFor(pred: number[], k: number, p = 0.8): Float32Array {
  const out = new Float32Array(pred.length * k).fill((1 - p) / (k - 1));
  pred.forEach((c, i) => (out[i * k + c] = p));
  return out;
}

const NAMES = ['a', 'b', 'c'];
// Hand-worked: confusion rows (true) x cols (pred) = [[2,1,0],[0,1,1],[0,0,1]].
const Y_TRUE = [0, 0, 0, 1, 1, 2];
const Y_PRED = [0, 0, 1, 1, 2, 2];

describe('computeMetrics (sklearn classification_report definitions)', () => {
  const m = computeMetrics(Y_TRUE, probsFor(Y_PRED, 3), NAMES);

  it('counts the confusion matrix as [true][pred] and the accuracy', () => {
    expect(m.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 1],
      [0, 0, 1],
    ]);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    expect(m.count).toBe(6);
  });

  it('gives per-class precision, recall, F1 and support', () => {
    const rows = m.perClass.map((r) => [r.name, r.precision, r.recall, r.f1, r.support]);
    const expected = [
      ['a', 1, 2 / 3, 0.8, 3],
      ['b', 0.5, 0.5, 0.5, 2],
      ['c', 0.5, 1, 2 / 3, 1],
    ];
    rows.forEach((r, i) => {
      expect(r[0]).toBe(expected[i][0]);
      for (let j = 1; j < 5; j++) expect(r[j]).toBeCloseTo(expected[i][j] as number, 12);
    });
  });

  it('averages: macro = plain mean, weighted = support-weighted mean', () => {
    expect(m.macro.precision).toBeCloseTo(2 / 3, 12);
    expect(m.macro.recall).toBeCloseTo((2 / 3 + 0.5 + 1) / 3, 12);
    expect(m.macro.f1).toBeCloseTo((0.8 + 0.5 + 2 / 3) / 3, 12);
    expect(m.weighted.precision).toBeCloseTo(0.75, 12);
    expect(m.weighted.recall).toBeCloseTo(4 / 6, 12);
    expect(m.weighted.f1).toBeCloseTo((3 * 0.8 + 2 * 0.5 + 2 / 3) / 6, 12);
  });

  it('computes Keras categorical cross-entropy unless given a loss', () => {
    expect(m.loss).toBeCloseTo((4 * -Math.log(0.8) + 2 * -Math.log(0.1)) / 6, 6);
    expect(computeMetrics(Y_TRUE, probsFor(Y_PRED, 3), NAMES, { loss: 0.123 }).loss).toBe(0.123);
    // A zero probability for the true class is clipped at 1e-7, as Keras does.
    expect(categoricalCrossEntropy([1], Float32Array.from([1, 0]), 2)).toBeCloseTo(-Math.log(1e-7), 4);
  });

  it('gives 0, not NaN, for a class never predicted and never present', () => {
    const z = computeMetrics([0, 1, 1], probsFor([0, 1, 0], 3), NAMES);
    expect(z.perClass[2]).toEqual({ name: 'c', precision: 0, recall: 0, f1: 0, support: 0 });
    expect(z.perClass[0].precision).toBeCloseTo(0.5, 12);
    expect(z.macro.f1).toBeCloseTo((2 / 3 + 2 / 3 + 0) / 3, 12);
    expect(z.weighted.f1).toBeCloseTo(((1 * 2) / 3 + (2 * 2) / 3) / 3, 12);
  });

  it('breaks argmax ties towards the first class, as numpy does', () => {
    const t = computeMetrics([1], Float32Array.from([0.5, 0.5]), ['x', 'y']);
    expect(t.confusion).toEqual([
      [0, 0],
      [1, 0],
    ]);
  });

  it('reports accuracy and count per source, and macro F1 only over the classes a source truly holds', () => {
    const s = computeMetrics(Y_TRUE, probsFor(Y_PRED, 3), NAMES, { sources: ['p', 'p', 'q', 'q', 'q', 'r'] });
    expect(Object.keys(s.perSource ?? {})).toEqual(['p', 'q', 'r']);
    expect(s.perSource?.p).toEqual({ accuracy: 1, count: 2 });
    expect(s.perSource?.q.accuracy).toBeCloseTo(1 / 3, 12);
    expect(s.perSource?.q.count).toBe(3);
    // q holds classes 0 and 1: F1 0 and 0.5 (class 2 is only predicted, so it does not count).
    expect(s.perSource?.q.macroF1).toBeCloseTo(0.25, 12);
    expect(s.perSource?.r).toEqual({ accuracy: 1, count: 1 });
  });

  it('pools sources sharing a prefix into a family, so gv_* shows the finding within one image source', () => {
    const s = computeMetrics(Y_TRUE, probsFor(Y_PRED, 3), NAMES, { sources: ['gv_a', 'gv_a', 'gv_a', 'gv_b', 'k_x', 'k_x'] });
    expect(Object.keys(s.perSource ?? {})).toEqual(['gv_*', 'gv_a', 'gv_b', 'k_x']);
    const gv = s.perSource?.['gv_*'];
    expect(gv?.count).toBe(4);
    expect(gv?.accuracy).toBeCloseTo(3 / 4, 12);
    // class 0: P 1, R 2/3, F1 0.8; class 1: P 1/2, R 1, F1 2/3.
    expect(gv?.macroF1).toBeCloseTo((0.8 + 2 / 3) / 2, 12);
    // a family of one source is not repeated
    expect(s.perSource?.['k_*']).toBeUndefined();
  });

  it('rejects mismatched shapes and labels with the numbers involved', () => {
    expect(() => computeMetrics([0, 1], new Float32Array(5), ['x', 'y'])).toThrow(/5 values, expected 2 samples x 2 classes = 4/);
    expect(() => computeMetrics([0, 3], new Float32Array(4), ['x', 'y'])).toThrow(/label 1 is 3/);
    expect(() => computeMetrics([], new Float32Array(0), ['x', 'y'])).toThrow(MetricsError);
    expect(() => computeMetrics([0], Float32Array.from([1, 0]), ['x', 'y'], { sources: [] })).toThrow(/sources lists 0 entries for 1/);
  });
});
