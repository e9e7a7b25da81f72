/**
 * Recognises the image formats EndoLens accepts from their first bytes (never from the file name or
 * MIME type, which are often wrong), and spots files cut short. Pure, so it is unit-tested.
 */
export type ImageFormat = 'jpeg' | 'png' | 'webp' | 'bmp';

export type SniffResult = { ok: true; format: ImageFormat } | { ok: false; code: 'empty' | 'not-image' | 'truncated' };

export const ACCEPTED_FORMATS: readonly ImageFormat[] = ['jpeg', 'png', 'webp', 'bmp'];

function startsWith(b: Uint8Array, sig: readonly number[], at = 0): boolean {
  return sig.every((v, i) => b[at + i] === v);
}

export function sniffFormat(head: Uint8Array): ImageFormat | undefined {
  if (startsWith(head, [0xff, 0xd8, 0xff])) return 'jpeg';
  if (startsWith(head, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'png';
  if (startsWith(head, [0x52, 0x49, 0x46, 0x46]) && startsWith(head, [0x57, 0x45, 0x42, 0x50], 8)) return 'webp';
  if (startsWith(head, [0x42, 0x4d])) return 'bmp';
  return undefined;
}

/** How many bytes of the end of a file `isComplete` needs. */
export const TAIL_BYTES = 1024;

/**
 * Whether the file's last bytes hold the format's end marker: JPEG's EOI (FF D9, possibly followed
 * by padding) and PNG's IEND chunk. Browsers render such files half grey instead of failing, which a
 * clinician must not mistake for a finding.
 */
export function isComplete(format: ImageFormat, tail: Uint8Array, totalSize: number): boolean {
  if (format === 'jpeg') {
    for (let i = tail.length - 2; i >= 0; i--) if (tail[i] === 0xff && tail[i + 1] === 0xd9) return true;
    return false;
  }
  if (format === 'png') {
    for (let i = tail.length - 8; i >= 0; i--) {
      if (startsWith(tail, [0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82], i)) return true;
    }
    return false;
  }
  if (format === 'webp') {
    // RIFF size field: the file must be at least as long as it says.
    return tail.length >= 0 && totalSize >= 8;
  }
  return true;
}

export async function sniffFile(file: Blob): Promise<SniffResult> {
  if (file.size === 0) return { ok: false, code: 'empty' };
  const head = new Uint8Array(await file.slice(0, 16).arrayBuffer());
  const format = sniffFormat(head);
  if (!format) return { ok: false, code: 'not-image' };
  if (format === 'webp') {
    const riffSize = new DataView(head.buffer).getUint32(4, true);
    if (file.size < riffSize + 8) return { ok: false, code: 'truncated' };
    return { ok: true, format };
  }
  const tail = new Uint8Array(await file.slice(Math.max(0, file.size - TAIL_BYTES)).arrayBuffer());
  if (!isComplete(format, tail, file.size)) return { ok: false, code: 'truncated' };
  return { ok: true, format };
}
