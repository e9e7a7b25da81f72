/**
 * Folds each BatchNormalization that follows a Conv2D or DepthwiseConv2D into that conv's weights
 * and bias, and (by default) fuses the ReLU / ReLU6 after it and a ZeroPadding2D before it into the
 * same layer (src/inference/fused-conv-layer.ts), on the artifacts, before tfjs builds the model.
 * A tfjs layers model runs each layer on its own: MobileNetV2's 52 BN layers took ~9 of ~20 ms per
 * frame on WASM (BENCHMARKS.md). The trainer keeps its training graph; every model the app loads,
 * embedded or a user's, is folded here, so none needs a re-export.
 *
 * What a layer outside a chain reads is unchanged: the folded layer takes the name of the chain's
 * last layer (`out_relu` stays `out_relu`, with the same output). Layers named in `keep` (e.g. the
 * familiarity check's) and model outputs are never folded away. Anything not understood (other
 * data formats or BN axes, shared layers, unusual activations) is left as it is.
 *
 * Pure: the input is not changed; a model with nothing to fold comes back as the same object.
 */
import type * as tf from '@tensorflow/tfjs';
import { floatValues, floatWeight, joinWeights, splitWeights, type StoredWeight } from './artifact-weights.ts';
import { FusedConv, type FusedActivation, type FusedPadding } from './fused-conv-layer.ts';

export interface FoldOptions {
  /** Layers whose own output something reads (metadata.json's familiarity layer): kept as they are. */
  keep?: readonly string[];
  /** Fuse activations and padding into the conv (the default); false folds BN only, into standard layers. */
  fuse?: boolean;
}

export interface FoldResult {
  artifacts: tf.io.ModelArtifacts;
  /** BatchNormalization layers folded into a conv. */
  folded: number;
  /** ReLU / ReLU6 layers fused into a conv. */
  fusedActivations: number;
  /** ZeroPadding2D layers fused into a conv. */
  fusedPaddings: number;
}

type Json = Record<string, unknown>;
/** Keras 2 inbound entry: [layer name, node index, tensor index, call kwargs]. */
type Inbound = [string, number, number, Json?];
interface LayerJson {
  name: string;
  class_name: string;
  config: Json;
  inbound_nodes: Inbound[][];
}
interface ContainerConfig {
  layers: LayerJson[];
  output_layers?: Inbound[];
}

function isObject(x: unknown): x is Json {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && !(x instanceof ArrayBuffer);
}

/** The functional config inside a topology ({class_name, config} or Keras's {model_config: ...}). */
function containerOf(topology: unknown): ContainerConfig | undefined {
  if (!isObject(topology)) return undefined;
  if (isObject(topology.model_config)) return containerOf(topology.model_config);
  const config = topology.config;
  if (!isObject(config) || !Array.isArray(config.layers)) return undefined;
  const layers = config.layers as unknown[];
  const wellFormed = layers.every((l) => isObject(l) && typeof l.name === 'string' && isObject(l.config) && Array.isArray(l.inbound_nodes));
  // A Sequential config has no inbound_nodes: nothing to fold there.
  return wellFormed ? (config as unknown as ContainerConfig) : undefined;
}

function pair(x: unknown): [number, number] | undefined {
  if (typeof x === 'number') return [x, x];
  if (Array.isArray(x) && x.length === 2 && x.every((v) => typeof v === 'number')) return [x[0], x[1]];
  return undefined;
}

function zeroPadding(config: Json): [[number, number], [number, number]] | undefined {
  const p = config.padding;
  if (typeof p === 'number')
    return [
      [p, p],
      [p, p],
    ];
  if (Array.isArray(p) && p.length === 2) {
    const [a, b] = p as unknown[];
    if (typeof a === 'number' && typeof b === 'number')
      return [
        [a, a],
        [b, b],
      ];
    const pa = pair(a);
    const pb = pair(b);
    if (pa && pb) return [pa, pb];
  }
  return undefined;
}

const channelsLast = (config: Json): boolean => config.data_format === undefined || config.data_format === 'channels_last';

/** The fused kernel's name for a ReLU / Activation layer, or undefined where it has none. */
function activationOf(layer: LayerJson): FusedActivation | undefined {
  const c = layer.config;
  if (layer.class_name === 'Activation') return c.activation === 'relu' || c.activation === 'relu6' ? c.activation : undefined;
  if (layer.class_name !== 'ReLU') return undefined;
  if ((c.negative_slope ?? 0) !== 0 || (c.threshold ?? 0) !== 0) return undefined;
  if (c.max_value === undefined || c.max_value === null) return 'relu';
  return c.max_value === 6 ? 'relu6' : undefined;
}

interface Chain {
  pad?: LayerJson;
  conv: LayerJson;
  bn: LayerJson;
  act?: { layer: LayerJson; activation: FusedActivation };
}

interface Weights {
  byName: Map<string, StoredWeight>;
  removed: Set<string>;
  added: StoredWeight[];
}

