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

let halfTable: Float32Array | undefined;

/** Every float16 bit pattern's value: a lookup is ~20x faster than halfToFloat per weight (410k of them). */
function halves(): Float32Array {
  halfTable ??= Float32Array.from({ length: 65536 }, (_, h) => halfToFloat(h));
  return halfTable;
}

/** The bytes as a typed array of `T`, copying only when they are not aligned for it. */
function aligned<T>(bytes: Uint8Array, per: number, make: (buffer: ArrayBuffer, offset: number, length: number) => T): T {
  const b = bytes.byteOffset % per === 0 ? bytes : bytes.slice();
  return make(b.buffer as ArrayBuffer, b.byteOffset, b.byteLength / per);
}

/** A float32 weight's values (dequantized), or undefined for other dtypes. */
export function floatValues(w: StoredWeight): Float32Array | undefined {
  if (w.spec.dtype !== 'float32') return undefined;
  const q = w.spec.quantization;
  if (!q) return Float32Array.from(aligned(w.bytes, 4, (b, o, n) => new Float32Array(b, o, n)));
  if (q.dtype === 'float16') {
    const table = halves();
    const h = aligned(w.bytes, 2, (b, o, n) => new Uint16Array(b, o, n));
    const out = new Float32Array(h.length);
    for (let i = 0; i < h.length; i++) out[i] = table[h[i]];
    return out;
  }
  const scale = q.scale ?? 1;
  const min = q.min ?? 0;
  const ints = q.dtype === 'uint8' ? w.bytes : aligned(w.bytes, 2, (b, o, n) => new Uint16Array(b, o, n));
  return Float32Array.from(ints, (v) => v * scale + min);
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
