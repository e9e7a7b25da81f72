/**
 * Keras's MobileNetV2(include_top=False, alpha), rebuilt in tfjs-layers with Keras's layer names
 * (keras/src/applications/mobilenet_v2.py): `_inverted_res_block` plus a block table. Output `out_relu`.
 *
 * Current Keras builds `Conv1` as a 'same'-padded stride-2 conv; Keras <= 2.2 had a separate
 * `Conv1_pad` (ZeroPadding2D (0,1),(0,1)) + 'valid' conv. Both compute the same thing and the pad has
 * no weights, so weights saved by either version (e.g. the Teachable Machine model) load by name.
 */
import * as tf from '@tensorflow/tfjs';
import { glorotSequence, type InitializerFactory } from './init.ts';

type Sym = tf.SymbolicTensor;

/** [filters, stride, expansion] for block_id 0..16, as in Keras's MobileNetV2 body. */
export const MOBILENETV2_BLOCKS: ReadonlyArray<readonly [number, number, number]> = [
  [16, 1, 1],
  [24, 2, 6],
  [24, 1, 6],
  [32, 2, 6],
  [32, 1, 6],
  [32, 1, 6],
  [64, 2, 6],
  [64, 1, 6],
  [64, 1, 6],
  [64, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [96, 1, 6],
  [160, 2, 6],
  [160, 1, 6],
  [160, 1, 6],
  [320, 1, 6],
];

/** The alphas Keras publishes ImageNet weights for. */
export const MOBILENETV2_ALPHAS: readonly number[] = [0.35, 0.5, 0.75, 1.0, 1.3, 1.4];

/** Keras's `_make_divisible`: round to the nearest multiple of `divisor`, never dropping below 90 %. */
export function makeDivisible(v: number, divisor = 8, minValue = divisor): number {
  let newV = Math.max(minValue, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (newV < 0.9 * v) newV += divisor;
  return newV;
}

/** Keras's `imagenet_utils.correct_pad` for a 3x3 stride-2 'valid' conv: TF 'same' padding made explicit. */
function correctPad(x: Sym, kernel: number): [[number, number], [number, number]] {
  const [h, w] = [x.shape[1], x.shape[2]];
  const adjust = [h == null ? 1 : 1 - (h % 2), w == null ? 1 : 1 - (w % 2)];
  const c = Math.floor(kernel / 2);
  return [
    [c - adjust[0], c],
    [c - adjust[1], c],
  ];
}

function bn(name: string): tf.layers.Layer {
  return tf.layers.batchNormalization({ axis: 3, epsilon: 1e-3, momentum: 0.999, name });
}

function relu6(name: string): tf.layers.Layer {
  return tf.layers.reLU({ maxValue: 6, name });
}

function pointwise(init: InitializerFactory, filters: number, name: string, padding: 'same' | 'valid' = 'same'): tf.layers.Layer {
  return tf.layers.conv2d({ filters, kernelSize: 1, padding, useBias: false, kernelInitializer: init(), name });
}

function invertedResBlock(
  init: InitializerFactory,
  inputs: Sym,
  expansion: number,
  stride: number,
  alpha: number,
  filters: number,
  blockId: number,
): Sym {
  const inChannels = inputs.shape[3] as number;
  const pointwiseFilters = makeDivisible(Math.trunc(filters * alpha), 8);
  let x = inputs;
  let prefix = `block_${blockId}_`;
  if (blockId > 0) {
    x = pointwise(init, expansion * inChannels, `${prefix}expand`).apply(x) as Sym;
    x = bn(`${prefix}expand_BN`).apply(x) as Sym;
    x = relu6(`${prefix}expand_relu`).apply(x) as Sym;
  } else {
    prefix = 'expanded_conv_';
  }
  if (stride === 2) {
    x = tf.layers.zeroPadding2d({ padding: correctPad(x, 3), name: `${prefix}pad` }).apply(x) as Sym;
  }
  x = tf.layers
    .depthwiseConv2d({
      kernelSize: 3,
      strides: stride,
      padding: stride === 1 ? 'same' : 'valid',
      useBias: false,
      depthwiseInitializer: init(),
      name: `${prefix}depthwise`,
    })
    .apply(x) as Sym;
  x = bn(`${prefix}depthwise_BN`).apply(x) as Sym;
  x = relu6(`${prefix}depthwise_relu`).apply(x) as Sym;
  x = pointwise(init, pointwiseFilters, `${prefix}project`).apply(x) as Sym;
  x = bn(`${prefix}project_BN`).apply(x) as Sym;
  if (inChannels === pointwiseFilters && stride === 1) {
    return tf.layers.add({ name: `${prefix}add` }).apply([inputs, x]) as Sym;
  }
  return x;
}

export function buildMobileNetV2(opts: { inputSize: number; alpha?: number; seed?: number }): tf.LayersModel {
  const alpha = opts.alpha ?? 1.0;
  if (!(alpha > 0) || !Number.isFinite(alpha)) {
    throw new Error(`MobileNetV2 alpha must be a positive number. Received: alpha=${String(opts.alpha)}`);
  }
  const init = glorotSequence(opts.seed);
  const input = tf.input({ shape: [opts.inputSize, opts.inputSize, 3], name: 'input_1' });
  let x = tf.layers
    .conv2d({
      filters: makeDivisible(32 * alpha, 8),
      kernelSize: 3,
      strides: 2,
      padding: 'same',
      useBias: false,
      kernelInitializer: init(),
      name: 'Conv1',
    })
    .apply(input) as Sym;
  x = bn('bn_Conv1').apply(x) as Sym;
  x = relu6('Conv1_relu').apply(x) as Sym;
  MOBILENETV2_BLOCKS.forEach(([filters, stride, expansion], blockId) => {
    x = invertedResBlock(init, x, expansion, stride, alpha, filters, blockId);
  });
  const lastBlockFilters = alpha > 1.0 ? makeDivisible(1280 * alpha, 8) : 1280;
  x = pointwise(init, lastBlockFilters, 'Conv_1', 'valid').apply(x) as Sym;
  x = bn('Conv_1_bn').apply(x) as Sym;
  x = relu6('out_relu').apply(x) as Sym;
  return tf.model({ inputs: input, outputs: x, name: `mobilenetv2_${alpha.toFixed(2)}` });
}
