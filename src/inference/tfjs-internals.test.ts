/**
 * Fails, naming the pinned and the installed tfjs, when tfjs no longer has the graph structure
 * tfjs-internals.ts reads (Grad-CAM and the trainer's model split depend on it).
 */
import * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstInboundLayer, producerInputs, producerNode } from './tfjs-internals.ts';

const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
const PINNED = pkg.dependencies['@tensorflow/tfjs'];

function changed(what: string): string {
  return `tfjs internals changed: ${what} (src/inference/tfjs-internals.ts relies on it as of the pinned tfjs ${PINNED}; installed ${tf.version.tfjs})`;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  await tf.ready();
});

describe(`tfjs-layers graph internals (pinned tfjs ${PINNED})`, () => {
  it('every layer has inboundNodes, one node per call, with inputTensors, outputTensors, inboundLayers and callArgs', () => {
    const input = tf.input({ shape: [4], name: 'x' });
    const a = tf.layers.dense({ units: 3, name: 'a' });
    const shared = tf.layers.dense({ units: 3, name: 'shared' });
    const ya = a.apply(input) as tf.SymbolicTensor;
    const first = shared.apply(ya) as tf.SymbolicTensor;
    const second = shared.apply(first, { training: false }) as tf.SymbolicTensor;
    const model = tf.model({ inputs: input, outputs: second });

    expect(Array.isArray(shared.inboundNodes), changed('Layer.inboundNodes is no longer an array')).toBe(true);
    expect(shared.inboundNodes.length, changed('a layer called twice no longer has one inbound node per call')).toBe(2);
    expect(second.nodeIndex, changed("SymbolicTensor.nodeIndex no longer indexes its layer's inboundNodes")).toBe(1);

    const node = producerNode(second);
    expect(node, changed('no inbound node at sourceLayer.inboundNodes[nodeIndex]')).toBeDefined();
    expect(
      node?.inputTensors.map((t) => t.id),
      changed("Node.inputTensors is not the call's inputs"),
    ).toEqual([first.id]);
    expect(
      node?.outputTensors.map((t) => t.id),
      changed("Node.outputTensors is not the call's outputs"),
    ).toEqual([second.id]);
    expect(node?.inboundLayers, changed('Node.inboundLayers is not the layers that produced the inputs')).toEqual([shared]);
    expect(node?.callArgs, changed("Node.callArgs no longer keeps the call's keyword arguments")).toMatchObject({ training: false });

    expect(
      producerInputs(first).map((t) => t.id),
      changed('walking back from an output no longer reaches its inputs'),
    ).toEqual([ya.id]);
    expect(
      producerInputs(model.inputs[0]).map((t) => t.id),
      changed("a model input's node no longer lists the input itself"),
    ).toEqual([input.id]);
    expect(firstInboundLayer(a), changed("inboundNodes[0].inboundLayers[0] is no longer the layer's first input layer")).toBe(
      input.sourceLayer,
    );
    model.dispose();
  });

  it('a nested model keeps its own graph, reachable from its outputs, and is a node of the outer graph', () => {
    const innerIn = tf.input({ shape: [4] });
    const innerOut = tf.layers.dense({ units: 2, name: 'inner_dense' }).apply(innerIn) as tf.SymbolicTensor;
    const inner = tf.model({ inputs: innerIn, outputs: innerOut, name: 'inner' });
    const outerIn = tf.input({ shape: [4] });
    const link = inner.apply(outerIn) as tf.SymbolicTensor;
    const outer = tf.model({ inputs: outerIn, outputs: link, name: 'outer' });

    expect(link.sourceLayer, changed('a nested model applied to a tensor is no longer its source layer')).toBe(inner);
    expect(
      producerInputs(link).map((t) => t.id),
      changed("a nested model's call no longer lists the outer tensor it read"),
    ).toEqual([outerIn.id]);
    expect(
      producerInputs(inner.outputs[0]).map((t) => t.id),
      changed("a nested model's own outputs no longer lead back to its own inputs"),
    ).toEqual([innerIn.id]);
    outer.dispose();
  });
});
