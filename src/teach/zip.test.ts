import { strToU8, unzipSync, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { expandModelZips, unzipModelFiles, ZipError, zipModelFiles } from './zip.ts';

const weights = Uint8Array.from({ length: 300 }, (_, i) => (i * 37) % 256);
const modelJson = JSON.stringify({ modelTopology: {}, weightsManifest: [{ paths: ['group1-shard1of1.bin'], weights: [] }] });

const asZipFile = (bytes: Uint8Array<ArrayBuffer>, name = 'model.zip') => new File([bytes], name, { type: 'application/zip' });

describe('zipModelFiles / unzipModelFiles', () => {
  it('round-trips every file, its name and bytes, whatever form the data came in', async () => {
    const zip = zipModelFiles(
      [
        { name: 'model.json', data: modelJson },
        { name: 'group1-shard1of1.bin', data: weights },
        { name: 'metadata.json', data: strToU8('{"name":"taught"}').buffer },
      ],
      'endolens-1.2.0',
    );
    expect(Object.keys(unzipSync(zip)).sort()).toEqual([
      'endolens-1.2.0/group1-shard1of1.bin',
      'endolens-1.2.0/metadata.json',
      'endolens-1.2.0/model.json',
    ]);

    const files = await unzipModelFiles(asZipFile(zip));
    const byName = new Map(files.map((f) => [f.name, f]));
    expect([...byName.keys()].sort()).toEqual(['group1-shard1of1.bin', 'metadata.json', 'model.json']);
    expect(await byName.get('model.json')!.text()).toBe(modelJson);
    expect(await byName.get('metadata.json')!.text()).toBe('{"name":"taught"}');
    expect(new Uint8Array(await byName.get('group1-shard1of1.bin')!.arrayBuffer())).toEqual(weights);
    expect(byName.get('model.json')!.type).toBe('application/json');
  });

  it('puts the files at the top level for an empty folder', () => {
    expect(Object.keys(unzipSync(zipModelFiles([{ name: 'model.json', data: '{}' }], '')))).toEqual(['model.json']);
  });

  it('flattens folders and leaves out directories, __MACOSX and dotfiles', async () => {
    // As macOS's "Compress" writes a folder: resource forks beside the files, a .DS_Store inside.
    const zip = zipSync({
      'outer/': new Uint8Array(0),
      'outer/model/model.json': strToU8(modelJson),
      'outer/model/group1-shard1of1.bin': weights,
      'outer/model/.DS_Store': strToU8('junk'),
      '__MACOSX/outer/model/._model.json': strToU8('fork'),
    });
    const files = await unzipModelFiles(asZipFile(zip));
    expect(files.map((f) => f.name).sort()).toEqual(['group1-shard1of1.bin', 'model.json']);
  });

  it('refuses a file that is not a zip, naming it', async () => {
    const notZip = new File(['{"modelTopology":{}}'], 'model.json');
    await expect(unzipModelFiles(notZip)).rejects.toThrow(ZipError);
    await expect(unzipModelFiles(notZip)).rejects.toMatchObject({ reason: 'not-zip' });
    await expect(unzipModelFiles(notZip)).rejects.toThrow(/model\.json is not a readable \.zip file/);
    await expect(unzipModelFiles(new Blob([new Uint8Array(0)]))).rejects.toThrow(/The file is not a readable \.zip/);
  });

  it('refuses a zip without model.json, and one with two models in it', async () => {
    const noModel = zipSync({ 'weights/group1-shard1of1.bin': weights, 'readme.txt': strToU8('hi') });
    await expect(unzipModelFiles(asZipFile(noModel, 'weights.zip'))).rejects.toThrow(/weights\.zip holds no model\.json/);
    await expect(unzipModelFiles(asZipFile(noModel))).rejects.toMatchObject({ reason: 'no-model-json' });
    const onlyForks = zipSync({ '__MACOSX/._model.json': strToU8('fork'), '.model.json': strToU8('{}') });
    await expect(unzipModelFiles(asZipFile(onlyForks))).rejects.toThrow(ZipError);

    const two = zipSync({ 'a/model.json': strToU8(modelJson), 'b/model.json': strToU8(modelJson) });
    await expect(unzipModelFiles(asZipFile(two))).rejects.toThrow(/more than one model\.json/);
    await expect(unzipModelFiles(asZipFile(two))).rejects.toMatchObject({ reason: 'duplicate-name' });
  });
});

describe('expandModelZips', () => {
  it('replaces a zip (by name or by type) with its model files and passes other files through', async () => {
    const zip = zipModelFiles(
      [
        { name: 'model.json', data: modelJson },
        { name: 'group1-shard1of1.bin', data: weights },
      ],
      'm',
    );
    const loose = new File(['{}'], 'metadata.json');
    const files = await expandModelZips([loose, asZipFile(zip, 'MODEL.ZIP')]);
    expect(files[0]).toBe(loose);
    expect(files.map((f) => f.name)).toEqual(['metadata.json', 'model.json', 'group1-shard1of1.bin']);
    const unnamed = new File([zip], 'download', { type: 'application/zip' });
    expect((await expandModelZips([unnamed])).map((f) => f.name)).toEqual(['model.json', 'group1-shard1of1.bin']);
    expect(await expandModelZips([loose])).toEqual([loose]);
  });
});