function values(weights: Weights, name: string): Float32Array | undefined {
  const w = weights.byName.get(name);
  return w ? floatValues(w) : undefined;
}

/** Folds chain's BN into its conv's kernel and bias (float64 arithmetic); undefined where a weight is missing. */
function foldedWeights(
  chain: Chain,
  weights: Weights,
): { kernel: Float32Array; kernelShape: number[]; bias: Float32Array; used: string[] } | undefined {
  const { conv, bn } = chain;
  const depthwise = conv.class_name === 'DepthwiseConv2D';
  const kernelName = `${conv.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`;
  const kernel = values(weights, kernelName);
  const kernelShape = weights.byName.get(kernelName)?.spec.shape;
  const useBias = conv.config.use_bias !== false;
  const bias = useBias ? values(weights, `${conv.name}/bias`) : undefined;
  const mean = values(weights, `${bn.name}/moving_mean`);
  const variance = values(weights, `${bn.name}/moving_variance`);
  const scaled = bn.config.scale !== false;
  const centred = bn.config.center !== false;
  const gamma = scaled ? values(weights, `${bn.name}/gamma`) : undefined;
  const beta = centred ? values(weights, `${bn.name}/beta`) : undefined;
  if (!kernel || !kernelShape || kernelShape.length !== 4 || !mean || !variance) return undefined;
  if ((useBias && !bias) || (scaled && !gamma) || (centred && !beta)) return undefined;
  const channels = mean.length;
  const outPerPosition = kernelShape[2] * kernelShape[3]; // [kh, kw, in, out] or [kh, kw, in, multiplier]
  if (outPerPosition !== (depthwise ? channels : kernelShape[2] * channels)) return undefined;
  const epsilon = typeof bn.config.epsilon === 'number' ? bn.config.epsilon : 1e-3;
  const scale = new Float64Array(channels);
  const newBias = new Float32Array(channels);
  for (let o = 0; o < channels; o++) {
    scale[o] = (gamma ? gamma[o] : 1) / Math.sqrt(variance[o] + epsilon);
    newBias[o] = ((bias ? bias[o] : 0) - mean[o]) * scale[o] + (beta ? beta[o] : 0);
  }
  // Output channel of flat index i: i mod out for a conv ([.., in, out]); for a depthwise conv
  // ([.., in, multiplier]) channel c * multiplier + m is also i mod (in * multiplier).
  const period = depthwise ? channels : kernelShape[3];
  const newKernel = new Float32Array(kernel.length);
  for (let i = 0; i < kernel.length; i++) newKernel[i] = kernel[i] * scale[i % period];
  const used = [kernelName, ...(useBias ? [`${conv.name}/bias`] : [])];
  for (const w of ['moving_mean', 'moving_variance', ...(scaled ? ['gamma'] : []), ...(centred ? ['beta'] : [])])
    used.push(`${bn.name}/${w}`);
  return { kernel: newKernel, kernelShape, bias: newBias, used };
}

/** The single layer that replaces the chain, named after its last layer and fed what its first layer read. */
function replacement(chain: Chain, fuse: boolean): LayerJson {
  const { conv } = chain;
  const last = chain.act?.layer ?? chain.bn;
  const inbound = (chain.pad ?? conv).inbound_nodes;
  const depthwise = conv.class_name === 'DepthwiseConv2D';
  if (!fuse) {
    return {
      name: last.name,
      class_name: conv.class_name,
      config: { ...conv.config, name: last.name, use_bias: true, activation: 'linear' },
      inbound_nodes: inbound,
    };
  }
  const c = conv.config;
  const padding: FusedPadding = chain.pad
    ? (zeroPadding(chain.pad.config) as [[number, number], [number, number]])
    : c.padding === 'same'
      ? 'same'
      : 'valid';
  return {
    name: last.name,
    class_name: FusedConv.className,
    // Snake case, as in any topology: tfjs converts the keys when it builds the layer.
    config: {
      name: last.name,
      trainable: false,
      depthwise,
      // tfjs cannot convert an undefined value: a depthwise conv has no filters.
      ...(depthwise ? { depth_multiplier: c.depth_multiplier ?? 1 } : { filters: c.filters }),
      kernel_size: pair(c.kernel_size),
      strides: pair(c.strides) ?? [1, 1],
      padding,
      dilation_rate: pair(c.dilation_rate) ?? [1, 1],
      activation: chain.act?.activation ?? 'linear',
    },
    inbound_nodes: inbound,
  };
}

