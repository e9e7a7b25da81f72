import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { zipSync, type Zippable } from 'fflate';
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDataset, type Dataset } from '../src/data/dataset.ts';
import { sourceOf } from '../src/data/source.ts';
import { bmp24, solid } from './helpers/images.ts';

const SIZE = 8;
const CLASSES = ['0_normal', '2_polyps'];
const COLOURS: Record<string, [number, number, number]> = { '0_normal': [200, 40, 40], '2_polyps': [40, 40, 200] };

/** split/class/file -> bytes; every split gets 2 good images per class, train gets the odd files. */
async function makeFiles(): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  for (const split of ['train', 'val', 'test']) {
    for (const c of CLASSES) {
      files.set(`${split}/${c}/gv_${c.slice(2)}_a1.png`, await solid(12, 10, COLOURS[c], 'png'));
      files.set(`${split}/${c}/kvasirseg_b2.jpg`, await solid(20, 16, COLOURS[c], 'jpeg'));
    }
  }
  files.set('train/0_normal/corrupt.jpg', Buffer.from('definitely not a jpeg'));
  files.set('train/0_normal/empty.png', Buffer.alloc(0));
  files.set('train/0_normal/notes.txt', Buffer.from('a note someone left'));
  files.set('train/2_polyps/x_bitmap.bmp', bmp24(4, 4, new Uint8Array(48).fill(90)));
  files.set('train/2_polyps/.DS_Store', Buffer.from('mac clutter'));
  const gray = await sharp(Buffer.alloc(25, 77), { raw: { width: 5, height: 5, channels: 1 } })
    .png()
    .toBuffer();
  files.set('val/0_normal/sub/gray.png', gray);
  return files;
}

async function writeTree(root: string, files: Map<string, Buffer>, prefix = ''): Promise<void> {
  for (const [rel, data] of files) {
    const path = join(root, prefix, rel);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, data);
  }
}

function zipOf(files: Map<string, Buffer>, rename: (p: string) => string | null, level: 0 | 6 = 6): Uint8Array {
  const tree: Zippable = {};
  for (const [rel, data] of files) {
    const name = rename(rel);
    if (name) tree[name] = [new Uint8Array(data), { level }];
  }
  return zipSync(tree);
}

let tmp: string;
let files: Map<string, Buffer>;
let fromFolders: Dataset;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'endolens-data-'));
  files = await makeFiles();
  await writeTree(join(tmp, 'folders'), files);
  fromFolders = await loadDataset(join(tmp, 'folders'), { inputSize: SIZE, concurrency: 4 });
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

