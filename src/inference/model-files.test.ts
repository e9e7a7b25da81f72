import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestModel } from '../../e2e/support/make-test-model.ts';
import { loadModelBundle, ModelLoadError } from './model-files.ts';

let dir: string;

async function filesOf(folder: string, skip: string[] = []): Promise<File[]> {
  const names = (await readdir(folder)).filter((n) => !skip.includes(n));
  return Promise.all(names.map(async (n) => new File([await readFile(join(folder, n))], n)));
}

async function expectLoadError(files: File[], kind: string, message: RegExp): Promise<void> {
  const err = await loadModelBundle({ kind: 'files', files }).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(ModelLoadError);
  expect((err as ModelLoadError).kind).toBe(kind);
  expect((err as ModelLoadError).message).toMatch(message);
}

describe("loadModelBundle from a user's files", () => {
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'endolens-model-'));
    await makeTestModel(dir, { classes: 3, inputSize: 16, name: 'Unit model', version: '9.9.9' });
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await rm(`${dir}-bad`, { recursive: true, force: true });
  });

  it('reads model.json, its weights and metadata.json, and keys the model by name, version and content', async () => {
    const bundle = await loadModelBundle({ kind: 'files', files: await filesOf(dir) });
    expect(bundle.metadata.classes.map((c) => c.name)).toEqual(['0_normal', '1_ulcerative_colitis', '2_polyps']);
    expect(bundle.metadata.input.size).toBe(16);
    expect(bundle.modelKey).toMatch(/^Unit model@9\.9\.9#[0-9a-f]{8}$/);
    expect(bundle.artifacts.weightSpecs?.length).toBeGreaterThan(0);
  });

  it('names a missing metadata.json, and weight files model.json expects', async () => {
    await expectLoadError(await filesOf(dir, ['metadata.json']), 'missing', /no metadata\.json/);
    await expectLoadError(await filesOf(dir, ['weights.bin']), 'missing', /weights\.bin/);
  });

  it('rejects truncated weights with the byte counts', async () => {
    const files = await filesOf(dir, ['weights.bin']);
    const weights = await readFile(join(dir, 'weights.bin'));
    files.push(new File([weights.subarray(0, 100)], 'weights.bin'));
    await expectLoadError(files, 'corrupt', /hold 100 bytes but model\.json describes \d+/);
  });

  it('lists metadata problems by field', async () => {
    const bad = `${dir}-bad`;
    await rm(bad, { recursive: true, force: true });
    await makeTestModel(bad, { classes: 2, inputSize: 16 });
    const meta = JSON.parse(await readFile(join(bad, 'metadata.json'), 'utf8')) as Record<string, unknown>;
    await writeFile(join(bad, 'metadata.json'), JSON.stringify({ ...meta, classes: ['only-one'], input: { size: 3 } }));
    await expectLoadError(
      await filesOf(bad),
      'metadata',
      /classes must list at least 2 classes.*input\.size must be an integer in 8\.\.1024, got 3/,
    );
  });

  it('says when model.json is not JSON', async () => {
    const files = await filesOf(dir, ['model.json']);
    files.push(new File(['{"modelTopology": '], 'model.json'));
    await expectLoadError(files, 'corrupt', /model\.json is not valid JSON/);
  });
});
