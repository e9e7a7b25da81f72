/**
 * Browser half of the kernel-level measurements (bundled by bench/browser-bench.ts with esbuild and
 * served on the same origin as the production build): the same tfjs 4.22 and .wasm files as the app,
 * driven step by step from Playwright through `window.__endolensBench`. The UI-path numbers (load,
 * 200-frame drop, memory) come from the app itself; this page gives what the UI cannot show apart:
 * first inference, batch-1 latency, batch sizes, a matMul peak and the drop's stages one by one.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { preprocessPixels } from '../src/core/preprocess.ts';
import { decodeFrame } from '../src/inference/decode.ts';
import { foldForInference } from '../src/inference/fold-batchnorm.ts';
import { makeThumbnail } from '../src/media/thumbnails.ts';
import { measurePeak, type Peak } from './peak.ts';

let model: tf.LayersModel | undefined;
let size = 224;

async function timed(fn: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

async function predict(x: tf.Tensor): Promise<void> {
  const y = model!.predict(x) as tf.Tensor;
  await y.data();
  y.dispose();
}

const api = {
  /** `threads` overrides tfjs's own choice (which is 1 on a 2-core machine); only before the wasm backend starts. */
  async init(
    backend: string,
    wasmBase: string,
    threads?: number,
  ): Promise<{ backend: string; threads?: number; isolated: boolean; adapter?: string }> {
    setWasmPaths(wasmBase);
    if (threads) {
      // The threaded binary sizes its pthread pool from hardwareConcurrency / 2 (1 on 2 cores), which caps
      // XNNPACK whatever setThreadsCount says; report twice the wanted threads so the pool can hold them.
      Object.defineProperty(navigator, 'hardwareConcurrency', { value: threads * 2, configurable: true });
      setThreadsCount(threads);
    }
    if (!(await tf.setBackend(backend))) throw new Error(`tfjs could not initialise ${backend}`);
    await tf.ready();
    let adapter: string | undefined;
    if (backend === 'webgpu') {
      const gpu = (
        navigator as unknown as {
          gpu?: { requestAdapter(): Promise<{ info?: { vendor?: string; architecture?: string; description?: string } } | null> };
        }
      ).gpu;
      const a = await gpu?.requestAdapter();
      adapter = a?.info ? [a.info.vendor, a.info.architecture, a.info.description].filter(Boolean).join(' ') : undefined;
    }
    return {
      backend: tf.getBackend(),
      threads: backend === 'wasm' ? getThreadsCount() : undefined,
      isolated: crossOriginIsolated,
      adapter,
    };
  },
  async hasWebGpuAdapter(): Promise<boolean> {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return Boolean(gpu && (await gpu.requestAdapter().catch(() => null)));
  },
  /** The model as the app's worker runs it: BatchNormalization folded (src/inference/fold-batchnorm.ts), load time included. */
  async load(url: string): Promise<number> {
    model?.dispose();
    const ms = await timed(async () => {
      // tf.io.http always has load(); its type makes it optional, as for save-only handlers.
      const artifacts = await tf.io.http(url).load!();
      model = await tf.loadLayersModel(tf.io.fromMemory(foldForInference(artifacts, [])));
    });
    size = model!.inputs[0].shape[1] ?? 224;
    return ms;
  },
  async first(): Promise<number> {
    const x = tf.randomUniform([1, size, size, 3], -1, 1);
    const ms = await timed(() => predict(x));
    x.dispose();
    return ms;
  },
  /** Batch-1 frames until `frames` are timed or `capMs` has passed (at least `minFrames`). */
  async steady(frames: number, minFrames: number, capMs: number): Promise<number[]> {
    const x = tf.randomUniform([1, size, size, 3], -1, 1);
    const out: number[] = [];
    const t0 = performance.now();
    while (out.length < frames && (out.length < minFrames || performance.now() - t0 < capMs)) out.push(await timed(() => predict(x)));
    x.dispose();
    return out;
  },
  /** Per-frame ms for each batch size: one untimed call (new shapes compile), then 2 timed; stops at the cap. */
  async batches(sizes: number[], capMs: number): Promise<{ batch: number; msPerFrame: number }[]> {
    const out: { batch: number; msPerFrame: number }[] = [];
    const t0 = performance.now();
    for (const b of sizes) {
      if (performance.now() - t0 > capMs) break;
      const x = tf.randomUniform([b, size, size, 3], -1, 1);
      await predict(x);
      const ms = Math.min(await timed(() => predict(x)), await timed(() => predict(x)));
      out.push({ batch: b, msPerFrame: ms / b });
      x.dispose();
    }
    return out;
  },
  /** The backend's measured peak (bench/peak.ts); smaller kernels on the software GPU adapters. */
  async peak(reps: number, scale: number): Promise<Peak> {
    return measurePeak(reps, scale);
  },
  /** The app's per-frame work, stage by stage: page thumbnail, decode (createImageBitmap + pixels), preprocess (src/core), inference at batch 1. */
  async stages(urls: string[]): Promise<{ decodeMs: number[]; preprocessMs: number[]; inferMs: number[]; thumbMs: number[] }> {
    const r = { decodeMs: [] as number[], preprocessMs: [] as number[], inferMs: [] as number[], thumbMs: [] as number[] };
    for (const url of urls) {
      const blob = await (await fetch(url)).blob();
      let t = performance.now();
      await makeThumbnail(blob); // the page's own work per dropped frame (src/media/thumbnails.ts)
      r.thumbMs.push(performance.now() - t);
      t = performance.now();
      const decoded = await decodeFrame(blob);
      r.decodeMs.push(performance.now() - t);
      t = performance.now();
      const input = preprocessPixels(decoded.pixels, { inputSize: size, range: [-1, 1] });
      r.preprocessMs.push(performance.now() - t);
      const x = tf.tensor4d(input, [1, size, size, 3]);
      r.inferMs.push(await timed(() => predict(x)));
      x.dispose();
    }
    return r;
  },
  memory(): { numTensors: number; numBytes: number; heap?: number } {
    const m = tf.memory();
    const heap = (performance as unknown as { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize;
    return { numTensors: m.numTensors, numBytes: m.numBytes, heap };
  },
  dispose(): void {
    model?.dispose();
    model = undefined;
  },
};

export type HarnessApi = typeof api;
(window as unknown as { __endolensBench: HarnessApi }).__endolensBench = api;
document.title = 'endolens bench harness ready';
