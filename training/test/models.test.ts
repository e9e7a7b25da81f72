import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.ts';
import { buildBackbone, buildClassifier, countParams, makeDivisible, splitForTraining } from '../src/models/index.ts';

const here = dirname(fileURLToPath(import.meta.url));
const TEACHABLE = resolve(here, '../../../shared/weights/mobilenet_v2_0.35_224_teachable/model.json');

/** What this test reads of that model.json: a Sequential whose first layer wraps the MobileNetV2 functional model. */
interface TeachableModelJson {
  modelTopology: { config: { layers: { config: { layers: { config: { layers: { name: string }[] } }[] } }[] } };
  weightsManifest: { weights: { name: string; shape: number[] }[] }[];
}

beforeAll(async () => {
  await initBackend('wasm');
});

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

describe('ResNet50V2 (Keras include_top=False)', () => {
  it('has 190 layers, 23,564,800 parameters and Keras layer names', () => {
    const model = buildBackbone({ name: 'resnet50v2', inputSize: 64 });
    expect(model.layers).toHaveLength(190);
    expect(countParams(model)).toBe(23_564_800);
    const names = model.layers.map((l) => l.name);
    expect(names.slice(1, 8)).toEqual([
      'conv1_pad',
      'conv1_conv',
      'pool1_pad',
      'pool1_pool',
      'conv2_block1_preact_bn',
      'conv2_block1_preact_relu',
      'conv2_block1_1_conv',
    ]);
    expect(names).toContain('conv4_block6_out');
    expect(names.slice(-2)).toEqual(['post_bn', 'post_relu']);
    expect(model.outputs[0].shape).toEqual([null, 2, 2, 2048]);
    model.dispose();
  });
});

describe('MobileNetV2 (Keras include_top=False)', () => {
  it('matches Keras parameter counts for alpha 1.0 and 0.35', () => {
    const full = buildBackbone({ name: 'mobilenetv2', inputSize: 96 });
    expect(full.layers).toHaveLength(154);
    expect(countParams(full)).toBe(2_257_984);
    expect(full.layers[full.layers.length - 1].name).toBe('out_relu');
    full.dispose();
    const small = buildBackbone({ name: 'mobilenetv2', inputSize: 96, alpha: 0.35 });
    expect(countParams(small)).toBe(410_208);
    small.dispose();
  });

  it('applies Keras _make_divisible', () => {
    expect(makeDivisible(32 * 0.35)).toBe(16);
    expect(makeDivisible(16 * 0.35)).toBe(8);
    expect(makeDivisible(1280 * 1.4)).toBe(1792);
    expect(makeDivisible(96 * 0.35)).toBe(32);
  });

  const withTeachable = existsSync(TEACHABLE) ? it : it.skip;
  const teachableNote = existsSync(TEACHABLE) ? '' : ` (SKIPPED: ${TEACHABLE} is absent; it comes from ../shared beside the repo)`;
  withTeachable(`has the Teachable Machine base model layer order and weight shapes${teachableNote}`, () => {
    const json = JSON.parse(readFileSync(TEACHABLE, 'utf8')) as TeachableModelJson;
    const base = json.modelTopology.config.layers[0].config.layers[0].config;
    // Keras <= 2.2 had a weightless Conv1_pad before Conv1; current Keras folds it into 'same' padding.
    const expectedNames = base.layers.map((l) => l.name).filter((n) => n !== 'Conv1_pad');
    const model = buildBackbone({ name: 'mobilenetv2', inputSize: 224, alpha: 0.35 });
    expect(model.layers.map((l) => l.name)).toEqual(expectedNames);
    const shapes = new Map(model.weights.map((w) => [w.originalName, w.shape]));
    const saved = json.weightsManifest[0].weights.filter((w) => !w.name.startsWith('dense_'));
    expect(saved).toHaveLength(model.weights.length);
    for (const w of saved) expect(shapes.get(w.name), w.name).toEqual(w.shape);
    model.dispose();
  });
});

