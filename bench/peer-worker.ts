/// <reference lib="webworker" />
/**
 * Browser half of the peer section (bench/peer-bench.ts), in a Web Worker as the app's inference
 * is (a worker may block on its WASM threads; the page's main thread would have to spin): tfjs WASM
 * on the embedded model as exported, tfjs WASM on the same model folded by the app's own
 * src/inference/fold-batchnorm.ts, and ONNX Runtime Web (WASM) on the ONNX export of the folded
 * model, on the same input, at one thread count per worker (both engines fix it when their WASM
 * starts). bench/peer-page.ts forwards the page's calls here.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type * as Ort from 'onnxruntime-web';
import { foldBatchNorm } from '../src/inference/fold-batchnorm.ts';
import { PEER_ENGINES, type PeerEngine, type TfjsEngine } from './peer-engines.ts';

let ort: typeof Ort | undefined;
let session: Ort.InferenceSession | undefined;
let outputName = '';
const models: Partial<Record<TfjsEngine, tf.LayersModel>> = {};
const inputs = new Map<number, Float32Array>();
let size = 224;

/** Smooth stripes with a little noise, the same for every engine at a batch size. */
function input(batch: number): Float32Array {
  let x = inputs.get(batch);
  if (!x) {
    let seed = 17;
    const rand = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    x = Float32Array.from(
      { length: batch * size * size * 3 },
      (_, i) => 0.8 * Math.sin((Math.floor(i / 3) % size) / 11 + (i % 3) + 0.3 * rand()),
    );
    inputs.set(batch, x);
  }
  return x;
}

async function infer(engine: PeerEngine, batch: number): Promise<Float32Array> {
  const x = input(batch);
  if (engine === 'ort') {
    const out = await session!.run({ input: new ort!.Tensor('float32', x, [batch, size, size, 3]) });
    return out[outputName].data as Float32Array;
  }
  const t = tf.tensor4d(x, [batch, size, size, 3]);
  const y = models[engine]!.predict(t) as tf.Tensor;
  const data = (await y.data()) as Float32Array;
  tf.dispose([t, y]);
  return data;
}

