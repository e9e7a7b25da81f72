/**
 * Teaching's second step, the backbone's last 13 layers fine-tuned after the new head (issue 13:
 * "with the last blocks unfrozen: images/s on WASM"), in Node on tfjs wasm: the embedded model's
 * stored files loaded as the app loads dropped files, its head replaced for 3 classes (seeded random
 * weights), seeded synthetic 224x224 uint8 frames, src/teach/fine-tune.ts fineTuneLastBlocks as the
 * Teach view calls it (Keras augmentation, Adam 1e-4, batch 32). The `teach` section of
 * `npm run bench` (bench/run.ts), or on its own:
 *
 *   node --import tsx bench/teach-finetune.ts [--epochs 2] [--frames 96] [--val 24] [--model public/model]
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { HEAD_LAYERS, HEAD_UNITS } from '../src/core/head.ts';
import { mulberry32 } from '../src/core/rng.ts';
import { loadModelBundle } from '../src/inference/model-files.ts';
import { assembleTaughtModel } from '../src/teach/assemble-model.ts';
import { FINE_TUNE_DEFAULTS, fineTuneLastBlocks, type ImageSplit } from '../src/teach/fine-tune.ts';
import type { HeadWeights } from '../src/teach/head-trainer.ts';

const K = 3;
const DEFAULT_MODEL_DIR = resolve(fileURLToPath(new URL('..', import.meta.url)), 'public/model');

export interface FineTuneRow {
  backend: string;
  /** tfjs wasm's thread pool (1 in Node: no SharedArrayBuffer workers there). */
  threads: number | undefined;
  model: string;
  train: number;
  val: number;
  epochs: number;
  unfreeze: number;
  batchSize: number;
  learningRate: number;
  /** Training images per second: train x epochs / the epochs' time (model load and trainer set-up excluded). */
  imagesPerS: number;
  /** Each epoch's time (its training steps and the validation pass); the first includes kernel warm-up. */
  epochMs: number[];
  /** Model from the artifacts and the trainer built, before the first epoch. */
  setupMs: number;
  /** fineTuneLastBlocks end to end (set-up, epochs, best weights back). */
  wallS: number;
  /** The bundle read from its files and the head assembled (not in wallS). */
  loadMs: number;
  bestEpoch: number;
  valLoss: number[];
  loadAvg: number[];
}

/** Seeded frames: a per-class tint plus noise, so the classes differ a little (the timing does not depend on it). */
function frames(n: number, size: number, seed: number): ImageSplit {
  const rng = mulberry32(seed);
  const per = size * size * 3;
  const images = new Uint8Array(n * per);
  const labels = Int32Array.from({ length: n }, (_, i) => i % K);
  for (let i = 0; i < n; i++)
    for (let p = 0; p < per; p++) images[i * per + p] = Math.min(255, Math.floor(rng() * 160) + (p % 3 === labels[i] ? 80 : 0));
  return { images, labels, count: n };
}

function randomHead(inputDim: number, seed: number): HeadWeights {
  const rng = mulberry32(seed);
  const fill = (n: number, scale: number) => Float32Array.from({ length: n }, () => (rng() * 2 - 1) * scale);
  return {
    denseKernel: fill(inputDim * HEAD_UNITS, Math.sqrt(6 / (inputDim + HEAD_UNITS))),
    denseBias: new Float32Array(HEAD_UNITS),
    outputKernel: fill(HEAD_UNITS * K, Math.sqrt(6 / (HEAD_UNITS + K))),
    outputBias: new Float32Array(K),
    inputDim,
    numClasses: K,
  };
}

/** The stored model as files, through the app's own loader (src/inference/model-files.ts). */
async function loadStored(dir: string) {
  const read = (name: string) => readFileSync(join(dir, name));
  const modelJson = JSON.parse(read('model.json').toString('utf8')) as { weightsManifest: { paths: string[] }[] };
  const names = ['model.json', 'metadata.json', ...modelJson.weightsManifest.flatMap((g) => g.paths)];
  return loadModelBundle({ kind: 'files', files: names.map((n) => new File([new Uint8Array(read(n))], n)) });
}

