/**
 * The one place the trainer touches what tfjs keeps private or leaves untyped. The graph walk is
 * the app's (src/inference/tfjs-internals.ts, shared); the rest only training needs. Each function
 * is pinned by test/tfjs-internals.test.ts against the installed tfjs (4.22.0 in package.json), so
 * an upgrade that moves one of these fails there instead of silently changing training.
 */
import * as tf from '@tensorflow/tfjs';

export { firstInboundLayer, producerInputs, producerNode, type GraphNode } from '../../src/inference/tfjs-internals.ts';

/** Dropout's `seed` is private; tfjs reads it on every training call, so setting it per step fixes the mask. */
type SeededLayer = tf.layers.Layer & { seed?: number };

export function dropoutSeed(layer: tf.layers.Layer): number | undefined {
  return (layer as SeededLayer).seed;
}

export function setDropoutSeed(layer: tf.layers.Layer, seed: number | undefined): void {
  (layer as SeededLayer).seed = seed;
}

/**
 * Adam's beta1^t and beta2^t as it accumulates them (a product per step). They are private
 * variables, and setWeights() recomputes them with pow(), which differs in the last bits; a resumed
 * run puts back the accumulated values to continue bit for bit.
 */
export interface AdamPowers {
  accBeta1: number;
  accBeta2: number;
}

interface AdamInternals {
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
}

/** Async: read back with `await data()`, as the WebGPU backend in Node has no synchronous read-back. */
export async function readAdamPowers(optimizer: tf.AdamOptimizer): Promise<AdamPowers> {
  const internals = optimizer as unknown as AdamInternals;
  return { accBeta1: (await internals.accBeta1.data())[0], accBeta2: (await internals.accBeta2.data())[0] };
}

export function writeAdamPowers(optimizer: tf.AdamOptimizer, powers: AdamPowers): void {
  const internals = optimizer as unknown as AdamInternals;
  tf.tidy(() => {
    internals.accBeta1.assign(tf.scalar(powers.accBeta1));
    internals.accBeta2.assign(tf.scalar(powers.accBeta2));
  });
}

/**
 * Whether the active backend is tfjs-node(-gpu)'s and runs on a GPU. Its `isUsingGpuDevice` is not
 * on tfjs's KernelBackend type (a boolean in 4.x, a method in older builds); other backends lack it.
 */
export function nativeBackendUsesGpu(backend: tf.KernelBackend = tf.backend()): boolean {
  const probe = (backend as unknown as { isUsingGpuDevice?: boolean | (() => boolean) }).isUsingGpuDevice;
  return typeof probe === 'function' ? probe() : probe === true;
}
