import * as tf from '@tensorflow/tfjs';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../src/backend.ts';
import { buildBackbone } from '../src/models/index.ts';
import { alphaFromWeights, loadBackboneWeights } from '../src/weights/index.ts';
import { RESNET50V2_NOTOP_FILE as RESNET50V2_NOTOP } from '../src/weights/imagenet.ts';

const here = dirname(fileURLToPath(import.meta.url));
const TEACHABLE = resolve(here, '../../../shared/weights/mobilenet_v2_0.35_224_teachable');
const work = mkdtempSync(join(tmpdir(), 'endolens-weights-'));

type H5 = typeof import('h5wasm');
let h5: H5;

beforeAll(async () => {
  await initBackend('wasm');
  h5 = await import('h5wasm/node');
  await h5.ready;
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Writes `model`'s weights the way Keras 2's save_weights() does: root attribute layer_names, one group
 * per layer with attribute weight_names, datasets at /<layer>/<layer>/<weight>:0. `edit` may change a
 * layer's weights (name, shape, values) before they are written, to make broken files.
 */
function writeKerasH5(
  file: string,
  model: tf.LayersModel,
  opts: {
    edit?: (layer: string, weights: Array<{ name: string; shape: number[]; values: Float32Array }>) => typeof weights;
    prefix?: string;
  } = {},
): void {
  const f = new h5.File(file, 'w');
  const root = opts.prefix ? f.create_group(opts.prefix) : f;
  const names = model.layers.map((l) => l.name);
  const width = Math.max(...names.map((n) => n.length));
  root.create_attribute('layer_names', names, [names.length], `S${width}`);
  root.create_attribute('backend', 'tensorflow');
  for (const layer of model.layers) {
    const group = root.create_group(layer.name);
    let weights = layer.getWeights().map((t, i) => ({
      name: layer.weights[i].originalName.split('/').pop() as string,
      shape: t.shape,
      values: t.dataSync() as Float32Array,
    }));
    if (opts.edit) weights = opts.edit(layer.name, weights);
    const weightNames = weights.map((w) => `${layer.name}/${w.name}:0`);
    if (weightNames.length > 0) {
      group.create_group(layer.name);
      for (const w of weights) {
        (group.get(layer.name) as InstanceType<H5['Group']>).create_dataset({
          name: `${w.name}:0`,
          data: w.values,
          shape: w.shape,
          dtype: '<f',
        });
      }
    }
    group.create_attribute('weight_names', weightNames, [weightNames.length], `S${Math.max(1, ...weightNames.map((n) => n.length))}`);
  }
  f.close();
}

async function writeTfjsFolder(folder: string, model: tf.LayersModel): Promise<void> {
  mkdirSync(folder, { recursive: true });
  await model.save(
    tf.io.withSaveHandler((artifacts) => {
      const data = artifacts.weightData as ArrayBuffer;
      writeFileSync(join(folder, 'weights.bin'), new Uint8Array(data));
      const manifest = [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }];
      writeFileSync(join(folder, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: manifest }));
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    }),
  );
}

function weightValues(model: tf.LayersModel): Float32Array[] {
  return model.getWeights().map((t) => t.dataSync() as Float32Array);
}

function layersWithWeights(model: tf.LayersModel): number {
  return model.layers.filter((l) => l.weights.length > 0).length;
}

describe('loading Keras .h5 weights by layer name', () => {
  it('loads every weight of a Keras save_weights file and of a full-model file', async () => {
    const saved = buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.35, seed: 11 });
    const file = join(work, 'mnv2.h5');
    writeKerasH5(file, saved);
    const fresh = buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.35, seed: 99 });
    expect(weightValues(fresh)[0]).not.toEqual(weightValues(saved)[0]);
    const result = await loadBackboneWeights(fresh, file, { cacheDir: work });
    expect(result.layersLoaded).toBe(layersWithWeights(saved));
    expect(result.file).toBe(file);
    expect(result.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(weightValues(fresh)).toEqual(weightValues(saved));

    const fullModelFile = join(work, 'mnv2-full.h5');
    writeKerasH5(fullModelFile, saved, { prefix: 'model_weights' });
    const other = buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.35, seed: 98 });
    await loadBackboneWeights(other, fullModelFile, { cacheDir: work });
    expect(weightValues(other)).toEqual(weightValues(saved));
    expect(await alphaFromWeights(file)).toBe(0.35);
  });

  it('fails loudly, naming the layer and both shapes, and loads nothing when a weight is mis-shaped or missing', async () => {
    const saved = buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.35, seed: 12 });
    const broken = join(work, 'broken.h5');
    writeKerasH5(broken, saved, {
      edit: (layer, weights) => {
        if (layer === 'block_3_project') return weights.map((w) => ({ ...w, shape: [1, 1, 48, 24], values: new Float32Array(48 * 24) }));
        if (layer === 'Conv_1_bn') return [];
        return weights;
      },
    });
    const target = buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.35, seed: 13 });
    const before = weightValues(target);
    const error = await loadBackboneWeights(target, broken, { cacheDir: work }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(error?.message).toMatch(
      /layer "block_3_project" weight "kernel": the weights have shape \[1, 1, 48, 24\], the model expects \[1, 1, 48, 16\]/,
    );
    expect(error?.message).toMatch(/layer "Conv_1_bn": missing from the weights/);
    expect(error?.message).toContain(broken);
    expect(weightValues(target)).toEqual(before);
  });

  it('rejects paths that are not weights with a message naming them', async () => {
    const notH5 = join(work, 'notes.h5');
    writeFileSync(notH5, 'not hdf5');
    await expect(loadBackboneWeights(buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.35 }), notH5)).rejects.toThrow(
      /notes\.h5 is neither an HDF5/,
    );
    await expect(
      loadBackboneWeights(buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.35 }), join(work, 'nope.h5')),
    ).rejects.toThrow(/nope\.h5": no such file or folder/);
  });
});

