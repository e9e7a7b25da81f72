/**
 * Loads a whole dataset into memory as the model will see it: each image decoded with sharp (many
 * in flight at once), then resized by src/core's resizeToRgb, the exact code the app runs, into
 * one N x S x S x 3 uint8 block per split. Bad files are skipped and listed, never fatal;
 * a layout problem (missing split, mismatched or empty class) is fatal with a message naming it.
 */
import { resizeToRgb } from '../../../src/core/preprocess.ts';
import { decodeImage, hasImageExtension } from './decode.ts';
import { DatasetError, listDataset, SPLITS, type FileEntry, type Split } from './layout.ts';

export interface SplitData {
  /** N x size x size x 3 uint8 RGB, row-major, from src/core resizeToRgb. */
  images: Uint8Array;
  labels: Int32Array;
  /** Paths relative to the split, e.g. `2_polyps/x.jpg`. */
  files: string[];
  count: number;
  size: number;
}

export interface SkippedFile {
  split: string;
  file: string;
  reason: string;
}

export interface DataReport {
  root: string;
  format: 'folders' | 'zip';
  classNames: string[];
  /** counts[split][className] = images loaded. */
  counts: Record<string, Record<string, number>>;
  skipped: SkippedFile[];
  decodeSeconds: number;
}

export interface Dataset {
  classNames: string[];
  train: SplitData;
  val: SplitData;
  test: SplitData;
  report: DataReport;
}

export interface LoadOptions {
  inputSize: number;
  /** Images decoded at once (sharp works off the main thread). */
  concurrency?: number;
  onProgress?: (done: number, total: number) => void;
}

/** Measured best on 2 cores for ~1 MP JPEGs (TECH-NOTES: ~5 ms/image at 32 in flight vs ~11 ms one at a time). */
export const DEFAULT_DECODE_CONCURRENCY = 32;

/** Throws a DatasetError naming, per split, the classes it lacks or has beyond train's. */
export function checkClassesMatch(classesBySplit: Record<Split, string[]>): string[] {
  const reference = classesBySplit.train;
  const problems: string[] = [];
  for (const split of SPLITS) {
    if (split === 'train') continue;
    const have = new Set(classesBySplit[split]);
    const lacks = reference.filter((c) => !have.has(c));
    const extra = classesBySplit[split].filter((c) => !reference.includes(c));
    if (lacks.length) problems.push(`${split} lacks ${lacks.join(', ')}`);
    if (extra.length) problems.push(`${split} has ${extra.join(', ')} which train does not`);
  }
  if (problems.length) {
    throw new DatasetError(`Class folders differ between splits: ${problems.join('; ')} (train has: ${reference.join(', ') || 'none'}).`);
  }
  return reference;
}

/** Runs `worker` over `items` with at most `limit` promises pending. */
async function pool<T>(items: T[], limit: number, worker: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await worker(items[next++]);
  });
  await Promise.all(runners);
}

export interface DecodedEntries {
  /** N x size x size x 3 uint8, entry i at i * size * size * 3 (zeros where decoding failed). */
  images: Uint8Array;
  /** ok[i] = 1 when entry i decoded. */
  ok: Uint8Array;
  /** Entry index -> why it could not be used. */
  failed: Map<number, string>;
}

/** Decodes and resizes (src/core resizeToRgb) every entry, `concurrency` at a time; failures are collected, never thrown. */
export async function decodeEntries(
  entries: readonly FileEntry[],
  inputSize: number,
  concurrency: number,
  onDone?: () => void,
): Promise<DecodedEntries> {
  const stride = inputSize * inputSize * 3;
  const images = new Uint8Array(entries.length * stride);
  const ok = new Uint8Array(entries.length);
  const failed = new Map<number, string>();
  await pool([...entries.keys()], concurrency, async (index) => {
    try {
      const img = await decodeImage(await entries[index].read());
      images.set(resizeToRgb(img, inputSize), index * stride);
      ok[index] = 1;
    } catch (err) {
      failed.set(index, (err as Error).message);
    }
    onDone?.();
  });
  return { images, ok, failed };
}