describe('loadDataset from class folders', () => {
  it('finds sorted classes, loads good images and labels them', () => {
    expect(fromFolders.classNames).toEqual(CLASSES);
    expect(fromFolders.report.format).toBe('folders');
    expect(fromFolders.report.counts).toEqual({
      train: { '0_normal': 2, '2_polyps': 3 },
      val: { '0_normal': 3, '2_polyps': 2 },
      test: { '0_normal': 2, '2_polyps': 2 },
    });
    const { train } = fromFolders;
    expect(train.count).toBe(5);
    expect(train.images.length).toBe(5 * SIZE * SIZE * 3);
    expect(Array.from(train.labels)).toEqual([0, 0, 1, 1, 1]);
    expect(train.files).toEqual([
      '0_normal/gv_normal_a1.png',
      '0_normal/kvasirseg_b2.jpg',
      '2_polyps/gv_polyps_a1.png',
      '2_polyps/kvasirseg_b2.jpg',
      '2_polyps/x_bitmap.bmp',
    ]);
    expect(fromFolders.val.files).toContain('0_normal/sub/gray.png');
  });

  it('stores each image resized, in file order', () => {
    const { train } = fromFolders;
    const px = (i: number) => Array.from(train.images.subarray(i * SIZE * SIZE * 3, i * SIZE * SIZE * 3 + 3));
    expect(px(0)).toEqual(COLOURS['0_normal']); // lossless PNG keeps the exact colour
    expect(px(2)).toEqual(COLOURS['2_polyps']);
    expect(px(4)).toEqual([90, 90, 90]); // the BMP
    const gray = fromFolders.val.files.indexOf('0_normal/sub/gray.png');
    const g = gray * SIZE * SIZE * 3;
    expect(Array.from(fromFolders.val.images.subarray(g, g + 3))).toEqual([77, 77, 77]);
  });

  it('skips corrupt, empty and non-image files and lists each with a reason', () => {
    const skipped = fromFolders.report.skipped;
    expect(skipped.map((s) => `${s.split}/${s.file}`).sort()).toEqual([
      'train/0_normal/corrupt.jpg',
      'train/0_normal/empty.png',
      'train/0_normal/notes.txt',
    ]);
    expect(skipped.find((s) => s.file.endsWith('empty.png'))?.reason).toMatch(/empty file/);
    expect(skipped.find((s) => s.file.endsWith('notes.txt'))?.reason).toMatch(/not an image/);
    expect(fromFolders.report.decodeSeconds).toBeGreaterThan(0);
  });

  it('reports progress up to the total number of image files', async () => {
    const seen: [number, number][] = [];
    await loadDataset(join(tmp, 'folders'), { inputSize: SIZE, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen.length).toBe(16);
    expect(seen.at(-1)).toEqual([16, 16]);
  });
});

describe('loadDataset from zip archives', () => {
  function sameAsFolders(ds: Dataset): void {
    expect(ds.classNames).toEqual(CLASSES);
    expect(ds.report.format).toBe('zip');
    expect(ds.report.counts).toEqual(fromFolders.report.counts);
    for (const split of ['train', 'val', 'test'] as const) {
      expect(ds[split].files).toEqual(fromFolders[split].files);
      expect(Buffer.from(ds[split].images).equals(Buffer.from(fromFolders[split].images))).toBe(true);
    }
    expect(ds.report.skipped.map((s) => s.file).sort()).toEqual(fromFolders.report.skipped.map((s) => s.file).sort());
  }

  it('reads train.zip val.zip test.zip (with or without a top folder inside)', async () => {
    const dir = join(tmp, 'split-zips');
    await mkdir(dir);
    for (const split of ['train', 'val', 'test']) {
      // train.zip keeps its "train/" top folder, the others hold class folders directly.
      const zip = zipOf(
        files,
        (p) => (p.startsWith(`${split}/`) ? (split === 'train' ? p : p.slice(split.length + 1)) : null),
        split === 'val' ? 0 : 6,
      );
      await writeFile(join(dir, `${split}.zip`), zip);
    }
    sameAsFolders(await loadDataset(dir, { inputSize: SIZE }));
  });

  it('reads one Kaggle-style archive, as a file or as the only zip in a folder', async () => {
    const dir = join(tmp, 'kaggle');
    await mkdir(dir);
    const zip = zipOf(files, (p) => `curated-colon-dataset/${p.split('/')[0]}/${p}`);
    await writeFile(join(dir, 'archive.zip'), zip);
    sameAsFolders(await loadDataset(join(dir, 'archive.zip'), { inputSize: SIZE }));
    sameAsFolders(await loadDataset(dir, { inputSize: SIZE }));
  });

  it('keeps the first copy of a split an archive holds twice, reports the repeats; reads backslash paths', async () => {
    const tree: Zippable = {};
    for (const [rel, data] of files) {
      tree[rel.replace(/\//g, '\\')] = new Uint8Array(data); // Windows-style separators
      if (rel.startsWith('test/')) tree[`backup/${rel}`] = new Uint8Array(data);
    }
    const path = join(tmp, 'dup.zip');
    await writeFile(path, zipSync(tree));
    const ds = await loadDataset(path, { inputSize: SIZE });
    expect(ds.report.counts).toEqual(fromFolders.report.counts);
    const dups = ds.report.skipped.filter((s) => s.reason.startsWith('duplicate'));
    expect(dups).toHaveLength(4);
    expect(dups[0].reason).toMatch(/duplicate of archive entry test\\.*\(entry backup\/test\/.* ignored\)/);
  });

  it('skips an encrypted entry with a reason', async () => {
    const zip = zipOf(files, (p) => p);
    // Set the "encrypted" flag of the first central-directory entry that holds a test image.
    const dv = new DataView(zip.buffer);
    for (let i = zip.length - 22; i > 0; i--) {
      if (dv.getUint32(i, true) === 0x02014b50) {
        const name = new TextDecoder().decode(zip.subarray(i + 46, i + 46 + dv.getUint16(i + 28, true)));
        if (name === 'test/2_polyps/kvasirseg_b2.jpg') zip[i + 8] |= 1;
      }
    }
    const path = join(tmp, 'enc.zip');
    await writeFile(path, zip);
    const ds = await loadDataset(path, { inputSize: SIZE });
    expect(ds.report.skipped.find((s) => s.split === 'test')).toEqual({
      split: 'test',
      file: '2_polyps/kvasirseg_b2.jpg',
      reason: expect.stringMatching(/encrypted/) as unknown,
    });
    expect(ds.report.counts.test['2_polyps']).toBe(1);
  });

  it('fails clearly on a file that is not a zip', async () => {
    const bad = join(tmp, 'bad.zip');
    await writeFile(bad, 'not a zip at all');
    await expect(loadDataset(bad, { inputSize: SIZE })).rejects.toThrow(/bad\.zip.*not a zip archive/);
  });
});

describe('loadDataset layout errors', () => {
  async function tree(name: string, edit: (f: Map<string, Buffer>) => void): Promise<string> {
    const copy = new Map(files);
    edit(copy);
    const root = join(tmp, name);
    await writeTree(root, copy);
    return root;
  }

  it('names the split that lacks a class and the one with an extra class', async () => {
    const root = await tree('mismatch', (f) => {
      for (const k of [...f.keys()]) if (k.startsWith('val/2_polyps/')) f.delete(k);
      f.set('test/3_esophagitis/e_1.png', f.get('test/0_normal/kvasirseg_b2.jpg') as Buffer);
    });
    const err = await loadDataset(root, { inputSize: SIZE }).then(
      () => null,
      (e: Error) => e,
    );
    expect(String(err)).toMatch(/val lacks 2_polyps/);
    expect(String(err)).toMatch(/test has 3_esophagitis which train does not/);
  });

  it('rejects an empty class folder and a class with no readable image', async () => {
    const root = await tree('empty-class', () => undefined);
    await mkdir(join(root, 'train', '9_empty'));
    await mkdir(join(root, 'val', '9_empty'));
    await mkdir(join(root, 'test', '9_empty'));
    await expect(loadDataset(root, { inputSize: SIZE })).rejects.toThrow(/Class 9_empty in split train is empty/);

    const root2 = await tree('unreadable-class', (f) => {
      for (const k of [...f.keys()]) if (k.startsWith('test/2_polyps/')) f.delete(k);
      f.set('test/2_polyps/broken.jpg', Buffer.from('garbage'));
    });
    await expect(loadDataset(root2, { inputSize: SIZE })).rejects.toThrow(
      /Split test has no readable images for class 2_polyps.*broken\.jpg/,
    );
  });

  it('rejects a missing split and a missing path', async () => {
    const root = await tree('no-test', (f) => {
      for (const k of [...f.keys()]) if (k.startsWith('test/')) f.delete(k);
    });
    await expect(loadDataset(root, { inputSize: SIZE })).rejects.toThrow(/has no test\/ folder/);
    await mkdir(join(root, 'test'));
    await expect(loadDataset(root, { inputSize: SIZE })).rejects.toThrow(/Split test of .* has no class folders/);
    await expect(loadDataset(join(tmp, 'nowhere'), { inputSize: SIZE })).rejects.toThrow(/nowhere does not exist/);
    const lonely = join(tmp, 'lonely');
    await mkdir(lonely);
    await writeFile(join(lonely, 'readme.md'), 'hi');
    await expect(loadDataset(lonely, { inputSize: SIZE })).rejects.toThrow(/neither train\/ val\/ test\/ folders.*readme\.md/);
  });
});

describe('sourceOf', () => {
  it('takes the leading words of the file name before the id', () => {
    expect(sourceOf('0_normal/gv_normal_0009c1a9-5011-4491.jpg')).toBe('gv_normal');
    expect(sourceOf('2_polyps/gv_polyp_ab12.jpg')).toBe('gv_polyp');
    expect(sourceOf('2_polyps/kvasirseg_cju0qkwl35piu0993l0dewei2.jpg')).toBe('kvasirseg');
    expect(sourceOf('kvasirseg_abc.jpg')).toBe('kvasirseg');
    expect(sourceOf('Img_0001.png')).toBe('img');
    expect(sourceOf('IMG0001.jpg')).toBe('unknown');
    expect(sourceOf('normal (3).jpg')).toBe('unknown');
  });

  const manifest = fileURLToPath(new URL('../../../shared/data/gi-proxy/manifest.json', import.meta.url));
  it.skipIf(!existsSync(manifest))(
    'maps each gi-proxy file name to a source consistent with its manifest (skipped if ../shared is absent)',
    async () => {
      const { files: entries } = JSON.parse(await readFile(manifest, 'utf8')) as { files: { file: string; source: string }[] };
      const pairs = new Set(entries.map((e) => `${e.source} -> ${sourceOf(e.file)}`));
      // One file-name source per manifest source, and no two manifest sources merged.
      expect(new Set([...pairs].map((p) => p.split(' -> ')[0])).size).toBe(pairs.size);
      expect(new Set([...pairs].map((p) => p.split(' -> ')[1])).size).toBe(pairs.size);
      expect([...pairs].map((p) => p.split(' -> ')[1]).sort()).toEqual(['gv_normal', 'gv_polyp', 'kvasirseg']);
    },
  );
});