describe('loading tfjs layers models', () => {
  it('loads a tfjs model folder by layer name and reads alpha from it', async () => {
    const saved = buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.5, seed: 21 });
    const folder = join(work, 'tfjs-mnv2');
    await writeTfjsFolder(folder, saved);
    const fresh = buildBackbone({ name: 'mobilenetv2', inputSize: 32, alpha: 0.5, seed: 22 });
    const result = await loadBackboneWeights(fresh, folder);
    expect(result.layersLoaded).toBe(layersWithWeights(saved));
    expect(weightValues(fresh)).toEqual(weightValues(saved));
    expect(await alphaFromWeights(folder)).toBe(0.5);
    expect(await alphaFromWeights(join(folder, 'model.json'))).toBe(0.5);
  });

  const withTeachable = existsSync(join(TEACHABLE, 'model.json')) ? it : it.skip;
  const note = existsSync(join(TEACHABLE, 'model.json'))
    ? ''
    : ` (SKIPPED: ${TEACHABLE} is absent; it comes from ../shared beside the repo)`;
  withTeachable(`loads the Teachable Machine MobileNetV2 0.35 base model${note}`, async () => {
    expect(await alphaFromWeights(TEACHABLE)).toBe(0.35);
    const backbone = buildBackbone({ name: 'mobilenetv2', inputSize: 224, alpha: 0.35 });
    const result = await loadBackboneWeights(backbone, TEACHABLE);
    expect(result.layersLoaded).toBe(layersWithWeights(backbone));
    // The manifest's first entry is Conv1/kernel [3, 3, 3, 16], float32, at offset 0 of weights.bin.
    const bin = readFileSync(join(TEACHABLE, 'weights.bin'));
    const conv1 = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + 3 * 3 * 3 * 16 * 4));
    expect(backbone.getLayer('Conv1').getWeights()[0].dataSync()).toEqual(conv1);
  });
});

describe('ImageNet weights', () => {
  it('fails at once, with a clear message, when the download is unreachable', async () => {
    const cacheDir = join(work, 'cache-offline');
    const backbone = buildBackbone({ name: 'resnet50v2', inputSize: 32 });
    const error = await loadBackboneWeights(backbone, 'imagenet', { cacheDir, imagenetBaseUrl: 'http://127.0.0.1:9/' }).then(
      () => undefined,
      (e: Error) => e,
    );
    // Refused at once (port 9 is on fetch's blocked list; a closed port would be ECONNREFUSED), not timed out:
    // quick on any machine, without timing it here.
    expect(error?.message).toMatch(/\((bad port|ECONNREFUSED)\)/);
    expect(error?.message).toContain(
      `Could not download the ImageNet weights for resnet50v2 from http://127.0.0.1:9/resnet/${RESNET50V2_NOTOP}`,
    );
    expect(error?.message).toContain('--weights <file.h5>');
    expect(error?.message).toContain(join(cacheDir, 'models', RESNET50V2_NOTOP));
    expect(existsSync(join(cacheDir, 'models', RESNET50V2_NOTOP))).toBe(false);
  });

  it('refuses a cached ImageNet file whose hash is not the published one', async () => {
    const cacheDir = join(work, 'cache-corrupt');
    mkdirSync(join(cacheDir, 'models'), { recursive: true });
    writeFileSync(join(cacheDir, 'models', RESNET50V2_NOTOP), 'truncated download');
    await expect(loadBackboneWeights(buildBackbone({ name: 'resnet50v2', inputSize: 32 }), 'imagenet', { cacheDir })).rejects.toThrow(
      /does not match the published hash for the ImageNet weights for resnet50v2 \(md5 [0-9a-f]{32}, expected fac2f116257151a9d068a22e544a4917\)/,
    );
  });
});
