/**
 * Grad-CAM (Selvaraju et al., 2017) for any tfjs layers classifier: backbone -> pooling -> head.
 *
 * The feature map is found from the model itself (the last layer whose output is rank 4, looking
 * inside nested models too), never from a layer name, so ResNet50V2 (`post_relu`), MobileNetV2
 * (`out_relu`), Teachable-Machine style nested models and tiny test nets all work.
 *
 * Why it runs on every backend: the model is split at that feature map. The backbone runs forward
 * only (no tape), and the gradient is taken of the HEAD alone (pooling, dense, dropout) with respect
 * to the feature map. No convolution is ever back-propagated, so the wasm backend's missing
 * Conv2DBackpropFilter / depthwise backprop kernels are never needed; the head's gradient uses only
 * mean, matMul, relu and element-wise kernels, which cpu, wasm, webgl and webgpu all have.
 *
 * The class score is the pre-softmax logit where the model ends in a softmax Dense (or a softmax
 * Activation layer), as the paper prescribes: a probability near 1 saturates and its gradient
 * vanishes. Other endings fall back to the output itself (reported in `score`).
 */
import * as tf from '@tensorflow/tfjs';
import { producerInputs, producerNode } from './tfjs-internals.ts';

type Layer = tf.layers.Layer;

export class GradCamError extends Error {
  override name = 'GradCamError';
}

export interface ConvLayerInfo {
  /** Name of the layer whose output is the feature map, e.g. `out_relu`. */
  name: string;
  /** Its index in `layers` of the model (or nested model) that holds it. */
  index: number;
  /** Names of the nested models from the outer model down to the holder; empty when top-level. */
  path: string[];
  /** Feature map shape without the batch dimension: [height, width, channels]. */
  shape: [number, number, number];
}

export interface GradCamResult {
  /** Row-major height x width values in 0..1 (all zeros when nothing supports the class). */
  heatmap: Float32Array;
  width: number;
  height: number;
  /** `path/.../name` of the feature-map layer used. */
  layerName: string;
  /** What was differentiated: the class logit, or the model output when no logit could be had. */
  score: 'logit' | 'output';
}

function isContainer(layer: Layer): layer is tf.LayersModel {
  return layer instanceof tf.LayersModel;
}

function singleShape(layer: Layer): tf.Shape | null {
  try {
    const s = layer.outputShape;
    if (Array.isArray(s) && s.length > 0 && Array.isArray(s[0])) return null; // several outputs
    return s as tf.Shape;
  } catch {
    return null; // shared layer with different shapes per call
  }
}

function isRank4(layer: Layer): boolean {
  if (layer.getClassName() === 'InputLayer') return false;
  const s = singleShape(layer);
  return s !== null && s.length === 4;
}

interface Located {
  /** Containers from the outer model down to the one that holds `layer`. */
  containers: tf.LayersModel[];
  layer: Layer;
  index: number;
}

/**
 * Searches `container.layers` from the end for a rank-4 layer, descending into nested models first
 * so that a backbone sub-model reports its own last layer (e.g. `out_relu`), not its name.
 */
function locate(container: tf.LayersModel, chain: tf.LayersModel[]): Located | null {
  const layers = container.layers;
  for (let i = layers.length - 1; i >= 0; i--) {
    const layer = layers[i];
    if (isContainer(layer)) {
      const inner = locate(layer, [...chain, container]);
      if (inner) return inner;
    } else if (isRank4(layer)) {
      return { containers: [...chain, container], layer, index: i };
    }
  }
  return null;
}

function locateOrThrow(model: tf.LayersModel): Located {
  if (!(model instanceof tf.LayersModel)) {
    throw new GradCamError('Grad-CAM needs a tf.LayersModel (a graph model has no layers to split).');
  }
  const found = locate(model, []);
  if (!found) {
    const names = model.layers.map((l) => `${l.name} (${l.getClassName()})`).join(', ');
    throw new GradCamError(
      `Model "${model.name}" has no layer with a rank-4 (height x width x channels) output, so it has no ` +
        `convolutional feature map for Grad-CAM. Its layers: ${names}.`,
    );
  }
  return found;
}