function foldContainer(
  container: ContainerConfig,
  weights: Weights,
  options: Required<FoldOptions>,
  counts: Omit<FoldResult, 'artifacts'>,
): void {
  const byName = new Map(container.layers.map((l) => [l.name, l]));
  const consumers = new Map<string, string[]>();
  for (const l of container.layers) {
    for (const node of l.inbound_nodes) for (const entry of node) consumers.set(entry[0], [...(consumers.get(entry[0]) ?? []), l.name]);
  }
  const pinned = new Set([...options.keep, ...(container.output_layers ?? []).map((o) => o[0])]);
  /** The only reader of `layer`'s output, when it has exactly one and may disappear into a chain. */
  const soleConsumer = (layer: LayerJson): LayerJson | undefined => {
    const readers = consumers.get(layer.name) ?? [];
    if (readers.length !== 1 || pinned.has(layer.name)) return undefined;
    const next = byName.get(readers[0]);
    return next && next.inbound_nodes.length === 1 && next.inbound_nodes[0].length === 1 ? next : undefined;
  };
  const replaced = new Map<string, LayerJson>();
  const dropped = new Set<string>();
  for (const conv of container.layers) {
    if (conv.class_name !== 'Conv2D' && conv.class_name !== 'DepthwiseConv2D') continue;
    const c = conv.config;
    if (conv.inbound_nodes.length !== 1 || conv.inbound_nodes[0].length !== 1 || !channelsLast(c)) continue;
    if ((c.activation ?? 'linear') !== 'linear' || !pair(c.kernel_size)) continue;
    const bn = soleConsumer(conv);
    if (!bn || bn.class_name !== 'BatchNormalization') continue;
    const axis = Array.isArray(bn.config.axis) && bn.config.axis.length === 1 ? (bn.config.axis[0] as unknown) : bn.config.axis;
    if (axis !== -1 && axis !== 3) continue;
    const chain: Chain = { conv, bn };
    if (options.fuse) {
      const next = soleConsumer(bn);
      const activation = next && activationOf(next);
      if (next && activation) chain.act = { layer: next, activation };
      const pad = byName.get(conv.inbound_nodes[0][0][0]);
      if (
        pad?.class_name === 'ZeroPadding2D' &&
        c.padding === 'valid' &&
        soleConsumer(pad) === conv &&
        channelsLast(pad.config) &&
        zeroPadding(pad.config)
      ) {
        if (pad.inbound_nodes.length === 1 && pad.inbound_nodes[0].length === 1) chain.pad = pad;
      }
    }
    const folded = foldedWeights(chain, weights);
    if (!folded) continue;
    const layer = replacement(chain, options.fuse);
    const depthwise = conv.class_name === 'DepthwiseConv2D';
    for (const name of folded.used) weights.removed.add(name);
    weights.added.push(floatWeight(`${layer.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`, folded.kernelShape, folded.kernel));
    weights.added.push(floatWeight(`${layer.name}/bias`, [folded.bias.length], folded.bias));
    replaced.set(layer.name, layer);
    for (const l of [chain.pad, conv, bn, chain.act?.layer]) if (l && l.name !== layer.name) dropped.add(l.name);
    counts.folded++;
    if (chain.act) counts.fusedActivations++;
    if (chain.pad) counts.fusedPaddings++;
  }
  container.layers = container.layers.filter((l) => !dropped.has(l.name)).map((l) => replaced.get(l.name) ?? l);
  // A nested functional model (e.g. a backbone inside the classifier) is folded the same way.
  for (const l of container.layers) {
    const inner = containerOf(l);
    if (inner) foldContainer(inner, weights, options, counts);
  }
}

export function foldBatchNorm(artifacts: tf.io.ModelArtifacts, options: FoldOptions = {}): FoldResult {
  const unchanged: FoldResult = { artifacts, folded: 0, fusedActivations: 0, fusedPaddings: 0 };
  const stored = splitWeights(artifacts);
  if (!stored || !artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) return unchanged;
  const topology = structuredClone(artifacts.modelTopology);
  const container = containerOf(topology);
  if (!container) return unchanged;
  const weights: Weights = { byName: new Map(stored.map((w) => [w.spec.name, w])), removed: new Set(), added: [] };
  const counts = { folded: 0, fusedActivations: 0, fusedPaddings: 0 };
  foldContainer(container, weights, { keep: options.keep ?? [], fuse: options.fuse ?? true }, counts);
  if (counts.folded === 0) return unchanged;
  const { weightSpecs, weightData } = joinWeights([...stored.filter((w) => !weights.removed.has(w.spec.name)), ...weights.added]);
  return { artifacts: { ...artifacts, modelTopology: topology, weightSpecs, weightData }, ...counts };
}

/**
 * The artifacts the app builds its model from: folded, keeping the layers that `keep` names (the
 * familiarity check's). Folding is a speed-up, never a reason to refuse a model: where it throws,
 * the artifacts come back as they were.
 */
export function foldForInference(artifacts: tf.io.ModelArtifacts, keep: readonly string[]): tf.io.ModelArtifacts {
  try {
    return foldBatchNorm(artifacts, { keep }).artifacts;
  } catch (e) {
    console.warn('BatchNormalization folding skipped:', e);
    return artifacts;
  }
}
