/**
 * Makes a small, deterministic tfjs layers model plus a valid metadata.json in a folder: the app's
 * development stand-in for the embedded model and the e2e tests' "load another model" fixture.
 *
 *   npx tsx e2e/support/make-test-model.ts --out public/model --classes 2 --size 64
 *
 * Node, tfjs `cpu` backend; a custom save handler writes model.json + one weights .bin.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { CURATED_CLASS_FOLDERS } from '../../src/core/classes.ts';
import { METADATA_FORMAT, METADATA_FORMAT_VERSION, type ModelMetadata } from '../../src/core/metadata.ts';
import { RESIZE_METHOD } from '../../src/core/preprocess.ts';

export interface TestModelOptions {
  classes: number;
  inputSize: number;
  name?: string;
  version?: string;
  seed?: number;
  lowConfidenceThreshold?: number;
}

export const WEIGHTS_FILE = 'weights.bin';

function classNames(n: number): string[] {
  return Array.from({ length: n }, (_, i) => CURATED_CLASS_FOLDERS[i] ?? `${i}_class_${i}`);
}

/** A tiny conv net; strongly scaled head weights so different images get clearly different answers. */
function buildModel(opts: TestModelOptions): tf.LayersModel {
  const seed = opts.seed ?? 7;
  const model = tf.sequential({ name: 'endolens_test_model' });
  model.add(
    tf.layers.conv2d({
      inputShape: [opts.inputSize, opts.inputSize, 3],
      filters: 8,
      kernelSize: 3,
      strides: 2,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
      name: 'conv_a',
    }),
  );
  model.add(
    tf.layers.conv2d({
      filters: 16,
      kernelSize: 3,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
      name: 'conv_b',
    }),
  );
  model.add(tf.layers.globalAveragePooling2d({ name: 'pool' }));
  model.add(
    tf.layers.dense({
      units: opts.classes,
      activation: 'softmax',
      name: 'predictions',
      kernelInitializer: tf.initializers.randomNormal({ mean: 0, stddev: 4, seed: seed + 2 }),
    }),
  );
  return model;
}

function metadataFor(opts: TestModelOptions): ModelMetadata {
  const names = classNames(opts.classes);
  const support = 10;
  // Counts: each row sums to the class's support.
  const confusion = names.map((_, i) => names.map((__, j) => (i === j ? support - (names.length - 1) : 1)));
  return {
    format: METADATA_FORMAT,
    formatVersion: METADATA_FORMAT_VERSION,
    name: opts.name ?? `EndoLens test model (${opts.classes} classes)`,
    version: opts.version ?? '0.0.0-test',
    createdAt: new Date(Date.UTC(2026, 0, 1)).toISOString(),
    intendedUse: 'Test fixture with random weights. Research tool, not a medical device.',
    classes: names.map((name) => ({ name, display: { en: name, es: name } })),
    input: { size: opts.inputSize, channels: 3, range: [-1, 1], resize: RESIZE_METHOD, layout: 'NHWC' },
    backbone: { name: 'tiny-conv (test)', weights: 'random (seeded)' },
    dataset: {
      name: 'none',
      description: 'Random weights; no training data.',
      counts: { test: Object.fromEntries(names.map((n) => [n, support])) },
    },
    metrics: {
      test: {
        accuracy: 0.8,
        loss: 0.5,
        count: support * names.length,
        perClass: names.map((name) => ({ name, precision: 0.8, recall: 0.8, f1: 0.8, support })),
        macro: { precision: 0.8, recall: 0.8, f1: 0.8 },
        weighted: { precision: 0.8, recall: 0.8, f1: 0.8 },
        confusion,
      },
    },
    lowConfidenceThreshold: opts.lowConfidenceThreshold ?? 0.6,
  };
}

/** Writes model.json, weights.bin and metadata.json into `outDir` (created if missing). */
export async function makeTestModel(outDir: string, opts: TestModelOptions): Promise<void> {
  if (!Number.isInteger(opts.classes) || opts.classes < 2) throw new Error(`classes must be an integer >= 2, got ${opts.classes}`);
  if (!Number.isInteger(opts.inputSize) || opts.inputSize < 8) throw new Error(`inputSize must be an integer >= 8, got ${opts.inputSize}`);
  await tf.setBackend('cpu');
  await mkdir(outDir, { recursive: true });
  const model = buildModel(opts);
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const weightData = artifacts.weightData;
      if (!(weightData instanceof ArrayBuffer)) throw new Error('expected one weights ArrayBuffer');
      const modelJson = {
        format: 'layers-model',
        generatedBy: artifacts.generatedBy,
        convertedBy: 'endolens e2e/support/make-test-model.ts',
        modelTopology: artifacts.modelTopology,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs }],
      };
      await writeFile(join(outDir, 'model.json'), JSON.stringify(modelJson));
      await writeFile(join(outDir, WEIGHTS_FILE), new Uint8Array(weightData));
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  model.dispose();
  await writeFile(join(outDir, 'metadata.json'), JSON.stringify(metadataFor(opts), null, 2));
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      classes: { type: 'string', default: '2' },
      size: { type: 'string', default: '64' },
      name: { type: 'string' },
      seed: { type: 'string', default: '7' },
    },
  });
  if (!values.out) throw new Error('--out <folder> is required');
  await makeTestModel(values.out, {
    classes: Number(values.classes),
    inputSize: Number(values.size),
    name: values.name,
    seed: Number(values.seed),
  });
  console.log(`Test model written to ${values.out}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
