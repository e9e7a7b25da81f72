/**
 * The familiarity check's view of a loaded model: one forward pass that yields both the pooled
 * feature vector (metadata.json `familiarity.layer`) and the class probabilities, so checking a frame
 * costs no second pass. Distances and flags come from src/core/familiarity.ts, the trainer's code.
 *
 * Disposal: the view shares every layer and weight with the base model and owns no tensor of its
 * own (src/core/feature-output.ts). Dispose the base model only, once: tfjs's Container.dispose()
 * would dispose the shared layers again (it throws "already disposed" after the base).
 */
import type * as tf from '@tensorflow/tfjs';
import type { FamiliarityCheck } from '../core/familiarity.ts';
import { FeatureLayerError, withFeatureOutput } from '../core/feature-output.ts';
import { ModelLoadError } from './model-files.ts';

/**
 * The two-output view [features, probabilities] of `model`. Refuses (ModelLoadError 'mismatch',
 * naming the layer and the sizes) a layer that is missing, not rank 2 ([batch, width]) or whose
 * width is not the centroids' length. Builds nothing that needs disposing (see the file comment).
 */
export function buildFamiliarityModel(
  model: tf.LayersModel,
  check: Pick<FamiliarityCheck, 'layer' | 'pooling' | 'centroids'>,
): tf.LayersModel {
  let view: tf.LayersModel;
  try {
    view = withFeatureOutput(model, check.layer, check.pooling);
  } catch (e) {
    if (e instanceof FeatureLayerError) throw new ModelLoadError('mismatch', `metadata.json's familiarity check reads ${e.message}.`);
    throw e;
  }
  const width = view.outputs[0].shape[1];
  const dim = check.centroids[0]?.length ?? 0;
  if (width !== dim) {
    throw new ModelLoadError(
      'mismatch',
      `metadata.json's familiarity centroids have ${dim} values, but layer "${check.layer}" of model.json outputs ${width}${check.pooling ? ` after ${check.pooling} pooling` : ''}.`,
    );
  }
  return view;
}
