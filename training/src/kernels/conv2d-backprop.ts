/**
 * Conv2DBackpropFilter (missing on wasm) and Conv2DBackpropInput (a plain loop on wasm, 1-5 GFLOP/s),
 * written as compositions of the wasm backend's fast kernels (XNNPACK conv and matmul, ~28 GFLOP/s).
 *
 * Why kernels and not gradient overrides: tfjs-layers' Conv2D runs the fused conv op, whose gradient
 * is a customGrad that calls these two kernels by name; the gradient registry is never consulted.
 */
import * as tf from '@tensorflow/tfjs';
import {
  checkNhwc,
  convGeometry,
  dilateAndPadForBackpropInput,
  filterGradientArgs,
  flippedFilter,
  paddedInput,
  tapWindow,
  tapWindows,
} from './conv-geometry.ts';
import { KernelScope, WASM } from './kernel-scope.ts';

type Shape4 = [number, number, number, number];

/**
 * dW[a,b,:,:] = X_ab^T · dY over all N*outH*outW positions, X_ab being the input window of tap (a,b).
 * Computed as (dY^T · X_ab)^T with dY transposed once, because wasm matmul is slow with a transposed
 * operand (~12-50x) and explicit transposes are cheap.
 */
const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy, filterShape, g } = filterGradientArgs('Conv2DBackpropFilter', inputs, attrs);
  const [, , ci, co] = filterShape;
  const positions = g.batch * g.outH * g.outW;
  return KernelScope.use(backend, (s) => {
    const dyT = s.reshape(s.transpose(s.reshape(dy, [positions, co]), [1, 0]), [1, co, positions]);
    const xp = paddedInput(s, x, g);
    const perTap = tapWindows(g, ci).map((tap) => {
      const window = tapWindow(s, xp, g, tap);
      return s.run('BatchMatMul', { a: dyT, b: s.reshape(window, [1, positions, ci]) }, { transposeA: false, transposeB: false });
    });
    const stacked = perTap.length === 1 ? perTap[0] : s.run('Concat', perTap, { axis: 0 });
    return s.transpose(s.reshape(stacked, [g.kh, g.kw, co, ci]), [0, 1, 3, 2]);
  });
};

/**
 * dX is the transposed convolution of dY: a stride-1 'valid' conv of the stride-dilated, padded dY
 * with the filter flipped in space and its in/out channels swapped. 1x1 stride-1 convs are one matmul.
 */
const conv2DBackpropInput: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  checkNhwc('Conv2DBackpropInput', a.dataFormat);
  const inputShape = a.inputShape;
  const filterShape = filter.shape as Shape4;
  const g = convGeometry(inputShape, filterShape, a.strides, a.pad, a.dimRoundingMode, false, 'Conv2DBackpropInput');
  const [kh, kw, ci, co] = filterShape;
  return KernelScope.use(backend, (s) => {
    if (kh === 1 && kw === 1 && g.sh === 1 && g.sw === 1 && g.top + g.bottom + g.left + g.right === 0) {
      const positions = g.batch * g.outH * g.outW;
      const wT = s.reshape(s.transpose(s.reshape(filter, [ci, co]), [1, 0]), [1, co, ci]);
      const dx = s.run('BatchMatMul', { a: s.reshape(dy, [1, positions, co]), b: wT }, { transposeA: false, transposeB: false });
      return s.reshape(dx, inputShape);
    }
    const flipped = flippedFilter(s, filter, true);
    const padded = dilateAndPadForBackpropInput(s, dy, g);
    return s.run('Conv2D', { x: padded, filter: flipped }, { strides: [1, 1], pad: 'valid', dataFormat: 'NHWC', dilations: [1, 1] });
  });
};

export const conv2DBackpropKernels: tf.KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: WASM, kernelFunc: conv2DBackpropFilter },
  { kernelName: 'Conv2DBackpropInput', backendName: WASM, kernelFunc: conv2DBackpropInput },
];