/** The last convolutional feature map of a classifier: the last rank-4 layer before the pooling. */
export function findLastConvLayer(model: tf.LayersModel): ConvLayerInfo {
  const { containers, layer, index } = locateOrThrow(model);
  const s = singleShape(layer) as tf.Shape;
  return {
    name: layer.name,
    index,
    path: containers.slice(1).map((c) => c.name),
    shape: [s[1] ?? 0, s[2] ?? 0, s[3] ?? 0],
  };
}

/** Every symbolic tensor in `container`'s own graph, found by walking back from its outputs. */
function graphTensors(container: tf.LayersModel): tf.SymbolicTensor[] {
  const seen = new Map<number, tf.SymbolicTensor>();
  const stack = [...container.outputs];
  while (stack.length) {
    const t = stack.pop() as tf.SymbolicTensor;
    if (seen.has(t.id)) continue;
    seen.set(t.id, t);
    stack.push(...producerInputs(t));
  }
  return [...seen.values()];
}

function asArray(x: tf.Tensor | tf.Tensor[]): tf.Tensor[] {
  return Array.isArray(x) ? x : [x];
}

type Values = Map<number, tf.Tensor>;

interface EvalState {
  container: tf.LayersModel;
  values: Values;
  /** Set when the logit was replaced by the output somewhere on the terminal path. */
  usedOutput: { value: boolean };
}

/**
 * Evaluates symbolic tensor `t` of `state.container` eagerly, from the tensors already known in
 * `state.values` (the container's inputs and any seeded intermediate), running each layer in
 * inference mode. With `logit`, the layer that produces `t` is run without its final softmax.
 */
function evaluate(state: EvalState, t: tf.SymbolicTensor, logit = false): tf.Tensor {
  const known = state.values.get(t.id);
  if (known && !logit) return known;
  const layer = t.sourceLayer;
  const node = producerNode(t);
  if (!node || node.inputTensors.length === 0) {
    throw new GradCamError(`No value for "${t.name}" of "${state.container.name}" (an input that was not fed).`);
  }
  const inputs = node.inputTensors.map((s) => evaluate(state, s));
  let out: tf.Tensor;
  if (logit) {
    out = logitOf(layer, inputs, state);
  } else {
    const res = layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tf.Tensor | tf.Tensor[];
    out = asArray(res)[t.tensorIndex];
    state.values.set(t.id, out);
  }
  return out;
}

/** Runs `layer` on concrete `inputs` with its softmax removed, where it has one to remove. */
function logitOf(layer: Layer, inputs: tf.Tensor[], state: EvalState): tf.Tensor {
  const config = layer.getConfig();
  const cls = layer.getClassName();
  if (isContainer(layer)) {
    const inner: EvalState = { container: layer, values: new Map(), usedOutput: state.usedOutput };
    layer.inputs.forEach((s, i) => inner.values.set(s.id, inputs[i]));
    return evaluate(inner, layer.outputs[0], true);
  }
  if (cls === 'Dense' && config.activation === 'softmax') {
    const [kernel, bias] = layer.getWeights();
    const z = tf.matMul(inputs[0], kernel);
    return config.useBias === false || !bias ? z : tf.add(z, bias);
  }
  if ((cls === 'Activation' && config.activation === 'softmax') || cls === 'Softmax') return inputs[0];
  state.usedOutput.value = true;
  return asArray(layer.apply(inputs.length === 1 ? inputs[0] : inputs, { training: false }) as tf.Tensor | tf.Tensor[])[0];
}

interface Plan {
  containers: tf.LayersModel[];
  /** containers[k + 1]'s output inside containers[k]'s graph. */
  links: tf.SymbolicTensor[];
  /** The feature map inside the innermost container's graph. */
  feature: tf.SymbolicTensor;
  layerName: string;
  featureShape: [number, number, number];
  /**
   * Per level, a model from that level's inputs to the next level's inputs (the last one: to the
   * feature map). tfjs's own executor runs them and frees each activation once used, so the
   * forward pass peaks at predict()'s memory, not at the sum of all the backbone's activations.
   */
  forward: tf.LayersModel[];
}

