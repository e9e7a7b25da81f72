/** Building a model in the worker: checked against its metadata, and the prebuilt embedded model adopted only by its own load. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { testMetadata } from '../store/fixtures.test-helpers.ts';
import { savedArtifacts } from './artifacts.test-helpers.ts';
import { adoptPrebuilt, buildChecked, foldedArtifacts, warmUp, type Prebuilt } from './model-build.ts';
import type { ModelBundle } from './model-files.ts';

/** A model of `classes` outputs on 8x8 RGB (testMetadata's input size), as stored artifacts. */
async function tinyArtifacts(classes: number): Promise<tf.io.ModelArtifacts> {
  const input = tf.input({ shape: [8, 8, 3] });
  const conv = tf.layers.conv2d({ filters: 4, kernelSize: 3, kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }).apply(input);
  const pooled = tf.layers.globalAveragePooling2d({}).apply(conv);
  const output = tf.layers.dense({ units: classes, activation: 'softmax' }).apply(pooled) as tf.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: output });
  const saved = await savedArtifacts(model);
  model.dispose();
  return saved;
}

const bundleOf = async (classes: number): Promise<ModelBundle> => ({
  metadata: testMetadata,
  artifacts: await tinyArtifacts(classes),
  modelKey: 'M@1#x',
});

async function prebuilt(baseUrl: string): Promise<Prebuilt> {
  const bundle = await bundleOf(2);
  const artifacts = foldedArtifacts(bundle);
  const inference = await buildChecked(bundle, artifacts);
  await warmUp(inference, bundle);
  return { baseUrl, bundle, artifacts, inference };
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('buildChecked', () => {
  it('builds a model that matches its metadata, and refuses one that does not, freeing it', async () => {
    const before = tf.memory().numTensors;
    const ok = await bundleOf(2);
    const inference = await buildChecked(ok, foldedArtifacts(ok));
    expect(inference.inputSize).toBe(8);
    inference.model.dispose();
    const wrong = await bundleOf(3);
    await expect(buildChecked(wrong, foldedArtifacts(wrong))).rejects.toMatchObject({
      kind: 'mismatch',
      message: expect.stringContaining('model outputs 3 classes, metadata names 2') as string,
    });
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('adoptPrebuilt', () => {
  it('hands the prebuilt embedded model to the load that asks for it', async () => {
    const built = await prebuilt('/model/');
    expect(await adoptPrebuilt(Promise.resolve(built), { kind: 'embedded', baseUrl: '/model/' })).toBe(built);
    built.inference.model.dispose();
  });

  it('frees it for any other load (another folder, a user model), and nothing was prebuilt is nothing', async () => {
    const before = tf.memory().numTensors;
    expect(await adoptPrebuilt(prebuilt('/model/'), { kind: 'embedded', baseUrl: '/other/' })).toBeUndefined();
    expect(await adoptPrebuilt(prebuilt('/model/'), { kind: 'files', files: [] })).toBeUndefined();
    expect(tf.memory().numTensors).toBe(before);
    expect(await adoptPrebuilt(undefined, { kind: 'embedded', baseUrl: '/model/' })).toBeUndefined();
    expect(await adoptPrebuilt(Promise.resolve(undefined), { kind: 'embedded', baseUrl: '/model/' })).toBeUndefined();
  });
});
