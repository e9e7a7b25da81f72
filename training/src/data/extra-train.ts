/**
 * `--extra-train DIR`: more training images from folders outside the dataset, added to the train
 * split only, so the dataset's val and test numbers stay comparable with models trained without
 * them. Each folder holds class folders named like the dataset's (a subset is fine).
 *
 * Refused, with the names: a class folder the dataset does not have, and any file whose bytes are
 * already in val or test (that would leak evaluation images into training). A file whose bytes are
 * already in train (or in an earlier extra folder) is skipped and listed: it would only count twice.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { decodeEntries, type Dataset, type SkippedFile, type SplitData } from './dataset.ts';
import { hasImageExtension } from './decode.ts';
import { DatasetError, listDataset, type FileEntry } from './layout.ts';
import { sourceOf } from './source.ts';

export interface ExtraTrainFolder {
  /** Absolute path as given. */
  path: string;
  /** Images added per class (dataset class order; 0 for a class the folder lacks). */
  counts: Record<string, number>;
  /** Images added per source (file-name prefix, data/source.ts). */
  sources: Record<string, number>;
  /** Files not added and why (unreadable, not an image, already in train). */
  skipped: SkippedFile[];
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

async function isDirectory(p: string): Promise<boolean> {
  return stat(p).then(
    (s) => s.isDirectory(),
    () => false,
  );
}

/** The folder's class folders and their image files (sorted), refusing class names the dataset lacks. */
export async function listExtraFolder(dir: string, classNames: readonly string[]): Promise<FileEntry[]> {
  if (!(await isDirectory(dir))) throw new DatasetError(`--extra-train ${dir}: no such folder.`);
  const names = (await readdir(dir)).filter((n) => !n.startsWith('.')).sort();
  const classDirs: string[] = [];
  for (const n of names) if (await isDirectory(join(dir, n))) classDirs.push(n);
  const unknown = classDirs.filter((c) => !classNames.includes(c));
  if (unknown.length) {
    throw new DatasetError(
      `--extra-train ${dir}: class folder(s) ${unknown.join(', ')} are not classes of the dataset (${classNames.join(', ')}); ` +
        "name each folder exactly like the dataset's class folder it adds to.",
    );
  }
  if (classDirs.length === 0)
    throw new DatasetError(`--extra-train ${dir}: no class folders in it (expected some of: ${classNames.join(', ')}).`);
  const entries: FileEntry[] = [];
  for (const c of classDirs) {
    for (const f of (await readdir(join(dir, c))).filter((n) => !n.startsWith('.')).sort()) {
      const full = join(dir, c, f);
      if (await isDirectory(full)) continue;
      entries.push({ file: `${c}/${f}`, className: c, read: () => readFile(full) });
    }
  }
  return entries;
}

/** Hex SHA-256 of every file of the dataset, per split, mapped to `split/file` (one listing, each file read once). */
async function fingerprints(dataPath: string): Promise<Record<'train' | 'val' | 'test', Map<string, string>>> {
  const layout = await listDataset(dataPath);
  const out = { train: new Map<string, string>(), val: new Map<string, string>(), test: new Map<string, string>() };
  for (const split of ['train', 'val', 'test'] as const) {
    for (const files of layout.splits[split].values()) {
      for (const e of files) out[split].set(sha256(await e.read()), `${split}/${e.file}`);
    }
  }
  return out;
}

function concatSplit(a: SplitData, images: Uint8Array, labels: number[], files: string[]): SplitData {
  const merged = new Uint8Array(a.images.length + images.length);
  merged.set(a.images, 0);
  merged.set(images, a.images.length);
  return {
    images: merged,
    labels: Int32Array.from([...a.labels, ...labels]),
    files: [...a.files, ...files],
    count: a.count + labels.length,
    size: a.size,
  };
}

export interface ExtraTrainOptions {
  inputSize: number;
  concurrency: number;
}

/**
 * Adds every `dirs` folder's images to `data.train` (after the dataset's own, folder by folder, files
 * sorted) and returns the new dataset with the report's train counts updated and `extraTrain` filled.
 */
