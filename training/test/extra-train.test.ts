import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadDataset } from '../src/data/dataset.ts';
import { addExtraTrain } from '../src/data/extra-train.ts';
import { DatasetError } from '../src/data/layout.ts';
import { parseCli } from '../src/cli.ts';
import { solid } from './helpers/images.ts';

const SIZE = 8;
const OPTS = { inputSize: SIZE, concurrency: 4 };
let root: string;

async function put(path: string, data: Buffer): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, data);
}

/** Distinct pictures: a solid colour per (split, class, n), so no two files share bytes unless a test copies one. */
const picture = (r: number, g: number, b: number) => solid(6, 6, [r, g, b], 'png');

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'extra-train-'));
  const data = join(root, 'data');
  let shade = 10;
  for (const split of ['train', 'val', 'test']) {
    for (const c of ['0_normal', '2_polyps']) {
      for (let n = 0; n < 2; n++) await put(join(data, split, c, `gv_${c.slice(2)}_${split}${n}.png`), await picture(shade++, 50, 90));
    }
  }
  // A clean extra folder: 2 polyps and 1 normal from another source, one unreadable file.
  await put(join(root, 'extra', '2_polyps', 'gv_polyp_x1.png'), await picture(200, 1, 1));
  await put(join(root, 'extra', '2_polyps', 'cvc_polyp_x2.png'), await picture(200, 2, 1));
  await put(join(root, 'extra', '0_normal', 'gv_normal_x3.png'), await picture(200, 3, 1));
  await put(join(root, 'extra', '0_normal', 'gv_normal_broken.jpg'), Buffer.from('not a jpeg'));
  // Holds a copy of a train image (skipped) beside a new one.
  await put(join(root, 'extra-dup', '0_normal', 'copy_of_train.png'), await picture(10, 50, 90));
  await put(join(root, 'extra-dup', '0_normal', 'gv_normal_new.png'), await picture(201, 9, 9));
  // Holds copies of a val and a test image under other names: refused.
  await put(join(root, 'extra-leak', '0_normal', 'innocent_name.png'), await picture(14, 50, 90)); // val/0_normal n0
  await put(join(root, 'extra-leak', '2_polyps', 'another_name.png'), await picture(21, 50, 90)); // test/2_polyps n1
  await put(join(root, 'extra-leak', '2_polyps', 'fine.png'), await picture(202, 9, 9));
  // Class folders the dataset does not have.
  await put(join(root, 'extra-wrong', '3_esophagitis', 'a.png'), await picture(203, 9, 9));
  await put(join(root, 'extra-wrong', 'polyps', 'b.png'), await picture(204, 9, 9));
  await mkdir(join(root, 'extra-empty'), { recursive: true });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('--extra-train', () => {
  it('adds the folder to train only, with counts per class and per source, and leaves val and test alone', async () => {
    const data = await loadDataset(join(root, 'data'), OPTS);
    const out = await addExtraTrain(data, join(root, 'data'), [join(root, 'extra')], OPTS);
    expect(out.train.count).toBe(data.train.count + 3);
    expect(out.train.images.length).toBe(out.train.count * SIZE * SIZE * 3);
    expect(out.train.images.subarray(0, data.train.images.length)).toEqual(data.train.images);
    // Files sorted per class folder, after the dataset's own images; labels follow the dataset's class order.
    expect(out.train.files.slice(data.train.count)).toEqual([
      'extra/0_normal/gv_normal_x3.png',
      'extra/2_polyps/cvc_polyp_x2.png',
      'extra/2_polyps/gv_polyp_x1.png',
    ]);
    expect([...out.train.labels.slice(data.train.count)]).toEqual([0, 1, 1]);
    // The new pixels are the extra pictures (red channel 200), not zeros.
    expect(out.train.images[data.train.images.length]).toBeGreaterThan(190);
    expect(out.val).toBe(data.val);
    expect(out.test).toBe(data.test);
    expect(out.report.counts.train).toEqual({ '0_normal': 3, '2_polyps': 4 });
    expect(out.report.counts.val).toEqual(data.report.counts.val);
    expect(out.extraTrain).toHaveLength(1);
    expect(out.extraTrain[0].counts).toEqual({ '0_normal': 1, '2_polyps': 2 });
    expect(out.extraTrain[0].sources).toEqual({ gv_normal: 1, gv_polyp: 1, cvc_polyp: 1 });
    expect(out.extraTrain[0].skipped.map((s) => s.file)).toEqual([join(root, 'extra', '0_normal', 'gv_normal_broken.jpg')]);
  });

  it('skips and lists a file whose bytes are already in train', async () => {
    const data = await loadDataset(join(root, 'data'), OPTS);
    const out = await addExtraTrain(data, join(root, 'data'), [join(root, 'extra-dup')], OPTS);
    expect(out.train.count).toBe(data.train.count + 1);
    expect(out.extraTrain[0].skipped).toEqual([
      {
        split: 'train',
        file: join(root, 'extra-dup', '0_normal', 'copy_of_train.png'),
        reason: 'same bytes as train/0_normal/gv_normal_train0.png (already in train)',
      },
    ]);
  });

  it('refuses a folder holding val or test images, naming each file and the image it copies', async () => {
    const data = await loadDataset(join(root, 'data'), OPTS);
    const err = await addExtraTrain(data, join(root, 'data'), [join(root, 'extra'), join(root, 'extra-leak')], OPTS).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DatasetError);
    const msg = (err as Error).message;
    expect(msg).toContain('2 file(s)');
    expect(msg).toContain(`${join(root, 'extra-leak', '0_normal', 'innocent_name.png')} (same bytes as val/0_normal/gv_normal_val0.png)`);
    expect(msg).toContain(`${join(root, 'extra-leak', '2_polyps', 'another_name.png')} (same bytes as test/2_polyps/gv_polyps_test1.png)`);
    expect(msg).not.toContain('fine.png');
  });

  it('refuses class folders the dataset does not have, naming them', async () => {
    const data = await loadDataset(join(root, 'data'), OPTS);
    await expect(addExtraTrain(data, join(root, 'data'), [join(root, 'extra-wrong')], OPTS)).rejects.toThrow(
      /class folder\(s\) 3_esophagitis, polyps are not classes of the dataset \(0_normal, 2_polyps\)/,
    );
    await expect(addExtraTrain(data, join(root, 'data'), [join(root, 'extra-empty')], OPTS)).rejects.toThrow(/no class folders in it/);
    await expect(addExtraTrain(data, join(root, 'data'), [join(root, 'nowhere')], OPTS)).rejects.toThrow(/no such folder/);
  });

  it('is a repeatable flag, resolved against the folder the command was run from', () => {
    const cmd = parseCli(['--data', 'd', '--extra-train', 'a', '--extra-train', '/abs/b'], { INIT_CWD: '/home/u' });
    expect(cmd.kind).toBe('train');
    if (cmd.kind === 'train') expect(cmd.options.extraTrain).toEqual(['/home/u/a', '/abs/b']);
  });
});
