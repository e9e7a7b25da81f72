/**
 * Shared geometry for the conv backprops: explicit paddings from tfjs's own conv-info rules, and the
 * "transposed convolution as a stride-1 convolution" rewrite of a backprop-input.
 */
import * as tf from '@tensorflow/tfjs';
import type { KernelScope } from './kernel-scope.ts';

type Pad = 'same' | 'valid' | number | tf.backend_util.ExplicitPadding;

export interface ConvGeometry {
  batch: number;
  inH: number;
  inW: number;
  outH: number;
  outW: number;
  kh: number;
  kw: number;
  sh: number;
  sw: number;
  top: number;
  bottom: number;
  left: number;
  right: number;
}

export function checkNhwc(kernelName: string, dataFormat: string | undefined): void {
  if (dataFormat !== undefined && dataFormat !== 'NHWC') {
    throw new Error(`${kernelName} (EndoLens training kernels): dataFormat ${dataFormat} is not supported; only NHWC.`);
  }
}

export type Shape4 = [number, number, number, number];

/** A filter gradient's inputs, filter shape and forward-conv geometry, from what its kernel receives (NHWC only). */
export function filterGradientArgs(
  kernelName: 'Conv2DBackpropFilter' | 'DepthwiseConv2dNativeBackpropFilter',
  inputs: tf.NamedTensorInfoMap,
  attrs: tf.NamedAttrMap | undefined,
): { x: tf.TensorInfo; dy: tf.TensorInfo; filterShape: Shape4; g: ConvGeometry } {
  const { x, dy } = inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
  const a = attrs as unknown as tf.Conv2DBackpropFilterAttrs & Partial<tf.DepthwiseConv2dNativeBackpropFilterAttrs>;
  checkNhwc(kernelName, a.dataFormat);
  const depthwise = kernelName === 'DepthwiseConv2dNativeBackpropFilter';
  const g = convGeometry(x.shape as Shape4, a.filterShape, a.strides, a.pad, a.dimRoundingMode, depthwise, kernelName, a.dilations);
  return { x, dy, filterShape: a.filterShape, g };
}

export function convGeometry(
  xShape: [number, number, number, number],
  filterShape: [number, number, number, number],
  strides: [number, number] | number,
  pad: Pad,
  dimRoundingMode: 'floor' | 'round' | 'ceil' | undefined,
  depthwise: boolean,
  kernelName: string,
  dilations: [number, number] | number = 1,
): ConvGeometry {
  const d = typeof dilations === 'number' ? [dilations, dilations] : dilations;
  if (d[0] !== 1 || d[1] !== 1) {
    throw new Error(`${kernelName} (EndoLens training kernels): dilations ${JSON.stringify(dilations)} are not supported; only 1.`);
  }
  const info = tf.backend_util.computeConv2DInfo(xShape, filterShape, strides, 1, pad, dimRoundingMode, depthwise);
  const { top, bottom, left, right } = info.padInfo;
  return {
    batch: info.batchSize,
    inH: info.inHeight,
    inW: info.inWidth,
    outH: info.outHeight,
    outW: info.outWidth,
    kh: info.filterHeight,
    kw: info.filterWidth,
    sh: info.strideHeight,
    sw: info.strideWidth,
    top,
    bottom,
    left,
    right,
  };
}

/**
 * Turns dy into the input of a stride-1 'valid' convolution whose output is dx: dy is dilated by the
 * stride (zeros between rows/columns: reshape to [N,H,1,W,1,C], pad to [N,H,s,W,s,C], reshape back)
 * and padded by (k-1-padBefore) before and whatever makes the result exactly the input size after.
 */
