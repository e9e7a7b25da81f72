import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { HEAD_LAYERS, HEAD_UNITS } from '../core/head.ts';
import { withFeatureOutput } from '../core/feature-output.ts';
import { validateMetadata } from '../core/metadata.ts';
import { splitWeights } from '../inference/artifact-weights.ts';
import { loadModelBundle } from '../inference/model-files.ts';
import { AssembleError, assembleTaughtModel } from './assemble-model.ts';
import { exportFiles } from './export-files.ts';
import { trainHead, headProbabilities, type HeadWeights } from './head-trainer.ts';
import { tinyTrainerModel } from './tiny-model.test-helpers.ts';

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

/** Pooled features (the head's input) and probabilities of `artifacts` for `images`. */
async function featuresAndProbs(
  artifacts: tf.io.ModelArtifacts,
  images: tf.Tensor4D,
): Promise<{ features: Float32Array; probs: Float32Array }> {
  const model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
  const view = withFeatureOutput(model, HEAD_LAYERS.pooling);
  const [f, p] = view.predict(images) as tf.Tensor[];
  const out = { features: Float32Array.from(await f.data()), probs: Float32Array.from(await p.data()) };
  tf.dispose([f, p]);
  model.dispose();
  return out;
}

function randomImages(n: number, size: number, seed: number): tf.Tensor4D {
  return tf.randomUniform([n, size, size, 3], -1, 1, 'float32', seed);
}

/** A head trained briefly on the base's own features with made-up labels (3 classes). */
async function headFor(features: Float32Array, dim: number, n: number): Promise<HeadWeights> {
  const labels = Int32Array.from({ length: n }, (_, i) => i % 3);
  return (await trainHead({ features, labels }, undefined, { inputDim: dim, numClasses: 3, seed: 3, maxEpochs: 2 })).weights;
}

const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

describe('assembleTaughtModel', () => {
  it("gives the base's backbone + the new head: probabilities equal features -> head within 1e-5", async () => {
    const base = await tinyTrainerModel(2);
    const images = randomImages(6, 12, 1);
    const { features } = await featuresAndProbs(base, images);
    const head = await headFor(features, 8, 6);
    const taught = assembleTaughtModel(base, head);
    const out = await featuresAndProbs(taught, images);
    expect(out.probs).toHaveLength(6 * 3);
    expect(maxDiff(out.features, features)).toBe(0);
    expect(maxDiff(out.probs, headProbabilities(head, features))).toBeLessThan(1e-5);
    images.dispose();
  });

  it('refuses a model without the trainer head, or a head of another width', async () => {
    const base = await tinyTrainerModel(2);
    const head: HeadWeights = {
      denseKernel: new Float32Array(9 * HEAD_UNITS),
      denseBias: new Float32Array(HEAD_UNITS),
      outputKernel: new Float32Array(HEAD_UNITS * 3),
      outputBias: new Float32Array(3),
      inputDim: 9,
      numClasses: 3,
    };
    expect(() => assembleTaughtModel(base, head)).toThrow(/takes 9 features but the base pools 8/);
    const renamed = JSON.parse(JSON.stringify(base.modelTopology).replaceAll('"predictions"', '"logits"')) as object;
    expect(() => assembleTaughtModel({ ...base, modelTopology: renamed }, { ...head, inputDim: 8 })).toThrow(AssembleError);
  });

  it('on the embedded model: loads through the app loader as files, backbone untouched, 3 classes', async () => {
    const dir = new URL('../../public/model/', import.meta.url);
    const read = (name: string) => readFileSync(new URL(name, dir));
    const files = (entries: { name: string; data: string | Uint8Array }[]) =>
      entries.map((e) => new File([typeof e.data === 'string' ? e.data : new Uint8Array(e.data)], e.name));
    const baseMeta = JSON.parse(read('metadata.json').toString('utf8')) as Record<string, unknown>;
    const modelJson = JSON.parse(read('model.json').toString('utf8')) as { weightsManifest: { paths: string[] }[] };
    const baseFiles = [
      { name: 'model.json', data: read('model.json').toString('utf8') },
      { name: 'metadata.json', data: JSON.stringify(baseMeta) },
      ...modelJson.weightsManifest[0].paths.map((p) => ({ name: p, data: new Uint8Array(read(p)) })),
    ];
    const base = await loadModelBundle({ kind: 'files', files: files(baseFiles) });

    const images = randomImages(2, 224, 2);
    const { features } = await featuresAndProbs(base.artifacts, images);
    expect(features).toHaveLength(2 * 1280);
    const head = await headFor(features, 1280, 2);
    const taught = assembleTaughtModel(base.artifacts, head);
    // Until issue 13's metadata step: the base's, with the new classes and without what described the old head.
    const { metrics: _m, familiarity: _f, calibration: _c, previous: _p, curves: _cu, lowConfidenceThreshold: _l, ...rest } = baseMeta;
    const meta = { ...rest, classes: ['0_normal', '2_polyps', '3_esophagitis'] };
    validateMetadata(meta);
    const bundle = await loadModelBundle({
      kind: 'files',
      files: files([...exportFiles(taught), { name: 'metadata.json', data: JSON.stringify(meta) }]),
    });
    const out = await featuresAndProbs(bundle.artifacts, images);
    expect(maxDiff(out.features, features)).toBe(0);
    expect(maxDiff(out.probs, headProbabilities(head, features))).toBeLessThan(1e-5);
    // Every backbone weight is stored byte for byte as it was (quantized as it was).
    const backbone = (a: tf.io.ModelArtifacts) => (splitWeights(a) ?? []).filter((w) => !/^(dense|predictions)\//.test(w.spec.name));
    const [before, after] = [backbone(base.artifacts), backbone(bundle.artifacts)];
    expect(after.map((w) => w.spec)).toEqual(before.map((w) => w.spec));
    expect(after.every((w, i) => Buffer.from(w.bytes).equals(Buffer.from(before[i].bytes)))).toBe(true);
    images.dispose();
  }, 120_000);
});
