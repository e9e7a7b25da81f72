/**
 * Downloads a file once into a cache folder (atomically: a .part file renamed when complete) and
 * checks it against a known hash. Failures say what was tried and how to work around no internet.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { WeightLoadError } from './weight-source.ts';

export const DEFAULT_CACHE_DIR = join(homedir(), '.cache', 'endolens');
const CONNECT_TIMEOUT_MS = 30_000;

export async function fileHash(file: string, algorithm: 'md5' | 'sha256'): Promise<string> {
  const hash = createHash(algorithm);
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export async function downloadToCache(url: string, file: string, opts: { md5?: string; what: string }): Promise<string> {
  if (!existsSync(file)) {
    await mkdir(dirname(file), { recursive: true });
    let body: ArrayBuffer;
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS) });
      if (!response.ok) throw new Error(`HTTP ${response.status} ${response.statusText}`);
      body = await response.arrayBuffer();
    } catch (err) {
      const cause = (err as Error & { cause?: { code?: string; message?: string } }).cause;
      const reason = cause?.code ?? cause?.message ?? (err as Error).message;
      throw new WeightLoadError(
        `Could not download ${opts.what} from ${url} (${reason}). ` +
          `Without internet access, download it elsewhere and either pass its path with --weights <file.h5> ` +
          `or copy it to ${file}.`,
      );
    }
    const part = `${file}.part`;
    await writeFile(part, new Uint8Array(body));
    await rename(part, file);
  }
  if (opts.md5 !== undefined) {
    const got = await fileHash(file, 'md5');
    if (got !== opts.md5) {
      await rm(`${file}.part`, { force: true });
      throw new WeightLoadError(
        `${file} does not match the published hash for ${opts.what} (md5 ${got}, expected ${opts.md5}). ` +
          `It is corrupt or a different file: delete it to download again.`,
      );
    }
  }
  return file;
}
