/**
 * A model's files as one .zip: Teach exports a taught version this way (one download instead of a
 * folder), and the model loader takes such a zip back, with the files in any folder inside it.
 */
import { strToU8, unzipSync, zipSync, type UnzipFileInfo, type Unzipped, type Zippable } from 'fflate';

/** Why a zip was refused: the model loader reports 'no-model-json' as missing files, the rest as damaged ones. */
export type ZipErrorReason = 'not-zip' | 'no-model-json' | 'duplicate-name';

export class ZipError extends Error {
  override name = 'ZipError';
  constructor(
    readonly reason: ZipErrorReason,
    message: string,
  ) {
    super(message);
  }
}

export interface ZipInputFile {
  name: string;
  data: ArrayBuffer | Uint8Array | string;
}

const bytesOf = (data: ZipInputFile['data']): Uint8Array =>
  typeof data === 'string' ? strToU8(data) : data instanceof Uint8Array ? data : new Uint8Array(data);

/** The files under `folder/` in a zip; weight shards are stored, not deflated (float bytes barely shrink). */
export function zipModelFiles(files: readonly ZipInputFile[], folder: string): Uint8Array<ArrayBuffer> {
  const prefix = folder.replace(/^\/+|\/+$/g, '');
  const entries: Zippable = {};
  for (const f of files) {
    const path = prefix ? `${prefix}/${f.name}` : f.name;
    entries[path] = [bytesOf(f.data), { level: f.name.endsWith('.bin') ? 0 : 6 }];
  }
  return zipSync(entries);
}

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);

/** Folders, macOS resource forks (__MACOSX/, ._x) and other dotfiles are no part of a model. */
function isModelEntry(path: string): boolean {
  if (path.endsWith('/')) return false;
  const parts = path.split('/');
  return !parts.includes('__MACOSX') && !baseName(path).startsWith('.');
}

const typeOf = (name: string) => (name.endsWith('.json') ? 'application/json' : name.endsWith('.bin') ? 'application/octet-stream' : '');

/**
 * The model files in a zip, as Files named by their base names (the folders inside are dropped).
 * Throws ZipError for a file that is not a zip, one with two files of the same name, or one
 * without model.json.
 */
export async function unzipModelFiles(zip: Blob): Promise<File[]> {
  const label = zip instanceof File && zip.name ? zip.name : 'The file';
  let entries: Unzipped;
  try {
    entries = unzipSync(new Uint8Array(await zip.arrayBuffer()), { filter: (f: UnzipFileInfo) => isModelEntry(f.name) });
  } catch (e) {
    throw new ZipError('not-zip', `${label} is not a readable .zip file (${e instanceof Error ? e.message : String(e)}).`);
  }
  const files = new Map<string, File>();
  for (const [path, data] of Object.entries(entries)) {
    const name = baseName(path);
    // Two model.json (two models in one zip) cannot be told apart once flattened: refuse, not guess.
    if (files.has(name)) throw new ZipError('duplicate-name', `${label} holds more than one ${name}: zip one model's folder at a time.`);
    files.set(name, new File([data], name, { type: typeOf(name) }));
  }
  if (!files.has('model.json'))
    throw new ZipError(
      'no-model-json',
      `${label} holds no model.json: zip a model's folder (model.json, its .bin weight files and metadata.json).`,
    );
  return [...files.values()];
}

const isZip = (f: File) => /\.zip$/i.test(f.name) || f.type === 'application/zip' || f.type === 'application/x-zip-compressed';

/** The files as the model loader takes them: each .zip among them replaced by the model files inside it. */
export async function expandModelZips(files: readonly File[]): Promise<File[]> {
  const expanded = await Promise.all(files.map((f) => (isZip(f) ? unzipModelFiles(f) : Promise.resolve([f]))));
  return expanded.flat();
}
