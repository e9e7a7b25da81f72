/**
 * FLOPs per frame counted from a tfjs layers model: every Conv2D, DepthwiseConv2D and Dense layer's
 * multiply-accumulates (output positions x kernel size), times 2. Batch norm, activations, pooling
 * and additions are left out (a few percent at most for these models), as is customary.
 */
import type * as tf from '@tensorflow/tfjs';

export interface FlopCount {
  flops: number;
  /** MACs per layer class, to show where the count comes from. */
  macsByClass: Record<string, number>;
  layersCounted: number;
}

type Shape = (number | null)[];

function spatial(shape: Shape | Shape[]): number {
  const s = (Array.isArray(shape[0]) ? shape[0] : shape) as Shape;
  // NHWC output: positions = H x W (batch dim ignored: per frame).
  return s.slice(1, -1).reduce<number>((a, d) => a * (d ?? 1), 1);
}

function kernelSize(layer: tf.layers.Layer): number {
  const kernel = layer.getWeights()[0];
  return kernel ? kernel.shape.reduce((a, d) => a * d, 1) : 0;
}

export function countFlops(model: tf.LayersModel): FlopCount {
  const macsByClass: Record<string, number> = {};
  let layersCounted = 0;
  const walk = (layers: tf.layers.Layer[]) => {
    for (const layer of layers) {
      const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
      if (Array.isArray(nested)) {
        walk(nested);
        continue;
      }
      const cls = layer.getClassName();
      let macs: number;
      // Conv2D kernel [kh, kw, cin, cout], depthwise [kh, kw, cin, mult]: each output position uses all of it.
      if (cls === 'Conv2D' || cls === 'DepthwiseConv2D') macs = spatial(layer.outputShape) * kernelSize(layer);
      // Dense kernel [in, units], applied once per position of any leading (non-batch) dims.
      else if (cls === 'Dense') macs = spatial([null, ...(layer.outputShape as Shape).slice(1, -1), 1]) * kernelSize(layer);
      else continue;
      macsByClass[cls] = (macsByClass[cls] ?? 0) + macs;
      layersCounted++;
    }
  };
  walk(model.layers);
  const macs = Object.values(macsByClass).reduce((a, b) => a + b, 0);
  return { flops: 2 * macs, macsByClass, layersCounted };
}