const plans = new WeakMap<tf.LayersModel, Plan>();

/**
 * How to reach the feature map from the model's input. A nested model is either a node of its
 * parent's graph (a functional model applied to a tensor) or, when it starts a Sequential, merged
 * into it (its layers' tensors are the parent's own). So descend only where the graph demands it.
 */
function buildPlan(container: tf.LayersModel, nested: tf.LayersModel[], leaf: Layer): Pick<Plan, 'containers' | 'links' | 'feature'> {
  const tensors = graphTensors(container);
  const direct = tensors.find((t) => t.sourceLayer === leaf && t.tensorIndex === 0);
  if (direct) return { containers: [container], links: [], feature: direct };
  for (let k = nested.length - 1; k >= 0; k--) {
    const link = tensors.find((t) => t.sourceLayer === nested[k] && t.tensorIndex === 0);
    if (!link) continue;
    const inner = buildPlan(nested[k], nested.slice(k + 1), leaf);
    return { containers: [container, ...inner.containers], links: [link, ...inner.links], feature: inner.feature };
  }
  throw new GradCamError(`Layer "${leaf.name}" is not connected to the outputs of "${container.name}".`);
}

function planFor(model: tf.LayersModel): Plan {
  const cached = plans.get(model);
  if (cached) return cached;
  const { containers, layer } = locateOrThrow(model);
  const info = findLastConvLayer(model);
  const route = buildPlan(model, containers.slice(1), layer);
  const forward = route.containers.map((c, k) => {
    const outputs = k === route.containers.length - 1 ? [route.feature] : producerInputs(route.links[k]);
    return tf.model({ inputs: c.inputs, outputs, name: `${c.name}_gradcam_forward_${k}` });
  });
  const plan: Plan = { ...route, forward, layerName: [...info.path, info.name].join('/'), featureShape: info.shape };
  plans.set(model, plan);
  return plan;
}

/**
 * Forward pass to the feature map. Returns the map and, per nesting level, the values known so far
 * (they are constants for the head: nothing before the map depends on it).
 */
function forwardToFeatures(plan: Plan, input: tf.Tensor): { features: tf.Tensor; levels: Values[] } {
  const levels: Values[] = [];
  let inputs: tf.Tensor[] = [input];
  for (let k = 0; k < plan.containers.length; k++) {
    const values: Values = new Map();
    plan.containers[k].inputs.forEach((s, i) => values.set(s.id, inputs[i]));
    levels.push(values);
    const out = asArray(plan.forward[k].predict(inputs.length === 1 ? inputs[0] : inputs));
    if (k === plan.containers.length - 1) return { features: out[0], levels };
    inputs = out;
  }
  throw new GradCamError('unreachable: the plan has no containers');
}

/** The head as a function of the feature map: class scores [1, numClasses]. */
function headScores(plan: Plan, levels: Values[], features: tf.Tensor, usedOutput: { value: boolean }): tf.Tensor {
  const n = plan.containers.length - 1;
  let seed: { id: number; value: tf.Tensor } = { id: plan.feature.id, value: features };
  // A level's output is on the model's terminal path when every level above outputs it unchanged;
  // only there is the softmax removed (a pooling layer ending a nested backbone is not the score).
  const terminal = plan.containers.map(() => true);
  for (let k = 1; k <= n; k++) terminal[k] = terminal[k - 1] && plan.containers[k - 1].outputs[0].id === plan.links[k - 1].id;
  let result: tf.Tensor | null = null;
  for (let k = n; k >= 0; k--) {
    const container = plan.containers[k];
    // Fresh map per call: the constants before the split, plus the seeded tensor from below.
    const values: Values = new Map(levels[k]);
    values.set(seed.id, seed.value);
    const state: EvalState = { container, values, usedOutput };
    const out = container.outputs[0];
    const terminalIsSeed = out.id === seed.id;
    // When this level's output is the nested model's output itself, the softmax was already
    // removed one level down.
    result = terminalIsSeed ? seed.value : evaluate(state, out, terminal[k]);
    if (k > 0) seed = { id: plan.links[k - 1].id, value: result };
  }
  return result as tf.Tensor;
}

