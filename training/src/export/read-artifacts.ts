/**
 * A tfjs layers model folder (model.json and its weight shards) read into `tf.io.ModelArtifacts`
 * as they are stored (quantized weights stay quantized), without building the model: for rewriting
 * or converting it (src/inference/fold-batchnorm.ts, src/export/onnx.ts).
 */
import type * as tf from '@tensorflow/tfjs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function readModelArtifacts(dir: string): tf.io.ModelArtifacts {
  const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8')) as {
    modelTopology: tf.io.ModelArtifacts['modelTopology'];
    weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    format?: string;
  };
  const data = Buffer.concat(json.weightsManifest.flatMap((g) => g.paths).map((p) => readFileSync(join(dir, p))));
  return {
    modelTopology: json.modelTopology,
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights),
    weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength),
    format: json.format,
  };
}
