/**
 * Conv2DBackpropFilter and DepthwiseConv2dNativeBackpropFilter for the webgpu backend.
 *
 * tfjs-backend-webgpu 4.22 computes both with one GPU thread per filter weight, each summing over every
 * batch position in turn (Conv2DDerFilterProgram, DepthwiseConv2DDerFilterProgram): a ResNet50V2 1x1
 * conv 256->64 at 56x56 and batch 32 is 16k threads of 100k steps each, a MobileNetV2 depthwise 3x3
 * is under a thousand threads of 400k steps. A GPU that keeps 100k+ threads in flight sits nearly idle;
 * the all-layers training step measured 114x slower than PyTorch on an H200 (issue 11).
 *
 * Here each is composed from webgpu's own kernels (its tiled matmul, reduce, slice, pad), as the wasm
 * kernels beside this file are from wasm's: the batch positions are cut into `chunks` that run side
 * by side (split-K), then summed. Backprop-input kernels stay tfjs's: their output is as large as the
 * input, which gives every thread work (Conv2D's is a tiled matmul already).
 */
import * as tf from '@tensorflow/tfjs';
import { filterGradientArgs, paddedInput, tapWindow, tapWindows } from './conv-geometry.ts';
import { KernelScope, WEBGPU } from './kernel-scope.ts';

/** Workgroups to aim for: a few per compute unit on a large GPU (an H200 has 132). */
const WORKGROUPS_WANTED = 1024;
/** Fewer positions per chunk than this and the partial sums cost more than the parallelism gains. */
const MIN_CHUNK = 256;
/** tfjs-webgpu's packed matmul computes a 32x32 tile of the output per workgroup. */
const MATMUL_TILE = 32;

/**
 * How many chunks to cut `positions` into when each chunk's result already spreads over
 * `workgroupsPerChunk` workgroups: enough to reach WORKGROUPS_WANTED, none shorter than MIN_CHUNK.
 */
export function positionChunks(positions: number, workgroupsPerChunk: number): number {
  const wanted = Math.ceil(WORKGROUPS_WANTED / Math.max(1, workgroupsPerChunk));
  return Math.max(1, Math.min(wanted, Math.floor(positions / MIN_CHUNK)));
}

/** [positions, c] rows as [chunks, rows per chunk, c], zero rows appended so they divide evenly (zeros add nothing). */
function inChunks(s: KernelScope, t: tf.TensorInfo, positions: number, c: number, chunks: number): tf.TensorInfo {
  const perChunk = Math.ceil(positions / chunks);
  const rows = s.pad(s.reshape(t, [positions, c]), [
    [0, chunks * perChunk - positions],
    [0, 0],
  ]);
  return s.reshape(rows, [chunks, perChunk, c]);
}

/** Sums [chunks, ...] over its first axis into [1, ...]; nothing to do for one chunk. */
function sumChunks(s: KernelScope, t: tf.TensorInfo): tf.TensorInfo {
  return t.shape[0] === 1 ? t : s.run('Sum', { x: t }, { axis: [0], keepDims: true });
}

/** dW[a,b] = X_ab^T · dY over all positions, for every tap (a,b): per chunk one tiled matmul, then the chunks summed. */
const conv2DBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy, filterShape, g } = filterGradientArgs('Conv2DBackpropFilter', inputs, attrs);
  const [, , ci, co] = filterShape;
  const positions = g.batch * g.outH * g.outW;
  const chunks = positionChunks(positions, Math.ceil(ci / MATMUL_TILE) * Math.ceil(co / MATMUL_TILE));
  return KernelScope.use(
    backend,
    (s) => {
      const dyChunks = inChunks(s, dy, positions, co, chunks);
      const xp = paddedInput(s, x, g);
      const perTap = tapWindows(g, ci).map((tap) => {
        const xChunks = inChunks(s, tapWindow(s, xp, g, tap), positions, ci, chunks);
        const partial = s.run('BatchMatMul', { a: xChunks, b: dyChunks }, { transposeA: true, transposeB: false });
        return sumChunks(s, partial);
      });
      const stacked = perTap.length === 1 ? perTap[0] : s.run('Concat', perTap, { axis: 0 });
      return s.reshape(stacked, filterShape);
    },
    WEBGPU,
  );
};

/** dW[a,b,c,j] = sum over positions of X_ab[., c] * dY[., c*m+j]: per tap one multiply, summed per chunk, then over chunks. */
const depthwiseBackpropFilter: tf.KernelFunc = ({ inputs, backend, attrs }) => {
  const { x, dy, filterShape, g } = filterGradientArgs('DepthwiseConv2dNativeBackpropFilter', inputs, attrs);
  const [, , c, m] = filterShape;
  const positions = g.batch * g.outH * g.outW;
  // tfjs's reduce runs one workgroup per output value: chunks x channels of them.
  const chunks = positionChunks(positions, c * m);
  return KernelScope.use(
    backend,
    (s) => {
      const xp = paddedInput(s, x, g);
      const dyM = m === 1 ? dy : s.reshape(dy, [g.batch, g.outH, g.outW, c, m]);
      const perTap = tapWindows(g, c).map((tap) => {
        let window = tapWindow(s, xp, g, tap);
        if (m > 1) window = s.reshape(window, [g.batch, g.outH, g.outW, c, 1]);
        const product = inChunks(s, s.run('Multiply', { a: window, b: dyM }), positions, c * m, chunks);
        return sumChunks(s, s.run('Sum', { x: product }, { axis: [1], keepDims: false }));
      });
      const stacked = perTap.length === 1 ? perTap[0] : s.run('Concat', perTap, { axis: 0 });
      return s.reshape(stacked, filterShape);
    },
    WEBGPU,
  );
};

export const webGpuBackpropFilterKernels: tf.KernelConfig[] = [
  { kernelName: 'Conv2DBackpropFilter', backendName: WEBGPU, kernelFunc: conv2DBackpropFilter },
  { kernelName: 'DepthwiseConv2dNativeBackpropFilter', backendName: WEBGPU, kernelFunc: depthwiseBackpropFilter },
];