describe('classifier and training split', () => {
  const cases = [
    { name: 'mobilenetv2' as const, alpha: 0.35, unfreezes: [0, 1, 13, 40] },
    { name: 'resnet50v2' as const, alpha: undefined, unfreezes: [0, 13, 25] },
  ];
  for (const c of cases) {
    it(`${c.name}: frozen + trainable reproduce the classifier for unfreeze ${c.unfreezes.join(', ')}`, () => {
      const backbone = buildBackbone({ name: c.name, inputSize: 32, alpha: c.alpha, seed: 1 });
      const classifier = buildClassifier(backbone, 4, { seed: 2 });
      expect(classifier.layers).toHaveLength(backbone.layers.length + 4);
      expect(classifier.layers[classifier.layers.length - 1].name).toBe('predictions');
      const x = tf.randomUniform([3, 32, 32, 3], -1, 1, 'float32', 3);
      const expected = classifier.predict(x) as tf.Tensor;
      expect(
        tf
          .sum(expected, 1)
          .dataSync()
          .every((s) => Math.abs(s - 1) < 1e-5),
      ).toBe(true);
      for (const unfreeze of c.unfreezes) {
        const split = splitForTraining(classifier, backbone.layers.length, unfreeze);
        expect(split.trainableLayerNames).toHaveLength(unfreeze + 4);
        const mid = split.frozen.predict(x);
        const got = split.trainable.predict(mid) as tf.Tensor;
        expect(maxAbsDiff(got, expected), `unfreeze ${unfreeze}`).toBeLessThan(1e-5);
        tf.dispose([mid, got]);
      }
      tf.dispose([x, expected]);
      classifier.dispose();
    });
  }

  it('cuts MobileNetV2 at 13 inside block_15 with two boundary tensors', () => {
    const backbone = buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.35 });
    const split = splitForTraining(buildClassifier(backbone, 3), backbone.layers.length, 13);
    expect(split.frozen.outputs.map((t) => t.sourceLayer.name).sort()).toEqual(['block_14_add', 'block_15_project']);
    expect(split.trainableLayerNames.slice(0, 2)).toEqual(['block_15_project_BN', 'block_15_add']);
    expect(split.trainableLayerNames.slice(-5)).toEqual(['out_relu', 'global_average_pooling2d', 'dense', 'dropout', 'predictions']);
  });

  it('cuts ResNet50V2 at 13 exactly before conv5_block3', () => {
    const backbone = buildBackbone({ name: 'resnet50v2', inputSize: 32 });
    const classifier = buildClassifier(backbone, 3);
    const split = splitForTraining(classifier, backbone.layers.length, 13);
    expect(split.frozen.outputs.map((t) => t.sourceLayer.name)).toEqual(['conv5_block2_out']);
    const backboneNames = split.trainableLayerNames.slice(0, 13);
    expect(backboneNames.every((n) => n.startsWith('conv5_block3_') || n.startsWith('post_'))).toBe(true);
    expect(classifier.getLayer('conv5_block2_3_conv').trainable).toBe(false);
    expect(classifier.getLayer('conv5_block3_1_conv').trainable).toBe(true);
    const warmup = splitForTraining(classifier, backbone.layers.length, 0);
    expect(warmup.frozen.outputs.map((t) => t.sourceLayer.name)).toEqual(['post_relu']);
    expect(classifier.getLayer('conv5_block3_1_conv').trainable).toBe(false);
    expect(() => splitForTraining(classifier, backbone.layers.length, backbone.layers.length)).toThrow(/unfreeze must be/);
    classifier.dispose();
  });

  it('the classifier still saves and reloads as one model after being split (export path)', async () => {
    const backbone = buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.35, seed: 8 });
    const classifier = buildClassifier(backbone, 3, { seed: 9 });
    splitForTraining(classifier, backbone.layers.length, 0);
    splitForTraining(classifier, backbone.layers.length, 13);
    let saved: tf.io.ModelArtifacts | undefined;
    await classifier.save(
      tf.io.withSaveHandler((artifacts) => {
        saved = artifacts;
        return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
      }),
    );
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(saved as tf.io.ModelArtifacts));
    expect(reloaded.layers.map((l) => l.name)).toEqual(classifier.layers.map((l) => l.name));
    const x = tf.randomUniform([2, 32, 32, 3], -1, 1, 'float32', 10);
    expect(maxAbsDiff(reloaded.predict(x) as tf.Tensor, classifier.predict(x) as tf.Tensor)).toBeLessThan(1e-6);
    reloaded.dispose();
    classifier.dispose();
  });

  it('fitting the trainable part trains the classifier and leaves frozen batch-norm statistics alone', async () => {
    const backbone = buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.35, seed: 5 });
    const classifier = buildClassifier(backbone, 2, { seed: 6 });
    const split = splitForTraining(classifier, backbone.layers.length, 13);
    const frozenBn = classifier.getLayer('block_14_project_BN').getWeights()[2].dataSync().slice();
    const tailBn = classifier.getLayer('Conv_1_bn').getWeights()[2].dataSync().slice();
    const dense = classifier.getLayer('dense').getWeights()[0].dataSync().slice();
    const x = tf.randomUniform([4, 32, 32, 3], -1, 1, 'float32', 7);
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    const mid = split.frozen.predict(x) as tf.Tensor[];
    split.trainable.compile({ optimizer: tf.train.adam(1e-2), loss: 'categoricalCrossentropy' });
    await split.trainable.fit(mid, y, { epochs: 1, batchSize: 4, verbose: 0 });
    expect(classifier.getLayer('block_14_project_BN').getWeights()[2].dataSync()).toEqual(frozenBn);
    expect(classifier.getLayer('Conv_1_bn').getWeights()[2].dataSync()).not.toEqual(tailBn);
    expect(classifier.getLayer('dense').getWeights()[0].dataSync()).not.toEqual(dense);
    const direct = classifier.predict(x) as tf.Tensor;
    const viaSplit = split.trainable.predict(split.frozen.predict(x)) as tf.Tensor;
    expect(maxAbsDiff(direct, viaSplit)).toBeLessThan(1e-5);
    tf.dispose([x, y, ...mid, direct, viaSplit]);
    classifier.dispose();
  });
});
