/**
 * The ONNX export (src/export/onnx.ts) gives the tfjs model's probabilities on ONNX Runtime (the
 * onnxruntime-web package's WASM build, which runs in Node too) within 1e-4: the embedded model
 * folded and as exported, and a small model with the layers it maps that the embedded one lacks.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import * as ort from 'onnxruntime-web';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { foldBatchNorm } from '../../src/inference/fold-batchnorm.ts';
import { OnnxExportError, toOnnx } from '../src/export/onnx.ts';
import { readModelArtifacts } from '../src/export/read-artifacts.ts';

const modelDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../public/model');

async function maxDiffOnOrt(artifacts: tf.io.ModelArtifacts, x: tf.Tensor4D): Promise<number> {
  const exported = toOnnx(artifacts);
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const expected = await (model.predict(x) as tf.Tensor).data();
  const session = await ort.InferenceSession.create(exported.model, { executionProviders: ['wasm'] });
  const out = await session.run({ [exported.input]: new ort.Tensor('float32', await x.data(), x.shape) });
  const got = out[exported.output].data as Float32Array;
  await session.release();
  model.dispose();
  expect(got.length).toBe(expected.length);
  return Math.max(...Array.from(got, (v, i) => Math.abs(v - expected[i])));
}

beforeAll(async () => {
  ort.env.wasm.numThreads = 1;
  await tf.setBackend('wasm');
});

describe.skipIf(!existsSync(join(modelDir, 'model.json')))('the embedded model on ONNX Runtime', () => {
  it.each([
    ['folded', true],
    ['as exported', false],
  ])('%s: probabilities within 1e-4 of tfjs', async (_label, fold) => {
    const plain = readModelArtifacts(modelDir);
    const artifacts = fold ? foldBatchNorm(plain).artifacts : plain;
    // Smooth stripes with noise: probabilities well inside (0, 1), where uniform noise would saturate them.
    const x = tf.tidy<tf.Tensor4D>(() => {
      const ramp = tf.linspace(0, 20, 224).reshape([1, 1, 224, 1]);
      return tf.mul(tf.sin(tf.add(tf.mul(tf.randomUniform<tf.Rank.R4>([3, 224, 224, 3], 0, 1, 'float32', 11), 0.3), ramp)), 0.8);
    });
    expect(await maxDiffOnOrt(artifacts, x)).toBeLessThan(1e-4);
    x.dispose();
  });
});

describe('a small model on ONNX Runtime', () => {
  it('maps padding, strides, a depthwise multiplier, BN, ReLU, Add and Dense within 1e-4', async () => {
    const input = tf.input({ shape: [10, 10, 3] });
    const seed = (s: number) => tf.initializers.glorotUniform({ seed: s });
    let x = tf.layers
      .zeroPadding2d({
        padding: [
          [1, 2],
          [0, 1],
        ],
      })
      .apply(input) as tf.SymbolicTensor;
    x = tf.layers
      .conv2d({ filters: 4, kernelSize: 3, strides: 2, kernelInitializer: seed(1), activation: 'relu' })
      .apply(x) as tf.SymbolicTensor;
    const y = tf.layers
      .depthwiseConv2d({ kernelSize: 3, depthMultiplier: 1, padding: 'same', depthwiseInitializer: seed(2) })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.add({}).apply([x, tf.layers.batchNormalization({}).apply(y) as tf.SymbolicTensor]) as tf.SymbolicTensor;
    x = tf.layers
      .depthwiseConv2d({ kernelSize: 2, depthMultiplier: 2, strides: 2, padding: 'same', depthwiseInitializer: seed(3) })
      .apply(x) as tf.SymbolicTensor;
    x = tf.layers.reLU({ maxValue: 6 }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.globalAveragePooling2d({}).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 5, activation: 'relu', kernelInitializer: seed(4) }).apply(x) as tf.SymbolicTensor;
    x = tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: seed(5) }).apply(x) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: x });
    const bn = model.layers.find((l) => l.getClassName() === 'BatchNormalization')!;
    bn.setWeights([0, 1, 2, 3].map((k) => tf.randomUniform([4], 0.5, 1.5, 'float32', 20 + k)));
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler((a) =>
        Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } }).finally(
          () => (artifacts = a),
        ),
      ),
    );
    const xs = tf.randomUniform<tf.Rank.R4>([2, 10, 10, 3], -1, 1, 'float32', 7);
    expect(await maxDiffOnOrt(artifacts!, xs)).toBeLessThan(1e-4);
    expect(await maxDiffOnOrt(foldBatchNorm(artifacts!).artifacts, xs)).toBeLessThan(1e-4);
    model.dispose();
    xs.dispose();
  });

  it('refuses a layer it has no mapping for, by name', async () => {
    const input = tf.input({ shape: [4, 4, 1] });
    const out = tf.layers.maxPooling2d({ name: 'pool', poolSize: 2 }).apply(input) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: out });
    let artifacts: tf.io.ModelArtifacts | undefined;
    await model.save(
      tf.io.withSaveHandler((a) =>
        Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' as const } }).finally(
          () => (artifacts = a),
        ),
      ),
    );
    expect(() => toOnnx(artifacts!)).toThrow(OnnxExportError);
    expect(() => toOnnx(artifacts!)).toThrow(/pool: MaxPooling2D/);
    model.dispose();
  });
});
