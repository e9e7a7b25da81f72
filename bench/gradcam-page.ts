/**
 * Browser half of bench/gradcam-browser.ts (bundled by it with esbuild): times a forward pass and a
 * Grad-CAM heatmap per backend and model, and leaves the results on `window.__gradcamBench`.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { gradCamAsync } from '../src/inference/gradcam.ts';
import { buildBackbone, buildClassifier } from '../training/src/models/index.ts';

interface Row {
  backend: string;
  model: string;
  forwardMs: number;
  gradCamMs: number;
  firstGradCamMs: number;
  note: string;
}

declare global {
  interface Window {
    __gradcamBench?: { rows: Row[]; error?: string; done: boolean };
  }
}

const params = new URLSearchParams(location.search);
const reps = Number(params.get('reps') ?? 3);
const backends = (params.get('backends') ?? 'wasm,webgl').split(',');
const models = (params.get('models') ?? 'mobilenet,resnet').split(',');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function run(): Promise<void> {
  const out: { rows: Row[]; error?: string; done: boolean } = { rows: [], done: false };
  window.__gradcamBench = out;
  setWasmPaths('/wasm/');
  for (const backend of backends) {
    if (!(await tf.setBackend(backend).catch(() => false))) {
      out.rows.push({ backend, model: '-', forwardMs: NaN, gradCamMs: NaN, firstGradCamMs: NaN, note: 'backend unavailable' });
      continue;
    }
    await tf.ready();
    for (const name of models) {
      const backbone =
        name === 'resnet'
          ? buildBackbone({ name: 'resnet50v2', inputSize: 224, seed: 1 })
          : buildBackbone({ name: 'mobilenetv2', inputSize: 224, alpha: 0.35, seed: 1 });
      const model = buildClassifier(backbone, 4, { seed: 1 });
      const x = tf.randomUniform<tf.Rank.R4>([1, 224, 224, 3], -1, 1, 'float32', 1);
      const forward = async () => {
        const y = model.predict(x) as tf.Tensor;
        await y.data();
        y.dispose();
      };
      await forward(); // warm-up: shaders compiled, weights uploaded
      let t = performance.now();
      await gradCamAsync(model, x, 0); // first heatmap: also compiles the head's gradient kernels
      const firstGradCamMs = performance.now() - t;
      const f: number[] = [];
      const g: number[] = [];
      for (let i = 0; i < reps; i++) {
        t = performance.now();
        await forward();
        f.push(performance.now() - t);
        t = performance.now();
        await gradCamAsync(model, x, 0);
        g.push(performance.now() - t);
      }
      out.rows.push({
        backend,
        model: name === 'resnet' ? 'ResNet50V2 + head' : 'MobileNetV2-0.35 + head',
        forwardMs: median(f),
        gradCamMs: median(g),
        firstGradCamMs,
        note: '',
      });
      x.dispose();
      model.dispose();
    }
  }
  out.done = true;
}

run().catch((e: unknown) => {
  window.__gradcamBench = {
    rows: window.__gradcamBench?.rows ?? [],
    error: e instanceof Error ? `${e.message}\n${e.stack}` : String(e),
    done: true,
  };
});
