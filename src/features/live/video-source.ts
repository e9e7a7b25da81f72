/** The live view's frames from a playing <video> (a camera's MediaStream), and a saved frame as a PNG file. */
import type { PixelImage } from '../../core/preprocess.ts';
import { captureSize } from './capture-size.ts';
import type { FrameSource } from './frame-loop.ts';
import { liveFrameName } from './frame-name.ts';
import { captureTimeOf } from './latency.ts';

/**
 * Frames as the video element presents them (requestVideoFrameCallback, with the camera's capture
 * time); where a browser lacks it, once per animation frame. Pixels are drawn to `canvas`, scaled down
 * to 1280x720 at most, and read back as RGBA for src/core/preprocess.ts (in the inference worker).
 */
export function videoFrameSource(video: HTMLVideoElement, canvas: HTMLCanvasElement): FrameSource {
  // Read back every frame: keep the canvas in CPU memory instead of round-tripping a GPU texture.
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  return {
    nextFrame(cb) {
      if ('requestVideoFrameCallback' in video) {
        const id = video.requestVideoFrameCallback((now, metadata) => cb(captureTimeOf(now, metadata)));
        return () => video.cancelVideoFrameCallback(id);
      }
      const id = requestAnimationFrame((now) => cb(captureTimeOf(now)));
      return () => cancelAnimationFrame(id);
    },
    read(): PixelImage | undefined {
      if (!ctx || !video.videoWidth || !video.videoHeight) return undefined;
      const { width, height } = captureSize(video.videoWidth, video.videoHeight);
      if (canvas.width !== width) canvas.width = width;
      if (canvas.height !== height) canvas.height = height;
      ctx.drawImage(video, 0, 0, width, height);
      const image = ctx.getImageData(0, 0, width, height);
      return { data: image.data, width, height, channels: 4 };
    },
  };
}

/** The frame the video shows now (live or frozen), at the camera's full size, as a PNG File. */
export async function frameAsPng(video: HTMLVideoElement, at: Date = new Date()): Promise<File> {
  const canvas = document.createElement('canvas');
  canvas.width = video.videoWidth;
  canvas.height = video.videoHeight;
  const ctx = canvas.getContext('2d');
  if (!ctx || !canvas.width || !canvas.height) throw new Error('no frame to save yet');
  ctx.drawImage(video, 0, 0);
  const blob = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, 'image/png'));
  if (!blob) throw new Error('the browser could not encode the frame as PNG');
  return new File([blob], liveFrameName(at), { type: 'image/png' });
}
