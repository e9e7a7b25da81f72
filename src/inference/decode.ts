/**
 * Browser decoding (worker or page): Blob -> full-size RGBA PixelImage for src/core/preprocess.ts.
 * EXIF orientation is applied; no colour-space conversion and no premultiplication, so the pixels
 * are the file's own, as the trainer's decoder delivers them.
 */
import type { PixelImage } from '../core/preprocess.ts';
import { sniffFile } from './sniff.ts';
import type { FrameErrorCode } from './protocol.ts';

/**
 * Frames above this many pixels (about 16.7 megapixels, 4096x4096) are first downscaled by the
 * browser (high-quality filter) to fit, then preprocessed as usual, so a 10000x10000 image cannot
 * exhaust memory. Real endoscopy frames are far below it; results for such images may differ
 * slightly from the trainer's.
 */
export const MAX_DECODE_PIXELS = 4096 * 4096;

export class FrameError extends Error {
  override name = 'FrameError';
  constructor(
    readonly code: FrameErrorCode,
    detail?: string,
  ) {
    super(detail ?? code);
  }
}

const BITMAP_OPTIONS: ImageBitmapOptions = {
  imageOrientation: 'from-image',
  colorSpaceConversion: 'none',
  premultiplyAlpha: 'none',
};

export interface DecodedFrame {
  pixels: PixelImage;
  /** Original (oriented) size. */
  width: number;
  height: number;
  downscaled: boolean;
  /** A small JPEG of the frame, from the same decode (asked for with `thumbnailWidth`); absent if making it failed. */
  thumbnail?: Blob;
}

/** Thumbnails are JPEGs this many pixels wide (the cards show them at that size). */
export const THUMB_WIDTH = 160;

/** A small JPEG from a decoded frame; undefined when the browser cannot make one (never fails the frame). */
async function thumbnailOf(bitmap: ImageBitmap, width: number): Promise<Blob | undefined> {
  try {
    const small = await createImageBitmap(bitmap, {
      resizeWidth: width,
      resizeHeight: Math.max(1, Math.round((bitmap.height * width) / bitmap.width)),
      resizeQuality: 'medium',
    });
    const canvas = new OffscreenCanvas(small.width, small.height);
    canvas.getContext('2d')?.drawImage(small, 0, 0);
    small.close();
    return await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.8 });
  } catch {
    return undefined;
  }
}

export function fitWithin(width: number, height: number, maxPixels: number): { width: number; height: number } {
  if (width * height <= maxPixels) return { width, height };
  const f = Math.sqrt(maxPixels / (width * height));
  return { width: Math.max(1, Math.floor(width * f)), height: Math.max(1, Math.floor(height * f)) };
}

/**
 * Decodes once; with `thumbnailWidth` the card's thumbnail comes from the same decode, so the page
 * never decodes the file a second time (a 1280x1024 JPEG costs ~100 ms to decode on our machine).
 */
export async function decodeFrame(file: Blob, thumbnailWidth?: number): Promise<DecodedFrame> {
  const sniff = await sniffFile(file);
  if (!sniff.ok) throw new FrameError(sniff.code);
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file, BITMAP_OPTIONS);
  } catch (e) {
    throw new FrameError('decode-failed', e instanceof Error ? e.message : String(e));
  }
  const { width, height } = bitmap;
  let downscaled = false;
  try {
    const fit = fitWithin(width, height, MAX_DECODE_PIXELS);
    if (fit.width !== width || fit.height !== height) {
      const small = await createImageBitmap(bitmap, {
        ...BITMAP_OPTIONS,
        resizeWidth: fit.width,
        resizeHeight: fit.height,
        resizeQuality: 'high',
      });
      bitmap.close();
      bitmap = small;
      downscaled = true;
    }
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new FrameError('too-large', 'no 2D canvas context');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, bitmap.width, bitmap.height).data;
    const thumbnail = thumbnailWidth ? await thumbnailOf(bitmap, thumbnailWidth) : undefined;
    return { pixels: { data, width: bitmap.width, height: bitmap.height, channels: 4 }, width, height, downscaled, thumbnail };
  } catch (e) {
    if (e instanceof FrameError) throw e;
    throw new FrameError('too-large', e instanceof Error ? e.message : String(e));
  } finally {
    bitmap.close();
  }
}
