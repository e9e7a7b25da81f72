/**
 * wasm BatchMatMul with a transposed operand is ~50x (A) / ~12x (B) slower than without (TECH-NOTES);
 * Dense gradients ask for exactly that. This wrapper transposes explicitly and calls the original
 * wasm kernel untransposed.
 */
import * as tf from '@tensorflow/tfjs';
import { KernelScope, WASM } from './kernel-scope.ts';

function swapLastTwo(rank: number): number[] {
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return perm;
}

export function transposeFreeBatchMatMul(original: tf.KernelConfig): tf.KernelConfig {
  const kernelFunc: tf.KernelFunc = (params) => {
    const { transposeA, transposeB } = params.attrs as unknown as tf.BatchMatMulAttrs;
    if (!transposeA && !transposeB) return original.kernelFunc(params);
    const { a, b } = params.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
    return KernelScope.use(params.backend, (s) => {
      const a2 = transposeA ? s.transpose(a, swapLastTwo(a.shape.length)) : a;
      const b2 = transposeB ? s.transpose(b, swapLastTwo(b.shape.length)) : b;
      const out = original.kernelFunc({
        ...params,
        inputs: { a: a2, b: b2 },
        attrs: { ...params.attrs, transposeA: false, transposeB: false },
      });
      return Array.isArray(out) ? out[0] : out;
    });
  };
  // Keep the original setupFunc: it binds the wasm function if the backend initialises after this.
  return { kernelName: 'BatchMatMul', backendName: WASM, setupFunc: original.setupFunc, kernelFunc, disposeFunc: original.disposeFunc };
}
