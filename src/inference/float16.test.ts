/**
 * The embedded model may ship float16 weights (quantization in model.json's manifest). The app's
 * loader must accept them and tfjs must give the float32 model's answers, closely.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestModel } from '../../e2e/support/make-test-model.ts';
import { classifyBatch } from './classify.ts';
import { loadModelBundle } from './model-files.ts';

/** IEEE 754 half precision bits of a float32 value (round to nearest even; no subnormal care needed here). */
function toHalf(value: number): number {
  const f = new Float32Array([value]);
  const x = new Uint32Array(f.buffer)[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = ((x >>> 23) & 0xff) - 127 + 15;
  const mant = x & 0x7fffff;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  let half = sign | (exp << 10) | (mant >>> 13);
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return half;
}

let dir: string;

async function files(modelJson?: string, weights?: Uint8Array<ArrayBuffer>): Promise<File[]> {
  const names = await readdir(dir);
  return Promise.all(
    names.map(async (n) => {
      if (n === 'model.json' && modelJson) return new File([modelJson], n);
      if (n === 'weights.bin' && weights) return new File([weights], n);
      return new File([await readFile(join(dir, n))], n);
    }),
  );
}

describe('float16 weights', () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'endolens-f16-'));
    await makeTestModel(dir, { classes: 3, inputSize: 16 });
    await tf.setBackend('cpu');
  }, 60_000);
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('load through the app loader and classify like the float32 model (within 1e-2)', async () => {
    const json = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8')) as {
      weightsManifest: { weights: { quantization?: unknown }[] }[];
    };
    const f32 = new Float32Array((await readFile(join(dir, 'weights.bin'))).buffer.slice(0));
    const halves = new Uint16Array(f32.length);
    f32.forEach((v, i) => {
      halves[i] = toHalf(v);
    });
    for (const w of json.weightsManifest[0].weights) w.quantization = { dtype: 'float16' };

    const full = await loadModelBundle({ kind: 'files', files: await files() });
    const half = await loadModelBundle({ kind: 'files', files: await files(JSON.stringify(json), new Uint8Array(halves.buffer)) });
    expect(half.artifacts.weightData).toBeInstanceOf(ArrayBuffer);
    expect((half.artifacts.weightData as ArrayBuffer).byteLength).toBe(f32.length * 2);

    const m32 = await tf.loadLayersModel(tf.io.fromMemory(full.artifacts));
    const m16 = await tf.loadLayersModel(tf.io.fromMemory(half.artifacts));
    const input = Float32Array.from({ length: 16 * 16 * 3 }, (_, i) => Math.cos(i * 0.11));
    const [p32] = await classifyBatch(m32, [input], 16);
    const [p16] = await classifyBatch(m16, [input], 16);
    p16.forEach((v, i) => expect(Math.abs(v - p32[i])).toBeLessThan(1e-2));
    m32.dispose();
    m16.dispose();
  });
});
