/**
 * The browser half: headless Chromium against the production build (dist/), served by
 * bench/server.ts twice: cross-origin isolated (COOP/COEP, as `vite preview` and the service
 * worker serve it) and plain (no headers, service worker blocked: WASM without threads).
 *
 * Two kinds of runs per backend and model:
 * - harness: bench/harness-page.ts on the same origin (same tfjs and .wasm files as the app) for
 *   first inference, batch-1 latency, batch sizes, a matMul peak and the drop's stages;
 * - UI: the app itself through its automation hooks (src/features/*: model-status, backend,
 *   file-input, frame-card, progress) for cold and warm model loads, a drop of frames end to end,
 *   memory during it (the inference worker's tfjs engine and JS heap, the page's JS heap), and the
 *   backend the app picks by itself.
 */
import { build } from 'esbuild';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page, type Worker } from 'playwright-core';
import type { HarnessApi } from './harness-page.ts';
import type { BenchModel } from './models.ts';
import { startStaticServer, type StaticServer } from './server.ts';
import { median, p90 } from './stats.ts';
import { CHROMIUM_FLAGS } from '../e2e/support/chromium.ts';

export type BackendName = 'wasm' | 'webgl' | 'webgpu';

export interface RunConfig {
  id: string;
  backend: BackendName;
  isolated: boolean;
  /** wasm threads forced in the harness (the app leaves tfjs's default); such a config is harness-only. */
  threads?: number;
}

export interface Budget {
  /** Batch-1 frames to time (the issue asks for >= 30). */
  steadyFrames: number;
  /** Time cap per model for batch-1 timing; slow software-GPU cases stop early (frames recorded). */
  steadyCapMs: number;
  minFrames: number;
  batchSizes: number[];
  batchCapMs: number;
  /** Drop size in fullDropConfigs; elsewhere drops are sized to dropBudgetMs at the harness rate. */
  dropFrames: number;
  fullDropConfigs: string[];
  dropBudgetMs: number;
  /**
   * ResNet50V2 above this harness time per frame (the software GPU adapters) is driven through the
   * UI only while the run's deadline allows a one-batch drop; otherwise the table says why not.
   */
  uiMaxMsPerFrame: number;
  stageFrames: number;
}

export interface HarnessRow {
  config: string;
  backend: string;
  isolated: boolean;
  threads?: number;
  adapter?: string;
  model: BenchModel['key'];
  loadMs: number;
  firstMs: number;
  steadyFrames: number;
  medianMs: number;
  p90Ms: number;
  batches: { batch: number; msPerFrame: number }[];
  bestBatch?: { batch: number; msPerFrame: number };
  gflops: number;
  peakGflops?: number;
  peakHow?: string;
  /** GFLOP/s at the best batch size. */
  gflopsBest?: number;
  error?: string;
}

export interface UiRow {
  config: string;
  backend: string;
  model: BenchModel['key'];
  shownBackend?: string;
  coldLoadMs?: number;
  warmLoadMs?: number;
  coldBytes?: { model: number; total: number };
  warmBytes?: { model: number; total: number };
  dropFrames?: number;
  dropMs?: number;
  framesPerS?: number;
  errors?: number;
  memory?: {
    workerHeapPeak?: number;
    pageHeapPeak?: number;
    tfBytesPeak?: number;
    wasmHeapBytes?: number;
    numTensorsBefore?: number;
    numTensorsAfter?: number;
    samples: number;
  };
  note?: string;
  error?: string;
}

export interface StageTimes {
  config: string;
  frames: number;
  decodeMs: number;
  preprocessMs: number;
  inferMs: number;
  thumbMs: number;
  /** Inference per frame at the best batch size (the app runs batches of 8). */
  inferBestBatchMs?: number;
}

export interface AutoChoice {
  picked?: string;
  reason?: string;
  loadMs?: number;
  error?: string;
}

/** One first visit: fresh profile, no `?backend=`, the embedded model; times from navigation start (the page's clock). */
export interface FirstVisitRun {
  /** `this`: the build under test; `baseline`: --baseline-dist (e.g. the commit before a change). */
  build: 'this' | 'baseline';
  run: number;
  /** model-status ready. */
  readyMs?: number;
  /** The first frame card with a result (the frame is set on the file input as soon as the model is ready). */
  firstResultMs?: number;
  /**
   * When the file input's change event reached the page: firstResultMs - frameSetMs is the app's own
   * time for the frame, frameSetMs - readyMs the harness's (Playwright sees "ready", then sets the file).
   */
  frameSetMs?: number;
  backend?: string;
  /** data-backend-reason, or the title (the reason's text) in builds before that hook. */
  reason?: string;
  /** The wasm backend's XNNPACK threads in the inference worker. */
  wasmThreads?: number;
  error?: string;
}

