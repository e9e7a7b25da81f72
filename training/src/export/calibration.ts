/**
 * Temperature scaling baked into the exported model, and the low-confidence threshold the app uses.
 *
 * The head ends in Dense(softmax) named `predictions`: p = softmax(W h + b). Dividing W and b by T
 * gives softmax((W h + b) / T), the temperature-scaled probabilities, with no new layer for the app
 * to know about. fitTemperature works on log-probabilities, which differ from the logits only by a
 * per-row constant, so softmax(log p / T) = softmax(z / T) and the T fitted there is the T baked here.
 */
import * as tf from '@tensorflow/tfjs';

export const PREDICTIONS_LAYER = 'predictions';

/** Divides the `predictions` layer's kernel and bias by T, in place. */
export function bakeTemperature(model: tf.LayersModel, temperature: number): void {
  if (!(temperature > 0) || !Number.isFinite(temperature))
    throw new RangeError(`temperature must be a positive number. Received: ${temperature}`);
  const layer = model.getLayer(PREDICTIONS_LAYER);
  const weights = layer.getWeights(); // the variables' own tensors: not ours to dispose
  if (weights.length !== 2) throw new Error(`Layer "${PREDICTIONS_LAYER}" has ${weights.length} weights; expected kernel and bias.`);
  const scaled = weights.map((w) => tf.div(w, temperature));
  layer.setWeights(scaled);
  tf.dispose(scaled);
}

/** Accuracy the app may count on for predictions at or above the threshold (on validation data). */
export const LOW_CONFIDENCE_TARGET_ACCURACY = 0.95;

/**
 * The low-confidence threshold derived from validation predictions: the smallest top probability t
 * such that the validation images predicted with top probability >= t were right at least
 * LOW_CONFIDENCE_TARGET_ACCURACY of the time (the largest confident set meeting the target).
 * Clamped to [1/numClasses, 0.99]; if no such set exists, 0.99 (flag nearly everything).
 */
export function lowConfidenceThreshold(
  probs: Float32Array,
  labels: ArrayLike<number>,
  numClasses: number,
  target = LOW_CONFIDENCE_TARGET_ACCURACY,
): number {
  const n = labels.length;
  const top = new Float64Array(n);
  const right = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (probs[i * numClasses + c] > probs[i * numClasses + best]) best = c;
    top[i] = probs[i * numClasses + best];
    right[i] = best === labels[i] ? 1 : 0;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => top[b] - top[a]);
  let correct = 0;
  let threshold = Number.NaN;
  for (let m = 0; m < n; m++) {
    correct += right[order[m]];
    // Only cut between distinct values: images with the same top probability fall on the same side.
    const nextDiffers = m === n - 1 || top[order[m + 1]] < top[order[m]];
    if (nextDiffers && correct / (m + 1) >= target) threshold = top[order[m]];
  }
  const lo = 1 / numClasses;
  if (Number.isNaN(threshold)) return 0.99;
  return Math.min(0.99, Math.max(lo, threshold));
}
