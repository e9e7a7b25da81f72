/**
 * Runs a layers model on preprocessed frames. Every tensor made here is disposed before returning,
 * so `tf.memory().numTensors` is back to its baseline after each batch (tested).
 */
import * as tf from '@tensorflow/tfjs';

/** The batch as one flat NHWC buffer; every input must be size x size x 3. */
function packInputs(inputs: readonly Float32Array[], size: number): Float32Array {
  const per = size * size * 3;
  const flat = new Float32Array(per * inputs.length);
  inputs.forEach((x, i) => {
    if (x.length !== per) throw new Error(`Input ${i} has ${x.length} values, expected ${size}x${size}x3 = ${per}.`);
    flat.set(x, i * per);
  });
  return flat;
}

/** Rows of a [batch, width] tensor (read back, not disposed here). */
async function rowsOf(t: tf.Tensor, count: number): Promise<Float32Array[]> {
  const data = await t.data();
  const width = t.shape[t.shape.length - 1] ?? 0;
  const rows: Float32Array[] = [];
  for (let i = 0; i < count; i++) rows.push(Float32Array.from(data.subarray(i * width, (i + 1) * width)));
  return rows;
}

/**
 * One forward pass over the batch; per model output, one row per input. `outputs` is how many
 * outputs the caller expects (`what` names them in the error when the model has another count).
 */
async function predictRows(
  model: tf.LayersModel,
  inputs: readonly Float32Array[],
  size: number,
  outputs: number,
  what: string,
): Promise<Float32Array[][]> {
  if (!inputs.length) return Array.from({ length: outputs }, () => []);
  const flat = packInputs(inputs, size);
  const outs = tf.tidy(() => {
    const out = model.predict(tf.tensor4d(flat, [inputs.length, size, size, 3]));
    const list = Array.isArray(out) ? out : [out];
    if (list.length !== outputs) throw new Error(`The model has ${list.length} outputs; EndoLens expects ${what}.`);
    return list;
  });
  try {
    return await Promise.all(outs.map((t) => rowsOf(t, inputs.length)));
  } finally {
    tf.dispose(outs);
  }
}

/** inputs: HWC float32 arrays of size x size x 3 (src/core preprocessPixels). Returns one probability row per input. */
export async function classifyBatch(model: tf.LayersModel, inputs: readonly Float32Array[], size: number): Promise<number[][]> {
  const [probabilities] = await predictRows(model, inputs, size, 1, 'one (class probabilities)');
  return probabilities.map((r) => Array.from(r));
}

/**
 * Like classifyBatch, for the familiarity view of a model (src/inference/familiarity-model.ts),
 * whose outputs are [features, probabilities]: one forward pass gives both, per input.
 */
export async function classifyBatchWithFeatures(
  model: tf.LayersModel,
  inputs: readonly Float32Array[],
  size: number,
): Promise<{ probabilities: number[][]; features: Float32Array[] }> {
  const [features, probabilities] = await predictRows(model, inputs, size, 2, 'two (features, probabilities)');
  return { probabilities: probabilities.map((r) => Array.from(r)), features };
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
