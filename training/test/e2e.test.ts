/**
 * The whole schedule (1 warm-up + 1 fine-tune epoch) on a tiny dataset this test draws, through
 * the entry point the CLI uses; then the export is checked from the app's side: validateMetadata
 * and tf.loadLayersModel over tfjs's own http loader (fed from the files, as a browser fetches them).
 * A second run is interrupted after its first epoch, resumed, and must end exactly where the first did.
 */
import * as tf from '@tensorflow/tfjs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { centroidDistance, isUnfamiliar } from '../../src/core/familiarity.ts';
import { validateMetadata } from '../../src/core/metadata.ts';
import { addExtraTrain, loadDataset, loadImageFolder, sourceOf } from '../src/data/index.ts';
import { evaluatePrevious } from '../src/export/previous.ts';
import { computeMetrics } from '../src/evaluate/index.ts';
import { fileSaveHandler } from '../src/export/io.ts';
import { buildBackbone } from '../src/models/index.ts';
import { imageBatch, identityOrder } from '../src/schedule/batches.ts';
import { resumeTraining, runTraining, RunInterrupted, type TrainResult } from '../src/train.ts';
import type { RunMeta } from '../src/track/index.ts';
import { readJson } from './helpers/json.ts';
import { orderedWeights } from '../src/schedule/state.ts';

const CLASSES = ['0_red', '1_green', '2_blue'];
const PER_SPLIT = { train: 4, val: 2, test: 2 };
const SIZE = 32;
let root: string;

/** A 48x40 picture: the class's colour with stripes (orientation per class) and per-image noise. */
async function drawImage(path: string, cls: number, n: number): Promise<void> {
  const w = 48;
  const h = 40;
  const px = Buffer.alloc(w * h * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const stripe = (cls === 1 ? x : cls === 2 ? x + y : y) % 8 < 4 ? 1 : 0.6;
      for (let c = 0; c < 3; c++) {
        const base = c === cls ? 220 : 50;
        px[(y * w + x) * 3 + c] = Math.round(base * stripe + ((x * 7 + y * 13 + n * 31 + c * 17) % 23));
      }
    }
  }
  await sharp(px, { raw: { width: w, height: h, channels: 3 } })
    .png()
    .toFile(path);
}

/** A grey checkerboard: like nothing in any class (for --report-unfamiliar). */
async function drawUnknown(path: string, n: number): Promise<void> {
  const w = 40;
  const px = Buffer.alloc(w * w * 3);
  for (let y = 0; y < w; y++)
    for (let x = 0; x < w; x++) px.fill(((x >> 2) + (y >> 2) + n) % 2 ? 235 : 15, (y * w + x) * 3, (y * w + x) * 3 + 3);
  await sharp(px, { raw: { width: w, height: w, channels: 3 } })
    .png()
    .toFile(path);
}

async function makeDataset(dir: string): Promise<void> {
  for (const [split, count] of Object.entries(PER_SPLIT)) {
    for (let c = 0; c < CLASSES.length; c++) {
      const folder = join(dir, split, CLASSES[c]);
      await mkdir(folder, { recursive: true });
      // Two "sources" by file-name prefix, for per-source metrics.
      for (let i = 0; i < count; i++) await drawImage(join(folder, `${i % 2 ? 'camb' : 'cama'}_${split}${c}${i}.png`), c, i + c * 10);
    }
  }
}

/**
 * Starting weights for the backbone, saved as a tfjs layers model (a --weights PATH source).
 * A randomly initialised MobileNetV2 in inference mode shrinks its features to ~1e-11 (batch norm
 * with unit moving variance after every layer), which would make every prediction uniform and this
 * test blind. So each batch norm's moving statistics are set once to the statistics of a batch of
 * the training images (one training-mode pass with momentum 0), as pretrained weights would have.
 */
async function makeStartingWeights(dir: string, dataDir: string): Promise<void> {
  await tf.setBackend('cpu');
  const backbone = buildBackbone({ name: 'mobilenetv2', inputSize: SIZE, alpha: 0.35, seed: 11 });
  const data = await loadDataset(dataDir, { inputSize: SIZE });
  const bns = backbone.layers.filter((l) => l.getClassName() === 'BatchNormalization') as unknown as Array<{ momentum: number }>;
  bns.forEach((l) => (l.momentum = 0));
  tf.tidy(() => {
    backbone.apply(imageBatch(data.train, identityOrder(data.train.count), SIZE, [-1, 1]), { training: true });
  });
  bns.forEach((l) => (l.momentum = 0.99));
  await mkdir(dir, { recursive: true });
  await backbone.save(fileSaveHandler(dir));
  backbone.dispose();
}

