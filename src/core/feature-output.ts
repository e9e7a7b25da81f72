/**
 * A model's view with a layer's pooled features as an extra first output: [features, probabilities]
 * from one forward pass. The trainer fits the familiarity check on these features and the app
 * applies it to them, so both build the view here.
 *
 * A rank-2 layer ([batch, width], e.g. the head's global average pooling) is read as it is. A
 * feature map ([batch, h, w, c]) is pooled: 'mean-std' gives each channel's spatial mean and
 * standard deviation ([batch, 2c]): the mean says what the frame shows, the spread how its texture
 * varies across the frame, which the mean alone loses (measured: notes/issue-10-familiarity.md).
 *
 * The view shares every layer and weight with `model` and owns no tensor of its own (the pooling
 * layer has no weights): dispose `model` only, once (tfjs's Container.dispose() on the view would
 * dispose the shared layers again).
 */
import * as tf from '@tensorflow/tfjs';

export type FeaturePooling = 'mean-std';
export const FEATURE_POOLINGS: readonly FeaturePooling[] = ['mean-std'];

export class FeatureLayerError extends Error {
  override name = 'FeatureLayerError';
}

/** Per-channel spatial mean and (population) standard deviation of an NHWC map: [batch, 2c], means first. */
export class SpatialMeanStd extends tf.layers.Layer {
  static readonly className = 'EndoLensSpatialMeanStd';

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    return [s[0], 2 * (s[3] as number)];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const { mean, variance } = tf.moments(x, [1, 2]);
      // relu guards against a tiny negative variance from rounding before the square root.
      return tf.concat([mean, tf.sqrt(tf.relu(variance))], 1);
    });
  }

  override getClassName(): string {
    return SpatialMeanStd.className;
  }
}

/** Throws a FeatureLayerError naming the layer when it is missing, or its output is not what `pooling` reads. */
export function withFeatureOutput(model: tf.LayersModel, layer: string, pooling?: FeaturePooling): tf.LayersModel {
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
  const shape = `[${out.shape.map((d) => d ?? 'batch').join(', ')}]`;
  if (pooling === 'mean-std') {
    if (out.shape.length !== 4)
      throw new FeatureLayerError(
        `layer "${layer}" must output a feature map [batch, h, w, c] for mean-std pooling, but its output has shape ${shape}`,
      );
    out = new SpatialMeanStd({ name: `${layer}_mean_std` }).apply(out) as tf.SymbolicTensor;
  } else if (out.shape.length !== 2) {
    throw new FeatureLayerError(
      `layer "${layer}" must have one rank-2 output to serve as features, but its output has shape ${shape}, not a pooled vector [batch, width]`,
    );
  }
  return tf.model({ inputs: model.inputs, outputs: [out, model.outputs[0]], name: `${model.name}_features` });
}
