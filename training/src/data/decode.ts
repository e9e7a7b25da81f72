/**
 * Decodes one image file to full-size raw pixels for src/core's resizeToRgb, matching what the app
 * gets in the browser (src/inference/decode.ts: createImageBitmap with imageOrientation
 * 'from-image', colorSpaceConversion 'none', premultiplyAlpha 'none'): EXIF orientation applied,
 * an embedded ICC profile ignored (the file's own values, not converted), alpha kept. The test
 * data-browser-parity.test.ts checks that Chromium and this give the same model input.
 */
import sharp from 'sharp';
import { readFile } from 'node:fs/promises';
import type { PixelImage } from '../../../src/core/preprocess.ts';
import { decodeBmp, isBmp } from './bmp.ts';

export const IMAGE_EXTENSIONS = ['.jpg', '.jpeg', '.png', '.webp', '.bmp'] as const;

export class DecodeError extends Error {
  override name = 'DecodeError';
}

/** True when the file name has one of the accepted image extensions (case-insensitive). */
export function hasImageExtension(file: string): boolean {
  const lower = file.toLowerCase();
  return IMAGE_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

/**
 * File path or bytes -> RGB or RGBA uint8 pixels: EXIF orientation applied (`rotate()`),
 * grayscale/CMYK/16-bit converted to 8-bit sRGB (ICC profiles ignored, as the app does), alpha
 * kept as a 4th channel.
 * Throws DecodeError with the reason for empty, corrupt or unsupported input.
 */
export async function decodeImage(input: string | Buffer): Promise<PixelImage> {
  const bytes =
    typeof input === 'string'
      ? await readFile(input).catch((err: Error) => {
          throw new DecodeError(`cannot read ${input}: ${err.message}`);
        })
      : input;
  if (bytes.length === 0) throw new DecodeError('empty file (0 bytes)');
  if (isBmp(bytes)) {
    try {
      return decodeBmp(bytes);
    } catch (err) {
      throw new DecodeError(`BMP: ${(err as Error).message}`);
    }
  }
  try {
    const { data, info } = await sharp(bytes, { failOn: 'error', ignoreIcc: true })
      .rotate()
      .toColourspace('srgb')
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    const channels = info.channels;
    if (channels !== 3 && channels !== 4) throw new Error(`decoded to ${channels} channels`);
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength), width: info.width, height: info.height, channels };
  } catch (err) {
    throw new DecodeError((err as Error).message.replace(/\s+/g, ' ').trim());
  }
}
