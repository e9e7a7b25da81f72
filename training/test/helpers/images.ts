/** Tiny image files written by tests (no shared data needed). */
import sharp from 'sharp';

/** A solid-colour w x h JPEG or PNG. */
export function solid(w: number, h: number, rgb: [number, number, number], format: 'jpeg' | 'png' = 'png'): Promise<Buffer> {
  const img = sharp({ create: { width: w, height: h, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  return format === 'png' ? img.png().toBuffer() : img.jpeg({ quality: 95 }).toBuffer();
}

/** A 24-bit bottom-up BMP of raw RGB pixels (rows padded to 4 bytes). */
export function bmp24(w: number, h: number, rgb: Uint8Array): Buffer {
  const rowBytes = Math.ceil((w * 3) / 4) * 4;
  const buf = Buffer.alloc(54 + rowBytes * h);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(54, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(w, 18);
  buf.writeInt32LE(h, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(24, 28);
  for (let y = 0; y < h; y++) {
    const row = 54 + (h - 1 - y) * rowBytes;
    for (let x = 0; x < w; x++) {
      const s = (y * w + x) * 3;
      buf[row + x * 3] = rgb[s + 2];
      buf[row + x * 3 + 1] = rgb[s + 1];
      buf[row + x * 3 + 2] = rgb[s];
    }
  }
  return buf;
}

/** A 32-bit top-down BI_BITFIELDS BMP (BITMAPV4 header) of raw RGBA pixels. */
export function bmp32Alpha(w: number, h: number, rgba: Uint8Array): Buffer {
  const header = 108;
  const off = 14 + header;
  const buf = Buffer.alloc(off + w * h * 4);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(off, 10);
  buf.writeUInt32LE(header, 14);
  buf.writeInt32LE(w, 18);
  buf.writeInt32LE(-h, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(32, 28);
  buf.writeUInt32LE(3, 30);
  buf.writeUInt32LE(0x00ff0000, 54);
  buf.writeUInt32LE(0x0000ff00, 58);
  buf.writeUInt32LE(0x000000ff, 62);
  buf.writeUInt32LE(0xff000000, 66);
  for (let i = 0; i < w * h; i++) {
    buf[off + i * 4] = rgba[i * 4 + 2];
    buf[off + i * 4 + 1] = rgba[i * 4 + 1];
    buf[off + i * 4 + 2] = rgba[i * 4];
    buf[off + i * 4 + 3] = rgba[i * 4 + 3];
  }
  return buf;
}

/** A bottom-up palette BMP (1, 4 or 8 bits per pixel) of palette indices. */
export function bmpPalette(w: number, h: number, bpp: 1 | 4 | 8, indices: Uint8Array, palette: [number, number, number][]): Buffer {
  const rowBytes = Math.floor((bpp * w + 31) / 32) * 4;
  const off = 54 + palette.length * 4;
  const buf = Buffer.alloc(off + rowBytes * h);
  buf.write('BM', 0, 'latin1');
  buf.writeUInt32LE(buf.length, 2);
  buf.writeUInt32LE(off, 10);
  buf.writeUInt32LE(40, 14);
  buf.writeInt32LE(w, 18);
  buf.writeInt32LE(h, 22);
  buf.writeUInt16LE(1, 26);
  buf.writeUInt16LE(bpp, 28);
  buf.writeUInt32LE(palette.length, 46);
  palette.forEach(([r, g, b], i) => {
    buf[54 + i * 4] = b;
    buf[54 + i * 4 + 1] = g;
    buf[54 + i * 4 + 2] = r;
  });
  for (let y = 0; y < h; y++) {
    const row = off + (h - 1 - y) * rowBytes;
    for (let x = 0; x < w; x++) {
      const bit = x * bpp;
      buf[row + (bit >> 3)] |= indices[y * w + x] << (8 - bpp - (bit & 7));
    }
  }
  return buf;
}
