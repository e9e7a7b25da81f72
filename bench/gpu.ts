/**
 * The GPU section (issue 11 item 3): tfjs WebGPU in Node through Dawn, picked as the trainer picks it
 * (training/src/backend.ts initBackend('webgpu'): a real adapter only), timing the embedded model's
 * inference, ResNet50V2 + head inference, and train steps of both (head only, last 13 layers, all
 * layers) with the trainer's own split, then the PyTorch reference (bench/torch_ref.py) on the same
 * machine when python3 imports torch. Steps that train convolutions run twice, with EndoLens's webgpu
 * filter gradients (training/src/kernels/webgpu-backprop.ts, what the trainer uses) and with tfjs's
 * own, and one all-layers step of each is profiled per kernel (GPU timestamps), so one run says
 * whether the replacement pays and what is slow next. With no real adapter it says why and skips (exit 0).
 * `npm run bench -- --gpu` runs it as a section; on its own:
 *
 *   node --import tsx bench/gpu.ts [--quick] [--allow-software] [--model DIR] [--out DIR] [--python python3] [--no-torch]
 *                                   (--out defaults to $OUT, else bench-results/ when something was measured)
 *   bash bench/pack-gpu.sh          the same, bundled with Node and Dawn for a bare GPU machine
 *
 * --allow-software accepts a software adapter (SwiftShader: VK_ICD_FILENAMES=/usr/lib/chromium/
 * vk_swiftshader_icd.json) for a functional check; with --quick the sizes are tiny. Such numbers are
 * labelled software and are no GPU result.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ALLOW_SOFTWARE_WEBGPU_ENV, initBackend, softwareAdapterReason, type GpuAdapterSummary } from '../training/src/backend.ts';
import { registerWebGpuTrainingKernels } from '../training/src/kernels/register.ts';
import { buildBackbone, buildClassifier, HEAD_LAYER_COUNT, splitForTraining } from '../training/src/models/index.ts';
import { HEAD_LAYERS } from '../src/core/head.ts';
import { foldForInference } from '../src/inference/fold-batchnorm.ts';
import { loadModelBundle, type ModelBundle } from '../src/inference/model-files.ts';
import { layerMacs, sumMacs } from './flops.ts';
import { runTorchRef, type TorchOutcome, type TorchPlan } from './gpu/torch.ts';
import { median } from './stats.ts';

export type GpuModel = 'embedded' | 'resnet50v2';
export type TrainPhase = 'head' | 'last13' | 'all';
const PHASES: readonly TrainPhase[] = ['head', 'last13', 'all'];
const PHASE_LABEL: Record<TrainPhase, string> = { head: 'head only', last13: 'last 13 layers + head', all: 'all layers' };
/** Whose webgpu Conv2DBackpropFilter / DepthwiseConv2dNativeBackpropFilter a train step ran with. */
export type FilterKernels = 'endolens' | 'stock';
const KERNELS_LABEL: Record<FilterKernels, string> = { endolens: 'EndoLens', stock: 'tfjs stock' };

export interface GpuInferenceRow {
  model: GpuModel;
  batch: number;
  size: number;
  msPerCall: number;
  framesPerS: number;
  /** Counted conv/dense FLOPs (2 x MACs) per second. */
  gflops: number;
  calls: number;
}

export interface GpuTrainRow {
  model: GpuModel;
  phase: TrainPhase;
  /** Layers the step trains (the split's tail: backbone layers unfrozen + the head's 4). */
  trainableLayers: number;
  batch: number;
  size: number;
  msPerStep: number;
  imagesPerS: number;
  /** (frozen forward + 3 x trainable forward) FLOPs per image x images/s: backward counted as twice the forward. */
  gflops: number;
  steps: number;
  kernels: FilterKernels;
}

/** One all-layers train step under tf.profile: GPU time per kernel name (timestamp queries). */
export interface GpuKernelProfile {
  model: GpuModel;
  kernels: FilterKernels;
  /** Sum of every kernel's GPU time; undefined where the adapter has no timestamp queries. */
  totalMs?: number;
  /** The kernels taking the most GPU time, slowest first. */
  top: Array<{ name: string; calls: number; ms: number }>;
  /** Why there are no times (e.g. no timestamp-query feature). */
  unavailable?: string;
}

