import { describe, expect, it } from 'vitest';
import { sniffFile, sniffFormat } from './sniff.ts';

const jpeg = (body: number[], end = true) => new Blob([new Uint8Array([0xff, 0xd8, 0xff, 0xe0, ...body, ...(end ? [0xff, 0xd9] : [])])]);
const PNG_SIG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const IEND = [0, 0, 0, 0, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82];

describe('sniffFormat', () => {
  it('recognises JPEG, PNG, WebP and BMP by their first bytes', () => {
    expect(sniffFormat(new Uint8Array([0xff, 0xd8, 0xff, 0xdb]))).toBe('jpeg');
    expect(sniffFormat(new Uint8Array(PNG_SIG))).toBe('png');
    expect(sniffFormat(new TextEncoder().encode('RIFF\x10\x00\x00\x00WEBPVP8 '))).toBe('webp');
    expect(sniffFormat(new TextEncoder().encode('BM6\x00'))).toBe('bmp');
    expect(sniffFormat(new TextEncoder().encode('GIF89a'))).toBeUndefined();
    expect(sniffFormat(new TextEncoder().encode('hello world'))).toBeUndefined();
  });
});

describe('sniffFile', () => {
  it('reports empty files and non-images', async () => {
    expect(await sniffFile(new Blob([]))).toEqual({ ok: false, code: 'empty' });
    expect(await sniffFile(new Blob(['just text']))).toEqual({ ok: false, code: 'not-image' });
  });

  it('accepts a complete JPEG and flags one without its end marker', async () => {
    expect(await sniffFile(jpeg([1, 2, 3]))).toEqual({ ok: true, format: 'jpeg' });
    expect(await sniffFile(jpeg(new Array<number>(5000).fill(7), false))).toEqual({ ok: false, code: 'truncated' });
  });

  it('tolerates padding after a JPEG end marker', async () => {
    const padded = new Blob([jpeg([1, 2, 3]), new Uint8Array(64)]);
    expect(await sniffFile(padded)).toEqual({ ok: true, format: 'jpeg' });
  });

  it('flags a PNG without its IEND chunk', async () => {
    expect(await sniffFile(new Blob([new Uint8Array([...PNG_SIG, 1, 2, 3, ...IEND])]))).toEqual({ ok: true, format: 'png' });
    expect(await sniffFile(new Blob([new Uint8Array([...PNG_SIG, 1, 2, 3, 4, 5])]))).toEqual({ ok: false, code: 'truncated' });
  });

  it('flags a WebP shorter than its RIFF header says', async () => {
    const header = (size: number) => {
      const b = new Uint8Array(16);
      b.set(new TextEncoder().encode('RIFF'), 0);
      new DataView(b.buffer).setUint32(4, size, true);
      b.set(new TextEncoder().encode('WEBPVP8 '), 8);
      return b;
    };
    expect(await sniffFile(new Blob([header(8)]))).toEqual({ ok: true, format: 'webp' });
    expect(await sniffFile(new Blob([header(4000)]))).toEqual({ ok: false, code: 'truncated' });
  });
});
