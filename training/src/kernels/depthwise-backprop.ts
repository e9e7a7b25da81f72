/**
 * DepthwiseConv2dNativeBackpropFilter and ...BackpropInput, both missing on wasm (MobileNetV2 needs
 * them), composed from the wasm backend's kernels. Any channel multiplier m works: output channel
 * c*m+j of the forward op reads input channel c through filter[:, :, c, j].
 */
import * as tf from '@tensorflow/tfjs';
import { convGeometry, dilateAndPadForBackpropInput, filterGradientArgs, flippedFilter, paddedInput, tapWindows } from './conv-geometry.ts';
import { KernelScope, WASM } from './kernel-scope.ts';

type Shape4 = [number, number, number, number];

/** dW[a,b,c,j] = sum over n,i,k of Xpad[n, i*s+a, k*s+b, c] * dY[n,i,k,c*m+j]: one multiply + sum per tap. */
const depthwiseBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy, filterShape, g } = filterGradientArgs('DepthwiseConv2dNativeBackpropFilter', inputs, attrs);
  const [kh, kw, c, m] = filterShape;
  return KernelScope.use(backend, (s) => {
    const xp = paddedInput(s, x, g);
    const dyM = m === 1 ? dy : s.reshape(dy, [g.batch, g.outH, g.outW, c, m]);
    const perTap = tapWindows(g, c).map(({ begin, end }) => {
      let window = s.stridedSlice(xp, begin, end, [1, g.sh, g.sw, 1]);
      if (m > 1) window = s.reshape(window, [g.batch, g.outH, g.outW, c, 1]);
      const product = s.run('Multiply', { a: window, b: dyM });
      return s.reshape(s.run('Sum', { x: product }, { axis: [0, 1, 2], keepDims: false }), [1, c * m]);
    });
    const stacked = perTap.length === 1 ? perTap[0] : s.run('Concat', perTap, { axis: 0 });
    return s.reshape(stacked, [kh, kw, c, m]);
  });
};

/** dX: a stride-1 depthwise conv of the dilated, padded dY with the spatially flipped filter. */
const depthwiseBackpropInput: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { dy, filter } = inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
  const a = attrs as unknown as tf.DepthwiseConv2dNativeBackpropInputAttrs;
  const inputShape = a.inputShape;
  const g = convGeometry(
    inputShape,
    filter.shape as Shape4,
    a.strides,
    a.pad,
    a.dimRoundingMode,
    true,
    'DepthwiseConv2dNativeBackpropInput',
    a.dilations,
  );
  const [kh, kw, c, m] = filter.shape as Shape4;
  return KernelScope.use(backend, (s) => {
    let flipped = flippedFilter(s, filter, false);
    if (m > 1) flipped = s.reshape(flipped, [kh, kw, c * m, 1]);
    const padded = dilateAndPadForBackpropInput(s, dy, g);
    const dx = s.run('DepthwiseConv2dNative', { x: padded, filter: flipped }, { strides: [1, 1], pad: 'valid', dilations: [1, 1] });
    if (m === 1) return dx;
    const perMultiplier = s.reshape(dx, [g.batch, g.inH, g.inW, c, m]);
    return s.run('Sum', { x: perMultiplier }, { axis: [4], keepDims: false });
  });
};

export const depthwiseBackpropKernels: tf.KernelConfig[] = [
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: WASM, kernelFunc: depthwiseBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropInput', backendName: WASM, kernelFunc: depthwiseBackpropInput },
];
