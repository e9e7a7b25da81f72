/**
 * What `@tensorflow/tfjs` means in the app's bundles (vite.config.ts aliases it here, tsconfig.json
 * maps its types here): tfjs-core with its gradients and chained ops, tfjs-layers, and the cpu
 * backend as the last resort. The umbrella package also brings tfjs-converter, tfjs-data and the
 * WebGL backend, 0.6 MB of the inference worker's 2.0 MB that a first visit parses before its first
 * frame (WASM) and never runs; WebGL is imported when first used (backends.ts `useBackend`), as
 * WebGPU is. Node (unit tests, the trainer, the bench) keeps the umbrella.
 */
import '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/register_all_gradients';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
import '@tensorflow/tfjs-backend-cpu';

export * from '@tensorflow/tfjs-core';
export * from '@tensorflow/tfjs-layers';
