/**
 * tfjs backends in the worker: registration, availability, and timing a model on each.
 * WebGL runs on an OffscreenCanvas and WebGPU on navigator.gpu, both available in Chromium workers.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { BACKEND_ORDER, type BackendName, type BackendTiming } from './protocol.ts';
import { SLOW_WARMUP_FACTOR } from './backend-choice.ts';

// Vite fingerprints the .wasm files; tfjs must be told where they went.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});

interface GpuNavigator {
  gpu?: { requestAdapter(): Promise<unknown> };
}

export async function availableBackends(): Promise<BackendName[]> {
  const out: BackendName[] = [];
  for (const b of BACKEND_ORDER) {
    if (b === 'wasm') out.push(b);
    if (b === 'webgl') {
      try {
        if (new OffscreenCanvas(1, 1).getContext('webgl2')) out.push(b);
      } catch {
        // no WebGL2 in this browser: not a candidate
      }
    }
    if (b === 'webgpu') {
      try {
        const gpu = (navigator as GpuNavigator).gpu;
        if (gpu && (await gpu.requestAdapter())) out.push(b);
      } catch {
        // no adapter
      }
    }
  }
  return out;
}

export async function useBackend(b: BackendName): Promise<void> {
  const ok = await tf.setBackend(b);
  if (!ok) throw new Error(`tfjs could not initialise the ${b} backend`);
  await tf.ready();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Warm-up (shader compilation etc.) then the median of a few timed single-frame predictions. A
 * candidate whose warm-up alone took SLOW_WARMUP_FACTOR times the best frame so far is not timed
 * further (a software GPU adapter can take seconds per frame): its warm-up time stands as its score.
 */
async function timeModel(model: tf.LayersModel, size: number, best: number): Promise<number> {
  const x = tf.randomUniform([1, size, size, 3], -1, 1);
  try {
    const once = async () => {
      const t0 = performance.now();
      const y = model.predict(x) as tf.Tensor;
      await y.data();
      y.dispose();
      return performance.now() - t0;
    };
    const warmupMs = await once();
    if (warmupMs > best * SLOW_WARMUP_FACTOR) return warmupMs;
    const times: number[] = [];
    for (let i = 0; i < TIMED_RUNS; i++) times.push(await once());
    return median(times);
  } finally {
    x.dispose();
  }
}

const TIMED_RUNS = 3;

export async function measureBackends(
  candidates: readonly BackendName[],
  artifacts: tf.io.ModelArtifacts,
  size: number,
): Promise<BackendTiming[]> {
  const timings: BackendTiming[] = [];
  let best = Infinity;
  for (const backend of candidates) {
    let model: tf.LayersModel | undefined;
    try {
      await useBackend(backend);
      model = await tf.loadLayersModel(tf.io.fromMemory(artifacts));
      const msPerFrame = await timeModel(model, size, best);
      timings.push({ backend, ok: true, msPerFrame });
      best = Math.min(best, msPerFrame);
    } catch (e) {
      timings.push({ backend, ok: false, error: e instanceof Error ? e.message : String(e) });
    } finally {
      model?.dispose();
    }
  }
  return timings;
}
