/**
 * Finds a dataset's splits, classes and files, whatever way it was handed over:
 *   1. a folder with `train/ val/ test/`, each holding one folder per class;
 *   2. a folder with `train.zip val.zip test.zip` (as the curated dataset is distributed);
 *   3. one archive holding all three splits (Kaggle style), given as the .zip itself or as a
 *      folder with exactly one .zip in it. Split folders may sit under any top folders
 *      (`archive/train/train/0_normal/x.jpg` works).
 * `validation/` is accepted for `val/`. Nothing is decoded here; entries read their bytes lazily.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve, extname } from 'node:path';
import { ZipIndex } from './zip-index.ts';

export const SPLITS = ['train', 'val', 'test'] as const;
export type Split = (typeof SPLITS)[number];

export interface FileEntry {
  /** Path relative to the split, e.g. `2_polyps/x.jpg`. */
  file: string;
  className: string;
  read: () => Promise<Buffer>;
}

export interface DatasetLayout {
  root: string;
  format: 'folders' | 'zip';
  /** Per split, per class folder, files sorted by name (as Keras's flow_from_directory does). */
  splits: Record<Split, Map<string, FileEntry[]>>;
  /** Files left out while listing: OS clutter, files outside any class folder. */
  ignored: number;
  /** Archive entries that repeat a split/class/file already listed (reported as skipped). */
  duplicates: { split: Split; file: string; reason: string }[];
  /** split/file -> the path it was listed from, to name duplicates. */
  origins: Map<string, string>;
}

export class DatasetError extends Error {
  override name = 'DatasetError';
}

/** Split name for a path segment (`validation` counts as `val`), or null. */
function splitOf(segment: string): Split | null {
  const s = segment.toLowerCase();
  if (s === 'train' || s === 'val' || s === 'test') return s;
  if (s === 'validation') return 'val';
  return null;
}

/** OS and archiver clutter, never data: dot-files, `__MACOSX/`, `Thumbs.db`, `desktop.ini`. */
function isClutter(path: string): boolean {
  return path.split(/[\\/]/).some((seg) => seg.startsWith('.') || seg === '__MACOSX' || seg === 'Thumbs.db' || seg === 'desktop.ini');
}

function emptyLayout(root: string, format: 'folders' | 'zip'): DatasetLayout {
  return { root, format, splits: { train: new Map(), val: new Map(), test: new Map() }, ignored: 0, duplicates: [], origins: new Map() };
}

function addEntry(layout: DatasetLayout, split: Split, className: string, file: string, read: () => Promise<Buffer>, origin = file): void {
  const classes = layout.splits[split];
  let list = classes.get(className);
  if (!list) classes.set(className, (list = []));
  // An archive can hold the same split twice (e.g. `train/...` and `data/train/...`): keep the first.
  const key = `${split}/${file}`;
  const first = layout.origins.get(key);
  if (first !== undefined) {
    layout.duplicates.push({ split, file, reason: `duplicate of archive entry ${first} (entry ${origin} ignored)` });
    return;
  }
  layout.origins.set(key, origin);
  list.push({ file, className, read });
}

