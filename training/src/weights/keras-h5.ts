/**
 * Reads Keras 2 weight files (.h5) with h5wasm: `save_weights()` files and the `model_weights` group of
 * full-model files. Layout: root attribute `layer_names`; per layer a group `/<layer>` with attribute
 * `weight_names` (e.g. "conv1_conv/kernel:0") and datasets at `/<layer>/<weight name>`.
 */
import { resolve } from 'node:path';
import type { Dataset, Group, OutputData } from 'h5wasm';
import { WeightLoadError, weightSuffix, type SavedWeight, type WeightSource } from './weight-source.ts';

type H5Module = typeof import('h5wasm');

let h5Promise: Promise<H5Module> | undefined;

/** h5wasm's Node build (host filesystem through NODERAWFS), loaded once. */
export async function loadH5wasm(): Promise<H5Module> {
  h5Promise ??= import('h5wasm/node').then(async (mod) => {
    await mod.ready;
    return mod;
  });
  return h5Promise;
}

/** h5wasm returns string attributes as a string or a (nested) array of strings. */
function stringList(value: OutputData | null | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return [value];
  // (unknown[]: flattening the recursive OutputData type is too deep for tsc)
  if (Array.isArray(value)) return (value as unknown[]).flat(Infinity).map(String);
  if (value instanceof Uint8Array) return [new TextDecoder().decode(value)];
  // Numbers, booleans, other typed arrays have their own text; a (region) reference has only Object's.
  if (typeof value !== 'object' || ArrayBuffer.isView(value)) return [String(value)];
  return [Object.prototype.toString.call(value)];
}

function toFloat32(value: unknown, where: string): Float32Array {
  if (value instanceof Float32Array) return value;
  if (value instanceof Float64Array) return Float32Array.from(value);
  throw new WeightLoadError(`${where}: expected float32 or float64 weights, found ${Object.prototype.toString.call(value)}.`);
}

export async function openKerasH5(path: string, description = path): Promise<WeightSource> {
  const h5 = await loadH5wasm();
  const absolute = resolve(path);
  let file: InstanceType<H5Module['File']>;
  try {
    file = new h5.File(absolute, 'r');
  } catch (err) {
    throw new WeightLoadError(`Cannot open ${absolute} as an HDF5 (.h5) file: ${(err as Error).message}`);
  }
  if (file.file_id === undefined || file.file_id < 0n) {
    throw new WeightLoadError(`Cannot open ${absolute} as an HDF5 (.h5) file.`);
  }
  try {
    const root = file.keys().includes('model_weights') ? (file.get('model_weights') as Group) : file;
    const layerNames = stringList(root.attrs['layer_names']?.value);
    if (layerNames.length === 0) {
      throw new WeightLoadError(
        `${absolute} is not a Keras weights file: it has no "layer_names" attribute (Keras 2 .h5 layout expected).`,
      );
    }
    const layers = new Map<string, SavedWeight[]>();
    for (const layerName of layerNames) {
      const group = root.get(layerName) as Group | null;
      if (group === null) throw new WeightLoadError(`${absolute}: layer "${layerName}" is listed in layer_names but has no group.`);
      const weightNames = stringList(group.attrs['weight_names']?.value);
      if (weightNames.length === 0) continue;
      layers.set(
        layerName,
        weightNames.map((weightName) => {
          const dataset = group.get(weightName) as Dataset | null;
          if (dataset === null) throw new WeightLoadError(`${absolute}: weight "${layerName}/${weightName}" is listed but missing.`);
          return {
            name: weightSuffix(weightName),
            shape: [...(dataset.shape ?? [])],
            read: () => Promise.resolve().then(() => toFloat32(dataset.value, `${absolute} ${layerName}/${weightName}`)),
          };
        }),
      );
    }
    return { description, file: absolute, layers, close: () => file.close() };
  } catch (err) {
    file.close();
    throw err;
  }
}
