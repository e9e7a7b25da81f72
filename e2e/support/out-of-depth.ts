/**
 * Issue 4 item 6 measurement: how the embedded model rates frames unlike its training data.
 * Prints a markdown table of top probability vs the model's lowConfidenceThreshold, and the
 * unfamiliar-frame check (src/core/familiarity.ts), for the curated samples (../shared, other
 * camera; ulcer and esophagitis are classes it never saw), synthetic non-endoscopy images made here,
 * and any further images named on the command line (summarised, not listed, with --summary).
 *
 *   npx tsx e2e/support/out-of-depth.ts [--model public/model] [--summary] [image ...]
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { CURATED_FILES, CURATED_SAMPLES, REPO_ROOT } from './paths.ts';
import { outlierImages } from './images.ts';
import { readMetadata, trainerProbabilities } from './trainer-probabilities.ts';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    options: { model: { type: 'string', default: join(REPO_ROOT, 'public/model') }, summary: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const modelDir = values.model;
  const meta = await readMetadata(modelDir);
  const threshold = meta.lowConfidenceThreshold;
  if (threshold === undefined) throw new Error(`${modelDir}/metadata.json has no lowConfidenceThreshold`);
  const images: (string | { name: string; buffer: Buffer })[] = [];
  if (existsSync(CURATED_SAMPLES)) images.push(...CURATED_FILES.map((f) => join(CURATED_SAMPLES, f)));
  else console.error(`${CURATED_SAMPLES} is absent: synthetic images only`);
  images.push(...(await outlierImages()));
  const listed = images.length;
  images.push(...positionals);
  const rows = await trainerProbabilities(modelDir, images);
  const names = meta.classes.map((c) => c.name);
  const check = meta.familiarity;
  console.log(
    `Model: ${meta.name}; lowConfidenceThreshold ${threshold.toFixed(4)}; ` +
      (check ? `unfamiliar when feature distance > ${check.threshold.toFixed(4)}\n` : 'no unfamiliar-frame check\n'),
  );
  console.log(`| image | ${names.join(' | ')} | top class | top p | low confidence | feature distance | unfamiliar |`);
  console.log(`|---|${names.map(() => '---:').join('|')}|---|---:|---|---:|---|`);
  const tally = (list: typeof rows) => ({
    low: list.filter((r) => Math.max(...r.probabilities) < threshold).length,
    unfamiliar: list.filter((r) => r.unfamiliar).length,
    either: list.filter((r) => r.unfamiliar || Math.max(...r.probabilities) < threshold).length,
  });
  for (const r of values.summary ? rows.slice(0, listed) : rows) {
    const top = Math.max(...r.probabilities);
    console.log(
      `| ${r.fileName} | ${r.probabilities.map((p) => p.toFixed(4)).join(' | ')} | ${names[r.probabilities.indexOf(top)]} | ${top.toFixed(4)} | ` +
        `${top < threshold ? 'yes' : 'no'} | ${r.familiarityDistance?.toFixed(4) ?? '-'} | ${r.unfamiliar === undefined ? '-' : r.unfamiliar ? 'yes' : 'no'} |`,
    );
  }
  const a = tally(rows.slice(0, listed));
  console.log(
    `\nListed images: ${a.low} of ${listed} low confidence (top p < ${threshold.toFixed(4)}); ${a.unfamiliar} unfamiliar; ${a.either} marked either way.`,
  );
  if (positionals.length) {
    const b = tally(rows.slice(listed));
    const d = rows.slice(listed).map((r) => r.familiarityDistance ?? Number.NaN);
    console.log(
      `Images from the command line: ${b.low} of ${positionals.length} low confidence; ${b.unfamiliar} unfamiliar; ${b.either} marked either way; ` +
        `feature distance ${Math.min(...d).toFixed(4)}..${Math.max(...d).toFixed(4)}.`,
    );
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
