/** Fitting the unfamiliar-frame check: centroids, quantile threshold and its rounding (shared by the trainer and Teach). */
import { describe, expect, it } from 'vitest';
import { centroidDistance, FAMILIARITY_QUANTILE, FEATURE_LAYER } from './familiarity.ts';
import { classCentroids, distancesTo, fitFamiliarity, flaggedShareOf, thresholdFromDistances, upperQuantile } from './familiarity-fit.ts';
import { mulberry32 } from './rng.ts';

/** n feature rows around `centre` (per-dimension jitter of +-spread). */
function cluster(centre: number[], n: number, spread: number, seed: number): number[][] {
  const rng = mulberry32(seed);
  return Array.from({ length: n }, () => centre.map((v) => v + (rng() - 0.5) * 2 * spread));
}
const rows = (list: number[][]) => ({ features: Float32Array.from(list.flat()), dim: list[0].length });

describe('classCentroids', () => {
  it('is the normalised mean feature of each class', () => {
    const c = classCentroids(
      rows([
        [2, 0],
        [4, 0],
        [0, 3],
        [0, 1],
      ]),
      [0, 0, 1, 1],
      2,
    );
    expect(c).toEqual([
      [1, 0],
      [0, 1],
    ]);
  });

  it('refuses a class without images and features that are all zero', () => {
    expect(() =>
      classCentroids(
        rows([
          [1, 0],
          [2, 0],
        ]),
        [0, 0],
        2,
      ),
    ).toThrow(/class 1 has no training images/);
    expect(() =>
      classCentroids(
        rows([
          [0, 0],
          [1, 0],
        ]),
        [0, 1],
        2,
      ),
    ).toThrow(/class 0's training features are all zero/);
  });
});

describe('upperQuantile', () => {
  it('leaves at most 1 - q of the values above it', () => {
    const v = Array.from({ length: 200 }, (_, i) => 199 - i); // 0..199, unsorted
    expect(upperQuantile(v, 0.99)).toBe(197); // 198 and 199 above: 1 %
    expect(upperQuantile(v, 1)).toBe(199);
    expect(upperQuantile([5], 0.5)).toBe(5);
    expect(() => upperQuantile([], 0.9)).toThrow(/no values/);
  });
});

describe('fitFamiliarity', () => {
  it('passes ordinary validation frames and flags features pointing elsewhere', () => {
    const a = [5, 1, 0, 0];
    const b = [0, 1, 5, 0];
    const train = [...cluster(a, 50, 0.8, 1), ...cluster(b, 50, 0.8, 2)];
    const labels = [...new Array<number>(50).fill(0), ...new Array<number>(50).fill(1)];
    const val = [...cluster(a, 100, 0.8, 3), ...cluster(b, 100, 0.8, 4)];
    const outliers = [
      [0, 0, 0, 5],
      [1, 1, 1, 1],
      [0, 0, 0, 0],
      [-5, 0, 0, 0],
    ];
    const check = fitFamiliarity({
      train: { ...rows(train), labels },
      threshold: rows(val),
      report: { odd: rows(outliers) },
      numClasses: 2,
    });
    expect(check.layer).toBe(FEATURE_LAYER);
    expect(check.flaggedShare.val).toBeLessThanOrEqual(1 - FAMILIARITY_QUANTILE);
    expect(check.quantile).toBe(FAMILIARITY_QUANTILE);
    expect(check.flaggedShare.odd).toBe(1);
    // The stored (rounded) centroids and threshold give the same verdicts the app computes.
    const flaggedVal = val.filter((v) => centroidDistance(v, check.centroids) > check.threshold).length;
    expect(flaggedVal / val.length).toBe(check.flaggedShare.val);
    for (const o of outliers) expect(centroidDistance(o, check.centroids)).toBeGreaterThan(check.threshold);
  });
});

describe('thresholdFromDistances', () => {
  it('takes the quantile and rounds it up at 6 digits, so no distance at or below the quantile ends above it', () => {
    expect(thresholdFromDistances([0.4, 0.1, 0.3, 0.2], 0.5)).toBe(0.2);
    expect(thresholdFromDistances([0.4, 0.1, 0.3, 0.2], 0.75)).toBe(0.3);
    // Rounding to nearest would give 0.123456, below the distance itself.
    expect(thresholdFromDistances([0.1234561], 0.95)).toBe(0.123457);
    expect(thresholdFromDistances(Float64Array.of(0.25, 0.5), 1)).toBe(0.5);
    const rng = mulberry32(11);
    const distances = Float64Array.from({ length: 1000 }, () => rng() * 0.7);
    const threshold = thresholdFromDistances(distances, 0.95);
    expect(flaggedShareOf(distances, threshold)).toBeLessThanOrEqual(0.05);
    expect(threshold - upperQuantile(distances, 0.95)).toBeLessThan(1e-6);
    expect(threshold).toBeGreaterThanOrEqual(upperQuantile(distances, 0.95));
  });

  it('is at least 1e-6 (frames on a centroid give distance 0) and refuses no distances', () => {
    expect(thresholdFromDistances([0, 0, 0], 0.95)).toBe(1e-6);
    expect(() => thresholdFromDistances([], 0.95)).toThrow(/no values/);
  });

  it('is the rule fitFamiliarity stores', () => {
    const train = [...cluster([3, 1, 0], 20, 0.5, 5), ...cluster([0, 1, 3], 20, 0.5, 6)];
    const labels = [...new Array<number>(20).fill(0), ...new Array<number>(20).fill(1)];
    const val = [...cluster([3, 1, 0], 30, 0.9, 7), ...cluster([0, 1, 3], 30, 0.9, 8)];
    const check = fitFamiliarity({ train: { ...rows(train), labels }, threshold: rows(val), numClasses: 2, quantile: 0.9 });
    expect(check.threshold).toBe(thresholdFromDistances(distancesTo(rows(val), check.centroids), 0.9));
  });
});
