/** A model's metrics on a split of the dataset, per image source too (the app's model card shows both). */
import type * as tf from '@tensorflow/tfjs';
import type { EvalMetrics } from '../../../src/core/metadata.ts';
import { sourceOf, type SplitData } from '../data/index.ts';
import { predictSplit, type PredictOptions } from '../schedule/predict.ts';
import { computeMetrics } from '../../../src/core/metrics.ts';

export function splitMetrics(split: SplitData, probs: Float32Array, classNames: string[]): EvalMetrics {
  return computeMetrics(split.labels, probs, classNames, { sources: split.files.map(sourceOf) });
}

/** Predicts `split` once (inference mode) and scores it; the probabilities are returned for reuse. */
export async function evaluateSplit(
  model: tf.LayersModel,
  split: SplitData,
  classNames: string[],
  opts: PredictOptions,
): Promise<{ probs: Float32Array; metrics: EvalMetrics }> {
  const { probs } = await predictSplit(model, split, opts);
  return { probs, metrics: splitMetrics(split, probs, classNames) };
}
