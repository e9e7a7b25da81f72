/**
 * Keras's ResNet50V2(include_top=False), rebuilt in tfjs-layers with Keras's layer names
 * (keras/src/applications/resnet.py + resnet_v2.py): one builder, a V2 residual block, a stack
 * function and a stage table. 190 layers, 23,564,800 parameters, output `post_relu`.
 */
import * as tf from '@tensorflow/tfjs';
import { glorotSequence, type InitializerFactory } from './init.ts';

type Sym = tf.SymbolicTensor;

/** Keras's ResNet BatchNormalization epsilon for the V2 family. */
const BN_EPSILON = 1.001e-5;

/** [stack name, filters, blocks, stride of the last block] — ResNet50V2's stack_fn as data. */
export const RESNET50V2_STAGES: ReadonlyArray<readonly [string, number, number, number]> = [
  ['conv2', 64, 3, 2],
  ['conv3', 128, 4, 2],
  ['conv4', 256, 6, 2],
  ['conv5', 512, 3, 1],
];

interface BlockContext {
  init: InitializerFactory;
  /** Keras leaves the shortcut max-pools unnamed; their auto names in a fresh session are reproduced. */
  nextPoolName: () => string;
}

function bn(name: string): tf.layers.Layer {
  return tf.layers.batchNormalization({ axis: 3, epsilon: BN_EPSILON, momentum: 0.99, name });
}

function conv(ctx: BlockContext, name: string, filters: number, kernelSize: number, strides: number, useBias: boolean): tf.layers.Layer {
  return tf.layers.conv2d({ filters, kernelSize, strides, padding: 'valid', useBias, kernelInitializer: ctx.init(), name });
}

/** Keras's `residual_block_v2`: pre-activation BN/ReLU, bottleneck 1x1-3x3-1x1, stride on the 3x3. */
function residualBlockV2(ctx: BlockContext, x: Sym, filters: number, stride: number, convShortcut: boolean, name: string): Sym {
  let preact = bn(`${name}_preact_bn`).apply(x) as Sym;
  preact = tf.layers.activation({ activation: 'relu', name: `${name}_preact_relu` }).apply(preact) as Sym;

  let shortcut: Sym;
  if (convShortcut) {
    shortcut = conv(ctx, `${name}_0_conv`, 4 * filters, 1, stride, true).apply(preact) as Sym;
  } else if (stride > 1) {
    shortcut = tf.layers.maxPooling2d({ poolSize: 1, strides: stride, name: ctx.nextPoolName() }).apply(x) as Sym;
  } else {
    shortcut = x;
  }

  let y = conv(ctx, `${name}_1_conv`, filters, 1, 1, false).apply(preact) as Sym;
  y = bn(`${name}_1_bn`).apply(y) as Sym;
  y = tf.layers.activation({ activation: 'relu', name: `${name}_1_relu` }).apply(y) as Sym;
  y = tf.layers
    .zeroPadding2d({
      padding: [
        [1, 1],
        [1, 1],
      ],
      name: `${name}_2_pad`,
    })
    .apply(y) as Sym;
  y = conv(ctx, `${name}_2_conv`, filters, 3, stride, false).apply(y) as Sym;
  y = bn(`${name}_2_bn`).apply(y) as Sym;
  y = tf.layers.activation({ activation: 'relu', name: `${name}_2_relu` }).apply(y) as Sym;
  y = conv(ctx, `${name}_3_conv`, 4 * filters, 1, 1, true).apply(y) as Sym;
  return tf.layers.add({ name: `${name}_out` }).apply([shortcut, y]) as Sym;
}

/** Keras's `stack_residual_blocks_v2`: conv shortcut on the first block, the stride on the last. */
function stackResidualBlocksV2(ctx: BlockContext, x: Sym, filters: number, blocks: number, stride1: number, name: string): Sym {
  let y = residualBlockV2(ctx, x, filters, 1, true, `${name}_block1`);
  for (let i = 2; i < blocks; i++) y = residualBlockV2(ctx, y, filters, 1, false, `${name}_block${i}`);
  return residualBlockV2(ctx, y, filters, stride1, false, `${name}_block${blocks}`);
}

export function buildResNet50V2(opts: { inputSize: number; seed?: number }): tf.LayersModel {
  let pools = 0;
  const ctx: BlockContext = {
    init: glorotSequence(opts.seed),
    nextPoolName: () => (pools++ === 0 ? 'max_pooling2d' : `max_pooling2d_${pools - 1}`),
  };
  const input = tf.input({ shape: [opts.inputSize, opts.inputSize, 3], name: 'input_1' });
  let x = tf.layers
    .zeroPadding2d({
      padding: [
        [3, 3],
        [3, 3],
      ],
      name: 'conv1_pad',
    })
    .apply(input) as Sym;
  x = conv(ctx, 'conv1_conv', 64, 7, 2, true).apply(x) as Sym;
  x = tf.layers
    .zeroPadding2d({
      padding: [
        [1, 1],
        [1, 1],
      ],
      name: 'pool1_pad',
    })
    .apply(x) as Sym;
  x = tf.layers.maxPooling2d({ poolSize: 3, strides: 2, name: 'pool1_pool' }).apply(x) as Sym;
  for (const [name, filters, blocks, stride1] of RESNET50V2_STAGES) {
    x = stackResidualBlocksV2(ctx, x, filters, blocks, stride1, name);
  }
  x = bn('post_bn').apply(x) as Sym;
  x = tf.layers.activation({ activation: 'relu', name: 'post_relu' }).apply(x) as Sym;
  return tf.model({ inputs: input, outputs: x, name: 'resnet50v2' });
}
