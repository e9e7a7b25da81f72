/**
 * Messages between the page and a video worker (src/inference/video-worker.ts), which demuxes and
 * decodes one video (mediabunny + WebCodecs) and preprocesses its frames with src/core/preprocess.ts;
 * the page hands the inputs to the inference worker. Two workers, so decoding one batch overlaps
 * inference on the previous one across cores. Plain structured-clone data only.
 */
import type { PreprocessSpec } from '../core/preprocess.ts';

/** Extensions and MIME types routed to video analysis instead of still-frame classification. */
const VIDEO_EXTENSIONS = /\.(mp4|m4v|mov|webm|mkv|ogv|ogg|avi|ts|mts|m2ts)$/i;

export function isVideoFile(file: { name: string; type: string }): boolean {
  return file.type.startsWith('video/') || VIDEO_EXTENSIONS.test(file.name);
}

export type VideoErrorCode = 'empty' | 'not-video' | 'no-video-track' | 'codec-unsupported' | 'decode-failed';

export interface VideoStart {
  type: 'start';
  file: Blob;
  spec: PreprocessSpec;
  /** At most this many frames per second are analysed (every frame of a 25 fps video at 30). */
  sampleFps: number;
  /** Seconds to start from (resuming after a stop or a reload): frames before it are not analysed again. */
  fromS: number;
  /** Frames per batch handed to the page. */
  batch: number;
}

export type ToVideoWorker =
  | VideoStart
  /** The page is ready for one more batch: at most a few are in flight, so memory stays flat. */
  | { type: 'credit' };

export interface VideoInfo {
  durationS: number;
  width: number;
  height: number;
  codec: string;
  /** Frames are drawn at most this big before preprocessing (4K is downscaled first). */
  downscaled: boolean;
}

export type FromVideoWorker =
  | ({ type: 'info' } & VideoInfo)
  /** `decodeMs` / `preprocessMs`: this batch's time waiting for decoded frames, and drawing + preprocessing them. */
  | { type: 'batch'; times: number[]; inputs: Float32Array[]; decodeMs: number; preprocessMs: number }
  /** `truncatedAtS`: the file broke there (analysed up to it); `detail` says how. */
  | { type: 'end'; truncatedAtS?: number; detail?: string }
  | { type: 'error'; code: VideoErrorCode; detail: string };
