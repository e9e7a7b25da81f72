/**
 * Turns a --weights value into a WeightSource: 'imagenet' (Keras's file, downloaded and hash-checked),
 * a Keras .h5 path, a tfjs layers model folder or model.json, or an http(s) URL to either.
 */
import { createHash } from 'node:crypto';
import { existsSync, openSync, readSync, closeSync, statSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { BackboneName } from '../models/index.ts';
import { downloadToCache } from './download.ts';
import { imagenetFile } from './imagenet.ts';
import { openKerasH5 } from './keras-h5.ts';
import { openTfjsLayersModel } from './tfjs-layers-model.ts';
import { WeightLoadError, type WeightSource } from './weight-source.ts';

export interface OpenOptions {
  cacheDir: string;
  backboneName?: BackboneName;
  alpha?: number;
  inputSize?: number;
  /** A mirror of storage.googleapis.com/tensorflow/keras-applications/ (same folder layout). */
  imagenetBaseUrl?: string;
}

const HDF5_SIGNATURE = Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]);

function isHdf5(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(8);
    return readSync(fd, head, 0, 8, 0) === 8 && head.equals(HDF5_SIGNATURE);
  } finally {
    closeSync(fd);
  }
}

async function openLocal(path: string, description: string): Promise<WeightSource> {
  if (!existsSync(path)) {
    throw new WeightLoadError(
      `Weights source "${description}": no such file or folder. Use imagenet, a Keras .h5 file, a tfjs model folder or model.json, or an http(s) URL.`,
    );
  }
  if (statSync(path).isDirectory() || path.endsWith('.json')) return openTfjsLayersModel(path, description);
  if (!isHdf5(path))
    throw new WeightLoadError(`Weights source "${description}": ${path} is neither an HDF5 (.h5) file nor a tfjs model.json.`);
  return openKerasH5(path, description);
}

async function openUrl(url: string, cacheDir: string): Promise<string> {
  // One folder per URL, so two different files with the same name never collide in the cache.
  const folder = join(cacheDir, 'downloads', createHash('sha256').update(url).digest('hex').slice(0, 16));
  const name = basename(new URL(url).pathname) || 'weights.h5';
  const file = await downloadToCache(url, join(folder, name), { what: `weights "${url}"` });
  if (name.endsWith('.json')) {
    const json = JSON.parse(readFileSync(file, 'utf8')) as { weightsManifest?: Array<{ paths: string[] }> };
    for (const shard of (json.weightsManifest ?? []).flatMap((g) => g.paths)) {
      await downloadToCache(new URL(shard, url).href, join(folder, shard), { what: `weight shard "${shard}" of ${url}` });
    }
  }
  return file;
}

export async function openWeightSource(source: string, opts: OpenOptions): Promise<WeightSource> {
  if (source === 'imagenet') {
    if (opts.backboneName === undefined)
      throw new WeightLoadError('--weights imagenet needs to know the backbone (resnet50v2 or mobilenetv2).');
    const spec = imagenetFile(opts.backboneName, { alpha: opts.alpha, inputSize: opts.inputSize, baseUrl: opts.imagenetBaseUrl });
    const file = await downloadToCache(spec.url, join(opts.cacheDir, 'models', spec.fileName), {
      md5: spec.md5,
      what: `the ImageNet weights for ${opts.backboneName}`,
    });
    return openKerasH5(file, `imagenet (${spec.fileName})`);
  }
  if (/^https?:\/\//i.test(source)) return openLocal(await openUrl(source, opts.cacheDir), source);
  return openLocal(source, source);
}
