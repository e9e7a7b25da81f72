/**
 * Time per Grad-CAM heatmap (one frame, predicted class) next to a plain forward pass, for the
 * embedded-model family (MobileNetV2 alpha 0.35) and a ResNet50V2, on the tfjs wasm backend in Node
 * (SIMD, one thread: the same kernels the browser's wasm backend runs; see TECH-NOTES).
 *
 *   node --import tsx bench/gradcam.ts [--reps 5] [--backend wasm|cpu] [--only mobilenet|resnet|teachable]
 *
 * Weights do not change the timing, so the classifiers are built by training/'s builders with
 * random weights; the real MobileNetV2-0.35 Teachable Machine export in ../shared/weights is timed
 * too when present (a nested model, to show the split works there).
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gradCam } from '../src/inference/gradcam.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: { reps: { type: 'string', default: '5' }, backend: { type: 'string', default: 'wasm' }, only: { type: 'string' } },
});
const reps = Number(args.reps);

interface Builders {
  buildBackbone(opts: { name: 'resnet50v2' | 'mobilenetv2'; inputSize: number; alpha?: number; seed?: number }): tf.LayersModel;
  buildClassifier(backbone: tf.LayersModel, numClasses: number, opts?: { seed?: number }): tf.LayersModel;
}

async function builders(): Promise<Builders> {
  // A computed specifier keeps training/ (its own tsconfig) out of the app's type-check.
  const path = join(here, '../training/src/models/index.ts');
  return (await import(path)) as Builders;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

async function time(fn: () => void | Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function bench(name: string, model: tf.LayersModel): Promise<void> {
  const size = (model.inputs[0].shape[1] as number) ?? 224;
  const x = tf.randomUniform<tf.Rank.R4>([1, size, size, 3], -1, 1, 'float32', 1);
  const forward = async () => {
    const y = model.predict(x) as tf.Tensor;
    await y.data();
    y.dispose();
  };
  const cam = () => void gradCam(model, x, 0);
  await forward(); // warm-up: kernels compiled, weights uploaded
  cam();
  const before = tf.memory().numTensors;
  const f: number[] = [];
  const g: number[] = [];
  for (let i = 0; i < reps; i++) {
    f.push(await time(forward));
    g.push(await time(cam));
  }
  const leaked = tf.memory().numTensors - before;
  const r = gradCam(model, x, 0);
  console.log(
    `${name.padEnd(34)} forward ${median(f).toFixed(0).padStart(5)} ms   grad-cam ${median(g).toFixed(0).padStart(5)} ms   ` +
      `(map ${r.height}x${r.width} at ${r.layerName}, score=${r.score}, leaked tensors: ${leaked})`,
  );
  x.dispose();
}

async function loadTeachable(): Promise<tf.LayersModel | undefined> {
  const dir = resolve(here, '../../shared/weights/mobilenet_v2_0.35_224_teachable');
  if (!existsSync(join(dir, 'model.json'))) {
    console.log(`(skipping the Teachable Machine export: ${dir} is absent)`);
    return undefined;
  }
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: object;
    weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[];
  };
  const bin = readFileSync(join(dir, 'weights.bin'));
  return tf.loadLayersModel(
    tf.io.fromMemory({
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((m) => m.weights),
      weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
    }),
  );
}

async function main(): Promise<void> {
  await tf.setBackend(args.backend ?? 'wasm');
  await tf.ready();
  console.log(`backend ${tf.getBackend()}, ${reps} reps, median per frame (batch 1, 224x224)`);
  const b = await builders();
  const only = args.only;
  if (!only || only === 'teachable') {
    const m = await loadTeachable();
    if (m) await bench('MobileNetV2-0.35 (TM export, nested)', m);
  }
  if (!only || only === 'mobilenet') {
    await bench(
      'MobileNetV2-0.35 + EndoLens head',
      b.buildClassifier(b.buildBackbone({ name: 'mobilenetv2', inputSize: 224, alpha: 0.35, seed: 1 }), 4, { seed: 1 }),
    );
  }
  if (!only || only === 'resnet') {
    await bench(
      'ResNet50V2 + EndoLens head',
      b.buildClassifier(b.buildBackbone({ name: 'resnet50v2', inputSize: 224, seed: 1 }), 4, { seed: 1 }),
    );
  }
}

await main();
