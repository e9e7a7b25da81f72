/**
 * Runs a layers model on preprocessed frames. Every tensor made here is disposed before returning,
 * so `tf.memory().numTensors` is back to its baseline after each batch (tested).
 */
import * as tf from '@tensorflow/tfjs';

/** inputs: HWC float32 arrays of size x size x 3 (src/core preprocessPixels). Returns one probability row per input. */
export async function classifyBatch(model: tf.LayersModel, inputs: readonly Float32Array[], size: number): Promise<number[][]> {
  if (!inputs.length) return [];
  const per = size * size * 3;
  const flat = new Float32Array(per * inputs.length);
  inputs.forEach((x, i) => {
    if (x.length !== per) throw new Error(`Input ${i} has ${x.length} values, expected ${size}x${size}x3 = ${per}.`);
    flat.set(x, i * per);
  });
  const probs = tf.tidy(() => {
    const out = model.predict(tf.tensor4d(flat, [inputs.length, size, size, 3]));
    if (Array.isArray(out)) throw new Error(`The model has ${out.length} outputs; EndoLens expects one (class probabilities).`);
    return out as tf.Tensor;
  });
  try {
    const data = await probs.data();
    const classes = probs.shape[probs.shape.length - 1] ?? 0;
    const rows: number[][] = [];
    for (let i = 0; i < inputs.length; i++) rows.push(Array.from(data.subarray(i * classes, (i + 1) * classes)));
    return rows;
  } finally {
    probs.dispose();
  }
}

/** Model input size and class count as the model itself declares them (checked against metadata). */
export function modelShape(model: tf.LayersModel): { inputSize?: number; channels?: number; classes?: number } {
  const inShape = model.inputs[0]?.shape ?? [];
  const outShape = model.outputs[0]?.shape ?? [];
  return {
    inputSize: inShape[1] ?? undefined,
    channels: inShape[3] ?? undefined,
    classes: outShape[outShape.length - 1] ?? undefined,
  };
}
