/** Model builders: Keras-faithful backbones, the EndoLens head, and the frozen/trainable split. */
import * as tf from '@tensorflow/tfjs';
import { buildMobileNetV2 } from './mobilenetv2.ts';
import { buildResNet50V2 } from './resnet50v2.ts';

export { buildClassifier, HEAD_LAYER_COUNT } from './classifier.ts';
export { splitForTraining, type TrainingSplit } from './split.ts';
export { makeDivisible, MOBILENETV2_ALPHAS } from './mobilenetv2.ts';

export type BackboneName = 'resnet50v2' | 'mobilenetv2';
export const BACKBONES: readonly BackboneName[] = ['resnet50v2', 'mobilenetv2'];

/** The layer each backbone ends at (Keras's name), where the head attaches. */
export const BACKBONE_OUTPUT_LAYER: Readonly<Record<BackboneName, string>> = {
  resnet50v2: 'post_relu',
  mobilenetv2: 'out_relu',
};

export function buildBackbone(opts: { name: BackboneName; inputSize: number; alpha?: number; seed?: number }): tf.LayersModel {
  if (!BACKBONES.includes(opts.name)) {
    throw new Error(`Unknown backbone "${String(opts.name)}". Valid backbones are: ${BACKBONES.join(', ')}.`);
  }
  // Keras's own minimum for both applications; smaller inputs collapse to nothing before the last stage.
  if (!Number.isInteger(opts.inputSize) || opts.inputSize < 32) {
    throw new Error(`inputSize must be an integer >= 32. Received: inputSize=${String(opts.inputSize)}`);
  }
  if (opts.name === 'resnet50v2') {
    if (opts.alpha !== undefined && opts.alpha !== 1) {
      throw new Error(`alpha applies to mobilenetv2 only. Received: alpha=${opts.alpha} for resnet50v2`);
    }
    return buildResNet50V2({ inputSize: opts.inputSize, seed: opts.seed });
  }
  return buildMobileNetV2({ inputSize: opts.inputSize, alpha: opts.alpha, seed: opts.seed });
}

/** All weights, trainable or not (batch-norm moving statistics included), as Keras's summary counts. */
export function countParams(model: tf.LayersModel): number {
  return model.countParams();
}
