/**
 * The EndoLens head on a backbone, as the original Keras script built it:
 * GlobalAveragePooling2D -> Dense(32, relu) -> Dropout(0.2) -> Dense(n, softmax, name='predictions').
 * The head is applied to the backbone's own symbolic output, so the classifier holds the backbone's
 * layers (in Keras's order) followed by the four head layers, with weights shared.
 */
import * as tf from '@tensorflow/tfjs';
import { HEAD_DROPOUT, HEAD_LAYERS, HEAD_UNITS } from '../../../src/core/head.ts';

export { HEAD_DROPOUT, HEAD_UNITS };
export const HEAD_LAYER_COUNT = 4;

export function buildClassifier(backbone: tf.LayersModel, numClasses: number, opts: { seed?: number } = {}): tf.LayersModel {
  if (!Number.isInteger(numClasses) || numClasses < 2) {
    throw new Error(`A classifier needs at least 2 classes. Received: numClasses=${String(numClasses)}`);
  }
  if (backbone.outputs.length !== 1) {
    throw new Error(`The backbone must have exactly one output; "${backbone.name}" has ${backbone.outputs.length}.`);
  }
  const seed = opts.seed;
  const init = (offset: number) => tf.initializers.glorotUniform(seed === undefined ? {} : { seed: seed + offset });
  let x = tf.layers.globalAveragePooling2d({ name: HEAD_LAYERS.pooling }).apply(backbone.outputs[0]) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: HEAD_UNITS, activation: 'relu', kernelInitializer: init(0), name: HEAD_LAYERS.dense })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: HEAD_DROPOUT, seed, name: HEAD_LAYERS.dropout }).apply(x) as tf.SymbolicTensor;
  const probs = tf.layers
    .dense({ units: numClasses, activation: 'softmax', kernelInitializer: init(1), name: HEAD_LAYERS.output })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: backbone.inputs, outputs: probs, name: 'endolens_classifier' });
}
