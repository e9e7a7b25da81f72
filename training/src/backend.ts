/**
 * Picks the tfjs backend the trainer runs on and says which one it got, and why.
 *
 * Order for 'auto': WebGPU through Dawn (the optional npm package `webgpu`; a real GPU only) ->
 * tfjs-node-gpu (only when it loads AND sees a GPU) -> tfjs-node -> wasm. The optional packages are
 * imported dynamically and a failed import is simply the next step down, with the reason kept in the
 * choice's note. The pure-JS `cpu` backend is ~50x slower than wasm here (TECH-NOTES), so it is used
 * only when asked for by name.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels, registerWebGpuTrainingKernels } from './kernels/register.ts';
import { nativeBackendUsesGpu } from './tfjs-internals.ts';

export type BackendPreference = 'auto' | 'webgpu' | 'tensorflow' | 'wasm' | 'cpu';

export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'webgpu', 'tensorflow', 'wasm', 'cpu'];

/** The WebGPU adapter as Dawn names it (GPUAdapterInfo), recorded with the run. */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  isFallbackAdapter: boolean;
}

export interface BackendChoice {
  name: string;
  note: string;
  /** The WebGPU adapter the run uses (webgpu only). */
  adapter?: GpuAdapterSummary;
}

/** Tests and CPU-only machines may train on a software WebGPU adapter (SwiftShader) when this is "1". */
export const ALLOW_SOFTWARE_WEBGPU_ENV = 'ENDOLENS_WEBGPU_ALLOW_SOFTWARE';

/**
 * "stock" keeps tfjs-backend-webgpu's own filter-gradient kernels instead of EndoLens's
 * (src/kernels/webgpu-backprop.ts): a way back should a GPU run them slower (npm run bench -- --gpu
 * times both side by side).
 */
export const WEBGPU_KERNELS_ENV = 'ENDOLENS_WEBGPU_KERNELS';

const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|software/i;

/**
 * Why an adapter is not a real GPU, or undefined when it is one: a fallback adapter, or a software
 * renderer (SwiftShader, llvmpipe, lavapipe...), which would train far slower than wasm.
 */
export function softwareAdapterReason(a: GpuAdapterSummary): string | undefined {
  if (a.isFallbackAdapter) return `a fallback adapter (${a.description || a.device || a.vendor})`;
  const text = [a.vendor, a.architecture, a.device, a.description].join(' ');
  return SOFTWARE_RENDERERS.test(text) ? `a software renderer (${a.description || a.device || a.architecture})` : undefined;
}

/** The parts of the `webgpu` package (Dawn for Node) used here. */
interface DawnModule {
  create: (flags: string[]) => DawnGpu;
  globals: Record<string, unknown>;
}
interface DawnAdapter {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; device?: string; description?: string };
}
interface DawnGpu {
  requestAdapter(options?: { powerPreference?: 'high-performance' | 'low-power' }): Promise<DawnAdapter | null>;
}

/**
 * One Dawn instance per process, kept here: tfjs's WebGPU backend holds a device of the first one,
 * and a second `create()` replacing navigator.gpu would let the first be collected under it (a
 * crash, seen when a process asked for the backend twice).
 */
let dawn: DawnGpu | string | undefined;

async function dawnGpu(): Promise<DawnGpu | string> {
  if (dawn !== undefined) return dawn;
  const mod = (await tryImport('webgpu')) as Partial<DawnModule> | undefined;
  if (typeof mod?.create !== 'function') return (dawn = 'the optional package "webgpu" (Dawn for Node) is not installed');
  try {
    // tfjs-backend-webgpu reads navigator.gpu and the WebGPU classes (GPUBufferUsage...) from globalThis.
    Object.assign(globalThis, mod.globals ?? {});
    dawn = mod.create([]);
  } catch (e) {
    dawn = `Dawn did not start (${e instanceof Error ? e.message : String(e)})`;
  }
  return dawn;
}

