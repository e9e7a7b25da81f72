/**
 * Time per Grad-CAM heatmap in headless Chromium on this machine, per backend (wasm, webgl), for
 * the embedded model's family (MobileNetV2 alpha 0.35) and ResNet50V2, random weights (timing does
 * not depend on them). Bundles bench/gradcam-page.ts with esbuild, serves it cross-origin isolated
 * (so wasm may use threads, as the app does) and reads the results back.
 *
 *   node --import tsx bench/gradcam-browser.ts [--reps 3] [--backends wasm,webgl] [--models mobilenet,resnet]
 *
 * Needs Debian's /usr/bin/chromium (or CHROMIUM_PATH).
 */
import { build } from 'esbuild';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { CHROMIUM_FLAGS } from '../e2e/support/chromium.ts';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: {
    reps: { type: 'string', default: '3' },
    backends: { type: 'string', default: 'wasm,webgl' },
    models: { type: 'string', default: 'mobilenet,resnet' },
  },
});

const dir = mkdtempSync(join(tmpdir(), 'gradcam-bench-'));
await build({
  entryPoints: [join(here, 'gradcam-page.ts')],
  bundle: true,
  format: 'esm',
  platform: 'browser',
  outfile: join(dir, 'page.js'),
  logLevel: 'warning',
});
writeFileSync(
  join(dir, 'index.html'),
  '<!doctype html><meta charset="utf-8"><title>gradcam bench</title><script type="module" src="/page.js"></script>',
);
const wasmDir = join(here, '../node_modules/@tensorflow/tfjs-backend-wasm/dist');

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0];
  const file = path.startsWith('/wasm/') ? join(wasmDir, path.slice(6)) : join(dir, path === '/' ? 'index.html' : path.slice(1));
  try {
    const body = readFileSync(file);
    const type = file.endsWith('.wasm') ? 'application/wasm' : file.endsWith('.js') ? 'text/javascript' : 'text/html';
    res.writeHead(200, {
      'Content-Type': type,
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Embedder-Policy': 'require-corp',
    });
    res.end(body);
  } catch {
    res.writeHead(404).end();
  }
});
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const port = (server.address() as AddressInfo).port;

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: [...CHROMIUM_FLAGS],
});
try {
  const page = await browser.newPage();
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(`http://127.0.0.1:${port}/?reps=${args.reps}&backends=${args.backends}&models=${args.models}`);
  await page.waitForFunction(() => window.__gradcamBench?.done === true, undefined, { timeout: 15 * 60_000, polling: 1000 });
  const result = await page.evaluate(() => window.__gradcamBench);
  const isolated = await page.evaluate(() => crossOriginIsolated);
  console.log(`headless Chromium, crossOriginIsolated=${isolated}, ${args.reps} reps, median per frame (batch 1, 224x224)`);
  for (const r of result?.rows ?? []) {
    console.log(
      `${r.backend.padEnd(6)} ${r.model.padEnd(26)} forward ${r.forwardMs.toFixed(0).padStart(6)} ms   grad-cam ${r.gradCamMs.toFixed(0).padStart(6)} ms   first grad-cam ${r.firstGradCamMs.toFixed(0).padStart(6)} ms ${r.note}`,
    );
  }
  if (result?.error) console.error(result.error);
} finally {
  await browser.close();
  server.close();
  rmSync(dir, { recursive: true, force: true });
}
