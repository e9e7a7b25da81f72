/** Turns the benchmark's results into the printed tables (also pasted into BENCHMARKS.md). */
import type { BrowserResult, DropResult, FirstVisitResult, FirstVisitRun, HarnessRow, UiRow } from './browser-bench.ts';
import { median } from './stats.ts';
import type { LiveRow } from './live-bench.ts';
import type { VideoRow } from './video-bench.ts';
import type { TeachRow } from './teach-head.ts';
import type { BenchModel } from './models.ts';
import type { NodeResult } from './node-bench.ts';
import { renderPeer, type PeerResult } from './peer-bench.ts';

export interface BenchResult {
  startedAt: string;
  finishedAt?: string;
  durationS?: number;
  command: string;
  machine: {
    cpus: number;
    cpuModel: string;
    memGiB: number;
    node: string;
    chromium?: string;
    loadAvgStart: number[];
    loadAvgEnd?: number[];
    uptimeStart: string;
    uptimeEnd?: string;
  };
  mode: string;
  models: BenchModel[];
  node?: NodeResult;
  browser?: BrowserResult;
  live?: LiveRow[];
  video?: VideoRow;
  peer?: PeerResult;
  teach?: TeachRow;
  notes: string[];
}

const f = (v: number | undefined, d = 0) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
const mb = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : (v / 1e6).toFixed(1));
const modelName = (k: string) => (k === 'embedded' ? 'embedded' : 'ResNet50V2+head');