export async function loadDataset(dataPath: string, opts: LoadOptions): Promise<Dataset> {
  const { inputSize } = opts;
  if (!Number.isInteger(inputSize) || inputSize < 8) throw new DatasetError(`inputSize must be an integer >= 8, got ${inputSize}.`);
  const concurrency = Math.max(1, Math.floor(opts.concurrency ?? DEFAULT_DECODE_CONCURRENCY));

  const layout = await listDataset(dataPath);
  for (const split of SPLITS) {
    if (layout.splits[split].size === 0) throw new DatasetError(`Split ${split} of ${dataPath} has no class folders (it is empty).`);
  }
  const classNames = checkClassesMatch({
    train: [...layout.splits.train.keys()],
    val: [...layout.splits.val.keys()],
    test: [...layout.splits.test.keys()],
  });
  if (classNames.length === 0) throw new DatasetError(`No class folders found in ${dataPath}'s train split.`);

  const skipped: SkippedFile[] = [...layout.duplicates];
  const jobs: FileEntry[] = [];
  const perSplit = {} as Record<Split, { entries: FileEntry[]; ok: Uint8Array }>;
  for (const split of SPLITS) {
    const entries: FileEntry[] = [];
    for (const [className, files] of layout.splits[split]) {
      if (files.length === 0) throw new DatasetError(`Class ${className} in split ${split} is empty (${dataPath}).`);
      for (const entry of files) {
        if (hasImageExtension(entry.file)) entries.push(entry);
        else skipped.push({ split, file: entry.file, reason: `not an image file (accepted: .jpg .jpeg .png .webp .bmp)` });
      }
    }
    perSplit[split] = { entries, ok: new Uint8Array(entries.length) };
    jobs.push(...entries);
  }

  const stride = inputSize * inputSize * 3;
  const buffers = {} as Record<Split, Uint8Array>;
  const started = performance.now();
  let done = 0;
  for (const split of SPLITS) {
    const { entries } = perSplit[split];
    const decoded = await decodeEntries(entries, inputSize, concurrency, () => opts.onProgress?.(++done, jobs.length));
    buffers[split] = decoded.images;
    perSplit[split].ok = decoded.ok;
    for (const [i, reason] of decoded.failed) skipped.push({ split, file: entries[i].file, reason });
  }
  const decodeSeconds = (performance.now() - started) / 1000;

  const counts: Record<string, Record<string, number>> = {};
  const result = {} as Record<Split, SplitData>;
  for (const split of SPLITS) {
    const { entries, ok } = perSplit[split];
    const splitCounts: Record<string, number> = Object.fromEntries(classNames.map((c) => [c, 0]));
    const kept = entries.flatMap((_, i) => (ok[i] ? [i] : []));
    for (const i of kept) splitCounts[entries[i].className]++;
    const emptyClasses = classNames.filter((c) => splitCounts[c] === 0);
    if (emptyClasses.length) {
      throw new DatasetError(
        `Split ${split} has no readable images for class ${emptyClasses.join(', ')} (${dataPath}); see the skipped files: ${
          skipped
            .filter((s) => s.split === split)
            .slice(0, 5)
            .map((s) => `${s.file}: ${s.reason}`)
            .join('; ') || 'none'
        }.`,
      );
    }
    // Compact only when something was skipped; otherwise hand over the buffer as is.
    let images = buffers[split];
    if (kept.length !== entries.length) {
      images = new Uint8Array(kept.length * stride);
      kept.forEach((src, dst) => images.set(buffers[split].subarray(src * stride, (src + 1) * stride), dst * stride));
    }
    result[split] = {
      images,
      labels: Int32Array.from(kept, (i) => classNames.indexOf(entries[i].className)),
      files: kept.map((i) => entries[i].file),
      count: kept.length,
      size: inputSize,
    };
    counts[split] = splitCounts;
  }
  skipped.sort((a, b) => (a.split + a.file < b.split + b.file ? -1 : 1));

  return {
    classNames,
    ...result,
    report: { root: layout.root, format: layout.format, classNames, counts, skipped, decodeSeconds },
  };
}
