/**
 * Reads a tfjs layers model (model.json + weight shards) as a weight source. Weight names are
 * "<layer>/<weight>" (nested models such as Teachable Machine's keep the inner layer names), so the
 * backbone's layers are found by name, wherever the model nests them.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { WeightLoadError, weightSuffix, type SavedWeight, type WeightSource } from './weight-source.ts';

interface ModelJson {
  weightsManifest?: Array<{ paths: string[]; weights: tf.io.WeightsManifestEntry[] }>;
}

export function modelJsonPath(pathOrFolder: string): string {
  const absolute = resolve(pathOrFolder);
  return existsSync(absolute) && statSync(absolute).isDirectory() ? join(absolute, 'model.json') : absolute;
}

export function openTfjsLayersModel(pathOrFolder: string, description = pathOrFolder): WeightSource {
  const file = modelJsonPath(pathOrFolder);
  if (!existsSync(file)) throw new WeightLoadError(`No model.json at ${file} (from weights source "${description}").`);
  let json: ModelJson;
  try {
    json = JSON.parse(readFileSync(file, 'utf8')) as ModelJson;
  } catch (err) {
    throw new WeightLoadError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  const groups = json.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0) {
    throw new WeightLoadError(`${file} has no weightsManifest: it is not a tfjs layers model with weights.`);
  }
  const specs = groups.flatMap((g) => g.weights);
  const decodeShards = async (): Promise<Map<string, Float32Array>> => {
    const shards = groups.flatMap((g) =>
      g.paths.map((p) => {
        const shard = join(dirname(file), p);
        if (!existsSync(shard)) throw new WeightLoadError(`Weight file ${shard} named in ${file} is missing.`);
        return readFileSync(shard);
      }),
    );
    const all = Buffer.concat(shards);
    const tensors = tf.io.decodeWeights(all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), specs);
    try {
      // `await data()`, not dataSync(): the trainer's WebGPU backend in Node cannot read back synchronously.
      const entries = await Promise.all(
        Object.entries(tensors).map(async ([name, t]): Promise<[string, Float32Array]> => [name, Float32Array.from(await t.data())]),
      );
      return new Map(entries);
    } finally {
      tf.dispose(Object.values(tensors));
    }
  };
  // Decoded once, on the first read; a failed decode is not kept, so a later read tries again.
  let decoded: Promise<Map<string, Float32Array>> | undefined;
  const decodeAll = (): Promise<Map<string, Float32Array>> => {
    decoded ??= decodeShards().catch((err: unknown) => {
      decoded = undefined;
      throw err;
    });
    return decoded;
  };

  const layers = new Map<string, SavedWeight[]>();
  for (const spec of specs) {
    const parts = spec.name.split('/');
    if (parts.length < 2) continue;
    const layerName = parts[parts.length - 2];
    const list = layers.get(layerName) ?? [];
    list.push({
      name: weightSuffix(spec.name),
      shape: [...spec.shape],
      read: async () => {
        const values = (await decodeAll()).get(spec.name);
        if (values === undefined) throw new WeightLoadError(`${file}: weight "${spec.name}" could not be decoded.`);
        return values;
      },
    });
    layers.set(layerName, list);
  }
  return { description, file, layers, close: () => undefined };
}