export interface FirstVisitResult {
  runs: FirstVisitRun[];
  baselineDist?: string;
  frame: string;
}

/** One drop on the app (fresh profile, WASM): every frame set on the file input at once, until all are classified. */
export interface DropRun {
  build: 'this' | 'baseline';
  run: number;
  frames: number;
  dropMs?: number;
  framesPerS?: number;
  errors?: number;
  error?: string;
}

export interface DropResult {
  runs: DropRun[];
  baselineDist?: string;
  /** The embedded model's own best-batch rate on wasm-isolated (the harness, same run), for the ratio. */
  modelFramesPerS?: number;
  modelBatch?: number;
}

export interface BrowserResult {
  chromium: string;
  webgpuAdapter: boolean;
  harness: HarnessRow[];
  ui: UiRow[];
  stages?: StageTimes;
  auto: AutoChoice;
  firstVisit?: FirstVisitResult;
  drops?: DropResult;
}

interface Servers {
  isolated: StaticServer;
  plain: StaticServer;
}

type Bench = { __endolensBench: HarnessApi };

async function bundleHarness(dir: string, here: string): Promise<void> {
  mkdirSync(dir, { recursive: true });
  await build({
    entryPoints: [join(here, 'harness-page.ts')],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: join(dir, 'page.js'),
    logLevel: 'warning',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>bench</title><script type="module" src="./page.js"></script>',
  );
}

function modelBytes(server: StaticServer): { model: number; total: number } {
  let model = 0;
  let total = 0;
  for (const [path, n] of server.bytes) {
    total += n;
    if (path.startsWith('/model/')) model += n;
  }
  return { model, total };
}

let pageErrorLog: ((m: string) => void) | undefined;

async function newContext(browser: Browser, isolated: boolean): Promise<BrowserContext> {
  // The plain origin must not get isolation from the app's service worker either.
  const context = await browser.newContext({ serviceWorkers: isolated ? 'allow' : 'block', viewport: { width: 1280, height: 900 } });
  // A page that never gets ready says why in its errors: pass them on.
  context.on('page', (p) => {
    p.on('pageerror', (e) => pageErrorLog?.(`page error: ${e.message.split('\n')[0]}`));
    p.on('console', (m) => {
      if (m.type() === 'error') pageErrorLog?.(`console error: ${m.text().slice(0, 300)}`);
    });
  });
  return context;
}

async function waitReady(page: Page, timeoutMs: number, nameIncludes?: string): Promise<void> {
  await page.waitForFunction(
    (name) => {
      const el = document.querySelector('[data-testid="model-status"]');
      if (el?.getAttribute('data-state') === 'error')
        throw new Error(`model failed: ${document.querySelector('[data-testid="model-error"]')?.textContent ?? ''}`);
      return el?.getAttribute('data-state') === 'ready' && (!name || (el.textContent ?? '').includes(name));
    },
    nameIncludes,
    { timeout: timeoutMs, polling: 100 },
  );
}

function inferenceWorker(page: Page): Worker | undefined {
  // The app's other workers are the service worker and the nested decode helpers (prep-worker).
  return page.workers().find((w) => !/sw\.js|prep/.test(w.url()));
}

interface WorkerMemory {
  numTensors?: number;
  numBytes?: number;
  wasmHeap?: number;
}

async function workerMemory(page: Page): Promise<WorkerMemory> {
  const w = inferenceWorker(page);
  if (!w) return {};
  // tfjs keeps its engine on the global object (`_tfengine`), so the worker's bundle needs no hook.
  return w
    .evaluate(() => {
      const g = globalThis as unknown as {
        _tfengine?: { memory(): { numTensors: number; numBytes: number }; registry: Record<string, { wasm?: { HEAPU8?: Uint8Array } }> };
      };
      const m = g._tfengine?.memory();
      // The wasm backend's linear memory only grows: its size after the drop is its peak.
      const wasmHeap = g._tfengine?.registry.wasm?.wasm?.HEAPU8?.byteLength;
      return { numTensors: m?.numTensors, numBytes: m?.numBytes, wasmHeap };
    })
    .catch(() => ({}));
}

/**
 * JS heap of the page's dedicated workers (the inference worker), read over CDP: workers have no
 * performance.memory. Attaches in CDP's non-flat mode, so messages go through Target.sendMessageToTarget.
 */
async function workerHeapReader(cdp: CDPSession): Promise<() => Promise<number | undefined>> {
  const sessions: string[] = [];
  const pending = new Map<number, (v: { result?: { usedSize: number } }) => void>();
  let nextId = 1;
  cdp.on('Target.attachedToTarget', (e) => {
    if (e.targetInfo.type === 'worker') sessions.push(e.sessionId);
  });
  cdp.on('Target.receivedMessageFromTarget', (e) => {
    const msg = JSON.parse(e.message) as { id?: number; result?: { usedSize: number } };
    if (msg.id !== undefined) pending.get(msg.id)?.(msg);
  });
  await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
  return async () => {
    let total = 0;
    for (const sessionId of sessions) {
      const id = nextId++;
      const reply = new Promise<{ result?: { usedSize: number } }>((r) => pending.set(id, r));
      await cdp
        .send('Target.sendMessageToTarget', { sessionId, message: JSON.stringify({ id, method: 'Runtime.getHeapUsage' }) })
        .catch(() => undefined);
      const res = await Promise.race([reply, new Promise<undefined>((r) => setTimeout(r, 2000))]);
      pending.delete(id);
      total += res?.result?.usedSize ?? 0;
    }
    return total || undefined;
  };
}

async function drop(
  page: Page,
  frames: string[],
  timeoutMs: number,
  log: (m: string) => void,
): Promise<Pick<UiRow, 'dropMs' | 'framesPerS' | 'errors' | 'memory'>> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Performance.enable');
  const workerHeap = await workerHeapReader(cdp);
  await page.waitForTimeout(300); // attach events for the existing worker
  const pageHeap = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics');
    return metrics.find((m) => m.name === 'JSHeapUsedSize')?.value;
  };
  const before = await workerMemory(page);
  const mem = {
    workerHeapPeak: await workerHeap(),
    wasmHeapBytes: before.wasmHeap,
    pageHeapPeak: await pageHeap(),
    tfBytesPeak: before.numBytes,
    numTensorsBefore: before.numTensors,
    numTensorsAfter: undefined as number | undefined,
    samples: 0,
  };
  // The dropzone's input (e2e/fixtures.ts uses the same test id); the page has other file inputs (session import).
  const input = page.locator('input[type=file][data-testid="file-input"]');
  const t0 = performance.now();
  await input.setInputFiles(frames);
  let done = false;
  let lastLog = t0;
  while (!done) {
    if (performance.now() - t0 > timeoutMs) throw new Error(`drop of ${frames.length} frames not finished after ${timeoutMs / 1000} s`);
    const state = await page.evaluate(() => ({
      ok: document.querySelectorAll('[data-testid="frame-card"][data-predicted-class]').length,
      failed: document.querySelectorAll('[data-testid="frame-error"]').length,
      running: document.querySelector('[data-testid="progress"]')?.getAttribute('data-running'),
    }));
    done = state.ok + state.failed >= frames.length && state.running !== 'true';
    if (done) break;
    const m = await workerMemory(page);
    const h = await pageHeap();
    mem.samples++;
    mem.workerHeapPeak = Math.max(mem.workerHeapPeak ?? 0, (await workerHeap()) ?? 0) || undefined;
    mem.tfBytesPeak = Math.max(mem.tfBytesPeak ?? 0, m.numBytes ?? 0) || undefined;
    mem.pageHeapPeak = Math.max(mem.pageHeapPeak ?? 0, h ?? 0) || undefined;
    if (performance.now() - lastLog > 15_000) {
      log(`  ... ${state.ok + state.failed}/${frames.length} frames`);
      lastLog = performance.now();
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const dropMs = performance.now() - t0;
  const errors = await page.locator('[data-testid="frame-error"]').count();
  const after = await workerMemory(page);
  mem.numTensorsAfter = after.numTensors;
  mem.wasmHeapBytes = after.wasmHeap;
  await cdp.detach();
  return { dropMs, framesPerS: (frames.length / dropMs) * 1000, errors, memory: mem };
}

async function swReady(page: Page): Promise<void> {
  await page
    .evaluate(async () => {
      if (!('serviceWorker' in navigator) || !navigator.serviceWorker) return;
      const regs = await navigator.serviceWorker.getRegistrations();
      if (regs.length) await navigator.serviceWorker.ready;
    })
    .catch(() => undefined);
}

/** Cold load (fresh profile), warm load (reload: service worker / HTTP cache), then a drop. */
async function uiEmbedded(browser: Browser, servers: Servers, cfg: RunConfig, frames: string[], log: (m: string) => void): Promise<UiRow> {
  const server = cfg.isolated ? servers.isolated : servers.plain;
  const row: UiRow = { config: cfg.id, backend: cfg.backend, model: 'embedded' };
  const context = await newContext(browser, cfg.isolated);
  try {
    const page = await context.newPage();
    server.resetBytes();
    let t0 = performance.now();
    await page.goto(`${server.origin}/?backend=${cfg.backend}`);
    await waitReady(page, 180_000);
    row.coldLoadMs = performance.now() - t0;
    row.coldBytes = modelBytes(server);
    row.shownBackend = (await page.getAttribute('[data-testid="backend"]', 'data-backend')) ?? undefined;
    await swReady(page);
    await page.waitForTimeout(500); // let the service worker finish precaching before the warm load
    server.resetBytes();
    t0 = performance.now();
    await page.reload();
    await waitReady(page, 180_000);
    row.warmLoadMs = performance.now() - t0;
    row.warmBytes = modelBytes(server);
    log(
      `ui ${cfg.id} embedded: cold load ${row.coldLoadMs.toFixed(0)} ms, warm ${row.warmLoadMs.toFixed(0)} ms; dropping ${frames.length} frames`,
    );
    Object.assign(row, { dropFrames: frames.length }, await drop(page, frames, 600_000, log));
    log(`ui ${cfg.id} embedded: ${row.framesPerS?.toFixed(2)} frames/s`);
  } catch (e) {
    row.error = (e as Error).message.split('\n')[0];
    log(`ui ${cfg.id} embedded failed: ${row.error}`);
  } finally {
    await context.close();
  }
  return row;
}

/** "Load another model" through the model card's file input (cold), reload (kept in IndexedDB: warm), then a drop. */
async function uiResnet(
  browser: Browser,
  servers: Servers,
  cfg: RunConfig,
  model: BenchModel,
  frames: string[],
  log: (m: string) => void,
): Promise<UiRow> {
  const server = cfg.isolated ? servers.isolated : servers.plain;
  const row: UiRow = { config: cfg.id, backend: cfg.backend, model: 'resnet50v2' };
  const context = await newContext(browser, cfg.isolated);
  try {
    const page = await context.newPage();
    await page.goto(`${server.origin}/?backend=${cfg.backend}`);
    await waitReady(page, 180_000);
    const files = readdirSync(model.served.dir).map((f) => join(model.served.dir, f));
    await page.getByRole('tab', { name: /model card|ficha/i }).click();
    let t0 = performance.now();
    await page.locator('[data-testid="model-files-input"]').setInputFiles(files);
    await waitReady(page, 300_000, 'ResNet50V2');
    row.coldLoadMs = performance.now() - t0;
    // The app keeps the model in IndexedDB before it reports the load; reloading earlier would lose it.
    await page.locator('[data-testid="load-model-message"]').waitFor({ timeout: 120_000 });
    t0 = performance.now();
    await page.reload();
    await waitReady(page, 300_000, 'ResNet50V2');
    row.warmLoadMs = performance.now() - t0;
    row.shownBackend = (await page.getAttribute('[data-testid="backend"]', 'data-backend')) ?? undefined;
    log(
      `ui ${cfg.id} resnet50v2: load from files ${row.coldLoadMs.toFixed(0)} ms, reload ${row.warmLoadMs.toFixed(0)} ms; dropping ${frames.length} frames`,
    );
    Object.assign(row, { dropFrames: frames.length }, await drop(page, frames, 600_000, log));
    log(`ui ${cfg.id} resnet50v2: ${row.framesPerS?.toFixed(2)} frames/s`);
  } catch (e) {
    row.error = (e as Error).message.split('\n')[0];
    log(`ui ${cfg.id} resnet50v2 failed: ${row.error}`);
  } finally {
    await context.close();
  }
  return row;
}

async function autoChoice(browser: Browser, servers: Servers): Promise<AutoChoice> {
  const context = await newContext(browser, true);
  try {
    const page = await context.newPage();
    const t0 = performance.now();
    await page.goto(`${servers.isolated.origin}/`);
    await waitReady(page, 300_000);
    const el = page.locator('[data-testid="backend"]');
    return {
      picked: (await el.getAttribute('data-backend')) ?? undefined,
      reason: (await el.getAttribute('title')) ?? undefined,
      loadMs: performance.now() - t0,
    };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  } finally {
    await context.close();
  }
}

type FirstVisitMarks = { __firstVisit?: { ready?: number; frameSet?: number; result?: number } };

/**
 * A user's first visit: a fresh profile (no service worker, IndexedDB or HTTP cache), the app's
 * address without `?backend=`, one frame dropped as soon as the model says it is ready. The page
 * notes, on its own clock (performance.now(), 0 = navigation start), when model-status turns ready and
 * when the first card has a result: app boot, model download, backend start and warm-up, the frame.
 */
async function firstVisit(browser: Browser, server: StaticServer, frame: string): Promise<Omit<FirstVisitRun, 'build' | 'run'>> {
  const context = await newContext(browser, true);
  try {
    const page = await context.newPage();
    await page.addInitScript(() => {
      const marks: { ready?: number; frameSet?: number; result?: number } = {};
      (window as unknown as FirstVisitMarks).__firstVisit = marks;
      // Capture phase, so the mark is taken before the app's own handler runs.
      document.addEventListener(
        'change',
        (ev) => {
          if (marks.frameSet === undefined && (ev.target as HTMLInputElement | null)?.type === 'file') marks.frameSet = performance.now();
        },
        true,
      );
      new MutationObserver(() => {
        if (marks.ready === undefined && document.querySelector('[data-testid="model-status"]')?.getAttribute('data-state') === 'ready')
          marks.ready = performance.now();
        if (marks.result === undefined && document.querySelector('[data-testid="frame-card"][data-predicted-class]'))
          marks.result = performance.now();
      }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-state', 'data-predicted-class'] });
    });
    await page.goto(`${server.origin}/`);
    await waitReady(page, 300_000);
    await page.locator('input[type=file][data-testid="file-input"]').setInputFiles(frame);
    await page.waitForFunction(() => (window as unknown as FirstVisitMarks).__firstVisit?.result !== undefined, undefined, {
      timeout: 120_000,
      polling: 50,
    });
    const marks = await page.evaluate(() => (window as unknown as FirstVisitMarks).__firstVisit);
    const el = page.locator('[data-testid="backend"]');
    const reason = (await el.getAttribute('data-backend-reason')) ?? (await el.getAttribute('title')) ?? undefined;
    const wasmThreads = await inferenceWorker(page)
      ?.evaluate(() => {
        const g = globalThis as unknown as {
          _tfengine?: { registry: Record<string, { wasm?: { tfjs?: { getThreadsCount?: () => number } } }> };
        };
        return g._tfengine?.registry.wasm?.wasm?.tfjs?.getThreadsCount?.();
      })
      .catch(() => undefined);
    return {
      readyMs: marks?.ready,
      firstResultMs: marks?.result,
      frameSetMs: marks?.frameSet,
      backend: (await el.getAttribute('data-backend')) ?? undefined,
      reason,
      wasmThreads,
    };
  } catch (e) {
    return { error: (e as Error).message.split('\n')[0] };
  } finally {
    await context.close();
  }
}

/** `runs` rounds of `visit` per build, the builds alternating (and which goes first too), so both see the same machine load. */
async function alternating<T>(
  servers: { this: StaticServer; baseline?: StaticServer },
  runs: number,
  visit: (server: StaticServer) => Promise<T>,
  log: (build: 'this' | 'baseline', run: number, r: T) => void,
): Promise<Array<{ build: 'this' | 'baseline'; run: number } & T>> {
  const out: Array<{ build: 'this' | 'baseline'; run: number } & T> = [];
  for (let run = 1; run <= runs; run++) {
    const order: Array<'this' | 'baseline'> = servers.baseline ? (run % 2 ? ['baseline', 'this'] : ['this', 'baseline']) : ['this'];
    for (const build of order) {
      const server = build === 'this' ? servers.this : servers.baseline;
      if (!server) continue;
      const r = await visit(server);
      out.push({ build, run, ...r });
      log(build, run, r);
    }
  }
  return out;
}

function firstVisits(
  browser: Browser,
  servers: { this: StaticServer; baseline?: StaticServer },
  frame: string,
  runs: number,
  log: (m: string) => void,
): Promise<FirstVisitRun[]> {
  return alternating(
    servers,
    runs,
    (server) => firstVisit(browser, server, frame),
    (build, run, r) =>
      log(
        `first visit ${build} #${run}: ${r.error ?? `ready ${r.readyMs?.toFixed(0)} ms, first result ${r.firstResultMs?.toFixed(0)} ms on ${r.backend} (${r.reason}, ${r.wasmThreads ?? '?'} wasm threads)`}`,
      ),
  );
}

/** A fresh profile on WASM (`?backend=wasm`: no GPU timing beside the drop), then every frame at once. */
async function dropVisit(browser: Browser, server: StaticServer, frames: string[]): Promise<Omit<DropRun, 'build' | 'run'>> {
  const context = await newContext(browser, true);
  try {
    const page = await context.newPage();
    await page.goto(`${server.origin}/?backend=wasm`);
    await waitReady(page, 300_000);
    const r = await drop(page, frames, 600_000, () => undefined);
    return { frames: frames.length, dropMs: r.dropMs, framesPerS: r.framesPerS, errors: r.errors };
  } catch (e) {
    return { frames: frames.length, error: (e as Error).message.split('\n')[0] };
  } finally {
    await context.close();
  }
}

async function harnessRuns(
  browser: Browser,
  servers: Servers,
  configs: RunConfig[],
  models: BenchModel[],
  frameUrls: string[],
  budget: Budget,
  log: (m: string) => void,
): Promise<{ rows: HarnessRow[]; stages?: StageTimes }> {
  const rows: HarnessRow[] = [];
  let stages: StageTimes | undefined;
  for (const isolated of [true, false]) {
    const cfgs = configs.filter((c) => c.isolated === isolated);
    if (!cfgs.length) continue;
    const server = isolated ? servers.isolated : servers.plain;
    for (const cfg of cfgs) {
      // A fresh page per backend: what one backend leaves behind (GPU memory, wasm heap) does not weigh on the next.
      const context = await newContext(browser, false);
      const page = await context.newPage();
      page.on('pageerror', (e) => log(`harness page error: ${e.message}`));
      await page.goto(`${server.origin}/__bench/`);
      await page.waitForFunction(() => (window as unknown as Partial<Bench>).__endolensBench !== undefined, undefined, { timeout: 60_000 });
      const call = <K extends keyof HarnessApi>(fn: K, ...args: Parameters<HarnessApi[K]>) =>
        page.evaluate(
          ([f, a]) => ((window as unknown as Bench).__endolensBench[f as K] as (...x: unknown[]) => unknown)(...(a as unknown[])),
          [fn, args] as const,
        ) as Promise<Awaited<ReturnType<HarnessApi[K]>>>;
      try {
        const info = await call('init', cfg.backend, `${server.origin}/__bench/wasm/`, cfg.threads);
        for (const m of models) {
          const row: HarnessRow = {
            config: cfg.id,
            backend: info.backend,
            isolated: info.isolated,
            threads: info.threads,
            adapter: info.adapter,
            model: m.key,
            loadMs: NaN,
            firstMs: NaN,
            steadyFrames: 0,
            medianMs: NaN,
            p90Ms: NaN,
            batches: [],
            gflops: NaN,
          };
          try {
            row.loadMs = await call('load', `${server.origin}/__models/${m.key}/model.json`);
            row.firstMs = await call('first');
            // The software GPU adapters take 0.3-40 s a frame: as many frames as the cap allows (at least
            // 5, ResNet50V2 at least 1); wasm always gets minFrames.
            const minFrames = cfg.backend === 'wasm' ? budget.minFrames : m.key === 'resnet50v2' ? 1 : Math.min(5, budget.minFrames);
            const times = await call('steady', budget.steadyFrames, minFrames, budget.steadyCapMs);
            row.steadyFrames = times.length;
            row.medianMs = median(times);
            row.p90Ms = p90(times);
            row.gflops = m.flops.flops / (row.medianMs / 1000) / 1e9;
            // Only sizes that fit the cap at the measured batch-1 rate (3 calls each: 1 untimed + 2 timed).
            const sizes = budget.batchSizes.filter((b) => 3 * b * row.medianMs < budget.batchCapMs);
            row.batches = await call('batches', sizes, budget.batchCapMs);
            row.bestBatch = [...row.batches].sort((a, b) => a.msPerFrame - b.msPerFrame)[0];
            if (row.bestBatch) row.gflopsBest = m.flops.flops / (row.bestBatch.msPerFrame / 1000) / 1e9;
            if (m.key === 'embedded' && cfg.id === 'wasm-isolated' && frameUrls.length) {
              const s = await call('stages', frameUrls);
              stages = {
                config: cfg.id,
                frames: frameUrls.length,
                decodeMs: median(s.decodeMs),
                preprocessMs: median(s.preprocessMs),
                inferMs: median(s.inferMs),
                thumbMs: median(s.thumbMs),
                inferBestBatchMs: row.bestBatch?.msPerFrame,
              };
            }
            log(
              `harness ${cfg.id} ${m.key}: load ${row.loadMs.toFixed(0)} ms, first ${row.firstMs.toFixed(0)} ms, batch-1 median ${row.medianMs.toFixed(1)} ms p90 ${row.p90Ms.toFixed(1)} ms over ${row.steadyFrames}, best batch ${row.bestBatch?.batch} at ${row.bestBatch?.msPerFrame.toFixed(1)} ms/frame`,
            );
          } catch (e) {
            row.error = (e as Error).message.split('\n')[0];
            log(`harness ${cfg.id} ${m.key} failed: ${row.error}`);
          }
          await call('dispose').catch(() => undefined);
          rows.push(row);
        }
        // Software WebGPU is ~100x slower than wasm: half-size kernels keep it short (stated in the JSON's peakHow).
        const peak = await call('peak', cfg.backend === 'wasm' ? 3 : 2, cfg.backend === 'webgpu' ? 0.5 : 1).catch((e: Error) => ({
          error: e.message,
        }));
        for (const r of rows) {
          if (r.config !== cfg.id) continue;
          if ('gflops' in peak) Object.assign(r, { peakGflops: peak.gflops, peakHow: peak.how });
        }
        log(`harness ${cfg.id}: peak ${'how' in peak ? peak.how : peak.error}`);
      } catch (e) {
        log(`harness ${cfg.id} failed: ${(e as Error).message.split('\n')[0]}`);
      } finally {
        await context.close();
      }
    }
  }
  return { rows, stages };
}

export interface BrowserBenchOptions {
  here: string;
  distDir: string;
  workDir: string;
  wasmDir: string;
  models: BenchModel[];
  frames: string[];
  budget: Budget;
  only?: string[];
  skipUi?: boolean;
  /** No harness runs (load, latency, batch sizes, peak, stages). */
  skipHarness?: boolean;
  /** The first-visit section: `runs` per build; `baselineDist` is another production build measured beside this one. */
  firstVisit?: { runs: number; baselineDist?: string };
  /** Drops of every frame, this build beside the baseline, alternating. */
  drops?: { runs: number; baselineDist?: string };
  /** Epoch ms after which optional slow cases (ResNet50V2 on software GPUs in the UI) are skipped. */
  deadline: number;
  log: (msg: string) => void;
}

export async function runBrowserBench(o: BrowserBenchOptions): Promise<BrowserResult> {
  pageErrorLog = o.log;
  const harnessDir = join(o.workDir, 'harness');
  await bundleHarness(harnessDir, o.here);
  const mounts: Record<string, string> = {
    '/': o.distDir,
    '/__bench/': harnessDir,
    '/__bench/wasm/': o.wasmDir,
    '/__frames/': join(o.frames[0], '..'),
  };
  for (const m of o.models) mounts[`/__models/${m.key}/`] = m.served.dir;
  const servers: Servers = { isolated: await startStaticServer(mounts, true), plain: await startStaticServer(mounts, false) };
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_FLAGS] });
  try {
    const probe = await browser.newPage();
    await probe.goto(`${servers.isolated.origin}/__bench/`);
    await probe.waitForFunction(() => (window as unknown as Partial<Bench>).__endolensBench !== undefined);
    const webgpuAdapter = await probe.evaluate(() => (window as unknown as Bench).__endolensBench.hasWebGpuAdapter());
    await probe.close();
    const all: RunConfig[] = [
      { id: 'wasm-isolated', backend: 'wasm', isolated: true },
      // What the app does not do (yet): two wasm threads on the two cores; harness only.
      { id: 'wasm-isolated-2thr', backend: 'wasm', isolated: true, threads: 2 },
      { id: 'wasm-plain', backend: 'wasm', isolated: false },
      { id: 'webgl', backend: 'webgl', isolated: true },
      ...(webgpuAdapter ? [{ id: 'webgpu', backend: 'webgpu', isolated: true } as RunConfig] : []),
    ];
    const configs = all.filter((c) => !o.only || o.only.includes(c.id));
    const stageUrls = o.frames.slice(0, o.budget.stageFrames).map((f) => `${servers.isolated.origin}/__frames/${basename(f)}`);
    const { rows, stages }: { rows: HarnessRow[]; stages?: StageTimes } = o.skipHarness
      ? { rows: [] }
      : await harnessRuns(browser, servers, configs, o.models, stageUrls, o.budget, o.log);
    const ui: UiRow[] = [];
    const auto = o.skipUi ? { error: 'skipped (--skip-ui)' } : await autoChoice(browser, servers);
    if (!o.skipUi) o.log(`auto choice: ${auto.picked ?? auto.error} (${auto.loadMs?.toFixed(0)} ms to ready)`);
    // Decode + preprocess per frame, measured above (the harness's stage timing), else a guess.
    const prepMs = stages ? stages.decodeMs + stages.preprocessMs : 150;
    const dropSize = (cfg: RunConfig, h: HarnessRow | undefined) => {
      if (o.budget.fullDropConfigs.includes(cfg.id)) return o.budget.dropFrames;
      const perFrame = (h?.bestBatch?.msPerFrame ?? h?.medianMs ?? 1000) + prepMs;
      // Whole app batches (8), at least one.
      return Math.min(o.budget.dropFrames, Math.max(8, Math.floor(o.budget.dropBudgetMs / perFrame / 8) * 8));
    };
    for (const cfg of o.skipUi ? [] : configs.filter((c) => !c.threads)) {
      const he = rows.find((r) => r.config === cfg.id && r.model === 'embedded');
      ui.push(await uiEmbedded(browser, servers, cfg, o.frames.slice(0, dropSize(cfg, he)), o.log));
      const resnet = o.models.find((m) => m.key === 'resnet50v2');
      const h = rows.find((r) => r.config === cfg.id && r.model === 'resnet50v2');
      if (!resnet) continue;
      const perFrame = h?.bestBatch?.msPerFrame ?? h?.medianMs ?? NaN;
      // Load + warm-up inference, reload + warm-up again, then one batch of 8.
      const estimateMs = (h?.firstMs ?? 0) * 2 + 8 * perFrame + 20_000;
      const fits = Date.now() + estimateMs < o.deadline;
      if (!Number.isFinite(perFrame) || (perFrame > o.budget.uiMaxMsPerFrame && !fits)) {
        ui.push({
          config: cfg.id,
          backend: cfg.backend,
          model: 'resnet50v2',
          note: `not driven through the UI: ${Number.isFinite(perFrame) ? `${(perFrame / 1000).toFixed(1)} s/frame in the harness, a one-batch drop (~${(estimateMs / 1000).toFixed(0)} s) did not fit this run's time limit` : 'no harness timing'}`,
        });
        o.log(`ui ${cfg.id} resnet50v2 skipped (estimate ${(estimateMs / 1000).toFixed(0)} s)`);
        continue;
      }
      ui.push(await uiResnet(browser, servers, cfg, resnet, o.frames.slice(0, dropSize(cfg, h)), o.log));
    }
    let firstVisit: FirstVisitResult | undefined;
    if (o.firstVisit) {
      const baseline = o.firstVisit.baselineDist ? await startStaticServer({ '/': o.firstVisit.baselineDist }, true) : undefined;
      try {
        const runs = await firstVisits(browser, { this: servers.isolated, baseline }, o.frames[0], o.firstVisit.runs, o.log);
        firstVisit = { runs, baselineDist: o.firstVisit.baselineDist, frame: basename(o.frames[0]) };
      } finally {
        await baseline?.close();
      }
    }
    let drops: DropResult | undefined;
    if (o.drops) {
      const baseline = o.drops.baselineDist ? await startStaticServer({ '/': o.drops.baselineDist }, true) : undefined;
      try {
        const runs = await alternating(
          { this: servers.isolated, baseline },
          o.drops.runs,
          (server) => dropVisit(browser, server, o.frames),
          (build, run, r) =>
            o.log(
              `drop ${build} #${run}: ${r.error ?? `${r.frames} frames in ${r.dropMs?.toFixed(0)} ms, ${r.framesPerS?.toFixed(2)} frames/s`}`,
            ),
        );
        const model = rows.find((r) => r.config === 'wasm-isolated' && r.model === 'embedded')?.bestBatch;
        drops = {
          runs,
          baselineDist: o.drops.baselineDist,
          modelFramesPerS: model && 1000 / model.msPerFrame,
          modelBatch: model?.batch,
        };
      } finally {
        await baseline?.close();
      }
    }
    return { chromium: browser.version(), webgpuAdapter, harness: rows, ui, stages, auto, firstVisit, drops };
  } finally {
    await browser.close();
    await servers.isolated.close();
    await servers.plain.close();
  }
}
