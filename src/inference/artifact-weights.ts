/**
 * Reads and writes the weights of `tf.io.ModelArtifacts` as plain arrays, without tensors or a
 * backend, so a model can be rewritten (src/inference/fold-batchnorm.ts) before tfjs builds it.
 * Reads float32 weights as stored or quantized (float16, or uint8/uint16 with scale and min, as
 * tfjs's own decodeWeights does); anything else is kept as raw bytes and written back unchanged.
 */
import type * as tf from '@tensorflow/tfjs';

export interface StoredWeight {
  spec: tf.io.WeightsManifestEntry;
  /** The bytes as stored (possibly quantized): written back as they are unless `values` replaces them. */
  bytes: Uint8Array;
}

const BYTES: Partial<Record<string, number>> = { float32: 4, int32: 4, bool: 1, float16: 2, uint16: 2, uint8: 1, complex64: 8 };

function storedBytesPer(spec: tf.io.WeightsManifestEntry): number | undefined {
  return BYTES[spec.quantization?.dtype ?? spec.dtype];
}

function joined(data: tf.io.WeightData): Uint8Array {
  if (!Array.isArray(data)) return new Uint8Array(data);
  const out = new Uint8Array(data.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  return out;
}

/** Each weight's spec and bytes in manifest order; undefined where a dtype has no fixed size (strings). */
export function splitWeights(artifacts: tf.io.ModelArtifacts): StoredWeight[] | undefined {
  const specs = artifacts.weightSpecs ?? [];
  const data = artifacts.weightData ? joined(artifacts.weightData) : new Uint8Array(0);
  const out: StoredWeight[] = [];
  let at = 0;
  for (const spec of specs) {
    const per = storedBytesPer(spec);
    if (per === undefined) return undefined;
    const size = spec.shape.reduce((a, d) => a * d, 1) * per;
    if (at + size > data.byteLength) return undefined;
    out.push({ spec, bytes: data.subarray(at, at + size) });
    at += size;
  }
  return out;
}

/** IEEE 754 half -> float (subnormals, infinities and NaN included). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 0x1f) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

/** A float32 weight's values (dequantized), or undefined for other dtypes. */
export function floatValues(w: StoredWeight): Float32Array | undefined {
  if (w.spec.dtype !== 'float32') return undefined;
  const { bytes } = w;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const q = w.spec.quantization;
  const n = w.spec.shape.reduce((a, d) => a * d, 1);
  const out = new Float32Array(n);
  if (!q) for (let i = 0; i < n; i++) out[i] = view.getFloat32(4 * i, true);
  else if (q.dtype === 'float16') for (let i = 0; i < n; i++) out[i] = halfToFloat(view.getUint16(2 * i, true));
  else {
    const scale = q.scale ?? 1;
    const min = q.min ?? 0;
    for (let i = 0; i < n; i++) out[i] = (q.dtype === 'uint8' ? view.getUint8(i) : view.getUint16(2 * i, true)) * scale + min;
  }
  return out;
}

/** A new float32, unquantized weight. */
export function floatWeight(name: string, shape: number[], values: Float32Array): StoredWeight {
  return { spec: { name, shape, dtype: 'float32' }, bytes: new Uint8Array(values.buffer, values.byteOffset, values.byteLength) };
}

/** Specs and one weight buffer in the given order: what tf.io.fromMemory takes. */
export function joinWeights(weights: readonly StoredWeight[]): { weightSpecs: tf.io.WeightsManifestEntry[]; weightData: ArrayBuffer } {
  const out = new Uint8Array(weights.reduce((n, w) => n + w.bytes.byteLength, 0));
  let at = 0;
  for (const w of weights) {
    out.set(w.bytes, at);
    at += w.bytes.byteLength;
  }
  return { weightSpecs: weights.map((w) => w.spec), weightData: out.buffer };
}
