/**
 * Registers the kernels EndoLens's training schedule needs on the wasm backend (see the files beside
 * this one for each, and why). Idempotent; only the wasm backend is touched.
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
import { WASM } from './kernel-scope.ts';

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
