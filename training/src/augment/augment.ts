/**
 * Batch augmentation on tensors: one fresh Keras-style random transform per image, all images of
 * the batch transformed by one `tf.image.transform` call (a transform row per image).
 */
import * as tf from '@tensorflow/tfjs';
import {
  checkAugmentOptions,
  KERAS_AUGMENT_DEFAULTS,
  randomTransformParams,
  transformMatrix,
  type AugmentOptions,
} from './keras-affine.ts';

/**
 * Transforms each image of an NHWC float batch with its own random parameters drawn from `rng`
 * (images in batch order, each drawing Keras's sequence of numbers). Returns a new tensor; the
 * caller keeps ownership of `batch`. For a reproducible run, pass the epoch's stream from
 * src/core/rng.ts `epochRng(seed, epoch)`, so a resumed epoch draws the same transforms.
 */
export function augmentBatch(batch: tf.Tensor4D, rng: () => number, opts: AugmentOptions = KERAS_AUGMENT_DEFAULTS): tf.Tensor4D {
  checkAugmentOptions(opts);
  const [n, h, w] = batch.shape;
  const rows: number[][] = [];
  for (let i = 0; i < n; i++) rows.push(transformMatrix(randomTransformParams(rng, opts, h, w), h, w));
  return applyTransforms(batch, rows, opts.fillValue);
}

/** Applies one 8-number transform per image (bilinear, constant fill). */
export function applyTransforms(batch: tf.Tensor4D, rows: number[][], fillValue = 0): tf.Tensor4D {
  if (rows.length !== batch.shape[0]) throw new Error(`applyTransforms: ${rows.length} transforms for a batch of ${batch.shape[0]}`);
  return tf.tidy(() => {
    // The cpu backend's Transform kernel handles only image 0 of a batch (TECH-NOTES); go one by one there.
    if (tf.getBackend() === 'cpu' && rows.length > 1) {
      const parts = rows.map((row, i) =>
        tf.image.transform(tf.slice(batch, [i, 0, 0, 0], [1, -1, -1, -1]), tf.tensor2d([row]), 'bilinear', 'constant', fillValue),
      );
      return tf.concat(parts, 0);
    }
    return tf.image.transform(batch, tf.tensor2d(rows), 'bilinear', 'constant', fillValue);
  });
}
