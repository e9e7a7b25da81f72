/**
 * Test videos made by the browser itself (WebCodecs through mediabunny's writer), so the e2e tests
 * need no ffmpeg. WebCodecs needs a secure context and our app's CSP forbids injected scripts, so
 * each file is made in an empty page at a localhost address Playwright answers itself (no server),
 * with mediabunny's browser bundle (a global `Mediabunny`) injected.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser } from '@playwright/test';

export interface VideoSpec {
  /** JPEG (or PNG) files' bytes, in order; each is drawn at the video's size and held `holdFrames` frames. */
  frames: Buffer[];
  holdFrames: number;
  fps: number;
  width: number;
  height: number;
}

const require = createRequire(import.meta.url);
// The package exports only its entry points; the browser bundle sits beside the Node one.
const MEDIABUNNY_BUNDLE = join(dirname(require.resolve('mediabunny')), 'mediabunny.min.cjs');
/**
 * The page hands files back as base64 (evaluate's results are JSON); `__name` is the helper tsx
 * (esbuild keepNames) wraps named functions in when the bench, not Playwright, compiles this file.
 */
const PAGE_HELPERS = `globalThis.__name ??= (f) => f;
globalThis.endolensBase64 = (buffer) => {
  const bytes = new Uint8Array(buffer);
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};`;

type MB = typeof import('mediabunny');
/** What the page functions see: mediabunny and the base64 helper. */
export type PageGlobals = { Mediabunny: MB; endolensBase64: (buffer: ArrayBuffer) => string };

/** Runs `fn` in a fresh secure page with mediabunny and the helpers above, and returns its result. */
export async function inMediaPage<A, R>(browser: Browser, fn: (arg: A) => Promise<R>, arg: A): Promise<R> {
  const page = await browser.newPage();
  try {
    const url = 'http://localhost:9/endolens-make-media.html';
    await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>media</title>' }));
    await page.goto(url);
    await page.addScriptTag({ content: await readFile(MEDIABUNNY_BUNDLE, 'utf8') });
    await page.addScriptTag({ content: PAGE_HELPERS });
    // Playwright's evaluate types its argument as Unboxed<A>, which a generic A cannot meet; A is plain JSON here.
    const run = fn as unknown as (arg: unknown) => Promise<R>;
    return await page.evaluate(run, arg as unknown);
  } finally {
    await page.close();
  }
}

const fromBase64 = async (b64: Promise<string>) => Buffer.from(await b64, 'base64');

/** Encodes the frames into a WebM (VP8, every frame a key frame) and returns its bytes. */
export async function makeWebm(browser: Browser, spec: VideoSpec): Promise<Buffer> {
  const { holdFrames, fps, width, height } = spec;
  return fromBase64(
    inMediaPage(
      browser,
      async ({ jpegs, holdFrames, fps, width, height }) => {
        const { Mediabunny: M, endolensBase64 } = globalThis as unknown as PageGlobals;
        const canvas = new OffscreenCanvas(width, height);
        const ctx = canvas.getContext('2d')!;
        const target = new M.BufferTarget();
        const output = new M.Output({ format: new M.WebMOutputFormat(), target });
        const source = new M.CanvasSource(canvas, { codec: 'vp8', bitrate: M.QUALITY_VERY_HIGH, keyFrameInterval: 1 });
        output.addVideoTrack(source, { frameRate: fps });
        await output.start();
        let i = 0;
        for (const b64 of jpegs) {
          const bitmap = await createImageBitmap(new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]));
          ctx.drawImage(bitmap, 0, 0, width, height);
          bitmap.close();
          for (let k = 0; k < holdFrames; k++, i++) await source.add(i / fps, 1 / fps);
        }
        await output.finalize();
        return endolensBase64(target.buffer!);
      },
      { jpegs: spec.frames.map((b) => b.toString('base64')), holdFrames, fps, width, height },
    ),
  );
}

/** A WebM holding only an audio track (1 s of Opus silence): a "video" with no picture. */
export function makeAudioOnlyWebm(browser: Browser): Promise<Buffer> {
  return fromBase64(
    inMediaPage(
      browser,
      async () => {
        const { Mediabunny: M, endolensBase64 } = globalThis as unknown as PageGlobals;
        const target = new M.BufferTarget();
        const output = new M.Output({ format: new M.WebMOutputFormat(), target });
        const source = new M.AudioBufferSource({ codec: 'opus', bitrate: 64_000 });
        output.addAudioTrack(source);
        await output.start();
        await source.add(new AudioBuffer({ length: 48_000, sampleRate: 48_000, numberOfChannels: 1 }));
        await output.finalize();
        return endolensBase64(target.buffer!);
      },
      undefined,
    ),
  );
}

/**
 * An MP4 whose video track is HEVC, which Chromium cannot decode in software: its packets are
 * placeholders (nothing here can decode them anyway) behind a well-formed HEVC configuration, so the
 * app must name the codec it cannot play rather than fail later.
 */
export function makeHevcMp4(browser: Browser): Promise<Buffer> {
  return fromBase64(
    inMediaPage(
      browser,
      async () => {
        const { Mediabunny: M, endolensBase64 } = globalThis as unknown as PageGlobals;
        const target = new M.BufferTarget();
        const output = new M.Output({ format: new M.Mp4OutputFormat(), target });
        const source = new M.EncodedVideoPacketSource('hevc');
        output.addVideoTrack(source, { frameRate: 10 });
        await output.start();
        // hvcC: version 1, Main profile, level 3.1, 4-byte NAL lengths, no parameter-set arrays.
        const description = new Uint8Array([1, 1, 0x60, 0, 0, 0, 0x90, 0, 0, 0, 0, 0, 93, 0xf0, 0, 0xfc, 0xfd, 0xf8, 0xf8, 0, 0, 0x0f, 0]);
        for (let i = 0; i < 10; i++) {
          const packet = new M.EncodedPacket(new Uint8Array([0, 0, 0, 2, 0x26, 0x01]), i === 0 ? 'key' : 'delta', i / 10, 0.1);
          const decoderConfig = { codec: 'hev1.1.6.L93.B0', codedWidth: 320, codedHeight: 240, description };
          await source.add(packet, i === 0 ? { decoderConfig } : undefined);
        }
        await output.finalize();
        return endolensBase64(target.buffer!);
      },
      undefined,
    ),
  );
}
