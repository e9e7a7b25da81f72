/**
 * What the worker runs frames through: the loaded model and, when its metadata has a familiarity
 * check, the check's two-output view of it. One place decides how a batch is run and how the pair
 * is freed, so the worker and the tests share it.
 */
import type * as tf from '@tensorflow/tfjs';
import { scoreFamiliarity, type FamiliarityCheck, type FamiliarityScore } from '../core/familiarity.ts';
import { classifyBatch, classifyBatchWithFeatures } from './classify.ts';
import { buildFamiliarityModel } from './familiarity-model.ts';

export interface InferenceModel {
  model: tf.LayersModel;
  inputSize: number;
  /** Absent when the model has no check: its frames are then "not checked". */
  familiarity?: { view: tf.LayersModel; check: FamiliarityCheck };
}

export interface FrameScores {
  probabilities: number[];
  familiarity?: FamiliarityScore;
}

/** Throws ModelLoadError('mismatch') when the check does not fit the model; the caller disposes `model` then. */
export function makeInferenceModel(model: tf.LayersModel, inputSize: number, check: FamiliarityCheck | undefined): InferenceModel {
  if (!check) return { model, inputSize };
  return { model, inputSize, familiarity: { view: buildFamiliarityModel(model, check), check } };
}

/** One forward pass per batch; every tensor is disposed before this returns. */
export async function runBatch(m: InferenceModel, inputs: readonly Float32Array[]): Promise<FrameScores[]> {
  if (!m.familiarity) return (await classifyBatch(m.model, inputs, m.inputSize)).map((probabilities) => ({ probabilities }));
  const { check, view } = m.familiarity;
  const out = await classifyBatchWithFeatures(view, inputs, m.inputSize);
  return out.probabilities.map((probabilities, i) => ({ probabilities, familiarity: scoreFamiliarity(out.features[i], check) }));
}

/** Frees the weights exactly once: the view shares them and owns nothing (src/inference/familiarity-model.ts). */
export function disposeInferenceModel(m: InferenceModel): void {
  m.model.dispose();
}
