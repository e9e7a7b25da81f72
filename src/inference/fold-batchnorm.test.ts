/**
 * BatchNormalization folding (src/inference/fold-batchnorm.ts): the folded model gives the same
 * outputs as the model it came from, within 1e-5, on the cpu backend and on wasm (what the app
 * runs), keeps the names that Grad-CAM and the familiarity check read, and leaves alone what it
 * cannot fold. The embedded model is checked the same way, with its familiarity view and Grad-CAM.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { foldBatchNorm, foldForInference } from './fold-batchnorm.ts';
import { gradCam } from './gradcam.ts';
import { makeInferenceModel, runBatch } from './inference-model.ts';
import { loadModelBundle } from './model-files.ts';
import { savedArtifacts } from './artifacts.test-helpers.ts';

const seeded = (seed: number) => tf.initializers.glorotUniform({ seed });
const apply = (layer: tf.layers.Layer, x: tf.SymbolicTensor | tf.SymbolicTensor[]) => layer.apply(x) as tf.SymbolicTensor;

/** MobileNetV2-like: padded stride-2 depthwise, conv with and without bias, a residual, BN without ReLU. */
function netWithBn(): tf.LayersModel {
  const input = tf.input({ shape: [12, 12, 3] });
  let x = apply(
    tf.layers.conv2d({ name: 'c1', filters: 8, kernelSize: 3, padding: 'same', useBias: false, kernelInitializer: seeded(1) }),
    input,
  );
  x = apply(tf.layers.batchNormalization({ name: 'c1_bn' }), x);
  x = apply(tf.layers.reLU({ name: 'c1_relu', maxValue: 6 }), x);
  x = apply(
    tf.layers.zeroPadding2d({
      name: 'pad',
      padding: [
        [0, 1],
        [0, 1],
      ],
    }),
    x,
  );
  x = apply(
    tf.layers.depthwiseConv2d({ name: 'dw', kernelSize: 3, strides: 2, padding: 'valid', useBias: false, depthwiseInitializer: seeded(2) }),
    x,
  );
  x = apply(tf.layers.batchNormalization({ name: 'dw_bn' }), x);
  x = apply(tf.layers.reLU({ name: 'dw_relu', maxValue: 6 }), x);
  // A padding 'same' would not give: explicit and lopsided.
  const padded = apply(
    tf.layers.zeroPadding2d({
      name: 'pad2',
      padding: [
        [2, 0],
        [1, 1],
      ],
    }),
    x,
  );
  let y = apply(
    tf.layers.conv2d({
      name: 'c2',
      filters: 8,
      kernelSize: 3,
      padding: 'valid',
      useBias: true,
      kernelInitializer: seeded(3),
      biasInitializer: 'ones',
    }),
    padded,
  );
  y = apply(tf.layers.batchNormalization({ name: 'c2_bn' }), y);
  const dw2 = apply(
    tf.layers.depthwiseConv2d({
      name: 'dw2',
      kernelSize: 3,
      depthMultiplier: 2,
      padding: 'same',
      useBias: false,
      depthwiseInitializer: seeded(4),
    }),
    y,
  );
  let z = apply(tf.layers.batchNormalization({ name: 'dw2_bn' }), dw2);
  z = apply(tf.layers.conv2d({ name: 'proj', filters: 8, kernelSize: 1, useBias: false, kernelInitializer: seeded(5) }), z);
  z = apply(tf.layers.batchNormalization({ name: 'proj_bn' }), z);
  x = apply(tf.layers.add({ name: 'add' }), [x, z]);
  x = apply(tf.layers.conv2d({ name: 'last', filters: 16, kernelSize: 1, useBias: false, kernelInitializer: seeded(6) }), x);
  x = apply(tf.layers.batchNormalization({ name: 'last_bn' }), x);
  x = apply(tf.layers.activation({ name: 'out_relu', activation: 'relu' }), x);
  x = apply(tf.layers.globalAveragePooling2d({ name: 'gap' }), x);
  x = apply(tf.layers.dense({ name: 'predictions', units: 3, activation: 'softmax', kernelInitializer: seeded(7) }), x);
  const model = tf.model({ inputs: input, outputs: x });
  // Moving statistics and affine terms far from the identity, so a wrong fold shows.
  let seed = 10;
  for (const layer of model.layers.filter((l) => l.getClassName() === 'BatchNormalization')) {
    const n = layer.getWeights()[0].shape[0];
    const u = (lo: number, hi: number) => tf.randomUniform([n], lo, hi, 'float32', seed++);
    layer.setWeights([u(0.5, 2), u(-1, 1), u(-0.5, 0.5), u(0.2, 3)]);
  }
  return model;
}

async function maxDiff(a: tf.LayersModel, b: tf.LayersModel, x: tf.Tensor): Promise<number> {
  const d = tf.tidy(() => tf.max(tf.abs(tf.sub(a.predict(x) as tf.Tensor, b.predict(x) as tf.Tensor))));
  const v = (await d.data())[0];
  d.dispose();
  return v;
}

let previous = '';
beforeAll(() => {
  previous = tf.getBackend();
});
afterAll(async () => {
  if (previous) await tf.setBackend(previous);
});

