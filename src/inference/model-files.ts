/**
 * Reads a model from its files: the embedded one over HTTP, or a user's folder / file selection.
 * Every failure becomes a ModelLoadError whose kind tells the UI what to explain.
 */
import type * as tf from '@tensorflow/tfjs';
import { MetadataError, validateMetadata, type ModelMetadata } from '../core/metadata.ts';
import type { ModelErrorKind, ModelSource } from './protocol.ts';

export class ModelLoadError extends Error {
  override name = 'ModelLoadError';
  constructor(
    readonly kind: ModelErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export interface ModelBundle {
  metadata: ModelMetadata;
  artifacts: tf.io.ModelArtifacts;
  /** Identifies this exact model (name, version and a hash of its files), e.g. to remember a backend. */
  modelKey: string;
}

interface WeightsGroup {
  paths: string[];
  weights: tf.io.WeightsManifestEntry[];
}

interface ModelJson {
  modelTopology?: unknown;
  weightsManifest?: WeightsGroup[];
  format?: string;
}

/** FNV-1a over a few strings and numbers: cheap identity, not security. */
export function shortHash(parts: readonly (string | number)[]): string {
  let h = 0x811c9dc5;
  for (const p of parts) {
    const s = String(p);
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    h ^= 0x7c;
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

function parseJson(text: string, what: string, kind: ModelErrorKind): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new ModelLoadError(kind, `${what} is not valid JSON (${e instanceof Error ? e.message : String(e)}).`);
  }
}

function checkMetadata(json: unknown, where: string): ModelMetadata {
  try {
    return validateMetadata(json);
  } catch (e) {
    if (e instanceof MetadataError) throw new ModelLoadError('metadata', `${where}: ${e.problems.join('; ')}`);
    throw e;
  }
}

function checkModelJson(json: unknown, where: string): ModelJson & { weightsManifest: WeightsGroup[] } {
  const m = json as ModelJson;
  if (typeof m !== 'object' || m === null || !m.modelTopology || !Array.isArray(m.weightsManifest)) {
    throw new ModelLoadError('corrupt', `${where} is not a TensorFlow.js layers model (needs modelTopology and weightsManifest).`);
  }
  return m as ModelJson & { weightsManifest: WeightsGroup[] };
}

/** Concatenates shard buffers, checking each group's size against its manifest. */
function joinShards(manifest: WeightsGroup[], shards: ArrayBuffer[]): ArrayBuffer {
  const total = shards.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let at = 0;
  for (const b of shards) {
    out.set(new Uint8Array(b), at);
    at += b.byteLength;
  }
  const expected = manifest
    .flatMap((g) => g.weights)
    .reduce((n, w) => {
      const count = w.shape.reduce((a, d) => a * d, 1);
      const bytes =
        w.quantization?.dtype === 'float16' || w.quantization?.dtype === 'uint16' ? 2 : w.quantization?.dtype === 'uint8' ? 1 : 4;
      return n + count * bytes;
    }, 0);
  if (expected !== total) {
    throw new ModelLoadError(
      'corrupt',
      `The weight files hold ${total} bytes but model.json describes ${expected}; a shard is missing, truncated or from another model.`,
    );
  }
  return out.buffer;
}

function artifactsFrom(modelJson: ModelJson & { weightsManifest: WeightsGroup[] }, weightData: ArrayBuffer): tf.io.ModelArtifacts {
  return {
    modelTopology: modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
    weightSpecs: modelJson.weightsManifest.flatMap((g) => g.weights),
    weightData,
    format: modelJson.format,
  };
}

async function fetchOrThrow(url: string, what: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url);
  } catch (e) {
    throw new ModelLoadError('missing', `Could not fetch ${what} (${url}): ${e instanceof Error ? e.message : String(e)}.`);
  }
  if (!res.ok) throw new ModelLoadError('missing', `${what} was not found at ${url} (HTTP ${res.status}).`);
  return res;
}

async function loadEmbedded(baseUrl: string): Promise<ModelBundle> {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  const metaText = await (await fetchOrThrow(`${base}metadata.json`, 'metadata.json')).text();
  const metadata = checkMetadata(parseJson(metaText, 'metadata.json', 'metadata'), 'metadata.json');
  const modelText = await (await fetchOrThrow(`${base}model.json`, 'model.json')).text();
  const modelJson = checkModelJson(parseJson(modelText, 'model.json', 'corrupt'), 'model.json');
  const paths = modelJson.weightsManifest.flatMap((g) => g.paths);
  const shards = await Promise.all(paths.map(async (p) => (await fetchOrThrow(`${base}${p}`, `weights file ${p}`)).arrayBuffer()));
  const weightData = joinShards(modelJson.weightsManifest, shards);
  return {
    metadata,
    artifacts: artifactsFrom(modelJson, weightData),
    modelKey: `${metadata.name}@${metadata.version}#${shortHash([modelText, metaText, weightData.byteLength])}`,
  };
}

function baseName(path: string): string {
  return path.split('/').pop() ?? path;
}

async function loadFromFiles(files: File[]): Promise<ModelBundle> {
  const byName = new Map(files.map((f) => [baseName(f.name), f]));
  const modelFile = byName.get('model.json');
  const metaFile = byName.get('metadata.json');
  const missing = [!modelFile && 'model.json', !metaFile && 'metadata.json'].filter(Boolean);
  if (missing.length) {
    throw new ModelLoadError(
      'missing',
      `The selection has no ${missing.join(' and no ')}. Choose the exported model folder, or model.json, its .bin weight files and metadata.json together.`,
    );
  }
  const metaText = await metaFile!.text();
  const metadata = checkMetadata(parseJson(metaText, 'metadata.json', 'metadata'), 'metadata.json');
  const modelText = await modelFile!.text();
  const modelJson = checkModelJson(parseJson(modelText, 'model.json', 'corrupt'), 'model.json');
  const paths = modelJson.weightsManifest.flatMap((g) => g.paths);
  const absent = paths.filter((p) => !byName.has(baseName(p)));
  if (absent.length) throw new ModelLoadError('missing', `model.json names weight files that were not selected: ${absent.join(', ')}.`);
  const shards = await Promise.all(paths.map((p) => byName.get(baseName(p))!.arrayBuffer()));
  const weightData = joinShards(modelJson.weightsManifest, shards);
  return {
    metadata,
    artifacts: artifactsFrom(modelJson, weightData),
    modelKey: `${metadata.name}@${metadata.version}#${shortHash([modelText, metaText, weightData.byteLength])}`,
  };
}

export function loadModelBundle(source: ModelSource): Promise<ModelBundle> {
  return source.kind === 'embedded' ? loadEmbedded(source.baseUrl) : loadFromFiles(source.files);
}
