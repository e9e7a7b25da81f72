/**
 * Turns the dataset's uint8 pixels into model batches with the app's own scaling
 * (src/core scaleToRange), so training sees exactly the values the app computes.
 */
import * as tf from '@tensorflow/tfjs';
import { scaleToRange } from '../../../src/core/preprocess.ts';

/** The parts of a dataset split the trainer reads. */
export interface ImageSplit {
  /** N * size * size * 3 uint8 pixels, already resized by the shared preprocessing. */
  images: Uint8Array;
  labels: Int32Array;
  count: number;
}

/** Copies the images `indices` into one buffer (whole images at a time, no per-pixel JS). */
export function gatherImages(split: ImageSplit, indices: ArrayLike<number>, imageSize: number): Uint8Array {
  const per = imageSize * imageSize * 3;
  if (split.images.length !== split.count * per) {
    throw new Error(
      `Split holds ${split.images.length} bytes for ${split.count} images of ${imageSize}x${imageSize}x3 (${split.count * per} expected).`,
    );
  }
  const out = new Uint8Array(indices.length * per);
  for (let j = 0; j < indices.length; j++) {
    const i = indices[j];
    out.set(split.images.subarray(i * per, (i + 1) * per), j * per);
  }
  return out;
}

/** A float32 NHWC batch in `range` for the images `indices`. */
export function imageBatch(
  split: ImageSplit,
  indices: ArrayLike<number>,
  imageSize: number,
  range: readonly [number, number],
): tf.Tensor4D {
  const pixels = gatherImages(split, indices, imageSize);
  return tf.tensor4d(scaleToRange(pixels, range), [indices.length, imageSize, imageSize, 3], 'float32');
}

/** One-hot float32 labels for `indices`. */
export function labelBatch(split: ImageSplit, indices: ArrayLike<number>, numClasses: number): tf.Tensor2D {
  const labels = new Int32Array(indices.length);
  for (let j = 0; j < indices.length; j++) {
    const l = split.labels[indices[j]];
    if (!Number.isInteger(l) || l < 0 || l >= numClasses)
      throw new Error(`Label ${l} of image ${indices[j]} is outside 0..${numClasses - 1}.`);
    labels[j] = l;
  }
  return tf.tidy(() => tf.oneHot(tf.tensor1d(labels, 'int32'), numClasses).toFloat() as tf.Tensor2D);
}

/** Consecutive index ranges of at most `batchSize`, the last one partial (as Keras's iterators). */
export function* batchRanges(order: Int32Array, batchSize: number): Generator<Int32Array> {
  for (let start = 0; start < order.length; start += batchSize) yield order.subarray(start, Math.min(start + batchSize, order.length));
}

export function identityOrder(n: number): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return idx;
}