export async function runTeachFineTuneBench(
  opts: { modelDir?: string; epochs?: number; frames?: number; val?: number; seed?: number } = {},
): Promise<FineTuneRow> {
  await tf.setBackend('wasm');
  await tf.ready();
  const epochs = opts.epochs ?? 2;
  const seed = opts.seed ?? 7;
  const t0 = performance.now();
  const bundle = await loadStored(opts.modelDir ?? DEFAULT_MODEL_DIR);
  // The new head takes what the base's pools (its own head's dense kernel rows).
  const poolDim = bundle.artifacts.weightSpecs?.find((w) => w.name === `${HEAD_LAYERS.dense}/kernel`)?.shape[0] ?? 1280;
  const artifacts = assembleTaughtModel(bundle.artifacts, randomHead(poolDim, seed));
  const loadMs = performance.now() - t0;
  const size = bundle.metadata.input.size;
  const train = frames(opts.frames ?? 96, size, seed + 1);
  const val = frames(opts.val ?? 24, size, seed + 2);

  // Epoch 1 starts once the model is built and the trainer set up: set-up stays out of its time.
  let epochsStart: number | undefined;
  const ends: number[] = [];
  const start = performance.now();
  const r = await fineTuneLastBlocks({
    artifacts,
    train,
    val,
    numClasses: K,
    inputSize: size,
    inputRange: bundle.metadata.input.range,
    seed,
    epochs,
    onEpochStart: (epoch) => {
      if (epoch === 1) epochsStart = performance.now();
    },
    onEpoch: () => ends.push(performance.now()),
  });
  const wallS = (performance.now() - start) / 1000;
  r.model.dispose();
  const first = epochsStart ?? start;
  const epochMs = ends.map((t, i) => t - (i === 0 ? first : ends[i - 1]));
  return {
    backend: tf.getBackend(),
    threads: tf.getBackend() === 'wasm' ? getThreadsCount() : undefined,
    model: `${bundle.metadata.name} ${bundle.metadata.version}`,
    train: train.count,
    val: val.count,
    epochs,
    unfreeze: r.unfreeze,
    batchSize: FINE_TUNE_DEFAULTS.batchSize,
    learningRate: FINE_TUNE_DEFAULTS.learningRate,
    imagesPerS: (train.count * epochs) / ((ends[ends.length - 1] - first) / 1000),
    epochMs,
    setupMs: first - start,
    wallS,
    loadMs,
    bestEpoch: r.bestEpoch,
    valLoss: r.history.map((h) => h.valLoss),
    loadAvg: loadavg(),
  };
}

export function describeFineTune(r: FineTuneRow): string {
  return (
    `fine-tune (last ${r.unfreeze} layers + head, Adam ${r.learningRate}, batch ${r.batchSize}, augmented) on ${r.backend}${r.threads === undefined ? '' : ` (${r.threads} thread${r.threads === 1 ? '' : 's'})`}: ` +
    `${r.train} train / ${r.val} val frames, ${r.epochs} epochs: ${r.imagesPerS.toFixed(2)} training images/s; ` +
    `epochs ${r.epochMs.map((m) => (m / 1000).toFixed(1)).join(' / ')} s (the first with kernel warm-up), set-up ${r.setupMs.toFixed(0)} ms, ` +
    `wall ${r.wallS.toFixed(1)} s (+ ${r.loadMs.toFixed(0)} ms reading the files); val loss ${r.valLoss.map((v) => v.toFixed(3)).join(' / ')}, kept epoch ${r.bestEpoch}; ` +
    `load average ${r.loadAvg.map((v) => v.toFixed(2)).join(', ')} at the end`
  );
}

// Run directly (not imported by bench/run.ts): parse the flags and print one line.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      epochs: { type: 'string', default: '2' },
      frames: { type: 'string', default: '96' },
      val: { type: 'string', default: '24' },
      model: { type: 'string', default: DEFAULT_MODEL_DIR },
    },
  });
  const r = await runTeachFineTuneBench({
    modelDir: resolve(values.model),
    epochs: Number(values.epochs),
    frames: Number(values.frames),
    val: Number(values.val),
  });
  console.log(`${r.model}: ${describeFineTune(r)}`);
}
