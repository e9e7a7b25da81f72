/**
 * The live section: capture-to-label latency of the app's Live view (issue 12 item 3), on Chromium's
 * fake camera fed a .y4m of the benchmark's frames, the embedded model on WASM (`?backend=wasm`).
 * One browser per camera size (the camera file is a launch flag). The page reports every result
 * through the view's hooks (data-frames-scored, data-stage-ms); the first results are warm-up and
 * not counted.
 */
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { writeY4m } from '../e2e/support/make-live-y4m.ts';
import { CHROMIUM_FLAGS } from '../e2e/support/chromium.ts';
import { startStaticServer } from './server.ts';
import { median, quantile } from './stats.ts';

export interface LiveCamera {
  width: number;
  height: number;
  fps: number;
}

/** A PAL scope / SD capture card, and an HD capture card (downscaled to 1280x720 before preprocessing). */
export const LIVE_CAMERAS: LiveCamera[] = [
  { width: 720, height: 576, fps: 25 },
  { width: 1920, height: 1080, fps: 30 },
];

export interface LiveRow {
  camera: string;
  frames: number;
  medianMs?: number;
  p95Ms?: number;
  minMs?: number;
  maxMs?: number;
  /** Medians of the parts: capture to our frame callback, draw + getImageData, the worker's round trip (preprocess + inference). */
  stages?: { waitMs: number; readMs: number; scoreMs: number };
  /** Results per second while measured, and the share of camera frames dropped while the model was busy. */
  resultsPerS?: number;
  droppedShare?: number;
  backend?: string;
  error?: string;
}

interface Sample {
  scored: number;
  dropped: number;
  t: number;
  stages: { waitMs: number; readMs: number; scoreMs: number };
}

/** Waits for `n` results after `skip` warm-up ones, one sample per result (the view's counter tells them apart). */
function collect(page: Page, n: number, skip: number, timeoutMs: number): Promise<Sample[]> {
  return page.evaluate(
    ({ n, skip, timeoutMs }) =>
      new Promise<Sample[]>((resolve, reject) => {
        const el = document.querySelector('[data-testid="live-view"]');
        if (!el) return reject(new Error('no live view'));
        const out: Sample[] = [];
        // Inline callbacks only: tsx names `const f = () => ...` with a helper the page does not have.
        const observer = new MutationObserver(() => {
          const scored = Number(el.getAttribute('data-frames-scored'));
          if (scored <= skip || out.at(-1)?.scored === scored) return;
          const stages = JSON.parse(el.getAttribute('data-stage-ms') ?? '{}') as Sample['stages'];
          out.push({ scored, dropped: Number(el.getAttribute('data-frames-dropped')), t: performance.now(), stages });
          if (out.length >= n) {
            observer.disconnect();
            resolve(out);
          }
        });
        observer.observe(el, { attributes: true, attributeFilter: ['data-frames-scored'] });
        setTimeout(() => reject(new Error(`only ${out.length} of ${n} results in ${timeoutMs / 1000} s`)), timeoutMs);
      }),
    { n, skip, timeoutMs },
  );
}

async function measure(distDir: string, y4m: string, cam: LiveCamera, frames: number, warmup: number): Promise<LiveRow> {
  const row: LiveRow = { camera: `${cam.width}x${cam.height} @${cam.fps} fps`, frames: 0 };
  const server = await startStaticServer({ '/': distDir }, true);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      ...CHROMIUM_FLAGS,
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${y4m}`,
    ],
  });
  try {
    // No service worker: the server itself sends COOP/COEP, and there is no reload when a worker takes control.
    const context = await browser.newContext({ serviceWorkers: 'block', viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${server.origin}/?backend=wasm`);
    await page.locator('[data-testid="model-status"][data-state="ready"]').waitFor({ timeout: 300_000 });
    await page.getByRole('tab', { name: /^live$/i }).click();
    await page.getByTestId('live-start').click();
    const samples = await collect(page, frames, warmup, 300_000);
    const latencies = samples.map((s) => s.stages.waitMs + s.stages.readMs + s.stages.scoreMs);
    const first = samples[0];
    const last = samples[samples.length - 1];
    const scored = last.scored - first.scored;
    const dropped = last.dropped - first.dropped;
    Object.assign(row, {
      frames: samples.length,
      medianMs: median(latencies),
      p95Ms: quantile(latencies, 0.95),
      minMs: Math.min(...latencies),
      maxMs: Math.max(...latencies),
      stages: {
        waitMs: median(samples.map((s) => s.stages.waitMs)),
        readMs: median(samples.map((s) => s.stages.readMs)),
        scoreMs: median(samples.map((s) => s.stages.scoreMs)),
      },
      resultsPerS: (scored / (last.t - first.t)) * 1000,
      droppedShare: dropped / (scored + dropped),
      backend: (await page.getByTestId('backend').getAttribute('data-backend')) ?? undefined,
    });
  } catch (e) {
    row.error = (e as Error).message.split('\n')[0];
  } finally {
    await browser.close();
    await server.close();
  }
  return row;
}

export async function runLiveBench(o: {
  distDir: string;
  workDir: string;
  /** Pictures the fake camera shows in turn (the benchmark's 1280x1024 JPEGs). */
  images: string[];
  frames: number;
  warmup?: number;
  log: (m: string) => void;
}): Promise<LiveRow[]> {
  const rows: LiveRow[] = [];
  for (const cam of LIVE_CAMERAS) {
    // Each picture for a few frames; Chromium loops the file. Kept short: an HD I420 frame is 3 MB.
    const y4m = await writeY4m(o.images.slice(0, 4), join(o.workDir, `live-${cam.width}x${cam.height}.y4m`), {
      ...cam,
      secondsEach: 4 / cam.fps,
    });
    const row = await measure(o.distDir, y4m, cam, o.frames, o.warmup ?? 10);
    o.log(
      `live ${row.camera}: ${row.error ?? `median ${row.medianMs?.toFixed(1)} ms, p95 ${row.p95Ms?.toFixed(1)} ms over ${row.frames} results (${row.resultsPerS?.toFixed(1)}/s, ${((row.droppedShare ?? 0) * 100).toFixed(0)} % of camera frames dropped) on ${row.backend}`}`,
    );
    rows.push(row);
  }
  return rows;
}