export interface GpuResult {
  status: 'measured' | 'skipped';
  /** Why no GPU was used (skipped). */
  reason?: string;
  startedAt: string;
  wallS: number;
  mode: 'quick' | 'full';
  adapter?: GpuAdapterSummary;
  backendNote?: string;
  /** Set when the adapter is a software one, allowed for a functional check: not a GPU result. */
  software?: string;
  versions: { node: string; tfjs: string; webgpu: string };
  machine: { cpus: number; cpuModel: string; loadAvg: number[] };
  plan: TorchPlan;
  models: Partial<Record<GpuModel, { label: string; params: number; forwardGflopsPerImage: number }>>;
  inference: GpuInferenceRow[];
  train: GpuTrainRow[];
  profiles: GpuKernelProfile[];
  /** Cases that failed (e.g. out of memory); the others still ran. */
  errors: string[];
  /** Tensors alive at the end that were not before the first case. */
  leakedTensors?: number;
  torch?: TorchOutcome;
  notes: string[];
}

export interface GpuBenchOptions {
  quick?: boolean;
  /** Accept a software adapter (sets ENDOLENS_WEBGPU_ALLOW_SOFTWARE=1 for initBackend). */
  allowSoftware?: boolean;
  /** The embedded model's folder (model.json, shards, metadata.json). */
  modelDir?: string;
  /** Run bench/torch_ref.py when python imports torch (default true). */
  torch?: boolean;
  python?: string;
  torchScript?: string;
  log?: (msg: string) => void;
}

const f = (v: number | undefined, d = 0) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(d));
/** Rates and ratios span 0.001 (software adapter) to thousands (GPU): about three significant figures either way. */
const rate = (v: number | undefined) =>
  v === undefined || !Number.isFinite(v) ? '-' : v >= 100 ? v.toFixed(0) : v >= 1 ? v.toFixed(v >= 10 ? 1 : 2) : v.toPrecision(2);

const here = fileURLToPath(new URL('.', import.meta.url));
// Relative to this file, so the same lines work from bench/ and from the pack (bench/gpu.mjs beside bench/torch_ref.py, public/model).
const DEFAULT_MODEL_DIR = resolve(here, '..', 'public', 'model');
const DEFAULT_TORCH_SCRIPT = resolve(here, 'torch_ref.py');

/** Sizes: full = the issue's; quick = tiny, for a functional check on a software adapter (the embedded model's input size is fixed). */
function planFor(quick: boolean, embeddedSize: number, classes: number, alpha: number): TorchPlan {
  return quick
    ? {
        embeddedBatches: [1, 2],
        resnetBatches: [1, 2],
        embeddedSize,
        resnetSize: 32,
        trainBatch: 2,
        warmup: 1,
        reps: 2,
        trainReps: 2,
        classes,
        alpha,
      }
    : {
        embeddedBatches: [1, 8, 32, 64],
        resnetBatches: [1, 64],
        embeddedSize,
        resnetSize: 224,
        trainBatch: 32,
        warmup: 2,
        reps: 5,
        trainReps: 3,
        classes,
        alpha,
      };
}

/** The reason initBackend gave, without its advice to the trainer's user. */
function reasonOf(e: unknown): string {
  const msg = e instanceof Error ? e.message : String(e);
  return /asked for, but (.*?)\. Use --backend/s.exec(msg)?.[1] ?? msg;
}

