import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { validateMetadata } from '../../src/core/metadata.ts';
import { bakeTemperature, lowConfidenceThreshold } from '../src/export/calibration.ts';
import { float32ToFloat16Bits, quantizeFloat16 } from '../src/export/float16.ts';
import { fileSaveHandler, loadExportedModel } from '../src/export/io.ts';
import { buildMetadata, INTENDED_USE } from '../src/export/metadata.ts';
import { publishExport } from '../src/export/publish.ts';
import { readJson } from './helpers/json.ts';
import { tinyClassifier } from './schedule-fixtures.ts';

let dir: string;
beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'endolens-export-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** tfjs's own float16 decoder, as the browser uses it on load. */
function decodeHalves(values: number[]): Float32Array {
  const halves = quantizeFloat16(new Float32Array(values));
  const t = tf.io.decodeWeights(halves.buffer as ArrayBuffer, [
    { name: 'w', shape: [values.length], dtype: 'float32', quantization: { dtype: 'float16' } },
  ]);
  return t.w.dataSync() as Float32Array;
}

describe('float16 quantization', () => {
  it('matches known half-precision bit patterns', () => {
    expect(float32ToFloat16Bits(1)).toBe(0x3c00);
    expect(float32ToFloat16Bits(-2)).toBe(0xc000);
    expect(float32ToFloat16Bits(65504)).toBe(0x7bff); // largest half
    expect(float32ToFloat16Bits(1e6)).toBe(0x7c00); // overflow -> Inf
    expect(float32ToFloat16Bits(2 ** -24)).toBe(0x0001); // smallest subnormal
    expect(float32ToFloat16Bits(1 + 2 ** -11)).toBe(0x3c00); // tie -> even
    expect(float32ToFloat16Bits(1 + 3 * 2 ** -11)).toBe(0x3c02); // tie -> even (up)
    expect(float32ToFloat16Bits(Number.NaN) & 0x7c00).toBe(0x7c00);
  });

  it('round-trips through tfjs decodeWeights within half precision', () => {
    const values = [0, 1, -1, 0.1, -0.333, 3.14159, 1e-5, -7e-8, 1234.5, 0.5];
    const back = decodeHalves(values);
    values.forEach((v, i) => expect(Math.abs(back[i] - v)).toBeLessThanOrEqual(Math.max(Math.abs(v) * 2 ** -11, 2 ** -25)));
  });
});

describe('file IOHandler', () => {
  it('saves a layers model that tf.loadLayersModel reads back exactly (float32) and closely (float16)', async () => {
    const { classifier } = tinyClassifier(16, 3, 3);
    const x = tf.randomUniform([4, 16, 16, 3], -1, 1, 'float32', 9);
    const expected = (classifier.predict(x) as tf.Tensor).dataSync();

    const f32 = join(dir, 'f32');
    await mkdir(f32);
    await classifier.save(fileSaveHandler(f32, { shardBytes: 1024 }));
    const files = await readdir(f32);
    expect(files).toContain('model.json');
    expect(files.filter((f) => f.endsWith('.bin')).length).toBeGreaterThan(1); // sharded
    const loaded = await loadExportedModel(f32);
    expect(Array.from((loaded.predict(x) as tf.Tensor).dataSync())).toEqual(Array.from(expected));

    const f16 = join(dir, 'f16');
    await mkdir(f16);
    await classifier.save(fileSaveHandler(f16, { quantize: 'float16' }));
    const manifest = await readJson<tf.io.ModelJSON>(join(f16, 'model.json'));
    expect(
      manifest.weightsManifest[0].weights.every((w: { quantization?: { dtype: string } }) => w.quantization?.dtype === 'float16'),
    ).toBe(true);
    const halfBytes = (await readFile(join(f16, manifest.weightsManifest[0].paths[0]))).byteLength;
    const fullBytes = (await Promise.all(files.filter((f) => f.endsWith('.bin')).map((f) => readFile(join(f32, f))))).reduce(
      (s, b) => s + b.byteLength,
      0,
    );
    expect(halfBytes * 2).toBe(fullBytes);
    const loaded16 = await loadExportedModel(f16);
    const got = (loaded16.predict(x) as tf.Tensor).dataSync();
    const maxDiff = Math.max(...Array.from(got).map((v, i) => Math.abs(v - expected[i])));
    expect(maxDiff).toBeLessThan(5e-3);
    expect(maxDiff).toBeGreaterThan(0); // it really is quantized
    tf.dispose([x]);
    [classifier, loaded, loaded16].forEach((m) => m.dispose());
  });
});

