/// <reference lib="webworker" />
/**
 * One video, one worker: demuxes (mediabunny: MP4, WebM, Matroska, Ogg, MPEG-TS...) and decodes
 * (WebCodecs, whatever codecs this browser has) the primary video track, keeps the sampled frames,
 * draws each once at its own size (downscaled above 1920x1080) and preprocesses it with
 * src/core/preprocess.ts, the trainer's code. Batches go to the page, which passes them to the
 * inference worker; a batch is sent only against a credit, so at most a few frames exist at once and
 * a 2-hour video does not grow memory. Cancel = the page terminates this worker.
 */
import { ALL_FORMATS, BlobSource, Input, UnsupportedInputFormatError, VideoSampleSink, type VideoSample } from 'mediabunny';
import { preprocessPixels } from '../core/preprocess.ts';
import { drawSize, FrameSampler } from './video-sampling.ts';
import type { FromVideoWorker, ToVideoWorker, VideoErrorCode, VideoStart } from './video-protocol.ts';

declare const self: DedicatedWorkerGlobalScope;

let credits = 0;
let wakeUp: (() => void) | undefined;

function post(msg: FromVideoWorker, transfer: Transferable[] = []): void {
  self.postMessage(msg, transfer);
}

class VideoError extends Error {
  constructor(
    readonly code: VideoErrorCode,
    detail: string,
  ) {
    super(detail);
  }
}

async function waitForCredit(): Promise<void> {
  while (credits <= 0) await new Promise<void>((r) => (wakeUp = r));
  credits--;
}

async function openTrack(file: Blob) {
  if (file.size === 0) throw new VideoError('empty', 'the file is empty (0 bytes)');
  const input = new Input({ source: new BlobSource(file), formats: ALL_FORMATS });
  let track;
  try {
    track = await input.getPrimaryVideoTrack();
  } catch (e) {
    if (e instanceof UnsupportedInputFormatError) throw new VideoError('not-video', 'not a video container this app can read');
    throw new VideoError('not-video', e instanceof Error ? e.message : String(e));
  }
  if (!track) throw new VideoError('no-video-track', 'the file has no video track (audio only?)');
  const codec = track.codec ?? (await track.getCodecParameterString()) ?? 'unknown';
  if (!(await track.canDecode())) {
    const full = (await track.getCodecParameterString()) ?? codec;
    throw new VideoError('codec-unsupported', `this browser cannot decode its video codec (${full})`);
  }
  const durationS = (await input.getDurationFromMetadata([track]).catch(() => null)) ?? (await input.computeDuration([track]));
  return { input, track, codec, durationS };
}

async function analyse(req: VideoStart): Promise<void> {
  const { input, track, codec, durationS } = await openTrack(req.file);
  const size = drawSize(track.displayWidth, track.displayHeight);
  post({ type: 'info', durationS, width: track.displayWidth, height: track.displayHeight, codec, downscaled: size.downscaled });

  const canvas = new OffscreenCanvas(size.width, size.height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true });
  if (!ctx) throw new VideoError('decode-failed', 'no 2D canvas context');
  const sampler = new FrameSampler(req.sampleFps);
  let times: number[] = [];
  let inputs: Float32Array[] = [];
  let lastT: number | undefined;
  // Stage times for the benchmark: waiting on the decoder vs drawing + preprocessing (credit waits excluded).
  let decodeMs = 0;
  let preprocessMs = 0;
  const flush = async () => {
    if (!times.length) return;
    await waitForCredit();
    post(
      { type: 'batch', times, inputs, decodeMs, preprocessMs },
      inputs.map((x) => x.buffer as ArrayBuffer),
    );
    times = [];
    inputs = [];
    decodeMs = preprocessMs = 0;
  };
  const rgba = new Uint8ClampedArray(size.width * size.height * 4);
  let copyWorks = true;
  /** The frame's RGBA pixels: copied straight out of the decoder when it needs no rotation or scaling (3x faster than a canvas here), else drawn. */
  const pixels = async (sample: VideoSample): Promise<Uint8ClampedArray> => {
    const plain = sample.rotation === 0 && sample.visibleRect.width === size.width && sample.visibleRect.height === size.height;
    if (copyWorks && plain) {
      try {
        await sample.copyTo(rgba, { format: 'RGBA' });
        return rgba;
      } catch {
        copyWorks = false; // a browser without colour conversion in copyTo: the canvas from now on
      }
    }
    // Drawn at its display size (orientation and pixel aspect applied, 4K scaled down).
    sample.draw(ctx, 0, 0, size.width, size.height);
    return ctx.getImageData(0, 0, size.width, size.height).data;
  };
  const take = async (sample: VideoSample) => {
    const started = performance.now();
    const data = await pixels(sample);
    // The pixels then go through the trainer's own resize and scaling.
    inputs.push(preprocessPixels({ data, width: size.width, height: size.height, channels: 4 }, req.spec));
    times.push(sample.timestamp);
    lastT = sample.timestamp;
    preprocessMs += performance.now() - started;
  };
  const sink = new VideoSampleSink(track);
  try {
    let waitStarted = performance.now();
    for await (const sample of sink.samples(req.fromS)) {
      decodeMs += performance.now() - waitStarted;
      try {
        // samples(fromS) starts with the frame on screen at fromS, which may be the last one analysed before.
        if (sample.timestamp >= req.fromS && sampler.keep(sample.timestamp)) await take(sample);
      } finally {
        sample.close();
      }
      if (times.length >= req.batch) await flush();
      waitStarted = performance.now();
    }
  } catch (e) {
    // A file cut short, or a packet the decoder rejects: what was read so far stands.
    await flush();
    const detail = e instanceof Error ? e.message : String(e);
    if (lastT === undefined) throw new VideoError('decode-failed', detail);
    post({ type: 'end', truncatedAtS: lastT, detail });
    input.dispose();
    return;
  }
  await flush();
  input.dispose();
  // The container promised more than it holds: a truncated file that demuxed without complaint.
  const interval = 2 / Math.min(req.sampleFps, 30);
  if (lastT !== undefined && durationS - lastT > Math.max(1, interval))
    post({
      type: 'end',
      truncatedAtS: lastT,
      detail: `the file ends at ${lastT.toFixed(1)} s of the ${durationS.toFixed(1)} s it declares`,
    });
  else if (lastT === undefined && req.fromS === 0) throw new VideoError('decode-failed', 'no frame could be decoded');
  else post({ type: 'end' });
}

self.onmessage = (ev: MessageEvent<ToVideoWorker>) => {
  const msg = ev.data;
  if (msg.type === 'credit') {
    credits++;
    wakeUp?.();
    wakeUp = undefined;
    return;
  }
  analyse(msg).catch((e: unknown) => {
    const code: VideoErrorCode = e instanceof VideoError ? e.code : 'decode-failed';
    post({ type: 'error', code, detail: e instanceof Error ? e.message : String(e) });
  });
};
