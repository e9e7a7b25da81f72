/**
 * Colour augmentation (`--color-augment`), not in the original script: endoscopes and video
 * processors differ in white balance, brightness and saturation, and a model that keys on a
 * source's colour cast learns the archive instead of the finding. Per image, drawn from `rng`:
 * a gain per channel (white balance), then contrast about the image's mean, saturation about its
 * grey value, and a brightness shift; values are clipped to the input range. The ranges are
 * torchvision ColorJitter-style and mild, so a polyp's redness is kept.
 */
import * as tf from '@tensorflow/tfjs';
import { uniform } from '../../../src/core/rng.ts';

export interface ColourJitter {
  /** Each channel's gain ~ U(1 - g, 1 + g). */
  channelGain: number;
  /** Contrast factor ~ U(1 - c, 1 + c) about the image's mean. */
  contrast: number;
  /** Saturation factor ~ U(1 - s, 1 + s) about the pixel's grey (ITU-R 601 luma). */
  saturation: number;
  /** Added in [0, 1] units: ~ U(-b, b). */
  brightness: number;
}

export const COLOUR_JITTER_DEFAULTS: Readonly<ColourJitter> = Object.freeze({
  channelGain: 0.1,
  contrast: 0.2,
  saturation: 0.2,
  brightness: 0.1,
});

/** Draws one image's parameters, in a fixed order: 3 gains, contrast, saturation, brightness. */
export function drawColourParams(rng: () => number, j: ColourJitter = COLOUR_JITTER_DEFAULTS): number[] {
  const gains = [0, 1, 2].map(() => uniform(rng, 1 - j.channelGain, 1 + j.channelGain));
  return [
    ...gains,
    uniform(rng, 1 - j.contrast, 1 + j.contrast),
    uniform(rng, 1 - j.saturation, 1 + j.saturation),
    uniform(rng, -j.brightness, j.brightness),
  ];
}

/** Applies per-image [gainR, gainG, gainB, contrast, saturation, brightness] rows to an NHWC batch in `range`. */
export function applyColour(batch: tf.Tensor4D, params: number[][], range: readonly [number, number]): tf.Tensor4D {
  const n = batch.shape[0];
  if (params.length !== n) throw new Error(`applyColour: ${params.length} parameter rows for a batch of ${n}`);
  const [lo, hi] = range;
  return tf.tidy(() => {
    const p = tf.tensor2d(params, [n, 6]);
    const col = (i: number) => tf.reshape(tf.slice(p, [0, i], [n, 1]), [n, 1, 1, 1]);
    let x = tf.div(tf.sub(batch, lo), hi - lo); // to [0, 1]
    x = tf.mul(x, tf.reshape(tf.slice(p, [0, 0], [n, 3]), [n, 1, 1, 3]));
    const mean = tf.mean(x, [1, 2, 3], true);
    x = tf.add(tf.mul(tf.sub(x, mean), col(3)), mean);
    const grey = tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), -1, true);
    x = tf.add(tf.mul(tf.sub(x, grey), col(4)), grey);
    x = tf.clipByValue(tf.add(x, col(5)), 0, 1);
    return tf.add<tf.Tensor4D>(tf.mul(x, hi - lo), lo);
  });
}

/** Jitters each image of `batch` with its own parameters from `rng` (batch order). */
export function colourAugmentBatch(
  batch: tf.Tensor4D,
  rng: () => number,
  range: readonly [number, number],
  j: ColourJitter = COLOUR_JITTER_DEFAULTS,
): tf.Tensor4D {
  const params = Array.from({ length: batch.shape[0] }, () => drawColourParams(rng, j));
  return applyColour(batch, params, range);
}
