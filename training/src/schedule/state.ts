/**
 * Plain-data snapshots of everything a resumed run needs (weights, Adam's moments and step count),
 * read out of tfjs and put back. No files here: see checkpoint.ts.
 */
import * as tf from '@tensorflow/tfjs';
import { readAdamPowers, writeAdamPowers } from '../tfjs-internals.ts';

export interface NamedArray {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface AdamState {
  /** The schedule phase whose optimizer this is (each phase starts a fresh Adam). */
  phaseIndex: number;
  iterations: number;
  /** beta1^t and beta2^t as the optimizer holds them (accumulated products, not recomputed powers). */
  accBeta1: number;
  accBeta2: number;
  firstMoments: NamedArray[];
  secondMoments: NamedArray[];
}

type LayerVar = tf.LayersModel['weights'][number];

/**
 * A model's weights in an order that does not depend on which layers are trainable (tfjs's
 * `model.weights` lists trainable ones first, so it reorders when a phase freezes layers):
 * layer by layer in the model's order, each layer's own weights in creation order.
 */
export function orderedWeights(model: tf.LayersModel): LayerVar[] {
  const out: LayerVar[] = [];
  const walk = (layers: tf.layers.Layer[]) => {
    for (const l of layers) {
      if (l instanceof tf.LayersModel)
        walk(l.layers); // a nested model: its layers, in its order
      else out.push(...l.weights);
    }
  };
  walk(model.layers);
  return out;
}

/**
 * Reads variables (a model's weights, kept or trainable) into typed arrays, with `await data()`:
 * the WebGPU backend in Node has no synchronous read-back.
 */
export async function readVariables(vars: readonly { name: string; read(): tf.Tensor }[]): Promise<NamedArray[]> {
  const tensors = vars.map((v) => {
    const t = v.read();
    if (t.dtype !== 'float32') throw new Error(`Weight "${v.name}" is ${t.dtype}; checkpoints hold float32 weights only.`);
    return t;
  });
  return Promise.all(tensors.map(async (t, i) => ({ name: vars[i].name, shape: t.shape.slice(), data: (await t.data()) as Float32Array })));
}

/** Checks that `arrays` fit `model`'s weights one for one (order and shapes), naming the first mismatch. */
export function checkFits(model: tf.LayersModel, arrays: readonly NamedArray[], what: string): void {
  const weights = orderedWeights(model);
  if (weights.length !== arrays.length) {
    throw new Error(
      `${what} holds ${arrays.length} weights; model "${model.name}" has ${weights.length}. Was it made with another backbone or class count?`,
    );
  }
  weights.forEach((w, i) => {
    const a = arrays[i];
    if (a.shape.join('x') !== w.shape.join('x') || a.data.length !== w.shape.reduce<number>((p, d) => p * (d ?? 0), 1)) {
      throw new Error(
        `${what}: weight ${i} ("${a.name}") has shape [${a.shape.join(',')}], the model's "${w.name}" has [${w.shape.join(',')}].`,
      );
    }
  });
}

/** Writes arrays into `model`'s weights (all of them, batch-norm statistics included), in orderedWeights order. */
export function assignWeights(model: tf.LayersModel, arrays: readonly NamedArray[], what: string): void {
  checkFits(model, arrays, what);
  const weights = orderedWeights(model);
  tf.tidy(() => arrays.forEach((a, i) => weights[i].write(tf.tensor(a.data, a.shape, 'float32'))));
}

/** Writes tensors (orderedWeights order) into `model`'s weights. */
export function assignTensors(model: tf.LayersModel, tensors: readonly tf.Tensor[]): void {
  const weights = orderedWeights(model);
  if (weights.length !== tensors.length)
    throw new Error(`Got ${tensors.length} tensors for the ${weights.length} weights of "${model.name}".`);
  tf.tidy(() => tensors.forEach((t, i) => weights[i].write(t)));
}

export async function captureAdam(optimizer: tf.AdamOptimizer, phaseIndex: number): Promise<AdamState> {
  const named = await optimizer.getWeights();
  const [iter, ...moments] = named;
  const iterations = (await iter.tensor.data())[0];
  iter.tensor.dispose(); // a fresh scalar; the moments are the optimizer's own variables
  const half = moments.length / 2;
  const toArray = async (m: { name: string; tensor: tf.Tensor }): Promise<NamedArray> => ({
    name: m.name,
    shape: m.tensor.shape.slice(),
    data: (await m.tensor.data()) as Float32Array,
  });
  return {
    phaseIndex,
    iterations,
    ...(await readAdamPowers(optimizer)),
    firstMoments: await Promise.all(moments.slice(0, half).map(toArray)),
    secondMoments: await Promise.all(moments.slice(half).map(toArray)),
  };
}

/** Puts a captured state into a fresh Adam made with the same learning rate. */
export async function restoreAdam(optimizer: tf.AdamOptimizer, state: AdamState, vars: readonly tf.Variable[]): Promise<void> {
  const n = state.firstMoments.length;
  if (n === 0) return; // captured before its first step: nothing to restore
  if (n !== vars.length || state.secondMoments.length !== n) {
    throw new Error(`Optimizer state holds moments for ${n} variables; this phase trains ${vars.length}.`);
  }
  vars.forEach((v, i) => {
    if (state.firstMoments[i].shape.join('x') !== v.shape.join('x')) {
      throw new Error(
        `Optimizer moment ${i} ("${state.firstMoments[i].name}") has shape [${state.firstMoments[i].shape.join(',')}], variable "${v.name}" has [${v.shape.join(',')}].`,
      );
    }
  });
  const iter = tf.scalar(state.iterations, 'int32');
  const m = state.firstMoments.map((a) => tf.tensor(a.data, a.shape, 'float32'));
  const s = state.secondMoments.map((a) => tf.tensor(a.data, a.shape, 'float32'));
  try {
    await optimizer.setWeights([
      { name: 'iter', tensor: iter },
      ...m.map((tensor, i) => ({ name: `${vars[i].name}/m`, tensor })),
      ...s.map((tensor, i) => ({ name: `${vars[i].name}/v`, tensor })),
    ]);
  } finally {
    tf.dispose([iter, ...m, ...s]);
  }
  // setWeights() just set beta1^t / beta2^t from pow(); the accumulated products continue exactly.
  writeAdamPowers(optimizer, state);
}