function webgpuVersion(): string {
  try {
    const pkg = createRequire(import.meta.url).resolve('webgpu/package.json');
    return (JSON.parse(readFileSync(pkg, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/** The stored model as files, through the app's own loader (as bench/teach-finetune.ts reads it). */
async function loadStored(dir: string): Promise<ModelBundle> {
  const read = (name: string) => readFileSync(join(dir, name));
  const modelJson = JSON.parse(read('model.json').toString('utf8')) as { weightsManifest: { paths: string[] }[] };
  const names = ['model.json', 'metadata.json', ...modelJson.weightsManifest.flatMap((g) => g.paths)];
  return loadModelBundle({ kind: 'files', files: names.map((n) => new File([new Uint8Array(read(n))], n)) });
}

/**
 * Milliseconds per call: `warmup` untimed calls (shader compilation, buffer pools), then the median
 * of `reps`. Each call ends with its result read back by `await data()`: Node has no OffscreenCanvas,
 * so that is tfjs WebGPU's only read-back there, and it waits for the GPU to finish.
 */
async function timeCalls(warmup: number, reps: number, call: () => Promise<void>): Promise<{ ms: number; calls: number }> {
  const times: number[] = [];
  for (let i = 0; i < warmup + reps; i++) {
    const t0 = performance.now();
    await call();
    if (i >= warmup) times.push(performance.now() - t0);
  }
  return { ms: median(times), calls: times.length };
}

async function timeInference(
  model: tf.LayersModel,
  key: GpuModel,
  batch: number,
  size: number,
  range: readonly [number, number],
  flopsPerImage: number,
  plan: TorchPlan,
): Promise<GpuInferenceRow> {
  const x = tf.randomUniform([batch, size, size, 3], range[0], range[1], 'float32', 11);
  try {
    // batchSize = the batch: predict() would otherwise cut it into 32s.
    const t = await timeCalls(plan.warmup, plan.reps, async () => {
      const y = model.predict(x, { batchSize: batch }) as tf.Tensor;
      await y.data();
      y.dispose();
    });
    const framesPerS = (batch * 1000) / t.ms;
    return { model: key, batch, size, msPerCall: t.ms, framesPerS, gflops: (flopsPerImage * framesPerS) / 1e9, calls: t.calls };
  } finally {
    x.dispose();
  }
}

/** A train step as the trainer takes it, ready to call repeatedly, with `kernels`' filter gradients; `dispose` frees what it holds and puts EndoLens's back. */
interface PreparedStep {
  step: () => Promise<void>;
  trainableLayerNames: string[];
  dispose: () => void;
}

/**
 * The trainer's step (training/src/schedule/trainer.ts): the split's frozen part predicted in
 * inference mode, then Adam minimising the tail's categorical cross-entropy in training mode, the
 * loss read back.
 */
function prepareStep(
  classifier: tf.LayersModel,
  backboneLayerCount: number,
  phase: TrainPhase,
  kernels: FilterKernels,
  size: number,
  range: readonly [number, number],
  batch: number,
): PreparedStep {
  const unfreeze = phase === 'head' ? 0 : phase === 'last13' ? 13 : backboneLayerCount - 1;
  const split = splitForTraining(classifier, backboneLayerCount, unfreeze);
  const optimizer = tf.train.adam(1e-4, 0.9, 0.999);
  const vars = split.trainable.trainableWeights.map((w) => w.read() as tf.Variable);
  const classes = classifier.outputs[0].shape[1] as number;
  const x = tf.randomUniform([batch, size, size, 3], range[0], range[1], 'float32', 12);
  const y = tf.tidy(() =>
    tf.oneHot(
      tf.tensor1d(
        Array.from({ length: batch }, (_, i) => i % classes),
        'int32',
      ),
      classes,
    ),
  );
  registerWebGpuTrainingKernels(kernels);
  return {
    trainableLayerNames: split.trainableLayerNames,
    step: async () => {
      const features = tf.tidy(() => split.frozen.predict(x, { batchSize: batch }));
      const loss = optimizer.minimize(
        () => {
          const probs = split.trainable.apply(features, { training: true }) as tf.Tensor;
          return tf.mean<tf.Scalar>(tf.metrics.categoricalCrossentropy(y, probs));
        },
        true,
        vars,
      ) as tf.Scalar;
      await loss.data();
      // With every layer trainable the frozen part is the identity: its "features" are x itself.
      tf.dispose([...(Array.isArray(features) ? features : [features]).filter((f) => f !== x), loss]);
    },
    dispose: () => {
      tf.dispose([x, y]);
      optimizer.dispose();
      // The tail re-applied the classifier's layers; the frozen part shares its weights and must not be disposed (trainer.ts dropRuntime).
      split.trainable.dispose();
      registerWebGpuTrainingKernels('endolens'); // what the trainer uses
    },
  };
}

async function timeTrain(
  classifier: tf.LayersModel,
  backboneLayerCount: number,
  key: GpuModel,
  phase: TrainPhase,
  kernels: FilterKernels,
  size: number,
  range: readonly [number, number],
  macs: ReturnType<typeof layerMacs>,
  plan: TorchPlan,
): Promise<GpuTrainRow> {
  const batch = plan.trainBatch;
  const prepared = prepareStep(classifier, backboneLayerCount, phase, kernels, size, range, batch);
  try {
    const t = await timeCalls(plan.warmup, plan.trainReps, prepared.step);
    const tail = sumMacs(macs, prepared.trainableLayerNames);
    const flopsPerImage = 2 * (sumMacs(macs) - tail + 3 * tail);
    const imagesPerS = (batch * 1000) / t.ms;
    return {
      model: key,
      phase,
      trainableLayers: prepared.trainableLayerNames.length,
      batch,
      size,
      msPerStep: t.ms,
      imagesPerS,
      gflops: (flopsPerImage * imagesPerS) / 1e9,
      steps: t.calls,
      kernels,
    };
  } finally {
    prepared.dispose();
  }
}

/** GPU time per kernel name over one all-layers step (after one untimed step), slowest `top` first. */
async function profileAllLayersStep(
  classifier: tf.LayersModel,
  backboneLayerCount: number,
  key: GpuModel,
  kernels: FilterKernels,
  size: number,
  range: readonly [number, number],
  batch: number,
  top = 8,
): Promise<GpuKernelProfile> {
  const prepared = prepareStep(classifier, backboneLayerCount, 'all', kernels, size, range, batch);
  try {
    await prepared.step();
    let pending: Promise<void> | undefined;
    const info = await tf.profile(() => {
      pending = prepared.step();
    });
    await pending;
    const byName = new Map<string, { calls: number; ms: number }>();
    let unavailable: string | undefined;
    for (const k of info.kernels) {
      const ms = k.kernelTimeMs as number | { error: string };
      if (typeof ms !== 'number') {
        unavailable = ms.error;
        continue;
      }
      const entry = byName.get(k.name) ?? { calls: 0, ms: 0 };
      entry.calls += 1;
      entry.ms += ms;
      byName.set(k.name, entry);
    }
    const rows = [...byName].map(([name, v]) => ({ name, ...v })).sort((a, b) => b.ms - a.ms);
    if (unavailable !== undefined && rows.length === 0) return { model: key, kernels, top: [], unavailable };
    return { model: key, kernels, totalMs: rows.reduce((sum, r) => sum + r.ms, 0), top: rows.slice(0, top) };
  } finally {
    prepared.dispose();
  }
}

/** Steps with convolutions to train run with both kernel sets, EndoLens's first. */
const kernelSetsFor = (phase: TrainPhase): FilterKernels[] => (phase === 'head' ? ['endolens'] : ['endolens', 'stock']);

export async function runGpuBench(o: GpuBenchOptions = {}): Promise<GpuResult> {
  const log = o.log ?? ((m: string) => console.log(m));
  const quick = o.quick ?? false;
  const t0 = performance.now();
  const modelDir = resolve(o.modelDir ?? DEFAULT_MODEL_DIR);
  const bundle = await loadStored(modelDir);
  const meta = bundle.metadata;
  const plan = planFor(quick, meta.input.size, meta.classes.length, meta.backbone?.alpha ?? 0.35);
  const result: GpuResult = {
    status: 'skipped',
    startedAt: new Date().toISOString(),
    wallS: 0,
    mode: quick ? 'quick' : 'full',
    versions: { node: process.version, tfjs: tf.version.tfjs, webgpu: webgpuVersion() },
    machine: { cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', loadAvg: loadavg() },
    plan,
    models: {},
    inference: [],
    train: [],
    profiles: [],
    errors: [],
    notes: [],
  };
  const env = o.allowSoftware ? { ...process.env, [ALLOW_SOFTWARE_WEBGPU_ENV]: '1' } : process.env;
  try {
    const choice = await initBackend('webgpu', env);
    result.adapter = choice.adapter;
    result.backendNote = choice.note;
    result.software = choice.adapter && softwareAdapterReason(choice.adapter);
  } catch (e) {
    result.reason = reasonOf(e);
    result.wallS = (performance.now() - t0) / 1000;
    log(`GPU: none here: ${result.reason}; skipped`);
    return result;
  }
  result.status = 'measured';
  log(`GPU: ${result.backendNote}${result.software ? ' (SOFTWARE: a functional check, not a GPU result)' : ''}`);
  const tensorsBefore = tf.memory().numTensors;
  const attempt = async <T>(what: string, fn: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await fn();
    } catch (e) {
      const msg = `${what}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`;
      result.errors.push(msg);
      log(`GPU: FAILED ${msg}`);
      return undefined;
    }
  };

  // (a) + (c), the embedded model: inference as the app runs it (BN folded, src/inference/fold-batchnorm.ts);
  // training on the stored (unfolded) graph, which is what the trainer and the Teach view train.
  const range = meta.input.range;
  const embedded = await tf.loadLayersModel(tf.io.fromMemory(bundle.artifacts));
  const embeddedMacs = layerMacs(embedded);
  const embeddedFlops = 2 * sumMacs(embeddedMacs);
  result.models.embedded = {
    label: `${meta.name} ${meta.version}`,
    params: embedded.countParams(),
    forwardGflopsPerImage: embeddedFlops / 1e9,
  };
  const folded = await tf.loadLayersModel(tf.io.fromMemory(foldForInference(bundle.artifacts, [])));
  for (const b of plan.embeddedBatches) {
    const r = await attempt(`embedded inference b${b}`, () =>
      timeInference(folded, 'embedded', b, plan.embeddedSize, range, embeddedFlops, plan),
    );
    if (!r) continue;
    result.inference.push(r);
    log(`GPU embedded inference b${b}: ${r.msPerCall.toFixed(2)} ms, ${rate(r.framesPerS)} frames/s, ${rate(r.gflops)} GFLOP/s`);
  }
  folded.dispose();
  const headNames = embedded.layers.slice(-HEAD_LAYER_COUNT).map((l) => l.name);
  if (headNames.join() !== Object.values(HEAD_LAYERS).join()) {
    result.errors.push(`embedded training: the model does not end in the EndoLens head (${headNames.join(', ')})`);
  } else {
    const backboneLayers = embedded.layers.length - HEAD_LAYER_COUNT;
    for (const phase of PHASES) {
      for (const kernels of kernelSetsFor(phase)) {
        const r = await attempt(`embedded train ${phase} (${kernels})`, () =>
          timeTrain(embedded, backboneLayers, 'embedded', phase, kernels, plan.embeddedSize, range, embeddedMacs, plan),
        );
        if (!r) continue;
        result.train.push(r);
        log(`GPU embedded train ${phase} b${r.batch} (${kernels}): ${rate(r.imagesPerS)} img/s, ${rate(r.gflops)} GFLOP/s`);
      }
    }
    for (const kernels of kernelSetsFor('all')) {
      const p = await attempt(`embedded profile (${kernels})`, () =>
        profileAllLayersStep(embedded, backboneLayers, 'embedded', kernels, plan.embeddedSize, range, plan.trainBatch),
      );
      if (p) result.profiles.push(p);
    }
  }
  embedded.dispose();

  // (b) + (c), ResNet50V2 + head: the trainer's builder, seeded random weights (the timing does not depend on their values).
  const base = buildBackbone({ name: 'resnet50v2', inputSize: plan.resnetSize, seed: 1 });
  const resnet = buildClassifier(base, plan.classes, { seed: 2 });
  const resnetMacs = layerMacs(resnet);
  const resnetFlops = 2 * sumMacs(resnetMacs);
  result.models.resnet50v2 = {
    label: 'ResNet50V2 + head (random weights)',
    params: resnet.countParams(),
    forwardGflopsPerImage: resnetFlops / 1e9,
  };
  for (const b of plan.resnetBatches) {
    const r = await attempt(`resnet50v2 inference b${b}`, () =>
      timeInference(resnet, 'resnet50v2', b, plan.resnetSize, [-1, 1], resnetFlops, plan),
    );
    if (!r) continue;
    result.inference.push(r);
    log(`GPU ResNet50V2 inference b${b}: ${r.msPerCall.toFixed(2)} ms, ${rate(r.framesPerS)} frames/s, ${rate(r.gflops)} GFLOP/s`);
  }
  for (const phase of PHASES) {
    for (const kernels of kernelSetsFor(phase)) {
      const r = await attempt(`resnet50v2 train ${phase} (${kernels})`, () =>
        timeTrain(resnet, base.layers.length, 'resnet50v2', phase, kernels, plan.resnetSize, [-1, 1], resnetMacs, plan),
      );
      if (!r) continue;
      result.train.push(r);
      log(`GPU ResNet50V2 train ${phase} b${r.batch} (${kernels}): ${rate(r.imagesPerS)} img/s, ${rate(r.gflops)} GFLOP/s`);
    }
  }
  for (const kernels of kernelSetsFor('all')) {
    const p = await attempt(`resnet50v2 profile (${kernels})`, () =>
      profileAllLayersStep(resnet, base.layers.length, 'resnet50v2', kernels, plan.resnetSize, [-1, 1], plan.trainBatch),
    );
    if (p) result.profiles.push(p);
  }
  resnet.dispose();
  result.leakedTensors = tf.memory().numTensors - tensorsBefore;

  // The reference last, once tfjs is done with the GPU.
  if (o.torch === false) result.torch = { ran: false, reason: 'not asked for (--no-torch)' };
  else {
    log('GPU: PyTorch reference (bench/torch_ref.py) ...');
    result.torch = await runTorchRef(o.python ?? 'python3', o.torchScript ?? DEFAULT_TORCH_SCRIPT, plan, (quick ? 10 : 15) * 60_000);
    if (!result.torch.ran) log(`GPU: PyTorch reference skipped: ${result.torch.reason}`);
  }
  result.notes.push(
    `Timing: ${plan.warmup} untimed call(s) then the median of ${plan.reps} (inference) or ${plan.trainReps} (train steps); every call reads its result back with await data() (Node has no OffscreenCanvas for dataSync on WebGPU). ` +
      'Inference: the embedded model as the app runs it (BatchNormalization folded into the convolutions), predict() with batchSize = the batch. ' +
      `Train steps, batch ${plan.trainBatch}: the trainer's split (training/src/models/split.ts) - the frozen part predicted in inference mode, Adam(1e-4) on the tail's categorical cross-entropy in training mode, the loss read back; "all layers" = every backbone layer after the input. ` +
      'GFLOP/s: conv/dense multiply-accumulates x 2 from the layer shapes; a train step counts the trainable layers 3 times (forward + backward). ' +
      'Filter gradients: "EndoLens" = training/src/kernels/webgpu-backprop.ts (what the trainer registers), "tfjs stock" = tfjs-backend-webgpu\'s own, in the same run; ' +
      'the profile is one all-layers step under tf.profile after one untimed step, GPU time per kernel from timestamp queries (composite kernels count as one).',
  );
  result.wallS = (performance.now() - t0) / 1000;
  return result;
}

function table(head: string[], rows: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)].join('\n');
}

/** The section's markdown: adapter, then inference and train-step tables with PyTorch beside them. */
export function renderGpuReport(r: GpuResult): string {
  if (r.status === 'skipped') return `### GPU (tfjs WebGPU in Node)\n\nGPU: none here: ${r.reason ?? '?'}; skipped.`;
  const torch = r.torch?.ran ? r.torch : undefined;
  const name = (m: GpuModel) =>
    m === 'embedded' ? `embedded (${r.models.embedded?.label ?? '?'}, BN folded)` : 'ResNet50V2 + head (random weights)';
  const lines = [
    `### GPU (tfjs WebGPU in Node)${r.software ? ': SOFTWARE adapter, a functional check, not a GPU result' : ''}`,
    '',
    `${r.backendNote ?? ''}; Node ${r.versions.node}, tfjs ${r.versions.tfjs}, webgpu (Dawn) ${r.versions.webgpu}; ${r.mode} sizes; ${f(r.wallS)} s.`,
    '',
  ];
  if (torch)
    lines.push(
      `PyTorch reference: torch ${torch.torch}, torchvision ${torch.torchvision ?? 'not importable'}, on ${torch.device === 'cuda' ? `CUDA ${torch.deviceName}` : `the CPU (${torch.threads} threads): the tfjs/PyTorch ratio is NOT the target's (same GPU)`}; ${torch.settings}. ` +
        `ResNet50V2 is compared with ${torch.models.resnet50v2 ?? '?'}, the embedded model with ${torch.models.embedded ?? '?'}. Ratio = tfjs throughput / PyTorch throughput.`,
      '',
    );
  else lines.push(`PyTorch reference: skipped (${r.torch && !r.torch.ran ? r.torch.reason : 'not run'}).`, '');
  lines.push(
    table(
      ['inference', 'batch', 'ms per call', 'frames/s', 'GFLOP/s', 'PyTorch ms', 'tfjs/PyTorch'],
      r.inference.map((i) => {
        const p = torch?.inference.find((t) => t.model === i.model && t.batch === i.batch);
        return [
          name(i.model),
          `${i.batch}${i.size === 224 ? '' : ` (${i.size} px)`}`,
          f(i.msPerCall, 2),
          rate(i.framesPerS),
          rate(i.gflops),
          f(p?.msPerCall, 2),
          p ? rate(p.msPerCall / i.msPerCall) : '-',
        ];
      }),
    ),
    '',
    table(
      [
        'train step',
        'filter gradients',
        'batch',
        'trainable layers',
        'ms per step',
        'img/s',
        'GFLOP/s',
        'PyTorch img/s',
        'tfjs/PyTorch',
        'EndoLens/stock',
      ],
      r.train.map((t) => {
        const p = torch?.train.find((q) => q.model === t.model && q.phase === t.phase);
        const stock = r.train.find((q) => q.model === t.model && q.phase === t.phase && q.kernels === 'stock');
        return [
          `${t.model === 'embedded' ? 'embedded' : 'ResNet50V2 + head'}: ${PHASE_LABEL[t.phase]}`,
          KERNELS_LABEL[t.kernels],
          `${t.batch}${t.size === 224 ? '' : ` (${t.size} px)`}`,
          String(t.trainableLayers),
          f(t.msPerStep, 1),
          rate(t.imagesPerS),
          rate(t.gflops),
          rate(p?.imagesPerS),
          p ? rate(t.imagesPerS / p.imagesPerS) : '-',
          stock && t.kernels === 'endolens' ? rate(t.imagesPerS / stock.imagesPerS) : '-',
        ];
      }),
    ),
  );
  if (r.profiles.length) {
    lines.push(
      '',
      table(
        ['all-layers step, GPU time per kernel', 'filter gradients', 'total ms', 'slowest kernels: ms (calls)'],
        r.profiles.map((p) => [
          p.model === 'embedded' ? 'embedded' : 'ResNet50V2 + head',
          KERNELS_LABEL[p.kernels],
          p.unavailable ? `- (${p.unavailable})` : f(p.totalMs, 1),
          p.top.map((k) => `${k.name} ${f(k.ms, 1)} (${k.calls})`).join(', '),
        ]),
      ),
    );
  }
  if (r.errors.length) lines.push('', `Failed: ${r.errors.join('; ')}`);
  lines.push('', `Tensors leaked: ${r.leakedTensors ?? '?'}. ${r.notes.join(' ')}`);
  return lines.join('\n');
}

// Run directly (the pack runs the bundled copy the same way): print the section, write JSON + markdown.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      'allow-software': { type: 'boolean', default: false },
      model: { type: 'string', default: DEFAULT_MODEL_DIR },
      out: { type: 'string' },
      python: { type: 'string', default: 'python3' },
      'no-torch': { type: 'boolean', default: false },
    },
  });
  const r = await runGpuBench({
    quick: values.quick,
    allowSoftware: values['allow-software'],
    modelDir: values.model,
    torch: !values['no-torch'],
    python: values.python,
  });
  const report = renderGpuReport(r);
  console.log(`\n${report}`);
  // A skip is written only where a folder was named ($OUT on a GPU machine): there it is the answer.
  const out = values.out ?? (process.env.OUT || undefined) ?? (r.status === 'measured' ? resolve(here, '..', 'bench-results') : undefined);
  if (out) {
    mkdirSync(out, { recursive: true });
    const file = join(out, `gpu-${r.startedAt.replace(/[:.]/g, '-')}`);
    writeFileSync(`${file}.json`, JSON.stringify({ ...r, report }, null, 2));
    writeFileSync(`${file}.md`, `${report}\n`);
    console.log(`results: ${file}.json`);
  }
  // Dawn's device keeps the event loop alive; a failed case is an error even though the rest ran.
  process.exit(r.errors.length ? 1 : 0);
}