describe('calibration', () => {
  it('baking T into predictions gives softmax(logits / T)', () => {
    const { classifier } = tinyClassifier(16, 3, 4);
    const x = tf.randomUniform([3, 16, 16, 3], -1, 1, 'float32', 2);
    const before = classifier.predict(x) as tf.Tensor;
    const T = 2.5;
    const expected = tf.softmax(tf.div(tf.log(before), T)).dataSync(); // log p differs from logits by a row constant
    bakeTemperature(classifier, T);
    const after = (classifier.predict(x) as tf.Tensor).dataSync();
    Array.from(after).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
    expect(() => bakeTemperature(classifier, 0)).toThrow(/temperature=?.*0/);
    classifier.dispose();
  });

  it('derives the low-confidence threshold from validation predictions', () => {
    // Top probabilities 0.9 (right), 0.8 (right), 0.7 (wrong), 0.6 (right): >= 0.8 is 100% right,
    // >= 0.7 only 67%, so with a 0.95 target the threshold is 0.8.
    const probs = new Float32Array([0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.6, 0.4]);
    expect(lowConfidenceThreshold(probs, [0, 0, 0, 0], 2)).toBeCloseTo(0.8, 6);
    expect(lowConfidenceThreshold(probs, [0, 0, 0, 0], 2, 0.7)).toBeCloseTo(0.6, 6); // 3 of 4 right
    expect(lowConfidenceThreshold(probs, [1, 1, 0, 1], 2)).toBe(0.99); // never 95% right
  });
});

describe('metadata', () => {
  it('builds metadata the app validates, stating the intended use', () => {
    const input = {
      name: 'EndoLens test',
      version: '1.2.3',
      classNames: ['0_normal', '2_polyps'],
      inputSize: 64,
      backbone: { name: 'mobilenetv2', alpha: 0.35, weights: 'imagenet' },
      dataset: { name: 'tiny', description: 'made by a test', counts: { train: { '0_normal': 1, '2_polyps': 1 } } },
      metrics: {},
      curves: [],
      training: { seed: 1 },
    };
    const m = buildMetadata(input);
    expect(validateMetadata(JSON.parse(JSON.stringify(m)))).toEqual(m);
    expect(m.intendedUse).toBe(INTENDED_USE);
    expect(m.intendedUse).toMatch(/^Research tool, not a medical device/);
    expect(m.classes[1].display.en).toBe('Polyp');
    expect(() => buildMetadata({ ...input, classNames: ['only'] })).toThrow(/classes must list at least 2/);
  });
});

describe('publishing an export', () => {
  it('replaces a previous export whole, and refuses a folder holding other files', async () => {
    const target = join(dir, 'public-model');
    // A model placed by hand: its own shard name, and a .gitkeep that must survive.
    await mkdir(target);
    await writeFile(join(target, 'model.json'), JSON.stringify({ weightsManifest: [{ paths: ['weights.bin'], weights: [] }] }));
    await writeFile(join(target, 'weights.bin'), 'old');
    await writeFile(join(target, '.gitkeep'), '');
    await publishExport(target, (f) => writeFile(join(f, 'model.json'), '{"v":1}'));
    expect((await readdir(target)).sort()).toEqual(['.gitkeep', 'model.json']);
    await publishExport(target, async (f) => {
      await writeFile(join(f, 'model.json'), '{"v":2}');
      await writeFile(join(f, 'group1-shard1of1.bin'), 'x');
    });
    expect(await readFile(join(target, 'model.json'), 'utf8')).toBe('{"v":2}');
    // A failing write leaves the previous export as it was.
    await expect(publishExport(target, () => Promise.reject(new Error('disk full')))).rejects.toThrow('disk full');
    expect(await readFile(join(target, 'model.json'), 'utf8')).toBe('{"v":2}');
    expect((await readdir(dir)).some((f) => f.includes('.partial-'))).toBe(false);

    const user = join(dir, 'my-notes');
    await mkdir(user);
    await writeFile(join(user, 'thesis.docx'), 'precious');
    await expect(publishExport(user, () => Promise.resolve())).rejects.toThrow(/thesis\.docx/);
    expect(await readFile(join(user, 'thesis.docx'), 'utf8')).toBe('precious');
  });
});
