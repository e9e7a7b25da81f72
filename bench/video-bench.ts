/**
 * The video section (issue 12): a 720x576 25 fps WebM (VP8, made by the browser from the benchmark's
 * frames) dropped on the app, the embedded model on WASM, every frame analysed. Reports the real-time
 * factor (video seconds per wall second), each stage per frame (the card's data-stage-ms hook:
 * waiting on the decoder, draw + preprocess, the inference worker round trip, storing), and the page's
 * and its workers' memory (performance.measureUserAgentSpecificMemory, cross-origin isolated) as the
 * analysis goes on: flat means decoded frames do not pile up. Then decoding alone, two ways, on the same
 * file: mediabunny + WebCodecs (what the app uses) and a <video> element played at 16x with
 * requestVideoFrameCallback (the alternative the issue names), frames/s and the share of frames seen.
 */
import { readFile } from 'node:fs/promises';
import { chromium, type Browser } from 'playwright-core';
import { inMediaPage, makeWebm, type PageGlobals } from '../e2e/support/make-video.ts';
import { CHROMIUM_FLAGS } from '../e2e/support/chromium.ts';
import { startStaticServer } from './server.ts';

export interface VideoRow {
  video: string;
  durationS: number;
  framesAnalysed?: number;
  wallS?: number;
  /** Video seconds analysed per wall-clock second (≥ 1: faster than real time). */
  realTimeFactor?: number;
  stageMs?: { decode: number; preprocess: number; inference: number; ui: number };
  /** Bytes (page + workers) at 25 / 50 / 75 / 100 % of the analysis. */
  memory?: number[];
  decode?: { webcodecsFps?: number; videoElementFps?: number; videoElementSeenShare?: number; error?: string };
  backend?: string;
  error?: string;
}

const FPS = 25;

async function analyse(browser: Browser, distDir: string, webm: Buffer, durationS: number, row: VideoRow): Promise<void> {
  const server = await startStaticServer({ '/': distDir }, true);
  try {
    const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.origin}/?backend=wasm`);
    await page.locator('[data-testid="model-status"][data-state="ready"]').waitFor({ timeout: 300_000 });
    const started = Date.now();
    await page.getByTestId('file-input').setInputFiles([{ name: 'bench.webm', mimeType: 'video/webm', buffer: webm }]);
    const card = page.locator('[data-testid="video-card"][data-file-name="bench.webm"]');
    const memory: number[] = [];
    const total = Math.round(durationS * FPS);
    for (const share of [0.25, 0.5, 0.75]) {
      await page.waitForFunction(
        ({ want }) => Number(document.querySelector('[data-testid="video-card"]')?.getAttribute('data-frames-analysed')) >= want,
        { want: Math.floor(total * share) },
        { timeout: 1_800_000, polling: 250 },
      );
      memory.push(await measureMemory(page));
    }
    await card.and(page.locator('[data-status="done"]')).waitFor({ timeout: 1_800_000 });
    row.wallS = (Date.now() - started) / 1000;
    memory.push(await measureMemory(page));
    row.memory = memory;
    row.framesAnalysed = Number(await card.getAttribute('data-frames-analysed'));
    row.realTimeFactor = durationS / row.wallS;
    const stages = JSON.parse((await card.getAttribute('data-stage-ms')) ?? '{}') as VideoRow['stageMs'];
    row.stageMs = stages;
    row.backend = (await page.getByTestId('backend').getAttribute('data-backend')) ?? undefined;
    await context.close();
  } finally {
    await server.close();
  }
}

function measureMemory(page: import('playwright-core').Page): Promise<number> {
  return page.evaluate(async () => {
    const p = performance as Performance & { measureUserAgentSpecificMemory?: () => Promise<{ bytes: number }> };
    return p.measureUserAgentSpecificMemory ? (await p.measureUserAgentSpecificMemory()).bytes : NaN;
  });
}

/** Decoding alone, both ways, in the same kind of page the test videos are made in (secure, no CSP). */
async function decodeOnly(browser: Browser, webm: Buffer): Promise<VideoRow['decode']> {
  try {
    return await inMediaPage(
      browser,
      async (b64: string) => {
        const { Mediabunny: M } = globalThis as unknown as PageGlobals;
        const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], { type: 'video/webm' });
        // WebCodecs through mediabunny: every frame decoded and closed.
        const input = new M.Input({ source: new M.BlobSource(blob), formats: M.ALL_FORMATS });
        const track = await input.getPrimaryVideoTrack();
        if (!track) throw new Error('no video track');
        let frames = 0;
        let t0 = performance.now();
        for await (const s of new M.VideoSampleSink(track).samples()) {
          frames++;
          s.close();
        }
        const webcodecsFps = frames / ((performance.now() - t0) / 1000);
        // <video> at 16x: requestVideoFrameCallback sees the frames the compositor presents.
        const video = document.createElement('video');
        video.muted = true;
        video.src = URL.createObjectURL(blob);
        await new Promise((r) => (video.oncanplaythrough = r));
        let seen = 0;
        const count = () => {
          seen++;
          video.requestVideoFrameCallback(count);
        };
        video.requestVideoFrameCallback(count);
        video.playbackRate = 16;
        t0 = performance.now();
        await video.play();
        await new Promise((r) => (video.onended = r));
        const seconds = (performance.now() - t0) / 1000;
        return { webcodecsFps, videoElementFps: seen / seconds, videoElementSeenShare: seen / frames };
      },
      webm.toString('base64'),
    );
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  }
}

export async function runVideoBench(o: {
  distDir: string;
  /** The benchmark's 1280x1024 JPEGs; each is held 1 s. */
  images: string[];
  seconds: number;
  log: (m: string) => void;
}): Promise<VideoRow> {
  const row: VideoRow = { video: `720x576 @${FPS} fps VP8, ${o.seconds} s`, durationS: o.seconds };
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_FLAGS, '--enable-blink-features=ForceEagerMeasureMemory'],
  });
  try {
    const pictures = await Promise.all(o.images.map((p) => readFile(p)));
    const frames = Array.from({ length: o.seconds }, (_, i) => pictures[i % pictures.length]);
    const webm = await makeWebm(browser, { frames, holdFrames: FPS, fps: FPS, width: 720, height: 576 });
    row.decode = await decodeOnly(browser, webm);
    await analyse(browser, o.distDir, webm, o.seconds, row);
  } catch (e) {
    row.error = (e as Error).message.split('\n')[0];
  } finally {
    await browser.close();
  }
  const s = row.stageMs;
  o.log(
    row.error
      ? `video: ${row.error}`
      : `video ${row.video}: ${row.framesAnalysed} frames in ${row.wallS?.toFixed(1)} s = ${row.realTimeFactor?.toFixed(2)}x real time on ${row.backend}; per frame decode ${s?.decode.toFixed(1)} + preprocess ${s?.preprocess.toFixed(1)} ms (video worker), inference round trip ${s?.inference.toFixed(1)} ms, store ${s?.ui.toFixed(2)} ms; memory ${row.memory?.map((b) => (b / 2 ** 20).toFixed(0)).join(' / ')} MiB`,
  );
  return row;
}
