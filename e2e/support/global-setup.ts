/** Makes the e2e fixtures: a 4-class test model, a corrupt copy (weights cut short), the live view's fake camera file. */
import { copyFile, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { makeLiveY4m } from './make-live-y4m.ts';
import { makeTestModel, WEIGHTS_FILE } from './make-test-model.ts';
import { CORRUPT_MODEL, TEST_MODEL_4 } from './paths.ts';

export default async function globalSetup(): Promise<void> {
  await rm(TEST_MODEL_4, { recursive: true, force: true });
  await makeTestModel(TEST_MODEL_4, { classes: 4, inputSize: 48, name: 'E2E four-class model', version: '4.0.0-e2e', seed: 11 });
  await rm(CORRUPT_MODEL, { recursive: true, force: true });
  await mkdir(CORRUPT_MODEL, { recursive: true });
  await copyFile(join(TEST_MODEL_4, 'model.json'), join(CORRUPT_MODEL, 'model.json'));
  await copyFile(join(TEST_MODEL_4, 'metadata.json'), join(CORRUPT_MODEL, 'metadata.json'));
  const weights = await readFile(join(TEST_MODEL_4, WEIGHTS_FILE));
  await writeFile(join(CORRUPT_MODEL, WEIGHTS_FILE), weights.subarray(0, Math.floor(weights.length / 2)));
  await makeLiveY4m();
}
