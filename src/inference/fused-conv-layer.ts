/**
 * One convolution (regular or depthwise) with its bias, its activation and its zero padding in a
 * single tfjs kernel: what src/inference/fold-batchnorm.ts turns a conv -> BatchNormalization ->
 * ReLU6 chain into. tfjs-layers cannot express it: its Conv2D fuses only relu/linear/elu (not
 * relu6), its DepthwiseConv2D fuses nothing (a separate biasAdd and activation), and neither takes
 * explicit padding. `tf.fused.conv2d` / `tf.fused.depthwiseConv2d` do, and WASM runs them as one
 * XNNPACK call. While gradients are recorded (Grad-CAM) tfjs runs the same ops unfused, so the
 * result is the same and differentiable.
 *
 * Only ever built from a folded topology in memory (never saved); importing this module registers
 * the class so that tf.loadLayersModel can build it.
 */
import * as tf from '@tensorflow/tfjs';

export type FusedActivation = 'linear' | 'relu' | 'relu6';
/** Keras padding, or explicit [[top, bottom], [left, right]] from an absorbed ZeroPadding2D. */
export type FusedPadding = 'same' | 'valid' | [[number, number], [number, number]];

export interface FusedConvConfig {
  name: string;
  depthwise: boolean;
  /** Output channels of a regular conv; a depthwise conv has input channels x depthMultiplier. */
  filters?: number;
  depthMultiplier?: number;
  kernelSize: [number, number];
  strides: [number, number];
  padding: FusedPadding;
  dilationRate: [number, number];
  activation: FusedActivation;
  trainable?: boolean;
}

function outputLength(
  size: number | null,
  kernel: number,
  pad: [number, number] | 'same' | 'valid',
  stride: number,
  dilation: number,
): number | null {
  if (size === null) return null;
  const k = (kernel - 1) * dilation + 1;
  if (pad === 'same') return Math.ceil(size / stride);
  const padded = pad === 'valid' ? size : size + pad[0] + pad[1];
  return Math.floor((padded - k) / stride) + 1;
}

export class FusedConv extends tf.layers.Layer {
  static readonly className = 'EndoLensFusedConv';
  private readonly fc: FusedConvConfig;
  private kernel?: tf.LayerVariable;
  private bias?: tf.LayerVariable;

  constructor(config: FusedConvConfig) {
    super({ name: config.name, trainable: config.trainable ?? false });
    this.fc = { ...config };
  }

  override build(inputShape: tf.Shape | tf.Shape[]): void {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const cin = s[3] as number;
    const [kh, kw] = this.fc.kernelSize;
    const mult = this.fc.depthMultiplier ?? 1;
    const cout = this.fc.depthwise ? cin * mult : (this.fc.filters as number);
    // Zeros: the real values always come from the folded weights, so skip a random initialiser.
    const zeros = tf.initializers.zeros();
    this.kernel = this.addWeight(
      this.fc.depthwise ? 'depthwise_kernel' : 'kernel',
      [kh, kw, cin, this.fc.depthwise ? mult : cout],
      'float32',
      zeros,
    );
    this.bias = this.addWeight('bias', [cout], 'float32', zeros);
    this.built = true;
  }

  override computeOutputShape(inputShape: tf.Shape | tf.Shape[]): tf.Shape {
    const s = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const { kernelSize, strides, dilationRate, padding } = this.fc;
    const rows = outputLength(s[1], kernelSize[0], Array.isArray(padding) ? padding[0] : padding, strides[0], dilationRate[0]);
    const cols = outputLength(s[2], kernelSize[1], Array.isArray(padding) ? padding[1] : padding, strides[1], dilationRate[1]);
    const cout = this.fc.depthwise ? (s[3] as number) * (this.fc.depthMultiplier ?? 1) : (this.fc.filters as number);
    return [s[0], rows, cols, cout];
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      let x = (Array.isArray(inputs) ? inputs[0] : inputs) as tf.Tensor4D;
      const { strides, dilationRate, activation, depthwise } = this.fc;
      let pad: 'same' | 'valid' | tf.backend_util.ExplicitPadding;
      const explicit = this.explicitPadding(x.shape);
      if (!explicit) pad = this.fc.padding as 'same' | 'valid';
      else if (explicit === 'same') pad = 'same';
      else if (!depthwise) pad = [[0, 0], explicit[0], explicit[1], [0, 0]];
      else {
        // tf.fused.depthwiseConv2d takes no explicit padding: pad first (never hit by MobileNetV2, see explicitPadding).
        x = tf.pad(x, [[0, 0], explicit[0], explicit[1], [0, 0]]);
        pad = 'valid';
      }
      const filter = (this.kernel as tf.LayerVariable).read() as tf.Tensor4D;
      const bias = (this.bias as tf.LayerVariable).read();
      const args = { x, filter, strides, dilations: dilationRate, dataFormat: 'NHWC' as const, bias, activation };
      return depthwise ? tf.fused.depthwiseConv2d({ ...args, pad: pad as 'same' | 'valid' }) : tf.fused.conv2d({ ...args, pad });
    });
  }

  /**
   * An absorbed ZeroPadding2D's pads, or 'same' where they are exactly what TF's 'same' pads for
   * this input size (MobileNetV2's stride-2 blocks pad (0, 1) on even sizes, which is 'same'), so
   * the kernel takes its fastest path. Undefined for a conv that had no ZeroPadding2D.
   */
  private explicitPadding(shape: number[]): 'same' | [[number, number], [number, number]] | undefined {
    const p = this.fc.padding;
    if (!Array.isArray(p)) return undefined;
    const same = [0, 1].every((axis) => {
      const size = shape[1 + axis];
      const k = (this.fc.kernelSize[axis] - 1) * this.fc.dilationRate[axis] + 1;
      const s = this.fc.strides[axis];
      const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
      const before = Math.floor(total / 2);
      return p[axis][0] === before && p[axis][1] === total - before;
    });
    return same ? 'same' : p;
  }

  override getConfig(): tf.serialization.ConfigDict {
    const { name: _name, trainable: _trainable, ...rest } = this.fc;
    return { ...super.getConfig(), ...rest };
  }

  override getClassName(): string {
    return FusedConv.className;
  }
}

tf.serialization.registerClass(FusedConv);
