/**
 * Minimal Windows BMP decoder. sharp's prebuilt libvips cannot read BMP, and datasets exported
 * from old capture software sometimes ship it. Covers the uncompressed variants those tools
 * write: 1/4/8-bit palette, 16-bit 5-5-5, 24-bit, and 32-bit (BI_RGB or BI_BITFIELDS masks),
 * bottom-up or top-down. Anything else (RLE, JPEG/PNG-in-BMP) throws a message saying which.
 */
import type { PixelImage } from '../../../src/core/preprocess.ts';

export class BmpError extends Error {
  override name = 'BmpError';
}

export function isBmp(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x42 && buf[1] === 0x4d; // "BM"
}

/** Shift and width of a contiguous bit mask, to scale a channel to 0..255. */
function maskInfo(mask: number): { shift: number; max: number } {
  if (mask === 0) return { shift: 0, max: 0 };
  let shift = 0;
  while (((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

export function decodeBmp(buf: Uint8Array): PixelImage {
  if (!isBmp(buf) || buf.length < 54) throw new BmpError('not a BMP file (bad header)');
  const dv = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const dataOffset = dv.getUint32(10, true);
  const headerSize = dv.getUint32(14, true);
  if (headerSize < 40) throw new BmpError(`unsupported BMP header (size ${headerSize}; OS/2 bitmaps are not supported)`);
  const width = dv.getInt32(18, true);
  const rawHeight = dv.getInt32(22, true);
  const bpp = dv.getUint16(28, true);
  const compression = dv.getUint32(30, true);
  const topDown = rawHeight < 0;
  const height = Math.abs(rawHeight);
  if (width < 1 || height < 1) throw new BmpError(`BMP has no pixels (${width}x${rawHeight})`);
  // 0 = BI_RGB, 3 = BI_BITFIELDS, 6 = BI_ALPHABITFIELDS
  if (![0, 3, 6].includes(compression)) {
    throw new BmpError(`compressed BMP (compression type ${compression}) is not supported; convert it to PNG`);
  }

  let masks: [number, number, number, number] | null = null;
  if (bpp === 16 || bpp === 32) {
    if (compression === 3 || compression === 6) {
      // Masks follow the 40-byte header (BITMAPV2+) or the info header itself (V4/V5).
      const alphaMask = headerSize >= 56 || compression === 6 ? dv.getUint32(54 + 12, true) : 0;
      masks = [dv.getUint32(54, true), dv.getUint32(58, true), dv.getUint32(62, true), alphaMask];
    } else {
      masks = bpp === 16 ? [0x7c00, 0x03e0, 0x001f, 0] : [0x00ff0000, 0x0000ff00, 0x000000ff, 0];
    }
  } else if (![1, 4, 8, 24].includes(bpp)) {
    throw new BmpError(`unsupported BMP bit depth ${bpp}`);
  }

  let palette: Uint8Array | null = null;
  if (bpp <= 8) {
    const colours = dv.getUint32(46, true) || 1 << bpp;
    const start = 14 + headerSize;
    palette = new Uint8Array(colours * 3);
    for (let i = 0; i < colours; i++) {
      const p = start + i * 4;
      if (p + 2 >= buf.length) throw new BmpError('truncated BMP palette');
      palette[i * 3] = buf[p + 2];
      palette[i * 3 + 1] = buf[p + 1];
      palette[i * 3 + 2] = buf[p];
    }
  }

  const rowBytes = Math.floor((bpp * width + 31) / 32) * 4;
  if (dataOffset + rowBytes * height > buf.length) throw new BmpError('truncated BMP pixel data');
  const hasAlpha = masks !== null && masks[3] !== 0;
  const channels = hasAlpha ? 4 : 3;
  const out = new Uint8Array(width * height * channels);
  const m = masks?.map(maskInfo);

  for (let y = 0; y < height; y++) {
    const row = dataOffset + (topDown ? y : height - 1 - y) * rowBytes;
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * channels;
      if (palette) {
        const bit = x * bpp;
        const byte = buf[row + (bit >> 3)];
        const idx = (byte >> (8 - bpp - (bit & 7))) & ((1 << bpp) - 1);
        out[o] = palette[idx * 3] ?? 0;
        out[o + 1] = palette[idx * 3 + 1] ?? 0;
        out[o + 2] = palette[idx * 3 + 2] ?? 0;
      } else if (bpp === 24) {
        const p = row + x * 3;
        out[o] = buf[p + 2];
        out[o + 1] = buf[p + 1];
        out[o + 2] = buf[p];
      } else if (m) {
        const v = bpp === 16 ? dv.getUint16(row + x * 2, true) : dv.getUint32(row + x * 4, true);
        for (let c = 0; c < channels; c++) {
          const { shift, max } = m[c];
          out[o + c] = max ? Math.round((((v >>> shift) & max) * 255) / max) : 0;
        }
      }
    }
  }
  return { data: out, width, height, channels };
}