const api = {
  /**
   * `raiseConcurrency`: report 2 x threads as navigator.hardwareConcurrency before tfjs's WASM
   * starts, since its pthread pool is sized from hardwareConcurrency / 2 (1 on 2 cores) whatever
   * setThreadsCount asks; without it the page shows what setThreadsCount alone gives.
   */
  async init(o: { threads: number; raiseConcurrency: boolean; tfjsWasm: string; ortBase: string }) {
    const cores = navigator.hardwareConcurrency;
    if (o.raiseConcurrency) Object.defineProperty(navigator, 'hardwareConcurrency', { value: o.threads * 2, configurable: true });
    setWasmPaths(o.tfjsWasm);
    setThreadsCount(o.threads);
    if (!(await tf.setBackend('wasm'))) throw new Error('tfjs could not initialise wasm');
    await tf.ready();
    // A runtime URL: ORT's own module and its .wasm, served as the package ships them.
    ort = (await import(/* @vite-ignore */ `${o.ortBase}ort.wasm.min.mjs`)) as typeof Ort;
    ort.env.wasm.numThreads = o.threads;
    ort.env.wasm.wasmPaths = o.ortBase;
    return { tfjsThreads: getThreadsCount(), cores, isolated: self.crossOriginIsolated };
  },

  /** Loads all three; returns what folding did. */
  async load(modelBase: string, onnxUrl: string, output: string) {
    const json = (await (await fetch(`${modelBase}model.json`)).json()) as {
      modelTopology: tf.io.ModelArtifacts['modelTopology'];
      weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    };
    const shards = await Promise.all(
      json.weightsManifest.flatMap((g) => g.paths).map(async (p) => (await fetch(`${modelBase}${p}`)).arrayBuffer()),
    );
    const artifacts: tf.io.ModelArtifacts = {
      modelTopology: json.modelTopology,
      weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
      weightData: shards,
    };
    const folded = foldBatchNorm(artifacts);
    models.tfjs = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
    models['tfjs-bn-only'] = await tf.loadLayersModel(tf.io.fromMemory(foldBatchNorm(artifacts, { fuse: false }).artifacts));
    models['tfjs-folded'] = await tf.loadLayersModel(tf.io.fromMemory(folded.artifacts));
    size = models.tfjs.inputs[0].shape[1] ?? 224;
    session = await ort!.InferenceSession.create(new Uint8Array(await (await fetch(onnxUrl)).arrayBuffer()), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
    });
    outputName = output;
    return {
      layers: models.tfjs.layers.length,
      foldedLayers: models['tfjs-folded'].layers.length,
      folded: folded.folded,
      fusedActivations: folded.fusedActivations,
      fusedPaddings: folded.fusedPaddings,
    };
  },

  /**
   * Runs each engine until its last 3 calls are within 15 % of each other (ORT's WASM keeps
   * compiling in the background at first, its early calls ~5x slow), at most `capMs` each.
   */
  async warmUp(batch: number, capMs: number): Promise<Record<PeerEngine, number>> {
    const calls = {} as Record<PeerEngine, number>;
    for (const engine of PEER_ENGINES) {
      const times: number[] = [];
      const t0 = performance.now();
      while (performance.now() - t0 < capMs) {
        const t = performance.now();
        await infer(engine, batch);
        times.push(performance.now() - t);
        const last = times.slice(-3);
        if (last.length === 3 && Math.max(...last) < 1.15 * Math.min(...last)) break;
      }
      calls[engine] = times.length;
    }
    return calls;
  },

  /** One timed call per engine, in the given order (rotated by the caller, so none always runs first). */
  async round(batch: number, order: PeerEngine[]): Promise<Record<PeerEngine, number>> {
    const ms = {} as Record<PeerEngine, number>;
    for (const engine of order) {
      // A pause first, untimed: a thread pool spins a while after its call, and on 2 cores the other
      // engine's spinning workers would take the core this call's second thread needs.
      await new Promise((r) => setTimeout(r, 30));
      const t = performance.now();
      await infer(engine, batch);
      ms[engine] = performance.now() - t;
    }
    return ms;
  },

  /** Time per tfjs kernel name over one call of `engine` (tf.profile; on WASM each kernel's wall time). */
  async profile(engine: TfjsEngine, batch: number): Promise<{ kernel: string; calls: number; ms: number }[]> {
    const t = tf.tensor4d(input(batch), [batch, size, size, 3]);
    const info = await tf.profile(async () => {
      const y = models[engine]!.predict(t) as tf.Tensor;
      await y.data();
      y.dispose();
    });
    t.dispose();
    const byName = new Map<string, { kernel: string; calls: number; ms: number }>();
    // tf.profile lists each op's wrapper (`name__op`) around its kernel too: count the kernels only.
    for (const k of info.kernels.filter((x) => !x.name.endsWith('__op'))) {
      const row = byName.get(k.name) ?? { kernel: k.name, calls: 0, ms: 0 };
      row.calls++;
      row.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      byName.set(k.name, row);
    }
    return [...byName.values()].sort((a, b) => b.ms - a.ms);
  },

  /** Largest absolute difference of the probabilities against ORT's, per tfjs model. */
  async agreement(batch: number): Promise<{ tfjs: number; tfjsFolded: number }> {
    const [a, b, o] = [await infer('tfjs', batch), await infer('tfjs-folded', batch), await infer('ort', batch)];
    const diff = (x: Float32Array) => Math.max(...Array.from(x, (v, i) => Math.abs(v - o[i])));
    return { tfjs: diff(a), tfjsFolded: diff(b) };
  },
};

export type PeerApi = typeof api;

declare const self: DedicatedWorkerGlobalScope;
self.onmessage = async (e: MessageEvent<{ id: number; fn: keyof PeerApi; args: unknown[] }>) => {
  const { id, fn, args } = e.data;
  try {
    const result: unknown = await (api[fn] as (...a: unknown[]) => Promise<unknown>)(...args);
    self.postMessage({ id, result });
  } catch (err) {
    self.postMessage({ id, error: err instanceof Error ? err.message : String(err) });
  }
};