function table(head: string[], rows: string[][]): string {
  const out = [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`];
  for (const r of rows) out.push(`| ${r.join(' | ')} |`);
  return out.join('\n');
}

function browserTable(b: BrowserResult): string {
  const rows = b.harness.map((h: HarnessRow) => {
    const u = b.ui.find((x: UiRow) => x.config === h.config && x.model === h.model);
    const drop =
      u?.framesPerS !== undefined ? `${f(u.framesPerS, 2)} (${u.dropFrames} fr)` : u?.error ? `failed: ${u.error}` : (u?.note ?? '-');
    const threads = h.backend === 'wasm' ? `, ${h.threads} thr` : '';
    return [
      `${h.config}${threads}`,
      modelName(h.model),
      u?.coldLoadMs !== undefined ? f(u.coldLoadMs) : '-',
      u?.warmLoadMs !== undefined ? f(u.warmLoadMs) : '-',
      f(h.firstMs),
      `${f(h.medianMs, 1)} / ${f(h.p90Ms, 1)} (${h.steadyFrames})`,
      h.bestBatch ? `${f(h.bestBatch.msPerFrame, 1)} @${h.bestBatch.batch}` : '-',
      drop,
      `${f(h.gflops, 2)} / ${f(h.gflopsBest, 2)}`,
      f(h.peakGflops, 1),
      h.peakGflops ? `${f((100 * h.gflops) / h.peakGflops, 0)}% / ${f((100 * (h.gflopsBest ?? NaN)) / h.peakGflops, 0)}%` : '-',
      h.error ? `error: ${h.error}` : '',
    ];
  });
  return table(
    [
      'config',
      'model',
      'cold load ms',
      'warm load ms',
      '1st inference ms',
      'batch-1 median / p90 ms (frames)',
      'best batch ms/frame @size',
      'drop frames/s (frames)',
      'GFLOP/s batch 1 / best batch',
      'measured peak GFLOP/s',
      'of peak',
      '',
    ],
    rows,
  );
}

function memoryTable(b: BrowserResult): string {
  return table(
    [
      'config',
      'model',
      'drop frames',
      'inference worker JS heap peak MB',
      'page JS heap peak MB',
      'tfjs bytes peak MB',
      'wasm memory after MB',
      'numTensors before / after',
      'samples',
    ],
    b.ui
      .filter((u) => u.memory)
      .map((u) => [
        u.config,
        modelName(u.model),
        String(u.dropFrames),
        mb(u.memory?.workerHeapPeak),
        mb(u.memory?.pageHeapPeak),
        mb(u.memory?.tfBytesPeak),
        mb(u.memory?.wasmHeapBytes),
        `${u.memory?.numTensorsBefore ?? '-'} / ${u.memory?.numTensorsAfter ?? '-'}`,
        String(u.memory?.samples),
      ]),
  );
}

function sizeTable(r: BenchResult, b?: BrowserResult): string {
  return table(
    [
      'model',
      'params',
      'FLOPs/frame (conv+dw+dense MACs x2)',
      'served as',
      'served bytes on disk',
      'transferred on cold load',
      'float32 on disk / gzip',
      'float16 on disk / gzip',
    ],
    r.models.map((m) => {
      const u = b?.ui.find((x) => x.model === m.key && x.config === 'wasm-isolated');
      return [
        m.label,
        String(m.params),
        `${(m.flops.flops / 1e9).toFixed(3)} G (${m.flops.layersCounted} layers)`,
        m.servedQuantization,
        `${mb(m.served.bytesOnDisk)} MB`,
        m.key === 'embedded' ? `${mb(u?.coldBytes?.model)} MB model (${mb(u?.coldBytes?.total)} MB all)` : 'from local files (no network)',
        `${mb(m.float32.bytesOnDisk)} / ${mb(m.float32.bytesGzip)} MB`,
        `${mb(m.float16.bytesOnDisk)} / ${mb(m.float16.bytesGzip)} MB`,
      ];
    }),
  );
}

function nodeTable(n: NodeResult): string {
  return table(
    [
      'model (Node, ' + n.backend + ')',
      'batch',
      'forward images/s',
      'forward GFLOP/s',
      'of peak',
      'warm-up step images/s',
      'fine-tune step images/s',
    ],
    n.models.map((m) => [
      m.backbone,
      String(m.batch),
      f(m.forwardImagesPerS, 2),
      f(m.forwardGflops, 1),
      `${f((100 * m.forwardGflops) / n.peak.gflops, 0)}%`,
      f(m.warmupStepImagesPerS, 2),
      f(m.finetuneStepImagesPerS, 2),
    ]),
  );
}

/** Model ready and first result per build: median, then every visit in run order. */
function firstVisitTable(fv: FirstVisitResult): string {
  const builds: FirstVisitRun['build'][] = fv.baselineDist ? ['baseline', 'this'] : ['this'];
  const cell = (runs: FirstVisitRun[], value: (r: FirstVisitRun) => number | undefined) => {
    const xs = runs.map(value).filter((v): v is number => v !== undefined);
    return xs.length ? `**${f(median(xs))}** (${xs.map((v) => f(v)).join(', ')})` : '-';
  };
  /** Ready plus the app's own time for the frame: the first result less the harness's reaction to "ready". */
  const appOnly = (r: FirstVisitRun) =>
    r.readyMs !== undefined && r.frameSetMs !== undefined && r.firstResultMs !== undefined
      ? r.readyMs + (r.firstResultMs - r.frameSetMs)
      : undefined;
  return table(
    [
      'build',
      'visits',
      'model ready ms: median (each)',
      'first result ms: median (each)',
      'harness: ready -> file set ms',
      'first result less the harness ms',
      'backend (reason)',
      'wasm threads',
    ],
    builds.map((build) => {
      const runs = fv.runs.filter((x) => x.build === build);
      const ok = runs.filter((x) => !x.error);
      const shown = [...new Set(ok.map((x) => `${x.backend} (${x.reason})`))].join('; ');
      const errors = runs.filter((x) => x.error).map((x) => `#${x.run} failed: ${x.error}`);
      return [
        build === 'this' ? 'this build' : `baseline (${fv.baselineDist})`,
        String(runs.length),
        cell(ok, (r) => r.readyMs),
        cell(ok, (r) => r.firstResultMs),
        cell(ok, (r) => (r.frameSetMs !== undefined && r.readyMs !== undefined ? r.frameSetMs - r.readyMs : undefined)),
        cell(ok, appOnly),
        [shown, ...errors].filter(Boolean).join('; ') || '-',
        [...new Set(ok.map((x) => x.wasmThreads ?? '?'))].join(', '),
      ];
    }),
  );
}

