/**
 * One frame from file to model input: browser decode, then src/core's preprocessPixels (the trainer's
 * own resize and scaling). The decoder is a parameter so the path is unit-tested without a browser.
 */
import { preprocessPixels, type PreprocessSpec } from '../core/preprocess.ts';
import { decodeFrame, type DecodedFrame } from './decode.ts';

export interface PreparedFrame {
  input: Float32Array;
  width: number;
  height: number;
  downscaled: boolean;
  /** The card's thumbnail, from the same decode (when asked for). */
  thumbnail?: Blob;
}

export async function prepareFrame(
  file: Blob,
  spec: PreprocessSpec,
  decode: (file: Blob, thumbnailWidth?: number) => Promise<DecodedFrame> = decodeFrame,
  thumbnailWidth?: number,
): Promise<PreparedFrame> {
  const decoded = await decode(file, thumbnailWidth);
  return {
    input: preprocessPixels(decoded.pixels, spec),
    width: decoded.width,
    height: decoded.height,
    downscaled: decoded.downscaled,
    ...(decoded.thumbnail ? { thumbnail: decoded.thumbnail } : {}),
  };
}
