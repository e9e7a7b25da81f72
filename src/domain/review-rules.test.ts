import { describe, expect, it } from 'vitest';
import { computeAgreement } from './agreement.ts';
import { CONFIDENCE_LEVELS, confidenceLevel, DEFAULT_THRESHOLDS, thresholdsFromMetadata, validateThresholds } from './confidence.ts';

describe('confidenceLevel', () => {
  const t = { confident: 0.8, low: 0.5 };
  it('splits at the two thresholds, inclusive at the confident one', () => {
    expect(confidenceLevel(0.95, t)).toBe('confident');
    expect(confidenceLevel(0.8, t)).toBe('confident');
    expect(confidenceLevel(0.79, t)).toBe('uncertain');
    expect(confidenceLevel(0.5, t)).toBe('uncertain');
    expect(confidenceLevel(0.49, t)).toBe('low');
    expect(confidenceLevel(Number.NaN, t)).toBe('low');
  });
  it('is "unfamiliar", the worst level, for a frame the familiarity check flags, whatever its top probability', () => {
    expect(confidenceLevel(0.997, t, true)).toBe('unfamiliar');
    expect(confidenceLevel(0.3, t, true)).toBe('unfamiliar');
    expect(confidenceLevel(0.997, t, false)).toBe('confident');
    expect(confidenceLevel(0.997, t)).toBe('confident'); // not checked = not flagged
    expect(CONFIDENCE_LEVELS).toEqual(['confident', 'uncertain', 'low', 'unfamiliar']);
  });
  it('follows thresholds the user moves', () => {
    expect(confidenceLevel(0.7, { confident: 0.6, low: 0.3 })).toBe('confident');
    expect(confidenceLevel(0.7, { confident: 0.9, low: 0.75 })).toBe('low');
    expect(confidenceLevel(0.7, DEFAULT_THRESHOLDS)).toBe('uncertain');
  });
  it('rejects thresholds that make no sense, naming the value', () => {
    expect(() => validateThresholds({ confident: 0.4, low: 0.6 })).toThrow(/"low" threshold \(0.6\).*\(0.4\)/);
    expect(() => validateThresholds({ confident: 1.2, low: 0.5 })).toThrow(/"confident".*1.2/);
    expect(validateThresholds({ confident: 0.7, low: 0.7 })).toEqual({ confident: 0.7, low: 0.7 });
  });
  it('seeds the low threshold from the model metadata', () => {
    expect(thresholdsFromMetadata({ lowConfidenceThreshold: 0.62 })).toEqual({ low: 0.62, confident: 0.8 });
    expect(thresholdsFromMetadata({ lowConfidenceThreshold: 0.9 })).toEqual({ low: 0.9, confident: 0.9 });
    expect(thresholdsFromMetadata(undefined)).toEqual(DEFAULT_THRESHOLDS);
  });
});

describe('computeAgreement', () => {
  const classes = ['a', 'b', 'c'];
  const f = (predictedClass: string, reviewedClass?: string) => ({ predictedClass, review: reviewedClass ? { reviewedClass } : undefined });

  it('counts only reviewed frames and gives per-class specific agreement and kappa', () => {
    const frames = [f('a', 'a'), f('a', 'a'), f('a', 'b'), f('b', 'b'), f('c', 'a'), f('c')];
    const s = computeAgreement(frames, classes);
    expect([s.total, s.reviewed, s.agreed]).toEqual([6, 5, 3]);
    expect(s.overall).toBeCloseTo(0.6);
    // model: a3 b1 c1; clinician: a3 b2 c0 -> chance = (3*3 + 1*2 + 0) / 25 = 0.44
    expect(s.kappa).toBeCloseTo((0.6 - 0.44) / (1 - 0.44), 10);
    expect(s.perClass).toEqual([
      { className: 'a', byModel: 3, byClinician: 3, agreed: 2, specificAgreement: 4 / 6 },
      { className: 'b', byModel: 1, byClinician: 2, agreed: 1, specificAgreement: 2 / 3 },
      { className: 'c', byModel: 1, byClinician: 0, agreed: 0, specificAgreement: 0 },
    ]);
    expect(s.confusion).toEqual([
      [2, 1, 0],
      [0, 1, 0],
      [1, 0, 0],
    ]);
    expect(s.unknownClasses).toEqual([]);
  });

  it('has no rates before any review and no kappa when only one class is ever used', () => {
    const none = computeAgreement([f('a'), f('b')], classes);
    expect([none.overall, none.kappa, none.perClass[0].specificAgreement]).toEqual([null, null, null]);
    const one = computeAgreement([f('a', 'a'), f('a', 'a')], classes);
    expect(one.overall).toBe(1);
    expect(one.kappa).toBeNull();
  });

  it('reports classes that the current model does not know', () => {
    const s = computeAgreement([f('a', 'zz_other')], classes);
    expect(s.unknownClasses).toEqual(['zz_other']);
    expect(s.agreed).toBe(0);
    expect(s.confusion.flat().reduce((x, y) => x + y)).toBe(0);
  });
});
