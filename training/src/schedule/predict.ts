/** Batched inference over a whole split, with the app's scaling; returns probabilities as plain data. */
import * as tf from '@tensorflow/tfjs';
import { withFeatureOutput, type FeaturePooling } from '../../../src/core/feature-output.ts';
import { DEFAULT_INPUT_RANGE } from '../../../src/core/preprocess.ts';
import { batchRanges, identityOrder, imageBatch, type ImageSplit } from './batches.ts';

export interface PredictOptions {
  inputSize: number;
  batchSize: number;
  range?: readonly [number, number];
  /** Also return this layer's output per image (pooled as `featurePooling` says), from the same forward pass. */
  featureLayer?: string;
  featurePooling?: FeaturePooling;
}

export interface SplitPredictions {
  /** Row-major N x numClasses. */
  probs: Float32Array;
  numClasses: number;
  /** Row-major N x featureDim, when `featureLayer` was asked for. */
  features?: Float32Array;
  featureDim?: number;
}

/**
 * Probabilities (and optionally features) of `model` in inference mode for every image of `split`.
 * Read back with `await data()`: the WebGPU backend in Node has no synchronous read-back.
 */
export async function predictSplit(model: tf.LayersModel, split: ImageSplit, opts: PredictOptions): Promise<SplitPredictions> {
  const numClasses = model.outputs[0].shape[model.outputs[0].shape.length - 1] as number;
  const probs = new Float32Array(split.count * numClasses);
  const range = opts.range ?? DEFAULT_INPUT_RANGE;
  const net = opts.featureLayer ? withFeatureOutput(model, opts.featureLayer, opts.featurePooling) : model;
  const featureDim = opts.featureLayer ? (net.outputs[0].shape[1] as number) : 0;
  const features = opts.featureLayer ? new Float32Array(split.count * featureDim) : undefined;
  for (const idx of batchRanges(identityOrder(split.count), opts.batchSize)) {
    const outs = tf.tidy(() => {
      const y = net.predict(imageBatch(split, idx, opts.inputSize, range), { batchSize: idx.length });
      return Array.isArray(y) ? y : [y];
    });
    try {
      // identity order: batch rows are consecutive images
      probs.set(await outs[outs.length - 1].data(), idx[0] * numClasses);
      if (features) features.set(await outs[0].data(), idx[0] * featureDim);
    } finally {
      tf.dispose(outs);
    }
  }
  return { probs, numClasses, ...(features ? { features, featureDim } : {}) };
}