function checkArgs(model: tf.LayersModel, input: tf.Tensor, classIndex: number): void {
  if (input.rank !== 4 || input.shape[0] !== 1) {
    throw new GradCamError(`Grad-CAM takes one preprocessed frame shaped [1, H, W, 3]; got [${input.shape.join(', ')}].`);
  }
  const outShape = model.outputs[0]?.shape ?? [];
  const numClasses = outShape[outShape.length - 1];
  if (!Number.isInteger(classIndex) || classIndex < 0 || (typeof numClasses === 'number' && classIndex >= numClasses)) {
    throw new GradCamError(`classIndex must be an integer in 0..${String((numClasses ?? 0) - 1)}; got ${String(classIndex)}.`);
  }
}

/** The heatmap as a [h, w] tensor in 0..1; all work (and all intermediates) inside one tidy. */
function camTensor(
  model: tf.LayersModel,
  input: tf.Tensor4D,
  classIndex: number,
): { cam: tf.Tensor2D; plan: Plan; score: GradCamResult['score'] } {
  checkArgs(model, input, classIndex);
  const plan = planFor(model);
  const usedOutput = { value: false };
  const cam = tf.tidy(() => {
    const { features, levels } = forwardToFeatures(plan, input);
    const scoreOf = (a: tf.Tensor): tf.Scalar => {
      const scores = headScores(plan, levels, a, usedOutput);
      return tf.squeeze<tf.Scalar>(tf.slice(scores, [0, classIndex], [1, 1]));
    };
    const grads = tf.grad(scoreOf)(features) as tf.Tensor4D; // [1, h, w, c]
    const weights = tf.mean(grads, [1, 2], true); // alpha_k: spatial mean of the gradients
    const raw = tf.relu(tf.sum(tf.mul(features, weights), -1)).squeeze<tf.Tensor2D>([0]);
    const peak = tf.max(raw);
    // Where nothing supports the class the map stays zero instead of dividing by zero.
    return tf.where(tf.greater(peak, 0), tf.div(raw, tf.maximum(peak, 1e-12)), tf.zerosLike(raw)) as tf.Tensor2D;
  });
  return { cam, plan, score: usedOutput.value ? 'output' : 'logit' };
}

/**
 * Grad-CAM heatmap of `classIndex` for one preprocessed frame (the tensor the classifier takes).
 * Synchronous: reads the result with dataSync; prefer `gradCamAsync` on webgl/webgpu in the UI.
 */
export function gradCam(model: tf.LayersModel, input: tf.Tensor4D, classIndex: number): GradCamResult {
  const { cam, plan, score } = camTensor(model, input, classIndex);
  try {
    const [height, width] = cam.shape;
    return { heatmap: cam.dataSync() as Float32Array, width, height, layerName: plan.layerName, score };
  } finally {
    cam.dispose();
  }
}

/** As `gradCam`, reading the result without blocking the main thread on GPU backends. */
export async function gradCamAsync(model: tf.LayersModel, input: tf.Tensor4D, classIndex: number): Promise<GradCamResult> {
  const { cam, plan, score } = camTensor(model, input, classIndex);
  try {
    const [height, width] = cam.shape;
    return { heatmap: (await cam.data()) as Float32Array, width, height, layerName: plan.layerName, score };
  } finally {
    cam.dispose();
  }
}

/**
 * Convenience for the app: Grad-CAM from a preprocessed frame as the classifier takes it
 * (HWC float32 of size x size x 3, see src/core/preprocess.ts); the input tensor is disposed here.
 */
export async function gradCamFromPixels(
  model: tf.LayersModel,
  pixels: Float32Array,
  size: number,
  classIndex: number,
): Promise<GradCamResult> {
  if (pixels.length !== size * size * 3) {
    throw new GradCamError(`Expected ${size}x${size}x3 = ${size * size * 3} preprocessed values, got ${pixels.length}.`);
  }
  const x = tf.tensor4d(pixels, [1, size, size, 3]);
  try {
    return await gradCamAsync(model, x, classIndex);
  } finally {
    x.dispose();
  }
}