/** WebGPU through Dawn: the backend, or the reason it is not used. */
async function tryWebGpu(allowSoftware: boolean, stockKernels: boolean): Promise<BackendChoice | string> {
  const gpu = await dawnGpu();
  if (typeof gpu === 'string') return gpu;
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' }).catch(() => null);
  if (!adapter) return 'no WebGPU adapter: Dawn needs the Vulkan loader (Debian/Ubuntu: libvulkan1) and a GPU driver';
  const info = adapter.info ?? {};
  const summary: GpuAdapterSummary = {
    vendor: info.vendor ?? '',
    architecture: info.architecture ?? '',
    device: info.device ?? '',
    description: info.description ?? '',
    isFallbackAdapter: adapter.isFallbackAdapter === true,
  };
  const software = softwareAdapterReason(summary);
  if (software && !allowSoftware) return `only ${software}, not used (${ALLOW_SOFTWARE_WEBGPU_ENV}=1 allows it, for tests)`;
  const nav = (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  if (nav) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true });
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) return `tfjs-backend-webgpu did not start on ${summary.description || summary.device}`;
  await tf.ready();
  registerWebGpuTrainingKernels(stockKernels ? 'stock' : 'endolens');
  const name = [summary.vendor, summary.device || summary.architecture].filter(Boolean).join(' ');
  return {
    name: 'webgpu',
    note:
      `WebGPU (Dawn) on ${name}${summary.description ? `, ${summary.description}` : ''}${software ? `: ${software}, allowed by ${ALLOW_SOFTWARE_WEBGPU_ENV}` : ''}` +
      (stockKernels ? `; tfjs's own filter gradients (${WEBGPU_KERNELS_ENV}=stock)` : ''),
    adapter: summary,
  };
}

async function tryImport(specifier: string): Promise<unknown> {
  try {
    // A variable specifier keeps TypeScript and bundlers from resolving packages that are optional.
    return (await import(specifier)) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * tfjs-node-gpu registers the 'tensorflow' backend. Without a visible GPU it still runs native
 * TensorFlow on the CPU, which is what tfjs-node would give, so that is reported rather than dropped.
 */
async function tryTensorflowGpu(): Promise<BackendChoice | undefined> {
  if ((await tryImport('@tensorflow/tfjs-node-gpu')) === undefined) return undefined;
  if (!(await tf.setBackend('tensorflow'))) return undefined;
  return nativeBackendUsesGpu()
    ? { name: 'tensorflow', note: 'tfjs-node-gpu with a CUDA GPU' }
    : { name: 'tensorflow', note: 'tfjs-node-gpu loaded but sees no GPU: native TensorFlow on the CPU' };
}

async function tryTensorflowCpu(): Promise<BackendChoice | undefined> {
  if ((await tryImport('@tensorflow/tfjs-node')) === undefined) return undefined;
  if (!(await tf.setBackend('tensorflow'))) return undefined;
  return { name: 'tensorflow', note: 'tfjs-node (native TensorFlow on the CPU)' };
}

async function useWasm(reason: string): Promise<BackendChoice> {
  await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend('wasm'))) {
    throw new Error('The tfjs wasm backend failed to initialise (is @tensorflow/tfjs-backend-wasm installed?).');
  }
  await tf.ready();
  registerWasmTrainingKernels();
  return { name: 'wasm', note: `${reason}; wasm (SIMD, single-threaded in Node) with EndoLens training gradients` };
}

/**
 * Initialises and activates a backend. Throws with the preference named when an explicit choice is
 * unavailable; 'auto' always ends on wasm at worst.
 */
export async function initBackend(
  pref: BackendPreference = 'auto',
  env: Record<string, string | undefined> = process.env,
): Promise<BackendChoice> {
  if (!BACKEND_PREFERENCES.includes(pref)) {
    throw new Error(`Unknown backend "${String(pref)}". Valid backends are: ${BACKEND_PREFERENCES.join(', ')}.`);
  }
  if (pref === 'cpu') {
    if (!(await tf.setBackend('cpu'))) throw new Error('The tfjs cpu backend failed to initialise.');
    await tf.ready();
    return { name: 'cpu', note: 'pure-JS cpu backend, as asked: for tiny tests only (~50x slower than wasm)' };
  }
  let webgpuSkipped: string | undefined;
  if (pref === 'webgpu' || pref === 'auto') {
    const webgpu = await tryWebGpu(env[ALLOW_SOFTWARE_WEBGPU_ENV] === '1', env[WEBGPU_KERNELS_ENV] === 'stock');
    if (typeof webgpu !== 'string') return webgpu;
    if (pref === 'webgpu') throw new Error(`Backend "webgpu" asked for, but ${webgpu}. Use --backend auto or wasm.`);
    webgpuSkipped = webgpu;
  }
  if (pref === 'tensorflow' || pref === 'auto') {
    const native = (await tryTensorflowGpu()) ?? (await tryTensorflowCpu());
    if (native) return webgpuSkipped ? { ...native, note: `${native.note} (WebGPU: ${webgpuSkipped})` } : native;
    if (pref === 'tensorflow') {
      throw new Error(
        'Backend "tensorflow" asked for, but neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node could be loaded ' +
          '(they are optional dependencies whose install needs internet). Use --backend auto or wasm.',
      );
    }
    return useWasm(`${webgpuSkipped ? `WebGPU: ${webgpuSkipped}; ` : ''}tfjs-node(-gpu) not available`);
  }
  return useWasm('wasm asked for');
}
