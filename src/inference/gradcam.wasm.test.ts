/**
 * Grad-CAM on the wasm backend, which lacks Conv2DBackpropFilter and the depthwise backprop kernels
 * (TECH-NOTES): the split at the feature map means no convolution is ever differentiated.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gradCam } from './gradcam.ts';

function net(): tf.LayersModel {
  const input = tf.input({ shape: [16, 16, 3] });
  let x = tf.layers
    .conv2d({
      filters: 4,
      kernelSize: 3,
      padding: 'same',
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }),
    })
    .apply(input) as tf.SymbolicTensor;
  x = tf.layers
    .depthwiseConv2d({ kernelSize: 3, strides: 2, padding: 'same', depthwiseInitializer: tf.initializers.glorotUniform({ seed: 2 }) })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.batchNormalization({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers.reLU({ name: 'out_relu' }).apply(x) as tf.SymbolicTensor;
  x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: 8, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) })
    .apply(x) as tf.SymbolicTensor;
  x = tf.layers.dropout({ rate: 0.2 }).apply(x) as tf.SymbolicTensor;
  x = tf.layers
    .dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) })
    .apply(x) as tf.SymbolicTensor;
  return tf.model({ inputs: input, outputs: x });
}

let previous = '';
beforeAll(async () => {
  previous = tf.getBackend();
  await tf.setBackend('cpu');
});
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

describe('gradCam on wasm', () => {
  it('runs no convolution gradient kernel at all', async () => {
    await tf.setBackend('cpu');
    const model = net();
    const x = tf.randomUniform<tf.Rank.R4>([1, 16, 16, 3], -1, 1, 'float32', 5);
    const info = await tf.profile(() => {
      gradCam(model, x, 1);
    });
    const kernels = new Set(info.kernelNames);
    // The forward pass did run its (fused) convolutions...
    expect([...kernels].some((k) => /Conv2D$/.test(k))).toBe(true);
    expect(kernels.has('DepthwiseConv2dNative')).toBe(true);
    // ...and no gradient of any convolution was needed.
    expect([...kernels].filter((k) => /Backprop/.test(k))).toEqual([]);
    x.dispose();
  });

  it('gives the same heatmap on wasm as on cpu', async () => {
    await tf.setBackend('cpu');
    const model = net();
    const data = tf.randomUniform([1, 16, 16, 3], -1, 1, 'float32', 6).dataSync();
    const xCpu = tf.tensor4d(data, [1, 16, 16, 3]);
    const onCpu = gradCam(model, xCpu, 2);
    xCpu.dispose();
    await tf.setBackend('wasm');
    const x = tf.tensor4d(data, [1, 16, 16, 3]);
    const before = tf.memory().numTensors;
    const onWasm = gradCam(model, x, 2);
    expect(tf.memory().numTensors).toBe(before);
    expect(onWasm.heatmap.length).toBe(64);
    for (let i = 0; i < 64; i++) expect(onWasm.heatmap[i]).toBeCloseTo(onCpu.heatmap[i], 4);
    x.dispose();
  });
});
