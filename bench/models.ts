/**
 * The models the benchmark times, as files the browser loads: the embedded model (as shipped, plus
 * float32 and float16 re-exports of the same weights for the size comparison) and a ResNet50V2 +
 * EndoLens head at 224 with random weights (the mission's model; weights do not change timings),
 * written with the trainer's own export code into a temp folder and never committed.
 */
import * as tf from '@tensorflow/tfjs';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { FamiliarityCheck } from '../src/core/familiarity.ts';
import type { ModelMetadata } from '../src/core/metadata.ts';
import { withFeatureOutput } from '../src/core/feature-output.ts';
import { familiarityFeatures } from '../training/src/export/familiarity.ts';
import { fileSaveHandler, loadExportedModel } from '../training/src/export/io.ts';
import { buildBackbone, buildClassifier } from '../training/src/models/index.ts';
import { countFlops, type FlopCount } from './flops.ts';

export interface ModelFiles {
  dir: string;
  bytesOnDisk: number;
  /** gzip -6 of every file: what a compressing static host would send. */
  bytesGzip: number;
}

export interface BenchModel {
  key: 'embedded' | 'resnet50v2';
  label: string;
  params: number;
  flops: FlopCount;
  inputSize: number;
  /** The folder the browser loads (with metadata.json). */
  served: ModelFiles;
  float32: ModelFiles;
  float16: ModelFiles;
  /** Weight dtype of the served copy (what the app ships). */
  servedQuantization: string;
}

function filesOf(dir: string): ModelFiles {
  let bytesOnDisk = 0;
  let bytesGzip = 0;
  for (const f of readdirSync(dir)) {
    const buf = readFileSync(join(dir, f));
    bytesOnDisk += statSync(join(dir, f)).size;
    bytesGzip += gzipSync(buf, { level: 6 }).byteLength;
  }
  return { dir, bytesOnDisk, bytesGzip };
}

function quantizationOf(dir: string): string {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as tf.io.ModelJSON;
  const q = new Set(json.weightsManifest.flatMap((g) => g.weights.map((w) => w.quantization?.dtype ?? w.dtype)));
  return [...q].join('+');
}

/** One unit vector per class, as wide as `model`'s pooled features: the check's shape, not its meaning. */
function placeholderFamiliarity(check: FamiliarityCheck, model: tf.LayersModel, classes: number): FamiliarityCheck {
  // The features the trainer would read from this model (its own last feature map), not the embedded model's layer.
  const { layer, pooling } = familiarityFeatures(model);
  const width = withFeatureOutput(model, layer, pooling).outputs[0].shape[1] as number;
  const centroids = Array.from({ length: classes }, (_, c) => Array.from({ length: width }, (_, i) => (i === c ? 1 : 0)));
  const { neverLearned: _unused, pooling: _old, ...rest } = check;
  return { ...rest, layer, ...(pooling ? { pooling } : {}), centroids, flaggedShare: {} };
}

async function exportBoth(
  model: tf.LayersModel,
  metadata: ModelMetadata,
  root: string,
): Promise<{ float32: ModelFiles; float16: ModelFiles }> {
  const out: Record<string, ModelFiles> = {};
  for (const q of ['float32', 'float16'] as const) {
    const dir = join(root, q);
    mkdirSync(dir, { recursive: true });
    await model.save(fileSaveHandler(dir, q === 'float16' ? { quantize: 'float16' } : {}));
    writeFileSync(join(dir, 'metadata.json'), JSON.stringify(metadata, null, 2));
    out[q] = filesOf(dir);
  }
  return { float32: out.float32, float16: out.float16 };
}

/** Needs an initialised tfjs backend (the benchmark runs on the trainer's wasm backend). */
export async function prepareModels(embeddedDir: string, workDir: string): Promise<BenchModel[]> {
  const metadata = JSON.parse(readFileSync(join(embeddedDir, 'metadata.json'), 'utf8')) as ModelMetadata;
  const embedded = await loadExportedModel(embeddedDir);
  const e = await exportBoth(embedded, metadata, join(workDir, 'embedded'));
  const models: BenchModel[] = [
    {
      key: 'embedded',
      label: `embedded: ${metadata.name} ${metadata.version} (${metadata.backbone?.name ?? '?'}${metadata.backbone?.alpha ? ` alpha ${metadata.backbone.alpha}` : ''})`,
      params: embedded.countParams(),
      flops: countFlops(embedded),
      inputSize: metadata.input.size,
      served: filesOf(embeddedDir),
      servedQuantization: quantizationOf(embeddedDir),
      ...e,
    },
  ];
  embedded.dispose();

  const size = 224;
  const resnet = buildClassifier(buildBackbone({ name: 'resnet50v2', inputSize: size, seed: 1 }), metadata.classes.length, { seed: 2 });
  const resnetMeta: ModelMetadata = {
    ...metadata,
    name: 'ResNet50V2 + head (benchmark, random weights)',
    version: '0.0.0-bench',
    input: { ...metadata.input, size },
    backbone: { name: 'resnet50v2', weights: 'random (seeded), for timing only' },
    // The embedded model's check has 1280-wide centroids; this model's pooled features are wider. Its
    // frames are timed with the same extra output, against placeholder centroids (no training data).
    familiarity: metadata.familiarity && placeholderFamiliarity(metadata.familiarity, resnet, metadata.classes.length),
  };
  const r = await exportBoth(resnet, resnetMeta, join(workDir, 'resnet50v2'));
  models.push({
    key: 'resnet50v2',
    label: 'ResNet50V2 + head at 224 (random weights)',
    params: resnet.countParams(),
    flops: countFlops(resnet),
    inputSize: size,
    served: r.float32,
    servedQuantization: 'float32',
    ...r,
  });
  resnet.dispose();
  return models;
}

/** Copies a model folder (e.g. a development model standing in for public/model). */
export function copyModelDir(from: string, to: string): void {
  mkdirSync(to, { recursive: true });
  for (const f of readdirSync(from)) copyFileSync(join(from, f), join(to, f));
}
