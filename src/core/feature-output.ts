/**
 * A model's view with a layer's pooled features as an extra first output: [features, probabilities]
 * from one forward pass. The trainer fits the familiarity check on these features and the app
 * applies it to them, so both build the view here.
 *
 * The view shares every layer and weight with `model` and owns no tensor of its own: dispose `model`
 * only, once (tfjs's Container.dispose() on the view would dispose the shared layers again).
 */
import * as tf from '@tensorflow/tfjs';

export class FeatureLayerError extends Error {
  override name = 'FeatureLayerError';
}

/** Throws a FeatureLayerError naming the layer when it is missing or not one pooled [batch, width] output. */
export function withFeatureOutput(model: tf.LayersModel, layer: string): tf.LayersModel {
  let found: tf.layers.Layer;
  try {
    found = model.getLayer(layer);
  } catch {
    throw new FeatureLayerError(`layer "${layer}" is not in the model (no layer of that name)`);
  }
  let out: tf.SymbolicTensor | tf.SymbolicTensor[];
  try {
    out = found.output;
  } catch (e) {
    // A layer applied several times has no single output to read.
    throw new FeatureLayerError(`layer "${layer}" has no single output (${e instanceof Error ? e.message : String(e)})`);
  }
  if (Array.isArray(out)) throw new FeatureLayerError(`layer "${layer}" has ${out.length} outputs; features need one`);
  if (out.shape.length !== 2) {
    throw new FeatureLayerError(
      `layer "${layer}" must have one rank-2 output to serve as features, but its output has shape [${out.shape.map((d) => d ?? 'batch').join(', ')}], not a pooled vector [batch, width]`,
    );
  }
  return tf.model({ inputs: model.inputs, outputs: [out, model.outputs[0]], name: `${model.name}_features` });
}
