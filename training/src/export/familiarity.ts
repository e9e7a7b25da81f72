/**
 * The "unlike the training images" check for an exported model: features from the model as the app
 * loads it, centroids from train, threshold from val (src/core/familiarity-fit.ts). Run by
 * every export, and on its own for a model exported before the check existed (`--refit-familiarity`).
 */
import type * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FEATURE_LAYER, type FamiliarityCheck } from '../../../src/core/familiarity.ts';
import type { FeaturePooling } from '../../../src/core/feature-output.ts';
import { validateMetadata } from '../../../src/core/metadata.ts';
import type { Dataset, SplitData } from '../data/index.ts';
import { fitFamiliarity } from '../../../src/core/familiarity-fit.ts';
import { predictSplit, type PredictOptions, type SplitPredictions } from '../schedule/predict.ts';
import { firstInboundLayer } from '../tfjs-internals.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { loadExportedModel } from './io.ts';

export interface FamiliarityFit {
  check: FamiliarityCheck;
  /** Probabilities from the same passes, so callers need not predict again. */
  probs: { val: Float32Array; test: Float32Array };
}

export interface FeatureSpec {
  layer: string;
  pooling?: FeaturePooling;
}

/**
 * Which features the check reads: the backbone's last feature map (the layer the head's global
 * average pooling reads), mean-std pooled; a model without that shape falls back to the pooled
 * vector itself. Chosen by measurement (notes/issue-10-familiarity.md): it flags more unknown
 * findings than the mean alone while flagging few frames of a polyp source left out of fitting.
 */
export function familiarityFeatures(model: tf.LayersModel): FeatureSpec {
  const pool = model.layers.find((l) => l.name === FEATURE_LAYER);
  const inbound = pool && firstInboundLayer(pool);
  const shape = inbound?.outputShape;
  if (inbound && Array.isArray(shape) && shape.length === 4 && typeof shape[3] === 'number')
    return { layer: inbound.name, pooling: 'mean-std' };
  return { layer: FEATURE_LAYER };
}

/** Predicts train, val and test once each (probabilities + pooled features) and fits the check. */
export async function fitFamiliarityOn(
  model: tf.LayersModel,
  data: Pick<Dataset, 'train' | 'val' | 'test' | 'classNames'>,
  opts: PredictOptions,
  /** Frames of findings the model never learned: only the share flagged is recorded. */
  neverLearned: Record<string, SplitData> = {},
): Promise<FamiliarityFit> {
  const spec = familiarityFeatures(model);
  const withFeatures = { ...opts, featureLayer: spec.layer, featurePooling: spec.pooling };
  const rows = (p: SplitPredictions) => ({ features: p.features as Float32Array, dim: p.featureDim as number });
  const train = await predictSplit(model, data.train, withFeatures);
  const val = await predictSplit(model, data.val, withFeatures);
  const test = await predictSplit(model, data.test, withFeatures);
  const never: Record<string, SplitPredictions> = {};
  for (const [name, split] of Object.entries(neverLearned)) never[name] = await predictSplit(model, split, withFeatures);
  const check = fitFamiliarity({
    train: { ...rows(train), labels: data.train.labels },
    threshold: rows(val),
    report: {
      test: rows(test),
      ...Object.fromEntries(Object.entries(never).map(([name, p]) => [name, rows(p)])),
    },
    numClasses: data.classNames.length,
    ...spec,
  });
  const names = Object.keys(neverLearned);
  return { check: names.length ? { ...check, neverLearned: names } : check, probs: { val: val.probs, test: test.probs } };
}

/** "1.1 % of val, 1.7 % of test" */
export function sharesText(shares: Record<string, number>): string {
  return Object.entries(shares)
    .map(([split, s]) => `${(s * 100).toFixed(1)} % of ${split}`)
    .join(', ');
}

/**
 * Fits the check for the model in `modelDir` on `data` (the data it was trained on) and rewrites its
 * metadata.json with it; the weights are not touched. Refuses data whose classes differ from the model's.
 */
export async function refitFamiliarity(
  modelDir: string,
  data: Pick<Dataset, 'train' | 'val' | 'test' | 'classNames'>,
  opts: { batchSize: number },
  neverLearned: Record<string, SplitData> = {},
): Promise<FamiliarityCheck> {
  const path = join(modelDir, 'metadata.json');
  const raw: unknown = JSON.parse(await readFile(path, 'utf8'));
  const metadata = validateMetadata(raw);
  const names = metadata.classes.map((c) => c.name);
  if (names.join('\n') !== data.classNames.join('\n')) {
    throw new Error(
      `The model's classes (${names.join(', ')}) differ from the data's (${data.classNames.join(', ')}): fit the check on the data the model was trained on.`,
    );
  }
  const model = await loadExportedModel(modelDir);
  try {
    const { check } = await fitFamiliarityOn(
      model,
      data,
      { inputSize: metadata.input.size, batchSize: opts.batchSize, range: metadata.input.range },
      neverLearned,
    );
    // Only this block changes; the rest of the file is kept as written (validated again before writing).
    const updated = { ...(raw as Record<string, unknown>), familiarity: check };
    validateMetadata(updated);
    await writeFileAtomic(path, JSON.stringify(updated, null, 2) + '\n');
    return check;
  } finally {
    model.dispose();
  }
}
