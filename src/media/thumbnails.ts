/**
 * Small JPEG thumbnails, kept in IndexedDB and shown through object URLs. Dropped frames get theirs
 * from the inference worker's own decode (src/inference/decode.ts); frames that never go through it
 * (re-attached after a session import) are thumbnailed here.
 */
import { sniffFile } from '../inference/sniff.ts';
import { loadThumb } from '../persistence/db.ts';

import { THUMB_WIDTH } from '../inference/decode.ts';

export { THUMB_WIDTH };

/** Files this large are not thumbnailed on the page (the worker still handles or rejects them). */
export const THUMB_MAX_BYTES = 40 * 1024 * 1024;

export async function makeThumbnail(file: Blob): Promise<Blob | undefined> {
  if (file.size > THUMB_MAX_BYTES) return undefined;
  const sniff = await sniffFile(file);
  if (!sniff.ok) return undefined;
  let bitmap: ImageBitmap | undefined;
  try {
    bitmap = await createImageBitmap(file, { imageOrientation: 'from-image', resizeWidth: THUMB_WIDTH, resizeQuality: 'medium' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d');
    if (!ctx) return undefined;
    ctx.drawImage(bitmap, 0, 0);
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  } catch {
    return undefined; // the worker reports why the frame cannot be read
  } finally {
    bitmap?.close();
  }
}

const urls = new Map<string, string>();

export function thumbUrl(id: string): string | undefined {
  return urls.get(id);
}

export function rememberThumb(id: string, blob: Blob): string {
  const existing = urls.get(id);
  if (existing) return existing;
  const url = URL.createObjectURL(blob);
  urls.set(id, url);
  return url;
}

export function forgetAllThumbs(): void {
  for (const url of urls.values()) URL.revokeObjectURL(url);
  urls.clear();
}

/** Runs tasks with at most `limit` in flight. */
export async function mapLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]);
    }
  });
  await Promise.all(workers);
}

/** The object URL of a frame's kept thumbnail, read back from IndexedDB (after a reload). */
export async function restoreThumb(id: string): Promise<string | undefined> {
  const blob = await loadThumb(id).catch(() => undefined);
  return blob ? rememberThumb(id, blob) : undefined;
}
