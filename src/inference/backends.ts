/**
 * tfjs backends in the worker: registration, probing the GPUs without running a model on them, and
 * timing the model on a backend at the app's batch size. WebGL runs on an OffscreenCanvas and WebGPU
 * on navigator.gpu, both available in Chromium workers.
 */
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import type { FamiliarityCheck } from '../core/familiarity.ts';
import { median, timingDone, webGlProbe, webGpuProbe, type GpuAdapterInfoLike, type GpuProbe } from './backend-choice.ts';
import { Paused } from './background-choice.ts';
import { disposeInferenceModel, makeInferenceModel, runBatch, type InferenceModel } from './inference-model.ts';
import type { BackendName, BackendTiming } from './protocol.ts';

// Vite fingerprints the .wasm files; tfjs must be told where they went.
setWasmPaths({
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
});
// Every core for WASM (tfjs's default is half of them); read when the wasm backend starts, so set
// here, before any tf.setBackend('wasm'). Threads need cross-origin isolation, which the app has
// (src/app/cross-origin-isolation.ts); without it tfjs loads the single-threaded binary and this is
// moot. tfjs still caps its thread pool by navigator.hardwareConcurrency, so on a 2-core machine the
// pool may stay at one thread (issue 11).
setThreadsCount(Math.max(1, navigator.hardwareConcurrency || 1));

interface GpuAdapterLike {
  info?: GpuAdapterInfoLike;
  isFallbackAdapter?: boolean;
}
interface GpuNavigator {
  gpu?: { requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<GpuAdapterLike | null> };
}

async function probeWebGpu(): Promise<GpuProbe> {
  try {
    // The adapter tfjs-backend-webgpu would get (it asks for high-performance too).
    const adapter = await (navigator as GpuNavigator).gpu?.requestAdapter({ powerPreference: 'high-performance' });
    return webGpuProbe(adapter ? (adapter.info ?? {}) : undefined, adapter?.isFallbackAdapter === true);
  } catch {
    return webGpuProbe(undefined);
  }
}

function probeWebGl(): GpuProbe {
  try {
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    if (!gl) return webGlProbe(false);
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer: unknown = ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : undefined;
    gl.getExtension('WEBGL_lose_context')?.loseContext(); // the probe's context only; tfjs makes its own
    return webGlProbe(true, typeof renderer === 'string' ? renderer : undefined);
  } catch {
    return webGlProbe(false);
  }
}

/** WebGPU and WebGL: there or not, and whether a software renderer stands behind them. */
export async function probeGpus(): Promise<GpuProbe[]> {
  return [await probeWebGpu(), probeWebGl()];
}

export async function useBackend(b: BackendName): Promise<void> {
  // The GPU backends' code is loaded only when first used: a first visit starts on WASM and a machine
  // without a real GPU never needs them, so their bundles are not evaluated before the first frame.
  if (b === 'webgpu' && !tf.findBackendFactory('webgpu')) await import('@tensorflow/tfjs-backend-webgpu');
  if (b === 'webgl' && !tf.findBackendFactory('webgl')) await import('@tensorflow/tfjs-backend-webgl');
  const ok = await tf.setBackend(b);
  if (!ok) throw new Error(`tfjs could not initialise the ${b} backend`);
  await tf.ready();
}

/**
 * Milliseconds per frame of `m` on the active backend at `batch` frames per call: one untimed
 * warm-up call (shader compilation), then timed calls until timingDone(), the median kept. Each call
 * is the frames' own path (runBatch: forward pass, familiarity features, read back).
 */
export async function timeBatches(
  m: InferenceModel,
  batch: number,
  againstMsPerFrame: number | undefined,
  checkpoint: () => void,
): Promise<number> {
  const inputs = Array.from({ length: batch }, () => new Float32Array(m.inputSize * m.inputSize * 3).fill(0.5));
  checkpoint();
  await runBatch(m, inputs);
  const samples: number[] = [];
  while (!timingDone(samples, againstMsPerFrame)) {
    checkpoint();
    const t0 = performance.now();
    await runBatch(m, inputs);
    samples.push((performance.now() - t0) / batch);
  }
  return median(samples);
}

/**
 * The same model (same artifacts: same graph and weights) on `backend`, timed at `batch`. Returns the
 * loaded model for a switch; frees it when it fails or is paused. Always goes back to `restore` (the
 * backend frames run on) before returning, since tfjs has one active backend.
 */
export async function timeCandidate(
  o: {
    backend: BackendName;
    restore: BackendName;
    artifacts: tf.io.ModelArtifacts;
    inputSize: number;
    familiarity?: FamiliarityCheck;
    batch: number;
  },
  againstMsPerFrame: number | undefined,
  checkpoint: () => void,
): Promise<{ timing: BackendTiming; model?: InferenceModel }> {
  let m: InferenceModel | undefined;
  try {
    checkpoint();
    await useBackend(o.backend);
    checkpoint();
    const model = await tf.loadLayersModel(tf.io.fromMemory(o.artifacts));
    try {
      m = makeInferenceModel(model, o.inputSize, o.familiarity);
    } catch (e) {
      model.dispose();
      throw e;
    }
    const msPerFrame = await timeBatches(m, o.batch, againstMsPerFrame, checkpoint);
    return { timing: { backend: o.backend, ok: true, msPerFrame, batch: o.batch }, model: m };
  } catch (e) {
    if (m) disposeInferenceModel(m);
    if (e instanceof Paused) throw e;
    return { timing: { backend: o.backend, ok: false, error: e instanceof Error ? e.message : String(e) } };
  } finally {
    await useBackend(o.restore);
  }
}
