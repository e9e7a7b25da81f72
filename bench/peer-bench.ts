/**
 * The peer section of `npm run bench` (`--sections peer`): the embedded model on tfjs WASM (as
 * exported, and folded as the app runs it) beside ONNX Runtime Web WASM on the ONNX export of the
 * same weights (training/src/export/onnx.ts, made here, no Python), in one Web Worker of a
 * cross-origin-isolated headless-Chromium page per thread setting (a worker, as the app runs
 * inference: on the page's main thread WASM threads must spin instead of blocking, and on a busy
 * 2-core machine that made 2 threads several times slower than 1), on the same input, interleaved
 * call by call so the shared machine's noise falls on all engines alike. Prints ms/frame and tfjs/ORT.
 *
 *   node --import tsx bench/peer-bench.ts [--model public/model] [--rounds 15]   (standalone)
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { foldBatchNorm } from '../src/inference/fold-batchnorm.ts';
import { toOnnx } from '../training/src/export/onnx.ts';
import { readModelArtifacts } from '../training/src/export/read-artifacts.ts';
import { CHROMIUM_FLAGS } from '../e2e/support/chromium.ts';
import { PEER_ENGINES, type PeerEngine } from './peer-engines.ts';
import type { PeerApi } from './peer-worker.ts';
import { startStaticServer } from './server.ts';
import { median } from './stats.ts';

export interface PeerConfig {
  id: string;
  threads: number;
  /** Raise navigator.hardwareConcurrency so tfjs's pool can hold `threads` (see peer-page.ts init). */
  raiseConcurrency: boolean;
}

export interface PeerRow {
  config: string;
  threads: number;
  /** What tfjs's getThreadsCount() said. */
  tfjsThreads: number;
  batch: number;
  /** Median ms per frame over the rounds. */
  ms: Record<PeerEngine, number>;
  /** Fastest round's ms per frame: on a shared machine, closer to what the engine can do when it has the cores. */
  minMs: Record<PeerEngine, number>;
  rounds: number;
}

export interface PeerResult {
  rows: PeerRow[];
  cores: number;
  onnxBytes: number;
  folding?: { layers: number; foldedLayers: number; folded: number; fusedActivations: number; fusedPaddings: number };
  /** Largest |p_tfjs - p_ort| over the batch-8 input, per tfjs model. */
  agreement?: { tfjs: number; tfjsFolded: number };
  /** Batch 8, 1 thread: tfjs kernels by total time, folded and as exported. */
  profile?: Record<'tfjs' | 'tfjs-folded', { kernel: string; calls: number; ms: number }[]>;
  errors: string[];
}

export const PEER_CONFIGS: PeerConfig[] = [
  { id: '1 thread', threads: 1, raiseConcurrency: false },
  { id: '2 threads', threads: 2, raiseConcurrency: true },
  { id: '2 threads, setThreadsCount only', threads: 2, raiseConcurrency: false },
];

type Window = { __endolensPeer?: PeerApi };

