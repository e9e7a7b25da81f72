/**
 * FLOPs per frame counted from a tfjs layers model: every Conv2D, DepthwiseConv2D and Dense layer's
 * multiply-accumulates (output positions x kernel size), times 2, and the app's folded
 * EndoLensFusedConv likewise. Batch norm, activations, pooling and additions are left out (a few
 * percent at most for these models), as is customary. From shapes alone (`layer.weights`, not
 * `getWeights()`): reading values back is synchronous, which tfjs WebGPU in Node cannot do.
 */
import type * as tf from '@tensorflow/tfjs';

export interface FlopCount {
  flops: number;
  /** MACs per layer class, to show where the count comes from. */
  macsByClass: Record<string, number>;
  layersCounted: number;
}

type Shape = (number | null)[];

const COUNTED = new Set(['Conv2D', 'DepthwiseConv2D', 'Dense', 'EndoLensFusedConv']);

/** Output positions per frame: the product of the dims between batch and channels. */
function positions(outputShape: Shape | Shape[]): number {
  const s = (Array.isArray(outputShape[0]) ? outputShape[0] : outputShape) as Shape;
  return s.slice(1, -1).reduce<number>((a, d) => a * (d ?? 1), 1);
}

/** MACs per frame by layer (nested models walked), with the layer's class; layers that count none are absent. */
export function layerMacs(model: tf.LayersModel): Map<string, { cls: string; macs: number }> {
  const out = new Map<string, { cls: string; macs: number }>();
  const walk = (layers: tf.layers.Layer[]) => {
    for (const layer of layers) {
      const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
      if (Array.isArray(nested)) {
        walk(nested);
        continue;
      }
      const cls = layer.getClassName();
      // The first weight is the kernel ([kh, kw, cin, cout], [kh, kw, cin, mult] or [in, units]):
      // every output position uses all of it once.
      const kernel = COUNTED.has(cls) ? layer.weights[0] : undefined;
      if (!kernel) continue;
      out.set(layer.name, { cls, macs: positions(layer.outputShape) * kernel.shape.reduce<number>((a, d) => a * (d ?? 1), 1) });
    }
  };
  walk(model.layers);
  return out;
}

/** MACs of the layers named (all when absent). */
export const sumMacs = (macs: Map<string, { macs: number }>, names?: readonly string[]): number =>
  (names ?? [...macs.keys()]).reduce((a, n) => a + (macs.get(n)?.macs ?? 0), 0);

export function countFlops(model: tf.LayersModel): FlopCount {
  const macsByClass: Record<string, number> = {};
  const layers = layerMacs(model);
  for (const { cls, macs } of layers.values()) macsByClass[cls] = (macsByClass[cls] ?? 0) + macs;
  return { flops: 2 * sumMacs(layers), macsByClass, layersCounted: layers.size };
}
