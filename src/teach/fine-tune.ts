/**
 * Teaching's optional second step: after the new head, the backbone's last layers are fine-tuned
 * on the frames themselves, with the trainer's own schedule code (training/src: its Trainer, Keras
 * augmentation and WASM gradient kernels; shared, not copied), at the original recipe's fine-tune
 * settings (last 13 layers, Adam 1e-4, batch 32). The epoch kept is the one with the lowest loss on
 * the inner cut of the training part; the held-out frames are never seen.
 */
import * as tf from '@tensorflow/tfjs';
import { augmentBatch } from '../../training/src/augment/augment.ts';
import { registerWasmTrainingKernels } from '../../training/src/kernels/register.ts';
import { HEAD_LAYER_COUNT } from '../../training/src/models/classifier.ts';
import type { ImageSplit } from '../../training/src/schedule/batches.ts';
import { DEFAULT_SCHEDULE } from '../../training/src/schedule/phases.ts';
import { Trainer } from '../../training/src/schedule/trainer.ts';
import type { EpochRecord } from '../core/metadata.ts';
import { HeadTrainingCancelled } from './head-trainer.ts';

export type { ImageSplit };

export const FINE_TUNE_DEFAULTS = {
  /** Fewer than the original's 20: a clinician's few hundred frames, on a CPU, in minutes. */
  epochs: 8,
  unfreeze: DEFAULT_SCHEDULE.unfreeze,
  learningRate: DEFAULT_SCHEDULE.lr,
  batchSize: DEFAULT_SCHEDULE.batchSize,
  augmentation: 'keras: rotation 10, shift 0.2, shear 0.2, zoom 0.2, horizontal flip, constant fill',
} as const;

export interface FineTuneInput {
  /** The base backbone with the new head (assembleTaughtModel's output). */
  artifacts: tf.io.ModelArtifacts;
  train: ImageSplit;
  /** The inner cut: picks the epoch kept. */
  val: ImageSplit;
  numClasses: number;
  inputSize: number;
  inputRange: readonly [number, number];
  seed: number;
  epochs?: number;
  signal?: AbortSignal;
  /** Just before each epoch (1-based), after the model and trainer are set up. */
  onEpochStart?: (epoch: number) => void;
  onEpoch?: (record: EpochRecord, epochs: number) => void;
}

export interface FineTuneResult {
  /** The fine-tuned classifier at its kept epoch; the caller disposes it. */
  model: tf.LayersModel;
  history: EpochRecord[];
  bestEpoch: number;
  epochs: number;
  /** The backbone's last layers trained. */
  unfreeze: number;
}

export async function fineTuneLastBlocks(input: FineTuneInput): Promise<FineTuneResult> {
  const epochs = input.epochs ?? FINE_TUNE_DEFAULTS.epochs;
  // The gradients of conv and depthwise conv on WASM are the trainer's kernels (tfjs's are far slower).
  if (tf.getBackend() === 'wasm') registerWasmTrainingKernels();
  const model = await tf.loadLayersModel(tf.io.fromMemory(input.artifacts));
  const backboneLayerCount = model.layers.length - HEAD_LAYER_COUNT;
  // A backbone shorter than the recipe's 13 layers (a small test model) trains all of them.
  const unfreeze = Math.min(FINE_TUNE_DEFAULTS.unfreeze, backboneLayerCount - 1);
  const trainer = new Trainer({
    classifier: model,
    backboneLayerCount,
    numClasses: input.numClasses,
    inputSize: input.inputSize,
    inputRange: input.inputRange,
    phases: [{ name: 'finetune', epochs, learningRate: FINE_TUNE_DEFAULTS.learningRate, unfreeze }],
    batchSize: FINE_TUNE_DEFAULTS.batchSize,
    seed: input.seed,
    train: input.train,
    val: input.val,
    augment: (batch, rng) => augmentBatch(batch, rng),
  });
  try {
    for (let e = 0; e < epochs; e++) {
      if (input.signal?.aborted) throw new HeadTrainingCancelled();
      input.onEpochStart?.(e + 1);
      const record = await trainer.runEpoch({ signal: input.signal });
      input.onEpoch?.(record, epochs);
    }
    const best = trainer.useBestWeights();
    return { model, history: [...trainer.history], bestEpoch: best.epoch, epochs, unfreeze };
  } catch (e) {
    model.dispose();
    if (input.signal?.aborted) throw new HeadTrainingCancelled();
    throw e;
  } finally {
    trainer.dispose();
  }
}

/** A model's stored artifacts (model.json topology and weights), to export it in the trainer's format. */
export async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler((a) => {
      saved = a;
      return Promise.resolve({ modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } });
    }),
  );
  return saved as tf.io.ModelArtifacts;
}
