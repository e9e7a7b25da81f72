/**
 * The familiarity check's view of a loaded model: one forward pass that yields both the pooled
 * feature vector (metadata.json `familiarity.layer`) and the class probabilities, so checking a frame
 * costs no second pass. Distances and flags come from src/core/familiarity.ts, the trainer's code.
 *
 * Disposal: the view shares every layer and weight with the base model and owns no tensor of its
 * own. Dispose the base model only, once: tfjs's Container.dispose() would dispose the shared layers
 * again (it throws "already disposed" after the base, or frees the base's weights under it before).
 */
import * as tf from '@tensorflow/tfjs';
import { centroidDistance, isUnfamiliar, type FamiliarityCheck } from '../core/familiarity.ts';
import { ModelLoadError } from './model-files.ts';

/** What a frame's outcome carries about the check. */
export interface FamiliarityScore {
  /** Cosine distance to the nearest class centroid (NaN if the features were broken). */
  familiarityDistance: number;
  unfamiliar: boolean;
}

function layerOutput(model: tf.LayersModel, name: string): tf.SymbolicTensor {
  let layer: tf.layers.Layer;
  try {
    layer = model.getLayer(name);
  } catch {
    throw new ModelLoadError('mismatch', `metadata.json's familiarity check reads layer "${name}", but model.json has no layer of that name.`);
  }
  let out: tf.SymbolicTensor | tf.SymbolicTensor[];
  try {
    out = layer.output;
  } catch (e) {
    // A layer applied several times has no single output to read.
    throw new ModelLoadError('mismatch', `metadata.json's familiarity check reads layer "${name}", which has no single output (${e instanceof Error ? e.message : String(e)}).`);
  }
  if (Array.isArray(out)) throw new ModelLoadError('mismatch', `metadata.json's familiarity check reads layer "${name}", which has ${out.length} outputs; it needs one.`);
  return out;
}

/**
 * The two-output view [features, probabilities] of `model`. Refuses (ModelLoadError 'mismatch',
 * naming the layer and the sizes) a layer that is missing, not rank 2 ([batch, width]) or whose
 * width is not the centroids' length. Builds nothing that needs disposing (see the file comment).
 */
export function buildFamiliarityModel(model: tf.LayersModel, check: Pick<FamiliarityCheck, 'layer' | 'centroids'>): tf.LayersModel {
  const features = layerOutput(model, check.layer);
  const shape = features.shape;
  const dim = check.centroids[0]?.length ?? 0;
  if (shape.length !== 2) {
    throw new ModelLoadError('mismatch', `metadata.json's familiarity check reads layer "${check.layer}", whose output has shape [${shape.map((d) => d ?? 'batch').join(', ')}]; it must be a pooled vector [batch, width].`);
  }
  if (shape[1] !== dim) {
    throw new ModelLoadError('mismatch', `metadata.json's familiarity centroids have ${dim} values, but layer "${check.layer}" of model.json outputs ${shape[1]}.`);
  }
  return tf.model({ inputs: model.inputs, outputs: [features, model.outputs[0]], name: `${model.name}_familiarity` });
}

/** A frame's distance and flag, from its feature vector, with the shared definitions. */
export function familiarityOf(features: ArrayLike<number>, check: Pick<FamiliarityCheck, 'centroids' | 'threshold'>): FamiliarityScore {
  const familiarityDistance = centroidDistance(features, check.centroids);
  return { familiarityDistance, unfamiliar: isUnfamiliar(familiarityDistance, check) };
}
