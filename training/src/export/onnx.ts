/**
 * An ONNX model (opset 13) of a tfjs layers classifier with the same weights, for running it on
 * ONNX Runtime beside tfjs (`npm run bench`, the peer section; training/scripts/export-onnx.ts).
 * Covers what the trainer's MobileNetV2 classifier is made of, folded by
 * src/inference/fold-batchnorm.ts or not: Conv2D, DepthwiseConv2D (Conv with group), the folded
 * EndoLensFusedConv, BatchNormalization, ReLU / ReLU6 (Relu / Clip), ZeroPadding2D (Pad), Add,
 * GlobalAveragePooling2D, Dense (Gemm), Dropout (Identity), softmax. Any other layer is refused
 * by name. The graph takes NHWC frames, as tfjs does, and transposes them to NCHW once.
 */
import type * as tf from '@tensorflow/tfjs';
import { floatValues, splitWeights } from '../../../src/inference/artifact-weights.ts';
import { encodeModel, type OnnxGraph, type OnnxInitializer, type OnnxNode } from './onnx-proto.ts';

export class OnnxExportError extends Error {
  override name = 'OnnxExportError';
}

type Json = Record<string, unknown>;
interface LayerJson {
  name: string;
  class_name: string;
  config: Json;
  inbound_nodes: [string, number, number, Json?][][];
}

export interface OnnxExport {
  /** ModelProto bytes. */
  model: Uint8Array;
  /** Graph input: [batch, h, w, c] float32, as the tfjs model takes it. */
  input: string;
  output: string;
  inputShape: [number, number, number];
}

function pair(x: unknown, what: string): [number, number] {
  if (typeof x === 'number') return [x, x];
  if (Array.isArray(x) && x.length === 2 && typeof x[0] === 'number' && typeof x[1] === 'number') return [x[0], x[1]];
  throw new OnnxExportError(`${what} is not one or two integers: ${JSON.stringify(x)}`);
}

/** [kh, kw, in, out] -> [out, in, kh, kw] */
function convKernel(k: Float32Array, [kh, kw, cin, cout]: number[]): Float32Array {
  const out = new Float32Array(k.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let i = 0; i < cin; i++)
        for (let o = 0; o < cout; o++) out[((o * cin + i) * kh + y) * kw + x] = k[((y * kw + x) * cin + i) * cout + o];
  return out;
}

/** [kh, kw, in, multiplier] -> [in * multiplier, 1, kh, kw]: a grouped Conv with group = in. */
function depthwiseKernel(k: Float32Array, [kh, kw, cin, mult]: number[]): Float32Array {
  const out = new Float32Array(k.length);
  for (let y = 0; y < kh; y++)
    for (let x = 0; x < kw; x++)
      for (let c = 0; c < cin; c++)
        for (let j = 0; j < mult; j++) out[((c * mult + j) * kh + y) * kw + x] = k[((y * kw + x) * cin + c) * mult + j];
  return out;
}

class GraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly weights: Map<string, { values: Float32Array; shape: number[] }>;

  constructor(artifacts: tf.io.ModelArtifacts) {
    const stored = splitWeights(artifacts);
    if (!stored) throw new OnnxExportError('the weights hold a dtype without a fixed size');
    this.weights = new Map();
    for (const w of stored) {
      const v = floatValues(w);
      if (v) this.weights.set(w.spec.name, { values: v, shape: w.spec.shape });
    }
  }

  weight(name: string): { values: Float32Array; shape: number[] } {
    const w = this.weights.get(name);
    if (!w) throw new OnnxExportError(`weight ${name} is missing`);
    return w;
  }

  hasWeight(name: string): boolean {
    return this.weights.has(name);
  }

  constant(name: string, dims: number[], values: Float32Array | BigInt64Array): string {
    this.initializers.push({ name, dims, values });
    return name;
  }

  node(op: string, inputs: string[], output: string, attributes?: OnnxNode['attributes']): string {
    this.nodes.push({ op, inputs, outputs: [output], name: output, attributes });
    return output;
  }

  /** `x` through a Keras activation; the result is named `output`. */
  activation(x: string, activation: unknown, output: string, layer: string): string {
    switch (activation ?? 'linear') {
      case 'linear':
        return this.node('Identity', [x], output);
      case 'relu':
        return this.node('Relu', [x], output);
      case 'relu6':
        return this.node(
          'Clip',
          [x, this.constant(`${output}/min`, [], new Float32Array([0])), this.constant(`${output}/max`, [], new Float32Array([6]))],
          output,
        );
      case 'softmax':
        return this.node('Softmax', [x], output, { axis: 1 });
      default:
        throw new OnnxExportError(`layer ${layer}: activation ${String(activation)} has no ONNX mapping here`);
    }
  }

  conv(layer: LayerJson, x: string): string {
    const c = layer.config;
    const fused = layer.class_name === 'EndoLensFusedConv';
    const depthwise = fused ? c.depthwise === true : layer.class_name === 'DepthwiseConv2D';
    const kernel = this.weight(`${layer.name}/${depthwise ? 'depthwise_kernel' : 'kernel'}`);
    const [kh, kw, cin, last] = kernel.shape;
    const cout = depthwise ? cin * last : last;
    const w = this.constant(
      `${layer.name}/W`,
      depthwise ? [cout, 1, kh, kw] : [cout, cin, kh, kw],
      depthwise ? depthwiseKernel(kernel.values, kernel.shape) : convKernel(kernel.values, kernel.shape),
    );
    const inputs = [x, w];
    if (this.hasWeight(`${layer.name}/bias`))
      inputs.push(this.constant(`${layer.name}/B`, [cout], this.weight(`${layer.name}/bias`).values));
    const attributes: OnnxNode['attributes'] = {
      kernel_shape: [kh, kw],
      strides: pair(c.strides ?? 1, `${layer.name} strides`),
      dilations: pair(c.dilation_rate ?? 1, `${layer.name} dilation_rate`),
      group: depthwise ? cin : 1,
    };
    const padding = c.padding;
    // TF's 'same' puts the odd pixel at the end: SAME_UPPER.
    if (padding === 'same') attributes.auto_pad = 'SAME_UPPER';
    else if (Array.isArray(padding)) {
      const [[t, b], [l, r]] = [pair(padding[0], `${layer.name} padding`), pair(padding[1], `${layer.name} padding`)];
      attributes.pads = [t, l, b, r];
    } else if (padding !== 'valid') throw new OnnxExportError(`layer ${layer.name}: padding ${JSON.stringify(padding)}`);
    const activation = c.activation ?? 'linear';
    if (activation === 'linear') return this.node('Conv', inputs, layer.name, attributes);
    return this.activation(this.node('Conv', inputs, `${layer.name}/conv`, attributes), activation, layer.name, layer.name);
  }

  batchNorm(layer: LayerJson, x: string): string {
    const c = layer.config;
    const mean = this.weight(`${layer.name}/moving_mean`).values;
    const n = mean.length;
    const gamma = c.scale === false ? new Float32Array(n).fill(1) : this.weight(`${layer.name}/gamma`).values;
    const beta = c.center === false ? new Float32Array(n) : this.weight(`${layer.name}/beta`).values;
    const inputs = [
      x,
      this.constant(`${layer.name}/scale`, [n], gamma),
      this.constant(`${layer.name}/B`, [n], beta),
      this.constant(`${layer.name}/mean`, [n], mean),
      this.constant(`${layer.name}/var`, [n], this.weight(`${layer.name}/moving_variance`).values),
    ];
    return this.node('BatchNormalization', inputs, layer.name, { epsilon: { float: typeof c.epsilon === 'number' ? c.epsilon : 1e-3 } });
  }

  dense(layer: LayerJson, x: string): string {
    const kernel = this.weight(`${layer.name}/kernel`);
    const [, units] = kernel.shape;
    const inputs = [x, this.constant(`${layer.name}/W`, kernel.shape, kernel.values)];
    if (layer.config.use_bias !== false) inputs.push(this.constant(`${layer.name}/B`, [units], this.weight(`${layer.name}/bias`).values));
    const gemm = this.node('Gemm', inputs, `${layer.name}/gemm`);
    return this.activation(gemm, layer.config.activation, layer.name, layer.name);
  }
}

