/**
 * Test videos made from real frames by the browser itself (WebCodecs VP8 through mediabunny's
 * writer), so the e2e tests need no ffmpeg: each JPEG is drawn at the video's size and held for
 * `holdFrames` frames. WebCodecs needs a secure context and our app's CSP forbids injected scripts,
 * so the encoding runs in an empty page at a localhost address Playwright answers itself (no server).
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Browser } from '@playwright/test';

export interface VideoSpec {
  /** JPEG (or PNG) files' bytes, in order. */
  frames: Buffer[];
  holdFrames: number;
  fps: number;
  width: number;
  height: number;
}

const require = createRequire(import.meta.url);
// The package exports only its entry points; the browser bundle (a global `Mediabunny`) sits beside the Node one.
const MEDIABUNNY_BUNDLE = join(dirname(require.resolve('mediabunny')), 'mediabunny.min.cjs');

/** Encodes the frames into a WebM (VP8) and returns its bytes. */
export async function makeWebm(browser: Browser, spec: VideoSpec): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    const url = 'http://localhost:9/endolens-make-video.html';
    await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>encode</title>' }));
    await page.goto(url);
    await page.addScriptTag({ content: await readFile(MEDIABUNNY_BUNDLE, 'utf8') });
    const jpegs = spec.frames.map((b) => b.toString('base64'));
    const base64 = await page.evaluate(
      async ({ jpegs, holdFrames, fps, width, height }) => {
        type MB = typeof import('mediabunny');
        const M = (globalThis as unknown as { Mediabunny: MB }).Mediabunny;
        const canvas = new OffscreenCanvas(width, height);
        const ctx = canvas.getContext('2d')!;
        const target = new M.BufferTarget();
        const output = new M.Output({ format: new M.WebMOutputFormat(), target });
        const source = new M.CanvasSource(canvas, { codec: 'vp8', bitrate: M.QUALITY_VERY_HIGH, keyFrameInterval: 1 });
        output.addVideoTrack(source, { frameRate: fps });
        await output.start();
        let i = 0;
        for (const b64 of jpegs) {
          const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
          const bitmap = await createImageBitmap(new Blob([bytes]));
          ctx.drawImage(bitmap, 0, 0, width, height);
          bitmap.close();
          for (let k = 0; k < holdFrames; k++, i++) await source.add(i / fps, 1 / fps);
        }
        await output.finalize();
        const buf = new Uint8Array(target.buffer!);
        let s = '';
        for (let j = 0; j < buf.length; j += 0x8000) s += String.fromCharCode(...buf.subarray(j, j + 0x8000));
        return btoa(s);
      },
      { jpegs, holdFrames: spec.holdFrames, fps: spec.fps, width: spec.width, height: spec.height },
    );
    return Buffer.from(base64, 'base64');
  } finally {
    await page.close();
  }
}

/** A WebM holding only an audio track (1 s of Opus silence): a "video" with no picture. */
export async function makeAudioOnlyWebm(browser: Browser): Promise<Buffer> {
  const page = await browser.newPage();
  try {
    const url = 'http://localhost:9/endolens-make-audio.html';
    await page.route(url, (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>encode</title>' }));
    await page.goto(url);
    await page.addScriptTag({ content: await readFile(MEDIABUNNY_BUNDLE, 'utf8') });
    const base64 = await page.evaluate(async () => {
      type MB = typeof import('mediabunny');
      const M = (globalThis as unknown as { Mediabunny: MB }).Mediabunny;
      const target = new M.BufferTarget();
      const output = new M.Output({ format: new M.WebMOutputFormat(), target });
      const source = new M.AudioBufferSource({ codec: 'opus', bitrate: 64_000 });
      output.addAudioTrack(source);
      await output.start();
      await source.add(new AudioBuffer({ length: 48_000, sampleRate: 48_000, numberOfChannels: 1 }));
      await output.finalize();
      const buf = new Uint8Array(target.buffer!);
      let s = '';
      for (let j = 0; j < buf.length; j += 0x8000) s += String.fromCharCode(...buf.subarray(j, j + 0x8000));
      return btoa(s);
    });
    return Buffer.from(base64, 'base64');
  } finally {
    await page.close();
  }
}
