/**
 * Cuts a classifier into a frozen part (run in inference mode, once per batch) and a trainable tail
 * that shares the classifier's layer objects, so fitting the tail trains the classifier.
 *
 * Keras's fine-tune step unfreezes `base_model.layers[-unfreeze:]`. That list is in Keras's layer
 * order, not at block boundaries: for MobileNetV2 with 13 the tail starts inside block_15, so two
 * tensors cross the cut (block_15_project's output and block_14_add's). The cut is therefore found
 * on the graph: every input of a trainable layer that a frozen layer produced is a boundary tensor.
 */
import * as tf from '@tensorflow/tfjs';
import { producerNode, type GraphNode } from '../tfjs-internals.ts';

type Sym = tf.SymbolicTensor;

export interface TrainingSplit {
  /** image -> boundary tensors; use with predict() only (inference-mode batch norm). */
  frozen: tf.LayersModel;
  /** boundary tensors -> probabilities; shares its layers (and so its weights) with the classifier. */
  trainable: tf.LayersModel;
  trainableLayerNames: string[];
}

/** Maps each layer of `model` to the graph node it has inside `model` (layers may have other nodes). */
function nodesInModel(model: tf.LayersModel): Map<tf.layers.Layer, GraphNode> {
  const nodes = new Map<tf.layers.Layer, GraphNode>();
  const pending: Sym[] = [...model.outputs];
  while (pending.length > 0) {
    const t = pending.pop() as Sym;
    const layer = t.sourceLayer;
    if (nodes.has(layer)) continue;
    const node = producerNode(t) as GraphNode; // every tensor of a built model has its producing call
    nodes.set(layer, node);
    pending.push(...node.inputTensors);
  }
  return nodes;
}

export function splitForTraining(classifier: tf.LayersModel, backboneLayerCount: number, unfreeze: number): TrainingSplit {
  const layers = classifier.layers;
  if (!Number.isInteger(backboneLayerCount) || backboneLayerCount < 2 || backboneLayerCount >= layers.length) {
    throw new Error(
      `backboneLayerCount must be an integer in [2, ${layers.length - 1}] for "${classifier.name}". Received: ${backboneLayerCount}`,
    );
  }
  if (!Number.isInteger(unfreeze) || unfreeze < 0 || unfreeze > backboneLayerCount - 1) {
    throw new Error(
      `unfreeze must be an integer from 0 (warm-up) to ${backboneLayerCount - 1} (the backbone's layers after its input). Received: ${unfreeze}`,
    );
  }
  const nodes = nodesInModel(classifier);
  const trainableLayers = layers.slice(backboneLayerCount - unfreeze);
  const trainableSet = new Set<tf.layers.Layer>(trainableLayers);
  for (const layer of layers) layer.trainable = trainableSet.has(layer);

  // Tensors produced outside the trainable set and consumed inside it, in Keras layer order.
  const boundary: Sym[] = [];
  const seen = new Set<number>();
  for (const layer of trainableLayers) {
    const node = nodes.get(layer);
    if (node === undefined) throw new Error(`Layer "${layer.name}" is not connected to the outputs of "${classifier.name}".`);
    for (const t of node.inputTensors) {
      if (!trainableSet.has(t.sourceLayer) && !seen.has(t.id)) {
        seen.add(t.id);
        boundary.push(t);
      }
    }
  }

  const frozen = tf.model({ inputs: classifier.inputs, outputs: boundary, name: `${classifier.name}_frozen` });

  const mapped = new Map<number, Sym>();
  const tailInputs = boundary.map((t) => {
    const input = tf.input({ shape: t.shape.slice(1), name: `${t.sourceLayer.name}_cut` });
    mapped.set(t.id, input);
    return input;
  });
  for (const layer of trainableLayers) {
    const node = nodes.get(layer) as GraphNode;
    const inputs = node.inputTensors.map((t) => {
      const m = mapped.get(t.id);
      if (m === undefined) throw new Error(`Internal: input "${t.name}" of "${layer.name}" was not computed before it.`);
      return m;
    });
    const out = layer.apply(inputs.length === 1 ? inputs[0] : inputs, node.callArgs ?? {}) as Sym | Sym[];
    const outs = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((t, i) => mapped.set(t.id, outs[i]));
  }
  const tailOutputs = classifier.outputs.map((t) => mapped.get(t.id) as Sym);
  const trainable = tf.model({ inputs: tailInputs, outputs: tailOutputs, name: `${classifier.name}_trainable` });
  return { frozen, trainable, trainableLayerNames: trainableLayers.map((l) => l.name) };
}
