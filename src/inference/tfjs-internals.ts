/**
 * The one place the app reads tfjs-layers' graph structure, which tfjs types but does not document
 * as API (`Layer.inboundNodes` and its nodes). The trainer walks the same graph and imports this
 * module through training/src/tfjs-internals.ts. tfjs-internals.test.ts pins what is relied on
 * here (tfjs 4.22.0): an upgrade that changes it fails there, not silently in Grad-CAM.
 */
import type * as tf from '@tensorflow/tfjs';

/** A call of a layer in the graph (tfjs-layers' `Node`, not exported by @tensorflow/tfjs). */
export type GraphNode = tf.layers.Layer['inboundNodes'][number];

/**
 * The call that produced symbolic tensor `t`: its inputs, outputs and call arguments. Undefined
 * only where tfjs keeps no node for it.
 */
export function producerNode(t: tf.SymbolicTensor): GraphNode | undefined {
  return t.sourceLayer.inboundNodes[t.nodeIndex];
}

/**
 * The tensors fed to the call that produced `t`. A model input lists itself (tfjs's InputLayer node
 * takes and gives the same tensor), so a walk back must stop at tensors it has seen.
 */
export function producerInputs(t: tf.SymbolicTensor): tf.SymbolicTensor[] {
  return producerNode(t)?.inputTensors ?? [];
}

/** The layer whose output `layer`'s first call read (e.g. what a pooling layer pools). */
export function firstInboundLayer(layer: tf.layers.Layer): tf.layers.Layer | undefined {
  return layer.inboundNodes[0]?.inboundLayers[0];
}