/** tfjs's browser loader (tf.io.http) with fetch answered from the export folder. */
function browserLikeHandler(dir: string): tf.io.IOHandler {
  const fetchFunc = async (input: string | URL | Request) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const name = new URL(url).pathname.split('/').pop() as string;
    const body = await readFile(join(dir, name));
    return new Response(body, {
      status: 200,
      headers: { 'content-type': name.endsWith('.json') ? 'application/json' : 'application/octet-stream' },
    });
  };
  return tf.io.http('http://app.invalid/model/model.json', { fetchFunc });
}

const base = () => ({
  data: join(root, 'data'),
  extraTrain: [join(root, 'extra')],
  reportUnfamiliar: [join(root, 'unknown')],
  backbone: 'mobilenetv2' as const,
  weights: join(root, 'start-weights'),
  alpha: 0.35,
  inputSize: SIZE,
  warmupEpochs: 1,
  epochs: 1,
  unfreeze: 13,
  batchSize: 4,
  seed: 3,
  backend: 'cpu' as const,
  runsDir: join(root, 'runs'),
  name: 'EndoLens e2e',
});

describe('end to end: train, export, load as the app does', () => {
  let first: TrainResult;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'endolens-e2e-'));
    await makeDataset(join(root, 'data'));
    for (let c = 0; c < CLASSES.length; c++) {
      await mkdir(join(root, 'extra', CLASSES[c]), { recursive: true });
      await drawImage(join(root, 'extra', CLASSES[c], `camc_extra${c}.png`), c, 50 + c);
    }
    await mkdir(join(root, 'unknown'), { recursive: true });
    for (let n = 0; n < 3; n++) await drawUnknown(join(root, 'unknown', `board${n}.png`), n);
    await makeStartingWeights(join(root, 'start-weights'), join(root, 'data'));
    first = await runTraining({ ...base(), export: join(root, 'export-a'), runId: 'a' });
  }, 120_000); // vitest's 10 s hook default is too short for a training run on a busy machine
  afterAll(async () => {
    first?.dispose();
    await rm(root, { recursive: true, force: true });
  });

  it('trains both phases and writes the run folder', async () => {
    expect(first.history.map((r) => [r.phase, r.epoch])).toEqual([
      ['warmup', 1],
      ['finetune', 2],
    ]);
    expect(first.history.every((r) => Number.isFinite(r.loss) && Number.isFinite(r.valLoss))).toBe(true);
    const runDir = join(root, 'runs', 'a');
    expect((await readJson<RunMeta>(join(runDir, 'meta.json'))).status).toBe('FINISHED');
    expect((await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);
    const artifacts = await readdir(join(runDir, 'artifacts'));
    for (const f of ['evaluation.json', 'curves.json', 'curves-loss.svg', 'curves-accuracy.svg', 'data-report.json', 'checkpoint'])
      expect(artifacts).toContain(f);
    const evaluation = await readJson<{ test: { count: number; perSource: Record<string, unknown> } }>(
      join(runDir, 'artifacts', 'evaluation.json'),
    );
    expect(evaluation.test.count).toBe(PER_SPLIT.test * CLASSES.length);
    expect(Object.keys(evaluation.test.perSource).sort()).toEqual(['cama', 'camb']);
  });

  it('exports metadata the app accepts, describing the exported model', async () => {
    const dir = join(root, 'export-a');
    const metadata = validateMetadata(JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')));
    expect(metadata.classes.map((c) => c.name)).toEqual(CLASSES);
    expect(metadata.input).toMatchObject({ size: SIZE, range: [-1, 1] });
    expect(metadata.backbone).toMatchObject({ name: 'mobilenetv2', alpha: 0.35, weights: 'start-weights' });
    expect(metadata.dataset.counts.test).toEqual({ '0_red': 2, '1_green': 2, '2_blue': 2 });
    // --extra-train: one more training image per class, recorded with its source; val and test untouched.
    expect(metadata.dataset.counts.train).toEqual({ '0_red': 5, '1_green': 5, '2_blue': 5 });
    expect(metadata.dataset.extraTrain).toEqual([
      { name: 'extra', counts: { '0_red': 1, '1_green': 1, '2_blue': 1 }, sources: { camc: 3 } },
    ]);
    expect(metadata.dataset.trainSources).toEqual({ cama: 6, camb: 6, camc: 3 });
    expect(metadata.dataset.description).toMatch(/train 15 \(3 of them from extra training folder\(s\) extra\)/);
    expect(metadata.intendedUse).toMatch(/^Research tool, not a medical device/);
    expect(metadata.calibration).toMatchObject({ method: 'temperature', split: 'val' });
    expect(metadata.calibration?.temperature).toBeGreaterThan(0);
    expect(metadata.lowConfidenceThreshold).toBeGreaterThanOrEqual(1 / 3);
    expect(metadata.curves).toHaveLength(2);
    expect(metadata.training).toMatchObject({ seed: 3, backend: expect.stringMatching(/^cpu/) as unknown });
    expect(metadata.training?.config).toMatchObject({ warmupEpochs: 1, epochs: 1, batchSize: 4, unfreeze: 13 });

    // The app's loader on the exported files, and the trainer's own model, on the same inputs.
    const loaded = await tf.loadLayersModel(browserLikeHandler(dir));
    const data = await loadDataset(join(root, 'data'), { inputSize: SIZE });
    const x = imageBatch(data.test, identityOrder(data.test.count), SIZE, [-1, 1]);
    const fromExport = (loaded.predict(x) as tf.Tensor).dataSync() as Float32Array;
    const fromTrainer = (first.model.predict(x) as tf.Tensor).dataSync();
    const diff = Math.max(...Array.from(fromExport).map((v, i) => Math.abs(v - fromTrainer[i])));
    expect(diff).toBeLessThanOrEqual(1e-5);
    // ...and the predictions depend on the image (a blind model would make the comparison empty).
    const firstRow = Array.from(fromExport.slice(0, 3));
    const spread = Math.max(...Array.from(fromExport).map((v, i) => Math.abs(v - firstRow[i % 3])));
    expect(spread).toBeGreaterThan(1e-2);
    // metadata.json's test metrics are those of the exported model.
    const recomputed = computeMetrics(data.test.labels, fromExport, data.classNames, { sources: data.test.files.map(sourceOf) });
    expect(metadata.metrics?.test?.accuracy).toBe(recomputed.accuracy);
    expect(metadata.metrics?.test?.confusion).toEqual(recomputed.confusion);
    expect(metadata.metrics?.test?.loss).toBeCloseTo(recomputed.loss, 6);
    // The unfamiliar-frame check, applied the app's way (src/core) to the exported model's features,
    // flags exactly the share of test frames the metadata reports.
    // The check reads the last feature map's per-channel mean and spread; here they are computed in
    // plain loops from that map (not through src/core's pooling layer) and compared with centroids.
    const check = metadata.familiarity;
    if (!check) throw new Error('the export has no familiarity check');
    expect(check.centroids).toHaveLength(CLASSES.length);
    expect(check).toMatchObject({ layer: 'out_relu', pooling: 'mean-std', quantile: 0.95, neverLearned: ['unknown'] });
    const mapModel = tf.model({ inputs: loaded.inputs, outputs: loaded.getLayer(check.layer).output });
    const meanStd = async (input: tf.Tensor4D) => {
      const out = mapModel.predict(input) as tf.Tensor4D;
      const [n, h, w, c] = out.shape;
      const v = await out.data();
      out.dispose();
      return Array.from({ length: n }, (_, i) => {
        const mean = new Array<number>(c).fill(0);
        const sq = new Array<number>(c).fill(0);
        for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) mean[k] += v[(i * h * w + p) * c + k] / (h * w);
        for (let p = 0; p < h * w; p++) for (let k = 0; k < c; k++) sq[k] += (v[(i * h * w + p) * c + k] - mean[k]) ** 2 / (h * w);
        return [...mean, ...sq.map(Math.sqrt)];
      });
    };
    const flaggedShare = (features: number[][]) =>
      features.filter((f) => isUnfamiliar(centroidDistance(f, check.centroids), check)).length / features.length;
    expect(check.centroids[0]).toHaveLength(2 * (mapModel.outputs[0].shape[3] as number));
    expect(flaggedShare(await meanStd(x))).toBe(check.flaggedShare.test);
    const unknown = await loadImageFolder(join(root, 'unknown'), { inputSize: SIZE, concurrency: 2 });
    const ux = imageBatch(unknown, identityOrder(unknown.count), SIZE, [-1, 1]);
    expect(flaggedShare(await meanStd(ux))).toBe(check.flaggedShare.unknown);
    // Centroids: each class's training mean of those features (extra images included), unit length.
    const train = await addExtraTrain(data, join(root, 'data'), [join(root, 'extra')], { inputSize: SIZE, concurrency: 2 });
    const tx = imageBatch(train.train, identityOrder(train.train.count), SIZE, [-1, 1]);
    const trainFeatures = await meanStd(tx);
    CLASSES.forEach((_, c) => {
      const rows = trainFeatures.filter((__, i) => train.train.labels[i] === c);
      const sum = rows[0].map((___, k) => rows.reduce((a, r) => a + r[k], 0));
      const norm = Math.hypot(...sum);
      sum.forEach((v, k) => expect(check.centroids[c][k]).toBeCloseTo(v / norm, 5));
    });
    tf.dispose([ux, tx]);

    // --compare-with: the same export evaluated as a "previous" model gives its own numbers back.
    const previous = await evaluatePrevious(dir, data, { unknown }, 4);
    expect(previous).toMatchObject({ name: 'EndoLens e2e', version: metadata.version });
    expect(previous.metrics.test?.confusion).toEqual(metadata.metrics?.test?.confusion);
    expect(previous.familiarity?.flaggedShare).toEqual({
      val: check.flaggedShare.val,
      test: check.flaggedShare.test,
      unknown: check.flaggedShare.unknown,
    });
    tf.dispose(x);
    loaded.dispose();
  });

  it('an interrupted run resumes from its last finished epoch and ends where the uninterrupted run did', async () => {
    const controller = new AbortController();
    const options = { ...base(), export: join(root, 'export-b'), runId: 'b' };
    const interrupted = runTraining(options, {
      signal: controller.signal,
      afterEpoch: (done) => (done === 1 ? controller.abort() : undefined),
    });
    await expect(interrupted).rejects.toBeInstanceOf(RunInterrupted);
    await expect(interrupted).rejects.toThrow(/Resume with: npm run train -- --resume .*runs\/b/);
    const runDir = join(root, 'runs', 'b');
    expect((await readJson<RunMeta>(join(runDir, 'meta.json'))).status).toBe('KILLED');

    const tensorsBefore = tf.memory().numTensors;
    const resumed = await resumeTraining(runDir);
    try {
      expect(resumed.history).toEqual(first.history);
      const a = orderedWeights(first.model).map((w) => w.read().dataSync());
      const b = orderedWeights(resumed.model).map((w) => w.read().dataSync());
      expect(b.every((arr, i) => arr.every((v, j) => v === a[i][j]))).toBe(true);
      expect(resumed.export?.metadata.metrics).toEqual(first.export?.metadata.metrics);
      const meta = await readJson<RunMeta>(join(runDir, 'meta.json'));
      expect(meta.status).toBe('FINISHED');
      expect(meta.resumedAt).toHaveLength(1);
      expect((await readFile(join(runDir, 'metrics.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(2);
    } finally {
      resumed.dispose();
    }
    // Everything a run makes (split models, optimizer, best weights, the reloaded export) is freed.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('refuses to resume on data that changed since the run started', async () => {
    const controller = new AbortController();
    const run = runTraining(
      { ...base(), reportUnfamiliar: undefined, runId: 'c' },
      { signal: controller.signal, afterEpoch: () => controller.abort() },
    );
    await expect(run).rejects.toBeInstanceOf(RunInterrupted);
    await drawImage(join(root, 'data', 'val', CLASSES[0], 'cama_extra.png'), 0, 99);
    try {
      await expect(resumeTraining(join(root, 'runs', 'c'))).rejects.toThrow(/data at the run's --data path changed/);
    } finally {
      await rm(join(root, 'data', 'val', CLASSES[0], 'cama_extra.png'));
    }
  });
});
