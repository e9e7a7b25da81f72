/**
 * Picks the tfjs backend the trainer runs on and says which one it got, and why.
 *
 * Order for 'auto': tfjs-node-gpu (only when it loads AND sees a GPU) -> tfjs-node -> wasm.
 * Both native packages are optionalDependencies whose install fails without internet, so they are
 * imported dynamically and a failed import is simply the next step down. The pure-JS `cpu` backend is
 * ~50x slower than wasm here (TECH-NOTES), so it is used only when asked for by name.
 */
import * as tf from '@tensorflow/tfjs';
import { registerWasmTrainingKernels } from './kernels/register.ts';
import { nativeBackendUsesGpu } from './tfjs-internals.ts';

export type BackendPreference = 'auto' | 'tensorflow' | 'wasm' | 'cpu';

export const BACKEND_PREFERENCES: readonly BackendPreference[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendChoice {
  name: string;
  note: string;
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
export async function initBackend(pref: BackendPreference = 'auto'): Promise<BackendChoice> {
  if (!BACKEND_PREFERENCES.includes(pref)) {
    throw new Error(`Unknown backend "${String(pref)}". Valid backends are: ${BACKEND_PREFERENCES.join(', ')}.`);
  }
  if (pref === 'cpu') {
    if (!(await tf.setBackend('cpu'))) throw new Error('The tfjs cpu backend failed to initialise.');
    await tf.ready();
    return { name: 'cpu', note: 'pure-JS cpu backend, as asked: for tiny tests only (~50x slower than wasm)' };
  }
  if (pref === 'tensorflow' || pref === 'auto') {
    const native = (await tryTensorflowGpu()) ?? (await tryTensorflowCpu());
    if (native) return native;
    if (pref === 'tensorflow') {
      throw new Error(
        'Backend "tensorflow" asked for, but neither @tensorflow/tfjs-node-gpu nor @tensorflow/tfjs-node could be loaded ' +
          '(they are optional dependencies whose install needs internet). Use --backend auto or wasm.',
      );
    }
    return useWasm('tfjs-node(-gpu) not available');
  }
  return useWasm('wasm asked for');
}