export async function runPeerBench(o: {
  modelDir: string;
  workDir: string;
  rounds: number;
  batches?: number[];
  configs?: PeerConfig[];
  log: (m: string) => void;
}): Promise<PeerResult> {
  const here = dirname(fileURLToPath(import.meta.url));
  const root = resolve(here, '..');
  const dir = join(o.workDir, 'peer');
  mkdirSync(dir, { recursive: true });
  const exported = toOnnx(foldBatchNorm(readModelArtifacts(o.modelDir)).artifacts);
  writeFileSync(join(dir, 'model.onnx'), exported.model);
  await build({
    entryPoints: [
      { in: join(here, 'peer-page.ts'), out: 'page' },
      { in: join(here, 'peer-worker.ts'), out: 'worker' },
    ],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outdir: dir,
    logLevel: 'error',
  });
  writeFileSync(
    join(dir, 'index.html'),
    '<!doctype html><meta charset="utf-8"><title>peer</title><script type="module" src="./page.js"></script>',
  );
  const server = await startStaticServer(
    {
      '/__peer/': dir,
      '/__peer/tfwasm/': join(root, 'node_modules/@tensorflow/tfjs-backend-wasm/dist'),
      '/__peer/ort/': join(root, 'node_modules/onnxruntime-web/dist'),
      '/__peer/model/': o.modelDir,
    },
    true,
  );
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: [...CHROMIUM_FLAGS] });
  const result: PeerResult = { rows: [], cores: 0, onnxBytes: exported.model.byteLength, errors: [] };
  const batches = o.batches ?? [1, 8];
  try {
    for (const cfg of o.configs ?? PEER_CONFIGS) {
      // A fresh page (and worker) per thread setting: both engines fix their thread pools when their WASM starts.
      const page = await browser.newPage();
      page.on('pageerror', (e) => o.log(`peer page error: ${e.message}`));
      try {
        await page.goto(`${server.origin}/__peer/`);
        await page.waitForFunction(() => (window as unknown as Window).__endolensPeer !== undefined, undefined, { timeout: 60_000 });
        const call = <K extends keyof PeerApi>(fn: K, ...args: Parameters<PeerApi[K]>) =>
          page.evaluate(
            ([f, a]) =>
              ((window as unknown as Required<Window>).__endolensPeer[f as K] as (...x: unknown[]) => unknown)(...(a as unknown[])),
            [fn, args] as const,
          ) as Promise<Awaited<ReturnType<PeerApi[K]>>>;
        const info = await call('init', {
          threads: cfg.threads,
          raiseConcurrency: cfg.raiseConcurrency,
          tfjsWasm: `${server.origin}/__peer/tfwasm/`,
          ortBase: `${server.origin}/__peer/ort/`,
        });
        if (!info.isolated) throw new Error('the page is not cross-origin isolated: no WASM threads');
        result.cores = info.cores;
        const folding = await call('load', `${server.origin}/__peer/model/`, `${server.origin}/__peer/model.onnx`, exported.output);
        result.folding ??= folding;
        o.log(`peer ${cfg.id}: tfjs getThreadsCount() = ${info.tfjsThreads} (${info.cores} cores)`);
        for (const batch of batches) {
          const warm = await call('warmUp', batch, 30_000);
          const times = Object.fromEntries(PEER_ENGINES.map((e) => [e, [] as number[]])) as Record<PeerEngine, number[]>;
          const engines = [...PEER_ENGINES];
          // Fewer rounds at batch 8 (each call is 8 frames).
          const rounds = batch === 1 ? o.rounds : Math.max(3, Math.ceil(o.rounds / 2));
          for (let r = 0; r < rounds; r++) {
            const order = engines.map((_, i) => engines[(i + r) % engines.length]);
            const ms = await call('round', batch, order);
            for (const e of engines) times[e].push(ms[e] / batch);
          }
          const row: PeerRow = {
            config: cfg.id,
            threads: cfg.threads,
            tfjsThreads: info.tfjsThreads,
            batch,
            ms: Object.fromEntries(engines.map((e) => [e, median(times[e])])) as Record<PeerEngine, number>,
            minMs: Object.fromEntries(engines.map((e) => [e, Math.min(...times[e])])) as Record<PeerEngine, number>,
            rounds,
          };
          result.rows.push(row);
          o.log(
            `peer ${cfg.id} batch ${batch}: ${engines.map((e) => `${e} ${row.ms[e].toFixed(1)}`).join(', ')} ms/frame (warm-up calls ${JSON.stringify(warm)})`,
          );
        }
        if (cfg.threads === 1 && !result.agreement) {
          result.agreement = await call('agreement', 8);
          result.profile = { tfjs: await call('profile', 'tfjs', 8), 'tfjs-folded': await call('profile', 'tfjs-folded', 8) };
        }
      } catch (e) {
        result.errors.push(`${cfg.id}: ${e instanceof Error ? e.message : String(e)}`);
        o.log(`peer ${cfg.id} failed: ${e instanceof Error ? e.message : String(e)}`);
      } finally {
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return result;
}

const f = (v: number | undefined, d = 1) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));