/** The ONNX model of the functional tfjs model in `artifacts` (its weights float32, dequantized where stored quantized). */
export function toOnnx(artifacts: tf.io.ModelArtifacts, name = 'endolens'): OnnxExport {
  const topology = artifacts.modelTopology as Json | undefined;
  const config = (topology?.model_config as Json | undefined)?.config ?? topology?.config;
  const layers = (config as { layers?: LayerJson[] } | undefined)?.layers;
  const outputs = (config as { output_layers?: [string, number, number][] } | undefined)?.output_layers;
  if (!layers || !outputs || outputs.length !== 1) throw new OnnxExportError('not a functional model with one output');
  const g = new GraphBuilder(artifacts);
  let inputShape: [number, number, number] | undefined;
  for (const layer of layers) {
    const ins = (layer.inbound_nodes[0] ?? []).map((e) => e[0]);
    if (layer.inbound_nodes.length > 1) throw new OnnxExportError(`layer ${layer.name} is called more than once`);
    const x = ins[0];
    switch (layer.class_name) {
      case 'InputLayer': {
        const shape = layer.config.batch_input_shape as (number | null)[];
        inputShape = [shape[1] as number, shape[2] as number, shape[3] as number];
        g.node('Transpose', ['input'], layer.name, { perm: [0, 3, 1, 2] });
        break;
      }
      case 'Conv2D':
      case 'DepthwiseConv2D':
      case 'EndoLensFusedConv':
        g.conv(layer, x);
        break;
      case 'BatchNormalization':
        g.batchNorm(layer, x);
        break;
      case 'ReLU': {
        const max = layer.config.max_value;
        if (
          (layer.config.negative_slope ?? 0) !== 0 ||
          (layer.config.threshold ?? 0) !== 0 ||
          (max !== null && max !== undefined && max !== 6)
        )
          throw new OnnxExportError(`layer ${layer.name}: only ReLU and ReLU6 are mapped`);
        g.activation(x, max === 6 ? 'relu6' : 'relu', layer.name, layer.name);
        break;
      }
      case 'Activation':
        g.activation(x, layer.config.activation, layer.name, layer.name);
        break;
      case 'ZeroPadding2D': {
        const p = layer.config.padding as unknown[];
        const [[t, b], [l, r]] = [pair(p[0], `${layer.name} padding`), pair(p[1], `${layer.name} padding`)];
        const pads = g.constant(`${layer.name}/pads`, [8], BigInt64Array.from([0, 0, t, l, 0, 0, b, r].map(BigInt)));
        g.node('Pad', [x, pads], layer.name);
        break;
      }
      case 'Add':
        g.node(ins.length === 2 ? 'Add' : 'Sum', ins, layer.name);
        break;
      case 'GlobalAveragePooling2D':
        g.node('Flatten', [g.node('GlobalAveragePool', [x], `${layer.name}/pool`)], layer.name, { axis: 1 });
        break;
      case 'Dense':
        g.dense(layer, x);
        break;
      case 'Dropout':
        g.node('Identity', [x], layer.name);
        break;
      default:
        throw new OnnxExportError(`layer ${layer.name}: ${layer.class_name} has no ONNX mapping here`);
    }
  }
  if (!inputShape) throw new OnnxExportError('the model has no InputLayer');
  const output = outputs[0][0];
  const graph: OnnxGraph = {
    name,
    nodes: g.nodes,
    initializers: g.initializers,
    inputs: [{ name: 'input', shape: ['batch', ...inputShape] }],
    outputs: [{ name: output, shape: ['batch', 'classes'] }],
    opset: 13,
    producer: 'endolens training/src/export/onnx.ts',
  };
  return { model: encodeModel(graph), input: 'input', output, inputShape };
}
