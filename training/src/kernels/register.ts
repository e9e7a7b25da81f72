/**
 * Registers the kernels EndoLens's training schedule needs on the wasm backend, and the faster filter
 * gradients on the webgpu backend (see the files beside this one for each, and why). Idempotent; each
 * function touches its own backend only.
 *
 * Kernels rather than gradient overrides: tfjs-layers runs the fused conv / depthwise ops, whose
 * gradients are customGrads calling Conv2DBackpropFilter/Input and DepthwiseConv2dNativeBackprop*
 * by kernel name, so the gradient registry is never consulted. Each kernel here is composed from
 * wasm's own kernels (XNNPACK conv, matmul, slice, pad) called directly, as backends compose theirs:
 * forward-conv speed, no engine or tape involvement, and other backends are left untouched.
 */
import * as tf from '@tensorflow/tfjs';
import { transposeFreeBatchMatMul } from './batch-matmul.ts';
import { conv2DBackpropKernels } from './conv2d-backprop.ts';
import { depthwiseBackpropKernels } from './depthwise-backprop.ts';
import { broadcastingTile } from './tile.ts';
import { WASM, WEBGPU } from './kernel-scope.ts';
import { webGpuBackpropFilterKernels } from './webgpu-backprop.ts';

const registered = new Set<tf.KernelFunc>();

function replace(config: tf.KernelConfig): void {
  if (tf.getKernel(config.kernelName, WASM) !== undefined) tf.unregisterKernel(config.kernelName, WASM);
  tf.registerKernel(config);
  registered.add(config.kernelFunc);
}

export function registerWasmTrainingKernels(): void {
  for (const config of [...conv2DBackpropKernels, ...depthwiseBackpropKernels]) {
    const current = tf.getKernel(config.kernelName, WASM);
    if (current === undefined || !registered.has(current.kernelFunc)) replace(config);
  }
  // Wrappers around wasm's own kernels: they keep the original for the cases they do not speed up.
  for (const [name, wrap] of [
    ['BatchMatMul', transposeFreeBatchMatMul],
    ['Tile', broadcastingTile],
  ] as const) {
    const original = tf.getKernel(name, WASM);
    if (original === undefined) {
      throw new Error(
        `The wasm ${name} kernel is not registered: import @tensorflow/tfjs-backend-wasm before registering EndoLens kernels.`,
      );
    }
    if (!registered.has(original.kernelFunc)) replace(wrap(original));
  }
}

/** tfjs's own webgpu kernels that registerWebGpuTrainingKernels replaced, kept for the side-by-side bench. */
const stockWebGpu = new Map<string, tf.KernelConfig>();

/**
 * Replaces webgpu's filter-gradient kernels with EndoLens's (webgpu-backprop.ts); `stock` puts tfjs's
 * own back, so the GPU bench can time both in one run. Call after tfjs-backend-webgpu is imported.
 */
export function registerWebGpuTrainingKernels(which: 'endolens' | 'stock' = 'endolens'): void {
  for (const config of webGpuBackpropFilterKernels) {
    const current = tf.getKernel(config.kernelName, WEBGPU);
    if (current === undefined) {
      throw new Error(`The webgpu ${config.kernelName} kernel is not registered: import @tensorflow/tfjs-backend-webgpu first.`);
    }
    if (!registered.has(current.kernelFunc)) stockWebGpu.set(config.kernelName, current);
    const wanted = which === 'stock' ? stockWebGpu.get(config.kernelName) : config;
    if (wanted === undefined || current.kernelFunc === wanted.kernelFunc) continue;
    tf.unregisterKernel(config.kernelName, WEBGPU);
    tf.registerKernel(wanted);
    registered.add(config.kernelFunc);
  }
}
