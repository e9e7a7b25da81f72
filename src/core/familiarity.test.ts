import { describe, expect, it } from 'vitest';
import { centroidDistance, FAMILIARITY_METHOD, isUnfamiliar, validateFamiliarity } from './familiarity.ts';
import { MetadataError, validateMetadata } from './metadata.ts';

const check = {
  method: FAMILIARITY_METHOD, layer: 'global_average_pooling2d',
  centroids: [[1, 0, 0], [0, 0.6, 0.8]], threshold: 0.3, quantile: 0.99,
  centroidSplit: 'train', thresholdSplit: 'val', flaggedShare: { val: 0.01, test: 0.02 },
};

describe('centroidDistance', () => {
  it('is 0 along a centroid, whatever the length, and measures to the nearest one', () => {
    expect(centroidDistance([5, 0, 0], check.centroids)).toBeCloseTo(0, 12);
    expect(centroidDistance([0, 3, 4], check.centroids)).toBeCloseTo(0, 12);
    // cos to [1,0,0] = 1/sqrt(2), to [0,.6,.8] = .6/sqrt(2): the first is nearer
    expect(centroidDistance([1, 1, 0], check.centroids)).toBeCloseTo(1 - Math.SQRT1_2, 12);
  });

  it('is 1 for a frame that activates nothing and above 1 for one pointing away', () => {
    expect(centroidDistance([0, 0, 0], check.centroids)).toBe(1);
    expect(centroidDistance([-1, 0, 0], [[1, 0, 0]])).toBeCloseTo(2, 12);
  });

  it('refuses features of another length', () => {
    expect(() => centroidDistance([1, 0], check.centroids)).toThrow(/centroid has 3 values, features have 2/);
  });
});

describe('isUnfamiliar', () => {
  it('flags distances above the threshold and a NaN distance', () => {
    expect(isUnfamiliar(0.3, check)).toBe(false);
    expect(isUnfamiliar(0.31, check)).toBe(true);
    expect(isUnfamiliar(Number.NaN, check)).toBe(true);
  });
});

describe('validateFamiliarity', () => {
  it('accepts a well-formed check, with or without pooling of a feature map', () => {
    const problems: string[] = [];
    expect(validateFamiliarity(check, 2, problems)).toEqual(check);
    const pooled = { ...check, layer: 'out_relu', pooling: 'mean-std' };
    expect(validateFamiliarity(pooled, 2, problems)).toEqual(pooled);
    expect(problems).toEqual([]);
  });

  it('names every bad field', () => {
    const problems: string[] = [];
    const bad = { ...check, method: 'knn', pooling: 'max', centroids: [[1, 0, 0], [0, Number.NaN, 1]], threshold: 0, flaggedShare: { val: 3 } };
    expect(validateFamiliarity(bad, 2, problems)).toBeUndefined();
    expect(problems).toEqual([
      'familiarity.method must be "cosine-to-class-centroid", got "knn"',
      'familiarity.pooling must be one of "mean-std" or absent, got "max"',
      'familiarity.centroids[1] must be 3 finite numbers',
      'familiarity.threshold must be a cosine distance in (0, 2], got 0',
      'familiarity.flaggedShare must map split names to shares in 0..1, got {"val":3}',
    ]);
  });

  it('is part of validateMetadata: centroids must match the class count', () => {
    const meta = {
      format: 'endolens-model', formatVersion: 1, name: 'Proxy', version: '1.0.0', createdAt: '2026-11-26T00:00:00Z',
      intendedUse: 'Research only.', classes: ['0_normal', '2_polyps', '3_esophagitis'], input: { size: 224 },
      backbone: { name: 'mobilenetv2', weights: 'imagenet' }, dataset: { name: 'd', description: 'd', counts: {} }, familiarity: check,
    };
    expect(() => validateMetadata(meta)).toThrow(MetadataError);
    expect(() => validateMetadata(meta)).toThrow(/familiarity.centroids must hold one vector per class \(3\), got 2/);
    expect(validateMetadata({ ...meta, classes: ['a', 'b'] }).familiarity?.threshold).toBe(0.3);
  });
});
