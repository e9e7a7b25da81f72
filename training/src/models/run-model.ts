/** The classifier a training run fine-tunes: backbone, pretrained weights, the EndoLens head. */
import type * as tf from '@tensorflow/tfjs';
import type { TrainOptions } from '../train-options.ts';
import { alphaFromWeights, loadBackboneWeights } from '../weights/index.ts';
import { buildBackbone, buildClassifier } from './index.ts';

export interface RunModel {
  classifier: tf.LayersModel;
  /** The backbone's layer count (input included): where the head starts in the classifier. */
  backboneLayerCount: number;
  /** MobileNetV2's width as built (given, or read from the weights); undefined for ResNet50V2 or the builder's default. */
  alpha: number | undefined;
}

type ModelOptions = Pick<TrainOptions, 'backbone' | 'inputSize' | 'alpha' | 'weights' | 'cacheDir' | 'seed' | 'unfreeze'>;

/**
 * Builds the classifier for `numClasses`. `loadWeights` false (a resumed run) skips the pretrained
 * weights: the checkpoint holds every weight, so their source need not be reachable again.
 */
export async function buildRunModel(opts: ModelOptions, numClasses: number, loadWeights: boolean): Promise<RunModel> {
  const alpha = opts.backbone === 'mobilenetv2' ? (opts.alpha ?? (await weightsAlpha(opts.weights))) : undefined;
  const backbone = buildBackbone({ name: opts.backbone, inputSize: opts.inputSize, alpha, seed: opts.seed });
  if (loadWeights && opts.weights !== 'none') {
    await loadBackboneWeights(backbone, opts.weights, { cacheDir: opts.cacheDir, backboneName: opts.backbone, alpha });
  }
  if (opts.unfreeze > backbone.layers.length - 1) {
    backbone.dispose();
    throw new RangeError(
      `--unfreeze ${opts.unfreeze} exceeds the ${backbone.layers.length - 1} layers of ${opts.backbone} after its input.`,
    );
  }
  const classifier = buildClassifier(backbone, numClasses, { seed: opts.seed });
  return { classifier, backboneLayerCount: backbone.layers.length, alpha };
}

async function weightsAlpha(weights: string): Promise<number | undefined> {
  if (weights === 'none' || weights === 'imagenet') return undefined; // the builder's default (1.0)
  return (await alphaFromWeights(weights)) ?? undefined;
}