describe.each(['cpu', 'wasm'])('folding BatchNormalization on %s', (backend) => {
  beforeAll(async () => {
    await tf.setBackend(backend);
  });

  it.each([true, false])('gives the same outputs within 1e-5 (fuse %s) and keeps the chains\u2019 last names', async (fuse) => {
    const model = netWithBn();
    const artifacts = await savedArtifacts(model);
    const result = foldBatchNorm(artifacts, { fuse });
    expect(result.folded).toBe(6);
    expect(result.fusedActivations).toBe(fuse ? 3 : 0);
    expect(result.fusedPaddings).toBe(fuse ? 2 : 0);
    const folded = await tf.loadLayersModel(tf.io.fromMemory(result.artifacts));
    const x = tf.randomUniform([4, 12, 12, 3], -1, 1, 'float32', 99);
    expect(await maxDiff(model, folded, x)).toBeLessThan(1e-5);
    const names = folded.layers.map((l) => l.name);
    expect(names).toEqual(expect.arrayContaining(['c1_relu', 'dw_relu', 'add', 'out_relu', 'predictions']));
    expect(names.filter((n) => !model.layers.some((l) => l.name === n))).toEqual([]);
    expect(names.some((n) => n.endsWith('_bn') && folded.getLayer(n).getClassName() === 'BatchNormalization')).toBe(false);
    // The input is untouched: the unfolded model still builds from it.
    const again = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    expect(again.layers.length).toBe(model.layers.length);
    for (const m of [model, folded, again]) m.dispose();
    x.dispose();
  });
});

describe('what folding leaves alone', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('returns a model without BatchNormalization as it was', async () => {
    const input = tf.input({ shape: [8, 8, 3] });
    const x = apply(tf.layers.conv2d({ filters: 4, kernelSize: 3, activation: 'relu' }), input);
    const out = apply(tf.layers.dense({ units: 2, activation: 'softmax' }), apply(tf.layers.globalAveragePooling2d({}), x));
    const model = tf.model({ inputs: input, outputs: out });
    const artifacts = await savedArtifacts(model);
    expect(foldBatchNorm(artifacts).artifacts).toBe(artifacts);
    model.dispose();
  });

  it('keeps a layer named in `keep`, and ends a chain there', async () => {
    const model = netWithBn();
    const artifacts = await savedArtifacts(model);
    const keptConv = foldBatchNorm(artifacts, { keep: ['c1'] });
    expect(keptConv.folded).toBe(5);
    const keptBn = await tf.loadLayersModel(tf.io.fromMemory(foldBatchNorm(artifacts, { keep: ['last_bn'] }).artifacts));
    expect(keptBn.getLayer('last_bn').getClassName()).toBe('EndoLensFusedConv');
    expect(keptBn.getLayer('out_relu').getClassName()).toBe('Activation');
    const x = tf.randomUniform([2, 12, 12, 3], -1, 1, 'float32', 5);
    expect(await maxDiff(model, keptBn, x)).toBeLessThan(1e-5);
    for (const m of [model, keptBn]) m.dispose();
    x.dispose();
  });

  it('hands back the artifacts unchanged where folding fails (foldForInference)', () => {
    const broken = {
      modelTopology: {
        class_name: 'Model',
        config: { layers: [{ name: 'x', class_name: 'Conv2D', config: {}, inbound_nodes: [[null]] }] },
      },
    };
    expect(foldForInference(broken, [])).toBe(broken);
  });
});

const modelDir = resolve(dirname(fileURLToPath(import.meta.url)), '../../public/model');

describe.skipIf(!existsSync(join(modelDir, 'model.json')))('the embedded model folded', () => {
  beforeAll(async () => {
    await tf.setBackend('wasm');
  });

  it('gives the same probabilities within 1e-5, the same familiarity flags and Grad-CAM on its out_relu', async () => {
    const files = await Promise.all((await readdir(modelDir)).map(async (n) => new File([await readFile(join(modelDir, n))], n)));
    const bundle = await loadModelBundle({ kind: 'files', files });
    const { size, range } = bundle.metadata.input;
    const check = bundle.metadata.familiarity;
    const plain = await tf.loadLayersModel(tf.io.fromMemory(bundle.artifacts));
    const folded = await tf.loadLayersModel(tf.io.fromMemory(foldForInference(bundle.artifacts, check ? [check.layer] : [])));
    expect(folded.layers.length).toBeLessThan(plain.layers.length / 2);
    // Generated frames: smooth gradients with noise, and uniform noise (which the check flags).
    let seed = 3;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const frames = [0, 1, 2].map((k) =>
      Float32Array.from({ length: size * size * 3 }, (_, i) => {
        const p = Math.floor(i / 3);
        const v = k === 2 ? rand() : (0.5 + 0.4 * Math.sin((p % size) / (7 + k * 5) + (i % 3))) * (0.9 + 0.1 * rand());
        return range[0] + (range[1] - range[0]) * v;
      }),
    );
    const x = tf.tensor4d(Float32Array.from(frames.flatMap((f) => [...f])), [frames.length, size, size, 3]);
    expect(await maxDiff(plain, folded, x)).toBeLessThan(1e-5);

    if (check) {
      const a = makeInferenceModel(plain, size, check);
      const b = makeInferenceModel(folded, size, check);
      const [sa, sb] = [await runBatch(a, frames), await runBatch(b, frames)];
      sa.forEach((s, i) => {
        expect(sb[i].familiarity?.unfamiliar).toBe(s.familiarity?.unfamiliar);
        expect(Math.abs(sb[i].familiarity!.familiarityDistance - s.familiarity!.familiarityDistance)).toBeLessThan(1e-4);
      });
    }

    const one = tf.slice(x, [0, 0, 0, 0], [1, size, size, 3]);
    const [ga, gb] = [gradCam(plain, one, 1), gradCam(folded, one, 1)];
    expect(gb.layerName).toBe(ga.layerName);
    expect(gb.heatmap.length).toBe(ga.heatmap.length);
    expect(Math.max(...ga.heatmap.map((v, i) => Math.abs(v - gb.heatmap[i])))).toBeLessThan(1e-3);
    const before = tf.memory().numTensors;
    plain.dispose();
    folded.dispose();
    expect(tf.memory().numTensors).toBeLessThan(before);
    tf.dispose([x, one]);
  }, 120_000);
});
