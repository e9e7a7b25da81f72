/** Tiny models and data for the schedule, resume and export tests (not Keras architectures). */
import * as tf from '@tensorflow/tfjs';
import { buildClassifier } from '../src/models/index.ts';
import type { ImageSplit } from '../src/schedule/batches.ts';
import { mulberry32 } from '../../src/core/rng.ts';
import { orderedWeights } from '../src/schedule/state.ts';

/**
 * input -> conv_a -> relu_a -> conv_b -> bn_b -> out_relu: 6 layers. With unfreeze 3 the cut falls
 * after relu_a, so the frozen part holds no batch norm and the tail holds one.
 */
export function tinyBackbone(size: number, seed: number): tf.LayersModel {
  const input = tf.input({ shape: [size, size, 3], name: 'input_1' });
  let x = tf.layers
    .conv2d({ filters: 4, kernelSize: 3, strides: 2, name: 'conv_a', kernelInitializer: tf.initializers.glorotUniform({ seed }) })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'relu_a' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .conv2d({ filters: 6, kernelSize: 3, name: 'conv_b', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({ name: 'bn_b' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'out_relu' }).apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x, name: 'tiny' });
}

export function tinyClassifier(size: number, numClasses: number, seed: number): { classifier: tf.LayersModel; backboneLayerCount: number } {
  const backbone = tinyBackbone(size, seed);
  return { classifier: buildClassifier(backbone, numClasses, { seed: seed + 10 }), backboneLayerCount: backbone.layers.length };
}

/** Images whose mean colour depends on the class, plus noise: learnable in a few steps. */
export function colourSplit(count: number, size: number, numClasses: number, seed: number): ImageSplit {
  const rng = mulberry32(seed);
  const per = size * size * 3;
  const images = new Uint8Array(count * per);
  const labels = new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const label = i % numClasses;
    labels[i] = label;
    for (let p = 0; p < size * size; p++) {
      for (let c = 0; c < 3; c++) {
        const base = c === label % 3 ? 200 : 40;
        images[i * per + p * 3 + c] = Math.max(0, Math.min(255, Math.round(base + (rng() - 0.5) * 80)));
      }
    }
  }
  return { images, labels, count };
}

export function weightsOf(model: tf.LayersModel): Float32Array[] {
  return orderedWeights(model).map((w) => w.read().dataSync() as Float32Array);
}

export function maxAbsDiff(a: Float32Array[], b: Float32Array[]): number {
  let m = 0;
  a.forEach((x, i) => x.forEach((v, j) => (m = Math.max(m, Math.abs(v - b[i][j])))));
  return m;
}