/** The printed tables: ms/frame and tfjs/ORT per thread setting and batch, then the folded profile. */
export function renderPeer(p: PeerResult): string {
  const lines = [
    '| threads | tfjs threads (getThreadsCount) | batch | tfjs as exported | tfjs BN folded only | tfjs folded + fused | ORT Web | tfjs/ORT as exported | BN folded only/ORT | **folded + fused/ORT** |',
    '|---|---|---|---|---|---|---|---|---|---|',
  ];
  // Each cell: median (fastest round).
  const cell = (r: PeerRow, e: PeerEngine) => `${f(r.ms[e])} (${f(r.minMs[e])})`;
  const ratio = (r: PeerRow, e: PeerEngine) => `${f(r.ms[e] / r.ms.ort, 2)} (${f(r.minMs[e] / r.minMs.ort, 2)})`;
  for (const r of p.rows) {
    lines.push(
      `| ${r.config} | ${r.tfjsThreads} | ${r.batch} | ${cell(r, 'tfjs')} | ${cell(r, 'tfjs-bn-only')} | ${cell(r, 'tfjs-folded')} | ${cell(r, 'ort')} | ${ratio(r, 'tfjs')} | ${ratio(r, 'tfjs-bn-only')} | **${ratio(r, 'tfjs-folded')}** |`,
    );
  }
  lines.push(
    '',
    'ms/frame: median of the rounds (fastest round); ratios of medians (of fastest rounds). "BN folded only": standard Conv2D / DepthwiseConv2D layers with the BN folded in, ReLU6 and ZeroPadding2D still separate layers (fold-batchnorm `fuse: false`). ORT gets the thread count asked for in every row (it is not capped by hardwareConcurrency).',
  );
  const out = [lines.join('\n')];
  if (p.folding)
    out.push(
      `\nFolding: ${p.folding.layers} -> ${p.folding.foldedLayers} layers (${p.folding.folded} BatchNormalization folded, ${p.folding.fusedActivations} ReLU6 and ${p.folding.fusedPaddings} ZeroPadding2D fused). ONNX export ${(p.onnxBytes / 1e6).toFixed(2)} MB. ` +
        `Max |p_tfjs - p_ORT| at batch 8: as exported ${p.agreement ? p.agreement.tfjs.toExponential(1) : '-'}, folded ${p.agreement ? p.agreement.tfjsFolded.toExponential(1) : '-'}. ${p.cores} cores.`,
    );
  if (p.profile) {
    const top = (rows: { kernel: string; calls: number; ms: number }[]) =>
      rows
        .slice(0, 6)
        .map((k) => `${k.kernel} ${f(k.ms)} ms (${k.calls})`)
        .join(', ');
    const total = (rows: { ms: number }[]) => rows.reduce((n, k) => n + k.ms, 0);
    out.push(
      `\ntfjs kernels, one batch-8 call at 1 thread (tf.profile, ms for 8 frames, calls): as exported ${f(total(p.profile.tfjs))} ms: ${top(p.profile.tfjs)}; ` +
        `folded ${f(total(p.profile['tfjs-folded']))} ms: ${top(p.profile['tfjs-folded'])}.`,
    );
  }
  if (p.errors.length) out.push(`\nErrors: ${p.errors.join('; ')}`);
  return out.join('\n');
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { values: args } = parseArgs({
    options: { model: { type: 'string', default: 'public/model' }, rounds: { type: 'string', default: '15' } },
  });
  const t0 = Date.now();
  const workDir = join(tmpdir(), `endolens-peer-${process.pid}`);
  try {
    const result = await runPeerBench({
      modelDir: resolve(args.model),
      workDir,
      rounds: Number(args.rounds),
      log: (m) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${m}`),
    });
    console.log(`\n${renderPeer(result)}`);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}