function sortLayout(layout: DatasetLayout): DatasetLayout {
  for (const split of SPLITS) {
    const sorted = new Map([...layout.splits[split].entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    for (const list of sorted.values()) list.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    layout.splits[split] = sorted;
  }
  return layout;
}

/** All files under `dir`, as '/'-separated paths relative to it. */
async function walk(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const d of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${d.name}` : d.name;
    const isDir =
      d.isDirectory() ||
      (d.isSymbolicLink() &&
        (await stat(join(dir, d.name)).then(
          (st) => st.isDirectory(),
          () => false,
        )));
    if (isDir) out.push(...(await walk(join(dir, d.name), rel)));
    else if (d.isFile() || d.isSymbolicLink()) out.push(rel);
  }
  return out;
}

/** An archive read whole into memory (compressed); each entry is inflated when it is read. */
class ZipReader {
  private constructor(
    private readonly index: ZipIndex,
    readonly path: string,
  ) {}

  static async open(path: string): Promise<ZipReader> {
    const bytes = await readFile(path).catch((err: Error) => {
      throw new DatasetError(`Cannot read zip archive ${path}: ${err.message}`);
    });
    try {
      return new ZipReader(new ZipIndex(bytes), path);
    } catch (err) {
      throw new DatasetError(`Cannot read zip archive ${path}: ${(err as Error).message}`);
    }
  }

  get names(): string[] {
    return this.index.names;
  }

  /** A bad entry rejects the promise (ZipFormatError); it does not throw at the call. */
  read(name: string): Promise<Buffer> {
    return new Promise((resolve) => {
      const data = this.index.read(name);
      resolve(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    });
  }
}

/**
 * Places paths that contain their split's folder (`.../train/<class>/.../file`). The split is the
 * last split-named segment that still has a class folder and a file after it, so a class folder
 * named like a split would not confuse `train/train/...` archives.
 */
function placeBySplitFolder(layout: DatasetLayout, paths: string[], read: (p: string) => () => Promise<Buffer>): void {
  for (const p of paths) {
    if (isClutter(p)) {
      layout.ignored++;
      continue;
    }
    const seg = p.split(/[\\/]/); // some Windows archivers write backslashes
    let at = -1;
    for (let i = seg.length - 3; i >= 0; i--) {
      if (splitOf(seg[i])) {
        at = i;
        break;
      }
    }
    if (at < 0) {
      layout.ignored++;
      continue;
    }
    addEntry(layout, splitOf(seg[at]) as Split, seg[at + 1], seg.slice(at + 1).join('/'), read(p), p);
  }
}

/**
 * Places the entries of one split's own zip. Leading folders shared by every entry are dropped
 * (e.g. `train/` inside train.zip) as long as every entry keeps a class folder.
 */
function placeSplitZip(layout: DatasetLayout, split: Split, zip: ZipReader): void {
  const paths = zip.names.filter((p) => {
    if (isClutter(p)) layout.ignored++;
    return !isClutter(p);
  });
  let strip = 0;
  for (;;) {
    const first = paths[0]?.split(/[\\/]/);
    if (!first || first.length < strip + 3) break;
    const head = first[strip];
    if (
      !paths.every((p) => {
        const s = p.split(/[\\/]/);
        return s.length >= strip + 3 && s[strip] === head;
      })
    )
      break;
    strip++;
  }
  for (const p of paths) {
    const seg = p.split(/[\\/]/).slice(strip);
    if (seg.length < 2) {
      layout.ignored++; // a file beside the class folders, not in one
      continue;
    }
    addEntry(layout, split, seg[0], seg.join('/'), () => zip.read(p), p);
  }
}

/** Lists the dataset at `dataPath` (see the module comment for the accepted forms). */
export async function listDataset(dataPath: string): Promise<DatasetLayout> {
  const root = resolve(dataPath);
  const info = await stat(root).catch(() => {
    throw new DatasetError(`Dataset path ${dataPath} does not exist.`);
  });

  if (info.isFile()) {
    if (extname(root).toLowerCase() !== '.zip') throw new DatasetError(`Dataset path ${dataPath} is a file but not a .zip archive.`);
    return listSingleArchive(root);
  }

  const names = await readdir(root);
  const splitDirs = new Map<Split, string>();
  const splitZips = new Map<Split, string>();
  for (const n of names) {
    const full = join(root, n);
    const isDir = await stat(full).then(
      (st) => st.isDirectory(),
      () => false,
    ); // a dangling link is no split
    const base = n.toLowerCase().replace(/\.zip$/, '');
    const split = splitOf(base);
    if (!split) continue;
    if (isDir && !n.toLowerCase().endsWith('.zip')) splitDirs.set(split, full);
    else if (!isDir && n.toLowerCase().endsWith('.zip')) splitZips.set(split, full);
  }

  if (splitDirs.size > 0) {
    const missing = SPLITS.filter((s) => !splitDirs.has(s));
    if (missing.length)
      throw new DatasetError(
        `Dataset folder ${dataPath} has no ${missing.map((s) => `${s}/`).join(', ')} folder (needs train/, val/ and test/).`,
      );
    const layout = emptyLayout(root, 'folders');
    for (const split of SPLITS) {
      const dir = splitDirs.get(split) as string;
      // Register every class folder first, so an empty one is reported rather than unseen.
      for (const d of await readdir(dir, { withFileTypes: true })) {
        const isDir =
          d.isDirectory() ||
          (d.isSymbolicLink() &&
            (await stat(join(dir, d.name)).then(
              (st) => st.isDirectory(),
              () => false,
            )));
        if (isDir && !isClutter(d.name) && !layout.splits[split].has(d.name)) layout.splits[split].set(d.name, []);
      }
      for (const rel of await walk(dir)) {
        if (isClutter(rel)) {
          layout.ignored++;
          continue;
        }
        const seg = rel.split('/');
        if (seg.length < 2) {
          layout.ignored++; // a file beside the class folders
          continue;
        }
        const full = join(dir, ...seg);
        addEntry(layout, split, seg[0], rel, () => readFile(full));
      }
    }
    return sortLayout(layout);
  }

  if (splitZips.size > 0) {
    const missing = SPLITS.filter((s) => !splitZips.has(s));
    if (missing.length)
      throw new DatasetError(
        `Dataset folder ${dataPath} has no ${missing.map((s) => `${s}.zip`).join(', ')} (needs train.zip, val.zip and test.zip).`,
      );
    const layout = emptyLayout(root, 'zip');
    for (const split of SPLITS) placeSplitZip(layout, split, await ZipReader.open(splitZips.get(split) as string));
    return sortLayout(layout);
  }

  const zips = names.filter((n) => n.toLowerCase().endsWith('.zip'));
  if (zips.length === 1) return listSingleArchive(join(root, zips[0]), root);
  throw new DatasetError(
    `Dataset folder ${dataPath} has neither train/ val/ test/ folders, nor train.zip val.zip test.zip, nor a single .zip archive` +
      ` (found: ${names.slice(0, 10).join(', ') || 'nothing'}${names.length > 10 ? ', ...' : ''}).`,
  );
}

async function listSingleArchive(zipPath: string, root = zipPath): Promise<DatasetLayout> {
  const zip = await ZipReader.open(zipPath);
  const layout = emptyLayout(root, 'zip');
  placeBySplitFolder(layout, zip.names, (p) => () => zip.read(p));
  const empty = SPLITS.filter((s) => layout.splits[s].size === 0);
  if (empty.length) {
    throw new DatasetError(
      `Archive ${zipPath} has no ${empty.map((s) => `${s}/`).join(', ')} folder with class folders inside (needs train/, val/ and test/).`,
    );
  }
  return sortLayout(layout);
}
