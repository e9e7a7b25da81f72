/**
 * A flat folder of images as one unlabelled split, e.g. frames of a finding the model never learned
 * (`--report-unfamiliar DIR`): only ever evaluated, never trained on or used to fit anything.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decodeEntries, type SplitData } from './dataset.ts';
import { hasImageExtension } from './decode.ts';
import { DatasetError } from './layout.ts';

export async function loadImageFolder(dir: string, opts: { inputSize: number; concurrency: number }): Promise<SplitData> {
  const names = await readdir(dir).catch((e: Error) => {
    throw new DatasetError(`Cannot read image folder ${dir}: ${e.message}`);
  });
  const files = names.filter((n) => !n.startsWith('.') && hasImageExtension(n)).sort();
  if (files.length === 0) throw new DatasetError(`Image folder ${dir} holds no .jpg .jpeg .png .webp or .bmp files.`);
  const decoded = await decodeEntries(
    files.map((f) => ({ file: f, className: '', read: () => readFile(join(dir, f)) })),
    opts.inputSize,
    opts.concurrency,
  );
  if (decoded.failed.size) {
    throw new DatasetError(`Image folder ${dir}: ${[...decoded.failed].map(([i, why]) => `${files[i]}: ${why}`).join('; ')}`);
  }
  return { images: decoded.images, labels: new Int32Array(files.length).fill(-1), files, count: files.length, size: opts.inputSize };
}
