/**
 * A taught model's files in the trainer's export layout (training/src/export/io.ts): model.json
 * (topology + weightsManifest, `convertedBy` the EndoLens trainer) and group1-shardXofY.bin
 * shards of at most 4 MB, which the app's loader (src/inference/model-files.ts), tfjs's
 * `loadLayersModel` and the trainer's `--weights <folder>` read.
 */
import * as tf from '@tensorflow/tfjs';

/** tfjs's converter shards at 4 MB, as the trainer does. */
export const SHARD_BYTES = 4 * 1024 * 1024;

export interface ModelFile {
  name: string;
  data: string | Uint8Array;
}

export function exportFiles(artifacts: tf.io.ModelArtifacts, shardBytes = SHARD_BYTES): ModelFile[] {
  if (!artifacts.modelTopology || artifacts.modelTopology instanceof ArrayBuffer)
    throw new Error('Only layers models (JSON topology) can be exported.');
  const data = new Uint8Array(artifacts.weightData ? new tf.io.CompositeArrayBuffer(artifacts.weightData).slice() : new ArrayBuffer(0));
  const count = Math.max(1, Math.ceil(data.byteLength / shardBytes));
  const shards: ModelFile[] = Array.from({ length: count }, (_, i) => ({
    name: `group1-shard${i + 1}of${count}.bin`,
    data: data.slice(i * shardBytes, Math.min((i + 1) * shardBytes, data.byteLength)),
  }));
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology,
    format: artifacts.format ?? 'layers-model',
    generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-layers v${tf.version_layers}`,
    convertedBy: 'EndoLens trainer',
    weightsManifest: [{ paths: shards.map((s) => s.name), weights: artifacts.weightSpecs ?? [] }],
  };
  return [{ name: 'model.json', data: JSON.stringify(modelJson) }, ...shards];
}
