/**
 * The trainer's view of a model, for comparing with the app: the same steps its evaluation runs
 * (training/src/data decodeImage -> src/core resizeToRgb -> scaleToRange -> model.predict on wasm),
 * with the model loaded by the trainer's own loader (training/src/export loadExportedModel).
 *
 * Also a CLI, for measurements outside the tests:
 *   npx tsx e2e/support/trainer-probabilities.ts --model public/model a.jpg b.png ...
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { resizeToRgb, scaleToRange } from '../../src/core/preprocess.ts';
import { validateMetadata, type ModelMetadata } from '../../src/core/metadata.ts';
import { initBackend } from '../../training/src/backend.ts';
import { decodeImage } from '../../training/src/data/decode.ts';
import { loadExportedModel } from '../../training/src/export/io.ts';
import { withFeatureOutput } from '../../src/core/feature-output.ts';
import { scoreFamiliarity } from '../../src/core/familiarity.ts';

export interface TrainerPrediction {
  fileName: string;
  probabilities: number[];
  /** src/core scoreFamiliarity of the pooled features, when the model's metadata has a familiarity check. */
  familiarityDistance?: number;
  unfamiliar?: boolean;
}

/** Small batches: the trainer's evaluation batches too, and wasm's memory stays modest for ResNet50V2. */
const BATCH = 8;

export async function readMetadata(modelDir: string): Promise<ModelMetadata> {
  return validateMetadata(JSON.parse(await readFile(join(modelDir, 'metadata.json'), 'utf8')));
}

/**
 * Probabilities of the exported model in `modelDir` for each image (a path, or a name and bytes),
 * in input order. Runs on the wasm backend, as the trainer does here.
 */
export async function trainerProbabilities(
  modelDir: string,
  images: readonly (string | { name: string; buffer: Buffer })[],
): Promise<TrainerPrediction[]> {
  await initBackend('wasm');
  const meta = await readMetadata(modelDir);
  const { size } = meta.input;
  const model = await loadExportedModel(modelDir);
  const check = meta.familiarity;
  // Features and probabilities from one pass, as the app's worker computes them.
  const net = check ? withFeatureOutput(model, check.layer, check.pooling) : model;
  try {
    const out: TrainerPrediction[] = [];
    for (let start = 0; start < images.length; start += BATCH) {
      const batch = images.slice(start, start + BATCH);
      // Decoding in parallel within a batch, as the trainer's loader keeps several decodes in flight.
      const inputs = await Promise.all(
        batch.map(async (img) => {
          const pixels = await decodeImage(typeof img === 'string' ? img : img.buffer);
          return scaleToRange(resizeToRgb(pixels, size), meta.input.range);
        }),
      );
      const flat = new Float32Array(inputs.length * size * size * 3);
      inputs.forEach((x, i) => flat.set(x, i * x.length));
      const outs = tf.tidy(() => {
        const y = net.predict(tf.tensor4d(flat, [inputs.length, size, size, 3]));
        return (Array.isArray(y) ? y : [y]) as tf.Tensor2D[];
      });
      const rows = await outs[outs.length - 1].array();
      const features = check ? await outs[0].array() : [];
      tf.dispose(outs);
      rows.forEach((p, i) => {
        const img = batch[i];
        out.push({
          fileName: typeof img === 'string' ? basename(img) : img.name,
          probabilities: p,
          ...(check ? scoreFamiliarity(features[i], check) : {}),
        });
      });
    }
    return out;
  } finally {
    model.dispose();
  }
}

/** Every image file under `dir`'s class folders (one level deep), sorted, as full paths. */
export async function imagesInClassFolders(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const cls of (await readdir(dir, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort()) {
    for (const f of (await readdir(join(dir, cls))).sort()) if (/\.(jpe?g|png|webp|bmp)$/i.test(f)) files.push(join(dir, cls, f));
  }
  return files;
}

/** Frames whose unfamiliar flag differs, and the largest familiarity-distance difference (matched by file name). */
export function familiarityDiff(
  expected: readonly TrainerPrediction[],
  actual: readonly { fileName: string; familiarityDistance?: number; unfamiliar?: boolean }[],
): { flagMismatches: string[]; maxDistanceDiff: number } {
  const byName = new Map(actual.map((r) => [r.fileName, r]));
  const flagMismatches: string[] = [];
  let maxDistanceDiff = 0;
  for (const e of expected) {
    const got = byName.get(e.fileName);
    if (!got) throw new Error(`No result for ${e.fileName}`);
    if (got.unfamiliar !== e.unfamiliar) flagMismatches.push(e.fileName);
    if (e.familiarityDistance !== undefined) {
      if (got.familiarityDistance === undefined) throw new Error(`${e.fileName}: the app reports no familiarity distance`);
      maxDistanceDiff = Math.max(maxDistanceDiff, Math.abs(e.familiarityDistance - got.familiarityDistance));
    }
  }
  return { flagMismatches, maxDistanceDiff };
}

/** Largest absolute difference between two sets of probabilities matched by file name. */
export function maxAbsDiff(
  expected: readonly TrainerPrediction[],
  actual: readonly { fileName: string; probabilities: number[] }[],
): { max: number; worst: string } {
  const byName = new Map(actual.map((r) => [r.fileName, r.probabilities]));
  let max = 0;
  let worst = '';
  for (const e of expected) {
    const got = byName.get(e.fileName);
    if (!got) throw new Error(`No result for ${e.fileName}`);
    if (got.length !== e.probabilities.length)
      throw new Error(`${e.fileName}: ${got.length} probabilities, expected ${e.probabilities.length}`);
    e.probabilities.forEach((p, i) => {
      const d = Math.abs(p - got[i]);
      if (d > max) {
        max = d;
        worst = e.fileName;
      }
    });
  }
  return { max, worst };
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ options: { model: { type: 'string' } }, allowPositionals: true });
  if (!values.model || positionals.length === 0) throw new Error('usage: trainer-probabilities.ts --model <folder> <image>...');
  for (const r of await trainerProbabilities(values.model, positionals))
    console.log(`${r.fileName}\t${r.probabilities.map((p) => p.toFixed(6)).join('\t')}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
