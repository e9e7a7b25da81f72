/**
 * tf.io handlers for a folder on disk, in the layout tfjs's converter writes and the browser's
 * `tf.loadLayersModel(url)` reads: model.json (topology + weightsManifest) and binary shards.
 * No tfjs-node needed. Optional float16 weight quantization (`quantization: {dtype: 'float16'}` in
 * the manifest, which tfjs's decodeWeights understands).
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../util/atomic.ts';
import { quantizeFloat16 } from './float16.ts';

export type Quantization = 'float16';
export const QUANTIZATIONS: readonly Quantization[] = ['float16'];

/** tfjs's converter shards at 4 MB; browsers cache and fetch these in parallel. */
export const SHARD_BYTES = 4 * 1024 * 1024;

export interface SaveOptions {
  quantize?: Quantization;
  shardBytes?: number;
}

function toArrayBuffer(data: tf.io.WeightData): ArrayBuffer {
  return new tf.io.CompositeArrayBuffer(data).slice();
}

function quantizeWeights(
  specs: tf.io.WeightsManifestEntry[],
  data: ArrayBuffer,
): { specs: tf.io.WeightsManifestEntry[]; data: Uint8Array } {
  const parts: Uint8Array[] = [];
  const out: tf.io.WeightsManifestEntry[] = [];
  let offset = 0;
  for (const spec of specs) {
    const n = spec.shape.reduce((a, b) => a * b, 1);
    const bytes = n * 4; // float32 and int32 are both 4 bytes in tfjs's unquantized layout
    if (spec.quantization) throw new Error(`Weight "${spec.name}" is already quantized.`);
    if (spec.dtype === 'float32') {
      const halves = quantizeFloat16(new Float32Array(data.slice(offset, offset + bytes)));
      parts.push(new Uint8Array(halves.buffer));
      out.push({ ...spec, quantization: { dtype: 'float16' } });
    } else {
      parts.push(new Uint8Array(data.slice(offset, offset + bytes)));
      out.push(spec);
    }
    offset += bytes;
  }
  const total = parts.reduce((s, p) => s + p.byteLength, 0);
  const merged = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    merged.set(p, at);
    at += p.byteLength;
  }
  return { specs: out, data: merged };
}

/** A save handler writing model.json + group1-shardXofY.bin into `dir`; model.json is written last. */
export function fileSaveHandler(dir: string, opts: SaveOptions = {}): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer) {
        throw new Error('Only layers models (JSON topology) can be exported.');
      }
      let specs = artifacts.weightSpecs ?? [];
      let data: Uint8Array = new Uint8Array(artifacts.weightData ? toArrayBuffer(artifacts.weightData) : new ArrayBuffer(0));
      if (opts.quantize === 'float16') ({ specs, data } = quantizeWeights(specs, data.buffer as ArrayBuffer));
      else if (opts.quantize !== undefined)
        throw new Error(`Unknown quantization "${String(opts.quantize)}". Valid: ${QUANTIZATIONS.join(', ')}.`);

      const shardBytes = opts.shardBytes ?? SHARD_BYTES;
      const count = Math.max(1, Math.ceil(data.byteLength / shardBytes));
      const paths: string[] = [];
      for (let i = 0; i < count; i++) {
        const name = `group1-shard${i + 1}of${count}.bin`;
        await writeFileAtomic(join(dir, name), data.subarray(i * shardBytes, Math.min((i + 1) * shardBytes, data.byteLength)));
        paths.push(name);
      }
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology,
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
        convertedBy: 'EndoLens trainer',
        weightsManifest: [{ paths, weights: specs }],
      };
      const text = JSON.stringify(modelJson);
      await writeFileAtomic(join(dir, 'model.json'), text);
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology).length,
          weightSpecsBytes: JSON.stringify(specs).length,
          weightDataBytes: data.byteLength,
        },
      };
    },
  };
}

/**
 * A load handler reading what fileSaveHandler (or tfjs's converter) wrote, the way the browser's
 * http handler does: model.json, then the manifest's shards, decoded by tfjs (quantization included).
 */
export function fileLoadHandler(dir: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const jsonPath = join(dir, 'model.json');
      let modelJson: tf.io.ModelJSON;
      try {
        modelJson = JSON.parse(await readFile(jsonPath, 'utf8')) as tf.io.ModelJSON;
      } catch (err) {
        throw new Error(`Cannot read ${jsonPath}: ${(err as Error).message}`, { cause: err });
      }
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const specs: tf.io.WeightsManifestEntry[] = [];
        const buffers: ArrayBuffer[] = [];
        for (const group of manifest) {
          specs.push(...group.weights);
          for (const p of group.paths) {
            const buf = await readFile(join(dir, p));
            buffers.push(buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
          }
        }
        return [specs, tf.io.concatenateArrayBuffers(buffers)];
      });
    },
  };
}

/** What the app does, against a folder: `tf.loadLayersModel` through a file handler. */
export function loadExportedModel(dir: string): Promise<tf.LayersModel> {
  return tf.loadLayersModel(fileLoadHandler(dir));
}
