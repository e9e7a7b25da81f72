/**
 * Saved weights grouped by the Keras layer they belong to, whatever file they came from. Values are
 * read lazily so shapes can be checked (and alpha inferred) without loading a 100 MB file into memory.
 */
export interface SavedWeight {
  /** The weight's own name inside its layer, Keras-style: kernel, bias, gamma, depthwise_kernel, ... */
  name: string;
  shape: number[];
  /** Async: a tfjs layers model's shards are decoded through tensors, read back with `await data()`. */
  read(): Promise<Float32Array>;
}

export interface WeightSource {
  /** What the user passed, for messages. */
  description: string;
  /** The file whose hash identifies the weights (the .h5, or model.json). */
  file: string;
  layers: Map<string, SavedWeight[]>;
  close(): void;
}

export class WeightLoadError extends Error {
  override name = 'WeightLoadError';
}

/** "conv1_conv/kernel:0" -> "kernel"; "block_1/Conv1/kernel" -> "kernel". */
export function weightSuffix(savedName: string): string {
  const last = savedName.split('/').pop() ?? savedName;
  return last.replace(/:\d+$/, '');
}
