/** Batched inference over a whole split, with the app's scaling; returns probabilities as plain data. */
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_INPUT_RANGE } from '../../../src/core/preprocess.ts';
import { batchRanges, identityOrder, imageBatch, type ImageSplit } from './batches.ts';

export interface PredictOptions {
  inputSize: number;
  batchSize: number;
  range?: readonly [number, number];
}

/** Row-major N x numClasses probabilities of `model` (inference mode) for every image of `split`. */
export function predictSplit(model: tf.LayersModel, split: ImageSplit, opts: PredictOptions): { probs: Float32Array; numClasses: number } {
  const numClasses = model.outputs[0].shape[model.outputs[0].shape.length - 1] as number;
  const probs = new Float32Array(split.count * numClasses);
  const range = opts.range ?? DEFAULT_INPUT_RANGE;
  for (const idx of batchRanges(identityOrder(split.count), opts.batchSize)) {
    const p = tf.tidy(() => model.predict(imageBatch(split, idx, opts.inputSize, range), { batchSize: idx.length }) as tf.Tensor);
    probs.set(p.dataSync(), idx[0] * numClasses); // identity order: batch rows are consecutive images
    p.dispose();
  }
  return { probs, numClasses };
}