/** Drop throughput per build (median, then each run) and its ratio to the model's own best batch in the same run. */
function dropTable(d: DropResult): string {
  const builds: Array<'this' | 'baseline'> = d.baselineDist ? ['baseline', 'this'] : ['this'];
  return table(
    [
      'build',
      'drops',
      'frames',
      'frames/s: median (each)',
      `drop / model's best batch (${d.modelBatch ?? '?'}, ${f(d.modelFramesPerS, 1)} frames/s)`,
    ],
    builds.map((build) => {
      const runs = d.runs.filter((x) => x.build === build);
      const rates = runs.map((x) => x.framesPerS).filter((v): v is number => v !== undefined);
      const errors = runs.filter((x) => x.error).map((x) => `#${x.run} failed: ${x.error}`);
      const mid = rates.length ? median(rates) : undefined;
      return [
        build === 'this' ? 'this build' : `baseline (${d.baselineDist})`,
        String(runs.length),
        String(runs[0]?.frames ?? '-'),
        rates.length
          ? `**${f(mid, 2)}** (${rates.map((v) => f(v, 2)).join(', ')})${errors.length ? `; ${errors.join('; ')}` : ''}`
          : errors.join('; ') || '-',
        mid !== undefined && d.modelFramesPerS ? `**${f(mid / d.modelFramesPerS, 2)}**` : '-',
      ];
    }),
  );
}

/** Capture-to-label latency of the Live view per camera size, with where it went. */
function liveTable(rows: LiveRow[]): string {
  return table(
    [
      'camera (fake, .y4m)',
      'results',
      'latency median ms',
      'p95 ms',
      'min / max ms',
      'wait / read / score ms (medians)',
      'results/s',
      'camera frames dropped',
      'backend',
      '',
    ],
    rows.map((l) => [
      l.camera,
      String(l.frames),
      `**${f(l.medianMs, 1)}**`,
      f(l.p95Ms, 1),
      `${f(l.minMs, 1)} / ${f(l.maxMs, 1)}`,
      l.stages ? `${f(l.stages.waitMs, 1)} / ${f(l.stages.readMs, 1)} / ${f(l.stages.scoreMs, 1)}` : '-',
      f(l.resultsPerS, 1),
      l.droppedShare === undefined ? '-' : `${f(100 * l.droppedShare)} %`,
      l.backend ?? '-',
      l.error ? `error: ${l.error}` : '',
    ]),
  );
}

/** Video analysis: real-time factor, where the time per frame goes, memory over the run, decoding alone. */
function videoTable(v: VideoRow): string {
  const s = v.stageMs;
  const mib = (b: number) => (Number.isFinite(b) ? (b / 2 ** 20).toFixed(0) : '?');
  const d = v.decode;
  return [
    table(
      [
        'video',
        'frames',
        'wall s',
        'x real time',
        'decode / preprocess / inference / store ms per frame',
        'memory MiB at 25/50/75/100 %',
        'backend',
        '',
      ],
      [
        [
          v.video,
          f(v.framesAnalysed),
          f(v.wallS, 1),
          `**${f(v.realTimeFactor, 2)}**`,
          s ? `${f(s.decode, 1)} / ${f(s.preprocess, 1)} / ${f(s.inference, 1)} / ${f(s.ui, 2)}` : '-',
          v.memory ? v.memory.map(mib).join(' / ') : '-',
          v.backend ?? '-',
          v.error ? `error: ${v.error}` : '',
        ],
      ],
    ),
    '',
    table(
      ['decoding alone', 'frames/s', 'share of frames seen'],
      d?.error
        ? [['error', d.error, '']]
        : [
            ['mediabunny + WebCodecs (the app)', f(d?.webcodecsFps, 0), '100 %'],
            [
              '<video> at 16x + requestVideoFrameCallback',
              f(d?.videoElementFps, 0),
              d?.videoElementSeenShare === undefined ? '-' : `${f(100 * d.videoElementSeenShare)} %`,
            ],
          ],
    ),
  ].join('\n');
}

/** Head-only teaching: wall time and epochs against issue 13's target. */
function teachTable(t: TeachRow): string {
  return table(
    ['frames (train / held out)', 'epochs (best)', 'wall s', 'target s', 'epoch median ms (first)', 'held-out accuracy', 'backend'],
    [
      [
        `${t.frames} (${t.train} / ${t.heldOut})`,
        `${t.epochs} (${t.bestEpoch})${t.stoppedEarly ? ', stopped early' : ''}`,
        `**${f(t.wallS, 2)}** ${t.wallS <= t.targetS ? 'within' : 'OVER'}`,
        `<= ${t.targetS}`,
        `${f(t.epochMedianMs)} (${f(t.firstEpochMs)})`,
        f(t.heldOutAccuracy, 3),
        t.backend,
      ],
    ],
  );
}

