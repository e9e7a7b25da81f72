/**
 * Issue 4 item 6 measurement: how the embedded model rates frames unlike its training data.
 * Prints a markdown table of top probability vs the model's lowConfidenceThreshold for the
 * curated samples (../shared, other camera; ulcer and esophagitis are classes it never saw) and
 * synthetic non-endoscopy images made here.
 *
 *   npx tsx e2e/support/out-of-depth.ts [--model public/model]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import sharp from 'sharp';
import { CURATED_FILES, CURATED_SAMPLES, REPO_ROOT } from './paths.ts';
import { readMetadata, trainerProbabilities } from './trainer-probabilities.ts';

const W = 320, H = 256;

async function raw(name: string, pixel: (x: number, y: number) => [number, number, number]): Promise<{ name: string; buffer: Buffer }> {
  const data = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) data.set(pixel(x, y), (y * W + x) * 3);
  return { name, buffer: await sharp(data, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer() };
}

/** Deterministic pseudo-random bytes (xorshift), so the table reproduces. */
function noise(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => { s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0; return s & 255; };
}

export async function syntheticOutliers(): Promise<{ name: string; buffer: Buffer }[]> {
  const rnd = noise(12345);
  return Promise.all([
    raw('synthetic: flat grey', () => [128, 128, 128]),
    raw('synthetic: flat black', () => [0, 0, 0]),
    raw('synthetic: uniform noise', () => [rnd(), rnd(), rnd()]),
    raw('synthetic: checkerboard 32 px', (x, y) => ((Math.floor(x / 32) + Math.floor(y / 32)) % 2 ? [255, 255, 255] : [0, 0, 0])),
    raw('synthetic: sky-to-grass gradient', (x, y) => (y < H / 2 ? [90 + y / 2, 150 + y / 3, 235] : [60, 120 + (y - H / 2) / 2, 40 + x / 16])),
    raw('synthetic: pink flat (mucosa colour)', () => [220, 120, 120]),
  ]);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { model: { type: 'string', default: join(REPO_ROOT, 'public/model') } } });
  const modelDir = values.model as string;
  const meta = await readMetadata(modelDir);
  const threshold = meta.lowConfidenceThreshold;
  if (threshold === undefined) throw new Error(`${modelDir}/metadata.json has no lowConfidenceThreshold`);
  const images: (string | { name: string; buffer: Buffer })[] = [];
  if (existsSync(CURATED_SAMPLES)) images.push(...CURATED_FILES.map((f) => join(CURATED_SAMPLES, f)));
  else console.error(`${CURATED_SAMPLES} is absent: synthetic images only`);
  images.push(...(await syntheticOutliers()));
  const rows = await trainerProbabilities(modelDir, images);
  const names = meta.classes.map((c) => c.name);
  console.log(`Model: ${meta.name}; lowConfidenceThreshold ${threshold.toFixed(4)}\n`);
  console.log(`| image | ${names.join(' | ')} | top class | top p | flagged low-confidence |`);
  console.log(`|---|${names.map(() => '---:').join('|')}|---|---:|---|`);
  let flagged = 0;
  for (const r of rows) {
    const top = Math.max(...r.probabilities);
    const low = top < threshold;
    if (low) flagged++;
    console.log(`| ${r.fileName} | ${r.probabilities.map((p) => p.toFixed(4)).join(' | ')} | ${names[r.probabilities.indexOf(top)]} | ${top.toFixed(4)} | ${low ? 'yes' : 'no'} |`);
  }
  console.log(`\n${flagged} of ${rows.length} flagged low-confidence (top p < ${threshold.toFixed(4)}).`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => { console.error(e instanceof Error ? e.message : e); process.exit(1); });
}
