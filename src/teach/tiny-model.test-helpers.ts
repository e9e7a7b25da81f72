/** Test fixture shared by the teach tests: a tiny model with the trainer's head, as stored artifacts. */
import * as tf from '@tensorflow/tfjs';
import { HEAD_LAYERS, HEAD_UNITS } from '../core/head.ts';
import { savedArtifacts } from '../inference/artifacts.test-helpers.ts';

/** A tiny model with the trainer's head (layer names as src/core/head.ts), as its artifacts. */
export async function tinyTrainerModel(classes: number): Promise<tf.io.ModelArtifacts> {
  const input = tf.input({ shape: [12, 12, 3] });
  let x = tf.layers
    .conv2d({
      filters: 8,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
      name: 'out_relu',
    })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({ name: HEAD_LAYERS.pooling }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: HEAD_UNITS, activation: 'relu', name: HEAD_LAYERS.dense }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.2, name: HEAD_LAYERS.dropout }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.dense({ units: classes, activation: 'softmax', name: HEAD_LAYERS.output }).apply(x) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: x });
  const saved = await savedArtifacts(model);
  model.dispose();
  return saved;
}
