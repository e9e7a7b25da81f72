/**
 * Runs a backend's registered kernels (wasm, or webgpu for the WebGPU kernels) directly from inside
 * another kernel, as tfjs backends compose their own kernels: TensorInfos in, TensorInfos out, no
 * engine, no tape. Every intermediate is released when the scope closes; the one result handed back
 * to the engine is kept.
 */
import * as tf from '@tensorflow/tfjs';

export const WASM = 'wasm';
export const WEBGPU = 'webgpu';

export class KernelScope {
  private readonly temps: tf.TensorInfo[] = [];

  private readonly backend: tf.KernelBackend;

  private readonly backendName: string;

  /** `backend` is what a KernelFunc receives (typed `{}` by tfjs): the KernelBackend named `backendName`. */
  constructor(backend: object, backendName: string) {
    this.backend = backend as tf.KernelBackend;
    this.backendName = backendName;
  }

  run(kernelName: string, inputs: tf.NamedTensorInfoMap | tf.TensorInfo[], attrs: Record<string, unknown> = {}): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, this.backendName);
    if (kernel === undefined) {
      throw new Error(
        `EndoLens ${this.backendName} gradients need the ${this.backendName} kernel "${kernelName}", which is not registered.`,
      );
    }
    const out = kernel.kernelFunc({
      // Concat takes a list of inputs; every other kernel a name -> tensor map (the registry types only the map).
      inputs: inputs as tf.NamedTensorInfoMap,
      backend: this.backend,
      attrs: attrs as tf.NamedAttrMap,
    });
    const info = Array.isArray(out) ? out[0] : out;
    this.temps.push(info);
    return info;
  }

  /** Runs `body` and releases every intermediate except the returned result, also on error. */
  static use(backend: object, body: (s: KernelScope) => tf.TensorInfo, backendName: string = WASM): tf.TensorInfo {
    const scope = new KernelScope(backend, backendName);
    let result: tf.TensorInfo | undefined;
    try {
      result = body(scope);
      return result;
    } finally {
      for (const t of scope.temps) if (t !== result) scope.backend.disposeData(t.dataId);
    }
  }

  /** The values of a float32 tensor (a copy out of wasm memory; wasm only: webgpu cannot read synchronously in Node). */
  read(x: tf.TensorInfo): Float32Array {
    return this.backend.readSync(x.dataId) as Float32Array;
  }

  /** A new float32 tensor owned by this scope (released at the end unless it is the result). */
  fromValues(shape: number[], values: Float32Array): tf.TensorInfo {
    const info: tf.TensorInfo = { dataId: this.backend.write(values, shape, 'float32'), shape, dtype: 'float32' };
    this.temps.push(info);
    return info;
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run('Transpose', { x }, { perm });
  }

  /** Zero padding per axis; a no-op (no copy) when all pads are zero. */
  pad(x: tf.TensorInfo, paddings: Array<[number, number]>): tf.TensorInfo {
    if (paddings.every(([a, b]) => a === 0 && b === 0)) return x;
    return this.run('PadV2', { x }, { paddings, constantValue: 0 });
  }

  stridedSlice(x: tf.TensorInfo, begin: number[], end: number[], strides: number[]): tf.TensorInfo {
    return this.run(
      'StridedSlice',
      { x },
      { begin, end, strides, beginMask: 0, endMask: 0, ellipsisMask: 0, newAxisMask: 0, shrinkAxisMask: 0 },
    );
  }

  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    return this.run('Slice', { x }, { begin, size });
  }
}
