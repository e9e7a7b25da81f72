/** Bytes <-> base64 data URLs and SHA-256, working in browsers and in Node (tests). */

/** A Blob's bytes; falls back to FileReader where Blob.arrayBuffer is missing (older engines, jsdom). */
export function readBytes(blob: Blob): Promise<ArrayBuffer> {
  if (typeof blob.arrayBuffer === 'function') return blob.arrayBuffer();
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    // Copied so the buffer belongs to this realm (jsdom's FileReader hands out its own).
    reader.onload = () => resolve(new Uint8Array(reader.result as ArrayBuffer).slice().buffer);
    reader.onerror = () => reject(reader.error ?? new Error('The file could not be read.'));
    reader.readAsArrayBuffer(blob);
  });
}

export async function readText(blob: Blob): Promise<string> {
  return new TextDecoder().decode(await readBytes(blob));
}

export async function sha256Hex(data: Blob | ArrayBuffer | Uint8Array): Promise<string> {
  const subtle = globalThis.crypto?.subtle;
  if (!subtle) {
    // crypto.subtle exists only in secure contexts (https or localhost).
    throw new Error(
      'This page is not served over HTTPS (or localhost), so the browser offers no SHA-256; serve EndoLens over HTTPS to export or re-attach sessions by hash.',
    );
  }
  const buf = data instanceof Blob ? await readBytes(data) : data;
  // A view, not the bare buffer: some engines (jsdom) reject buffers made in another realm.
  const view = buf instanceof Uint8Array ? buf : new Uint8Array(buf);
  const digest = await subtle.digest('SHA-256', view as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000; // String.fromCharCode's argument list has a limit
  for (let i = 0; i < bytes.length; i += chunk) binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary);
}

export function base64ToBytes(b64: string): Uint8Array<ArrayBuffer> {
  const binary = atob(b64);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

export async function blobToDataUrl(blob: Blob, mimeType?: string): Promise<string> {
  const bytes = new Uint8Array(await readBytes(blob));
  return `data:${mimeType || blob.type || 'application/octet-stream'};base64,${bytesToBase64(bytes)}`;
}

const DATA_URL = /^data:([^;,]*)(;[^,]*)?;base64,([A-Za-z0-9+/=\s]*)$/;

export function isBase64DataUrl(s: unknown): s is string {
  return typeof s === 'string' && DATA_URL.test(s);
}

/** Throws naming `what` when the string is not a base64 data URL. */
export function dataUrlToBytes(dataUrl: string, what = 'data URL'): { bytes: Uint8Array<ArrayBuffer>; mimeType: string } {
  const m = DATA_URL.exec(dataUrl);
  if (!m) throw new Error(`${what} is not a base64 data URL (starts with ${JSON.stringify(dataUrl.slice(0, 30))}).`);
  try {
    return { bytes: base64ToBytes(m[3].replace(/\s+/g, '')), mimeType: m[1] || 'application/octet-stream' };
  } catch {
    throw new Error(`${what} holds invalid base64.`);
  }
}

export function dataUrlToFile(dataUrl: string, fileName: string): File {
  const { bytes, mimeType } = dataUrlToBytes(dataUrl, `The image of "${fileName}"`);
  return new File([bytes], fileName, { type: mimeType });
}
