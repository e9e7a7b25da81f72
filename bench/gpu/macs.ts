/**
 * Multiply-accumulates per image of each Conv2D, DepthwiseConv2D and Dense layer (and the app's
 * folded EndoLensFusedConv), from shapes alone: bench/flops.ts reads kernels with getWeights(), a synchronous
 * read-back that tfjs WebGPU in Node cannot do (no OffscreenCanvas). BN, activations, pooling and
 * additions are left out, as there.
 */
import type * as tf from '@tensorflow/tfjs';

type Shape = (number | null)[];

const COUNTED = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense', 'EndoLensFusedConv']);

/** Output positions per image: the product of the dims between batch and channels. */
function positions(outputShape: Shape | Shape[]): number {
  const s = (Array.isArray(outputShape[0]) ? outputShape[0] : outputShape) as Shape;
  return s.slice(1, -1).reduce<number>((a, d) => a * (d ?? 1), 1);
}

/** MACs per image by layer name; layers that count none are absent. */
export function layerMacs(model: tf.LayersModel): Map<string, number> {
  const out = new Map<string, number>();
  for (const layer of model.layers) {
    if (!COUNTED.has(layer.getClassName())) continue;
    // The first weight is the kernel ([kh, kw, cin, cout], [kh, kw, cin, mult] or [in, units]):
    // every output position uses all of it once.
    const kernel = layer.weights[0];
    if (!kernel) continue;
    out.set(layer.name, positions(layer.outputShape) * kernel.shape.reduce<number>((a, d) => a * (d ?? 1), 1));
  }
  return out;
}

export const sumMacs = (macs: Map<string, number>, names?: readonly string[]): number =>
  (names ?? [...macs.keys()]).reduce((a, n) => a + (macs.get(n) ?? 0), 0);