export function dilateAndPadForBackpropInput(s: KernelScope, dy: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  const [n, oh, ow, c] = dy.shape;
  let y = dy;
  if (g.sh > 1 || g.sw > 1) {
    y = s.reshape(y, [n, oh, 1, ow, 1, c]);
    y = s.pad(y, [
      [0, 0],
      [0, 0],
      [0, g.sh - 1],
      [0, 0],
      [0, g.sw - 1],
      [0, 0],
    ]);
    y = s.reshape(y, [n, oh * g.sh, ow * g.sw, c]);
  }
  // Rows of y now: (oh-1)*sh+1 meaningful + (sh-1) trailing zeros. Wanted before/after paddings:
  const before = [g.kh - 1 - g.top, g.kw - 1 - g.left];
  const after = [g.inH - (oh - 1) * g.sh - 1 + g.top, g.inW - (ow - 1) * g.sw - 1 + g.left];
  if (before[0] < 0 || before[1] < 0) {
    throw new Error(`Conv backprop on wasm (EndoLens): padding ${g.top}/${g.left} larger than the kernel is not supported.`);
  }
  const trailing = [g.sh - 1, g.sw - 1];
  const extra = [after[0] - trailing[0], after[1] - trailing[1]];
  if (extra[0] < 0 || extra[1] < 0) {
    // Drop the trailing zero rows/columns the conv never reads (happens when the forward conv skipped input).
    const keep = [y.shape[1] + Math.min(0, extra[0]), y.shape[2] + Math.min(0, extra[1])];
    y = s.slice(y, [0, 0, 0, 0], [n, keep[0], keep[1], c]);
  }
  return s.pad(y, [
    [0, 0],
    [before[0], Math.max(0, extra[0])],
    [before[1], Math.max(0, extra[1])],
    [0, 0],
  ]);
}

/** x zero-padded by the forward conv's own padding: every tap window lies inside it. */
export function paddedInput(s: KernelScope, x: tf.TensorInfo, g: ConvGeometry): tf.TensorInfo {
  return s.pad(x, [
    [0, 0],
    [g.top, g.bottom],
    [g.left, g.right],
    [0, 0],
  ]);
}

/** The strided window of the padded input `xp` that tap `tap` multiplies; `xp` itself when that is all of it (1x1, stride 1). */
export function tapWindow(s: KernelScope, xp: tf.TensorInfo, g: ConvGeometry, tap: { begin: number[]; end: number[] }): tf.TensorInfo {
  const whole = g.kh === 1 && g.kw === 1 && g.sh === 1 && g.sw === 1 && xp.shape[1] === g.outH && xp.shape[2] === g.outW;
  return whole ? xp : s.stridedSlice(xp, tap.begin, tap.end, [1, g.sh, g.sw, 1]);
}

/** Every (a, b) filter tap, with the strided window of the padded input it multiplies. */
export function tapWindows(g: ConvGeometry, channels: number): Array<{ a: number; b: number; begin: number[]; end: number[] }> {
  const taps = [];
  for (let a = 0; a < g.kh; a++) {
    for (let b = 0; b < g.kw; b++) {
      taps.push({ a, b, begin: [0, a, b, 0], end: [g.batch, a + (g.outH - 1) * g.sh + 1, b + (g.outW - 1) * g.sw + 1, channels] });
    }
  }
  return taps;
}

/**
 * The filter of the transposed convolution: flipped in both spatial axes and, for a regular conv,
 * with in/out channels swapped ([kh,kw,ci,co] -> [kh,kw,co,ci]). Done in one JS pass: the wasm
 * Reverse kernel takes ~200 ms on a 3x3x512x512 filter, 10x the conv it feeds.
 */
export function flippedFilter(s: KernelScope, filter: tf.TensorInfo, swapInOut: boolean): tf.TensorInfo {
  const [kh, kw, ci, co] = filter.shape;
  const values = s.read(filter);
  const out = new Float32Array(values.length);
  const taps = kh * kw;
  for (let tap = 0; tap < taps; tap++) {
    const src = tap * ci * co;
    const dst = (taps - 1 - tap) * ci * co;
    if (!swapInOut) {
      out.set(values.subarray(src, src + ci * co), dst);
      continue;
    }
    for (let i = 0; i < ci; i++) {
      for (let o = 0; o < co; o++) out[dst + o * ci + i] = values[src + i * co + o];
    }
  }
  return s.fromValues(swapInOut ? [kh, kw, co, ci] : [kh, kw, ci, co], out);
}
