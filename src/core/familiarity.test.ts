import { describe, expect, it } from 'vitest';
import { centroidDistance, FAMILIARITY_METHOD, isUnfamiliar } from './familiarity.ts';
import { MetadataError, validateMetadata } from './metadata.ts';

const check = {
  method: FAMILIARITY_METHOD,
  layer: 'global_average_pooling2d',
  centroids: [
    [1, 0, 0],
    [0, 0.6, 0.8],
  ],
  threshold: 0.3,
  quantile: 0.99,
  centroidSplit: 'train',
  thresholdSplit: 'val',
  flaggedShare: { val: 0.01, test: 0.02 },
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

describe('the familiarity block of metadata.json', () => {
  const meta = {
    format: 'endolens-model',
    formatVersion: 1,
    name: 'Proxy',
    version: '1.0.0',
    createdAt: '2026-11-26T00:00:00Z',
    intendedUse: 'Research only.',
    classes: ['0_normal', '2_polyps'],
    input: { size: 224 },
    backbone: { name: 'mobilenetv2', weights: 'imagenet' },
    dataset: { name: 'd', description: 'd', counts: {} },
  };
  function problems(familiarity: unknown): string[] {
    try {
      validateMetadata({ ...meta, familiarity });
      return [];
    } catch (e) {
      expect(e).toBeInstanceOf(MetadataError);
      return (e as MetadataError).problems;
    }
  }

  it('accepts a well-formed check, with or without pooling of a feature map', () => {
    expect(validateMetadata({ ...meta, familiarity: check }).familiarity).toEqual(check);
    const pooled = {
      ...check,
      layer: 'out_relu',
      pooling: 'mean-std',
      flaggedShare: { ...check.flaggedShare, oesophagus: 0.9 },
      neverLearned: ['oesophagus'],
    };
    expect(validateMetadata({ ...meta, familiarity: pooled }).familiarity).toEqual(pooled);
  });

  it('names every bad field, with the value it got', () => {
    const bad = {
      ...check,
      method: 'knn',
      pooling: 'max',
      centroids: [
        [1, 0, 0],
        [0, Number.NaN, 1],
      ],
      threshold: 0,
      flaggedShare: { val: 3 },
    };
    expect(problems(bad)).toEqual([
      'familiarity.method must be "cosine-to-class-centroid", got "knn"',
      'familiarity.pooling must be one of "mean-std" or absent, got "max"',
      'familiarity.centroids[1] must be a non-empty list of finite numbers ([1] is NaN), got [0,null,1]',
      'familiarity.threshold must be a cosine distance in (0, 2], got 0',
      'familiarity.flaggedShare.val must be in 0..1, got 3',
    ]);
  });

  it('refuses centroids of different lengths, neverLearned keys flaggedShare lacks, and a missing field', () => {
    const { quantile: _q, ...noQuantile } = check;
    expect(
      problems({
        ...noQuantile,
        centroids: [
          [1, 0, 0],
          [0, 1],
        ],
        neverLearned: ['oesophagus'],
      }),
    ).toEqual([
      'familiarity.centroids[1] must hold 3 numbers as centroids[0] does, got 2',
      'familiarity.quantile is missing',
      'familiarity.neverLearned must list keys of flaggedShare, got ["oesophagus"]',
    ]);
  });

  it('centroids must match the class count', () => {
    const three = { ...meta, classes: ['0_normal', '2_polyps', '3_esophagitis'], familiarity: check };
    expect(() => validateMetadata(three)).toThrow(MetadataError);
    expect(() => validateMetadata(three)).toThrow(/familiarity.centroids must hold one vector per class \(3\), got 2/);
    expect(validateMetadata({ ...meta, familiarity: check }).familiarity?.threshold).toBe(0.3);
  });
});