export function renderReport(r: BenchResult): string {
  const parts: string[] = [];
  if (r.teach) parts.push('### Teach: head-only training on 1000 cached feature vectors (Node, wasm)\n', teachTable(r.teach), '');
  if (r.video) parts.push('### Video analysis (720x576 25 fps, embedded model on wasm)\n', videoTable(r.video), '');
  const b = r.browser;
  if (r.peer)
    parts.push('### tfjs WASM beside ONNX Runtime Web WASM (embedded model, ms/frame, same page, same input)\n', renderPeer(r.peer), '');
  if (r.live?.length) parts.push('### Live view: capture to label (fake camera, embedded model on wasm)\n', liveTable(r.live), '');
  if (b?.firstVisit) {
    parts.push(
      `### First visit: navigation to first result (fresh profile, embedded model, one frame dropped when ready), headless Chromium ${b.chromium}\n`,
      firstVisitTable(b.firstVisit),
    );
  }
  if (b?.drops) {
    parts.push(`### Drops: every frame at once on a fresh profile (WASM), headless Chromium ${b.chromium}\n`, dropTable(b.drops), '');
  }
  if (b && (b.harness.length || b.ui.length)) {
    parts.push(
      `### Headless Chromium ${b.chromium}, production build (WebGPU adapter: ${b.webgpuAdapter ? 'yes' : 'no'})\n`,
      browserTable(b),
    );
    const picked = b.auto.picked;
    const emb = b.harness.filter((h) => h.model === 'embedded' && Number.isFinite(h.medianMs)).sort((a, c) => a.medianMs - c.medianMs);
    const pickedRow = emb.find((h) => h.backend === picked && (picked !== 'wasm' || h.isolated));
    parts.push(
      `\n**Automatic backend choice** (fresh profile, no \`?backend=\`, embedded model): the app picked **${picked ?? `nothing (${b.auto.error})`}** ` +
        `(${f(b.auto.loadMs)} ms to ready; ${b.auto.reason ?? 'no reason shown'}); fastest batch-1 here: **${emb[0]?.config ?? '-'}** at ${f(emb[0]?.medianMs, 1)} ms/frame; ` +
        `the picked one: ${f(pickedRow?.medianMs, 1)} ms/frame.` +
        (picked && emb[0] && emb[0].backend === picked ? ' Same backend.' : ' Different backends.'),
    );
    if (b.stages) {
      const s = b.stages;
      const cpu = s.thumbMs + s.decodeMs + s.preprocessMs + (s.inferBestBatchMs ?? s.inferMs);
      const drop = b.ui.find((u) => u.config === s.config && u.model === 'embedded');
      parts.push(
        `\n**Per-frame stages of the drop** (embedded model, ${s.config}, median of ${s.frames} 1280x1024 JPEGs run one by one on the page with the app's own code): ` +
          `page thumbnail ${f(s.thumbMs, 1)} ms, decode ${f(s.decodeMs, 1)} ms, preprocess (src/core resize + scale) ${f(s.preprocessMs, 1)} ms, inference ${f(s.inferMs, 1)} ms at batch 1 / ${f(s.inferBestBatchMs, 1)} ms at the best batch. ` +
          `Sum ${f(cpu, 1)} ms of work per frame: ${f(1000 / cpu, 1)} frames/s on one core, ${f(2000 / cpu, 1)} if 2 cores were perfectly shared; the drop measured ${f(drop?.framesPerS, 2)} frames/s.`,
      );
    }
    parts.push(
      '\n**Memory during the drop** (inference worker: tfjs engine, and its JS heap over CDP Runtime.getHeapUsage, its nested decode helper not included; page: CDP JSHeapUsedSize; sampled every ~0.2 s; wasm memory = the wasm backend linear memory after the drop, which only grows)\n',
      memoryTable(b),
    );
  }
  if (r.node)
    parts.push(
      `\n### Node ${r.machine.node}, trainer backend: ${r.node.backendNote}; peak ${f(r.node.peak.gflops, 1)} GFLOP/s (${r.node.peak.how})\n`,
      nodeTable(r.node),
    );
  if (r.models.length) parts.push('\n### Size\n', sizeTable(r, b));
  if (r.notes.length) parts.push('\n' + r.notes.map((n) => `- ${n}`).join('\n'));
  return parts.join('\n');
}