export async function addExtraTrain(
  data: Dataset,
  dataPath: string,
  dirs: readonly string[],
  opts: ExtraTrainOptions,
): Promise<Dataset & { extraTrain: ExtraTrainFolder[] }> {
  if (dirs.length === 0) return { ...data, extraTrain: [] };
  const listed = await Promise.all(
    dirs.map(async (d) => ({ path: resolve(d), entries: await listExtraFolder(resolve(d), data.classNames) })),
  );
  const prints = await fingerprints(dataPath);
  const held = new Map([...prints.val, ...prints.test]);
  const seen = prints.train;

  // Evaluation images in an extra folder are refused outright, all of them named at once.
  const leaks: string[] = [];
  // Each extra file is read once: its bytes are kept for the decode below.
  const hashes = new Map<string, string>();
  const bytes = new Map<string, Buffer>();
  for (const { path, entries } of listed) {
    for (const e of entries) {
      const b = await e.read();
      const h = sha256(b);
      hashes.set(`${path}\0${e.file}`, h);
      bytes.set(`${path}\0${e.file}`, b);
      const where = held.get(h);
      if (where) leaks.push(`${join(path, e.file)} (same bytes as ${where})`);
    }
  }
  if (leaks.length) {
    throw new DatasetError(
      `--extra-train refused: ${leaks.length} file(s) are already in the dataset's val or test split, and training on them would inflate its metrics: ` +
        `${leaks.slice(0, 20).join('; ')}${leaks.length > 20 ? `; and ${leaks.length - 20} more` : ''}.`,
    );
  }

  let train = data.train;
  const folders: ExtraTrainFolder[] = [];
  const counts = { ...data.report.counts, train: { ...data.report.counts.train } };
  for (const { path, entries } of listed) {
    const skipped: SkippedFile[] = [];
    const kept: FileEntry[] = [];
    for (const e of entries) {
      const h = hashes.get(`${path}\0${e.file}`) as string;
      const dup = seen.get(h);
      if (dup) skipped.push({ split: 'train', file: join(path, e.file), reason: `same bytes as ${dup} (already in train)` });
      else if (!hasImageExtension(e.file))
        skipped.push({ split: 'train', file: join(path, e.file), reason: 'not an image file (accepted: .jpg .jpeg .png .webp .bmp)' });
      else {
        const b = bytes.get(`${path}\0${e.file}`) as Buffer;
        kept.push({ ...e, read: () => Promise.resolve(b) });
        seen.set(h, `${basename(path)}/${e.file}`);
      }
    }
    const decoded = await decodeEntries(kept, opts.inputSize, opts.concurrency);
    const stride = opts.inputSize * opts.inputSize * 3;
    const ok = kept.flatMap((_, i) => (decoded.ok[i] ? [i] : []));
    for (const [i, reason] of decoded.failed) skipped.push({ split: 'train', file: join(path, kept[i].file), reason });
    const images = new Uint8Array(ok.length * stride);
    ok.forEach((src, dst) => images.set(decoded.images.subarray(src * stride, (src + 1) * stride), dst * stride));
    const files = ok.map((i) => `${basename(path)}/${kept[i].file}`);
    train = concatSplit(
      train,
      images,
      ok.map((i) => data.classNames.indexOf(kept[i].className)),
      files,
    );

    const folderCounts = Object.fromEntries(data.classNames.map((c) => [c, 0]));
    const sources: Record<string, number> = {};
    for (const i of ok) {
      folderCounts[kept[i].className]++;
      const s = sourceOf(kept[i].file);
      sources[s] = (sources[s] ?? 0) + 1;
    }
    for (const c of data.classNames) counts.train[c] += folderCounts[c];
    folders.push({ path, counts: folderCounts, sources, skipped });
  }
  return {
    ...data,
    train,
    report: { ...data.report, counts, skipped: [...data.report.skipped, ...folders.flatMap((f) => f.skipped)] },
    extraTrain: folders,
  };
}
