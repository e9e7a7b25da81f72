/**
 * Tile on wasm walks every output element with index arithmetic (~60 ms to broadcast a [1,1,1,1280]
 * vector over an 8x7x7x1280 batch); tfjs's batch-norm gradient tiles like that for every BN layer.
 * When every repeated axis has size 1, tiling is broadcasting: zeros of the output shape plus x, two
 * vectorised passes. Other tiles go to the original kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelScope, WASM } from './kernel-scope.ts';

export function broadcastingTile(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (params) => {
    const { x } = params.inputs as { x: tf.TensorInfo };
    const { reps } = params.attrs as unknown as tf.TileAttrs;
    const broadcastable = x.dtype === 'float32' && reps.every((r, axis) => r === 1 || x.shape[axis] === 1);
    if (!broadcastable) return original.kernelFunc(params);
    const shape = x.shape.map((d, axis) => d * reps[axis]);
    return KernelScope.use(params.backend, (s) => {
      const zeros = s.run('Fill', {}, { shape, value: 0, dtype: 'float32' });
      return s.run('Add', { a: zeros, b: x });
    });
  };
  return { kernelName: 'Tile', backendName: WASM, setupFunc: original.setupFunc, kernelFunc, disposeFunc: original.disposeFunc };
}
