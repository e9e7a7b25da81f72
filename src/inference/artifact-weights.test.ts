/** Reading stored weights without tfjs (src/inference/artifact-weights.ts): every quantization tfjs writes, aligned or not. */
import { describe, expect, it } from 'vitest';
import { floatValues, halfToFloat, joinWeights, splitWeights, type StoredWeight } from './artifact-weights.ts';

describe('artifact weights', () => {
  it('decodes float16 bit patterns, subnormals and infinities included', () => {
    expect([0x3c00, 0xc000, 0x7bff, 0x0001, 0x7c00, 0x0000].map(halfToFloat)).toEqual([1, -2, 65504, 2 ** -24, Infinity, 0]);
    expect(Number.isNaN(halfToFloat(0x7e00))).toBe(true);
  });

  it('reads float32, float16 and uint8/uint16 (scale, min) weights at any byte offset', () => {
    const f32 = new Uint8Array(new Float32Array([1.5, -2.25]).buffer);
    const f16 = new Uint8Array(new Uint16Array([0x3c00, 0xbc00, 0x3800]).buffer);
    const u16 = new Uint8Array(new Uint16Array([0, 2]).buffer);
    // One odd-sized weight first, so every later one starts unaligned.
    const data = new Uint8Array([7, 0, 10, ...f32, ...f16, ...u16]);
    const weights = splitWeights({
      weightSpecs: [
        { name: 'u8', shape: [3], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
        { name: 'f32', shape: [2], dtype: 'float32' },
        { name: 'f16', shape: [3], dtype: 'float32', quantization: { dtype: 'float16' } },
        { name: 'u16', shape: [2], dtype: 'float32', quantization: { dtype: 'uint16', scale: 0.25, min: 1 } },
      ],
      weightData: data.buffer,
    }) as StoredWeight[];
    expect(weights.map((w) => Array.from(floatValues(w)!))).toEqual([
      [2.5, -1, 4],
      [1.5, -2.25],
      [1, -1, 0.5],
      [1, 1.5],
    ]);
    // Written back unchanged, byte for byte.
    expect(new Uint8Array(joinWeights(weights).weightData)).toEqual(data);
  });

  it('refuses weights that the data does not hold', () => {
    expect(splitWeights({ weightSpecs: [{ name: 'w', shape: [4], dtype: 'float32' }], weightData: new ArrayBuffer(8) })).toBeUndefined();
  });
});
