/**
 * A taught model in exactly the trainer's export format: the base model's own artifacts (its
 * topology and every backbone weight byte for byte, quantized as they were) with the head's two
 * Dense layers replaced by the new ones (float32, so the model reproduces the trained head
 * exactly) and `predictions` resized to the new classes. Done on the artifacts, not on a loaded
 * model, because the worker's loaded model has its BatchNormalization folded into custom layers.
 */
import type * as tf from '@tensorflow/tfjs';
import { HEAD_LAYERS, HEAD_UNITS } from '../core/head.ts';
import { floatWeight, joinWeights, splitWeights } from '../inference/artifact-weights.ts';
import type { HeadWeights } from './head-trainer.ts';

export class AssembleError extends Error {
  override name = 'AssembleError';
}

interface LayerJson {
  class_name: string;
  name?: string;
  config: { name: string; units?: number; [key: string]: unknown };
  inbound_nodes?: unknown[];
}

interface TopologyJson {
  class_name: string;
  config: { layers: LayerJson[]; output_layers: unknown[]; [key: string]: unknown };
  [key: string]: unknown;
}

/** The name of the layer feeding `layer` (Keras's inbound_nodes [[[name, 0, 0, {}]]]). */
function inboundName(layer: LayerJson): string | undefined {
  const node = layer.inbound_nodes?.[0];
  const first = Array.isArray(node) ? (node[0] as unknown) : undefined;
  return Array.isArray(first) && typeof first[0] === 'string' ? first[0] : undefined;
}

function topologyOf(artifacts: tf.io.ModelArtifacts): TopologyJson {
  const t = artifacts.modelTopology as Partial<TopologyJson> | ArrayBuffer | undefined;
  const layers = t && !(t instanceof ArrayBuffer) ? t.config?.layers : undefined;
  if (!t || t instanceof ArrayBuffer || !Array.isArray(layers)) throw new AssembleError('the base model is not a tfjs layers model');
  return structuredClone(t) as TopologyJson;
}

/** Checks the base ends in the trainer's head (pooling -> dense -> dropout -> predictions, the only output). */
function headLayers(topology: TopologyJson): { dense: LayerJson; output: LayerJson; inputDim?: number } {
  const byName = new Map(topology.config.layers.map((l) => [l.config.name, l]));
  const chain = [HEAD_LAYERS.pooling, HEAD_LAYERS.dense, HEAD_LAYERS.dropout, HEAD_LAYERS.output];
  for (let i = 0; i < chain.length; i++) {
    const layer = byName.get(chain[i]);
    if (!layer) throw new AssembleError(`the base model has no layer "${chain[i]}": it was not exported by the EndoLens trainer`);
    if (i > 0 && inboundName(layer) !== chain[i - 1]) throw new AssembleError(`layer "${chain[i]}" does not follow "${chain[i - 1]}"`);
  }
  const outputs = JSON.stringify(topology.config.output_layers);
  if (outputs !== JSON.stringify([[HEAD_LAYERS.output, 0, 0]]))
    throw new AssembleError(`the base model's outputs are ${outputs}, not the head`);
  return { dense: byName.get(HEAD_LAYERS.dense) as LayerJson, output: byName.get(HEAD_LAYERS.output) as LayerJson };
}

/** The base model with `head` as its head: ModelArtifacts the app's loader and tf.loadLayersModel read. */
export function assembleTaughtModel(base: tf.io.ModelArtifacts, head: HeadWeights): tf.io.ModelArtifacts {
  const topology = topologyOf(base);
  const { dense, output } = headLayers(topology);
  if (dense.config.units !== HEAD_UNITS)
    throw new AssembleError(`the base head has ${String(dense.config.units)} units, not ${HEAD_UNITS}`);
  output.config.units = head.numClasses;

  const stored = splitWeights(base);
  if (!stored) throw new AssembleError("the base model's weights cannot be read");
  const replacements = new Map([
    [`${HEAD_LAYERS.dense}/kernel`, floatWeight(`${HEAD_LAYERS.dense}/kernel`, [head.inputDim, HEAD_UNITS], head.denseKernel)],
    [`${HEAD_LAYERS.dense}/bias`, floatWeight(`${HEAD_LAYERS.dense}/bias`, [HEAD_UNITS], head.denseBias)],
    [`${HEAD_LAYERS.output}/kernel`, floatWeight(`${HEAD_LAYERS.output}/kernel`, [HEAD_UNITS, head.numClasses], head.outputKernel)],
    [`${HEAD_LAYERS.output}/bias`, floatWeight(`${HEAD_LAYERS.output}/bias`, [head.numClasses], head.outputBias)],
  ]);
  const baseKernel = stored.find((w) => w.spec.name === `${HEAD_LAYERS.dense}/kernel`);
  if (!baseKernel || baseKernel.spec.shape[0] !== head.inputDim) {
    throw new AssembleError(`the head takes ${head.inputDim} features but the base pools ${String(baseKernel?.spec.shape[0])}`);
  }
  const weights = stored.map((w) => replacements.get(w.spec.name) ?? w);
  const missing = [...replacements.keys()].filter((name) => !stored.some((w) => w.spec.name === name));
  if (missing.length) throw new AssembleError(`the base model has no weights ${missing.join(', ')}`);
  return { ...base, modelTopology: topology, ...joinWeights(weights) };
}
