/**
 * One training run end to end, the entry point the CLI and the end-to-end test share:
 * backend -> data -> model (+ weights) -> schedule (checkpoint after every epoch) -> best weights ->
 * evaluation on val and test -> run files -> optional export (calibrated, validated, reloaded and
 * re-evaluated as the app will load it).
 */
import * as tf from '@tensorflow/tfjs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EvalMetrics, ModelMetadata } from '../../src/core/metadata.ts';
import { augmentBatch, colourAugmentBatch } from './augment/index.ts';
import { DEFAULT_INPUT_RANGE } from '../../src/core/preprocess.ts';
import { initBackend, type BackendChoice } from './backend.ts';
import { addExtraTrain, DEFAULT_DECODE_CONCURRENCY, loadDataset, loadImageFolder, sourceOf, type Dataset, type ExtraTrainFolder, type SplitData } from './data/index.ts';
import { computeMetrics, expectedCalibrationError, fitTemperature, renderCurvesSvg } from './evaluate/index.ts';
import { bakeTemperature, lowConfidenceThreshold } from './export/calibration.ts';
import { fileSaveHandler, loadExportedModel } from './export/io.ts';
import { fitFamiliarityOn, sharesText } from './export/familiarity.ts';
import { buildMetadata, gitCommit } from './export/metadata.ts';
import { publishExport } from './export/publish.ts';
import { evaluatePrevious } from './export/previous.ts';
import { buildBackbone, buildClassifier } from './models/index.ts';
import { silentProgress, type ProgressSink } from './progress/epoch-progress.ts';
import { readCheckpoint, runCheckpointFolder, writeCheckpoint } from './schedule/checkpoint.ts';
import { BEST_WEIGHTS_POLICY, LOSS_NAME, phasesFor } from './schedule/phases.ts';
import { predictSplit } from './schedule/predict.ts';
import { Trainer, TrainingInterrupted, type AugmentFn, type TrainerSnapshot } from './schedule/trainer.ts';
import { newRunId, RunTracker } from './track/index.ts';
import { DEFAULT_OPTIONS, RESUMABLE_OVERRIDES, validateOptions, type TrainOptions } from './train-options.ts';
import { writeFileAtomic } from './util/atomic.ts';
import { alphaFromWeights, loadBackboneWeights } from './weights/index.ts';

export interface RunHooks {
  progress?: ProgressSink;
  /** Aborting stops training between batches; the last finished epoch's checkpoint stands. */
  signal?: AbortSignal;
  /** Called after each epoch's checkpoint is written. */
  afterEpoch?: (completedEpochs: number) => void | Promise<void>;
}

export interface TrainResult {
  runId: string;
  runDir: string;
  backend: BackendChoice;
  history: TrainerSnapshot['history'];
  best: { epoch: number; valLoss: number };
  /** The best weights, before calibration. */
  evaluation: { val: EvalMetrics; test: EvalMetrics };
  export?: { dir: string; metadata: ModelMetadata };
  /** The classifier as exported (temperature baked in when calibrated); dispose() frees it. */
  model: tf.LayersModel;
  classNames: string[];
  dispose(): void;
}

/** What a checkpoint carries besides tensors: the resolved options and the time trained so far. */
interface RunConfig {
  options: TrainOptions;
  elapsedSeconds: number;
  /** Class names and per-split counts the run trained on: resuming on other data is refused. */
  data?: { classNames: string[]; counts: Record<string, Record<string, number>> };
}

/** Thrown when a run stops early (Ctrl-C, abort); says how to continue. */
export class RunInterrupted extends Error {
  override name = 'RunInterrupted';
  constructor(
    readonly runDir: string,
    readonly completedEpochs: number,
  ) {
    super(
      completedEpochs > 0
        ? `Interrupted after ${completedEpochs} finished epoch(s); nothing half-written. Resume with: npm run train -- --resume ${runDir}`
        : `Interrupted before the first epoch finished: there is no checkpoint to resume${runDir ? ` (${runDir})` : ''}; start the run again.`,
    );
  }
}

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

function absolute(p: string | undefined): string | undefined {
  return p === undefined || isAbsolute(p) ? p : resolve(p);
}

/** Paths in options are made absolute (against the process's cwd) so a resumed run finds them anywhere. */
function resolvePaths(o: TrainOptions): TrainOptions {
  const isLocal = (w: string) => !['imagenet', 'none'].includes(w) && !/^[a-z]+:\/\//i.test(w);
  return {
    ...o,
    data: absolute(o.data) as string,
    ...(o.extraTrain ? { extraTrain: o.extraTrain.map((d) => absolute(d) as string) } : {}),
    ...(o.reportUnfamiliar ? { reportUnfamiliar: o.reportUnfamiliar.map((d) => absolute(d) as string) } : {}),
    compareWith: absolute(o.compareWith),
    runsDir: absolute(o.runsDir) as string,
    export: absolute(o.export),
    cacheDir: absolute(o.cacheDir),
    weights: isLocal(o.weights) ? (absolute(o.weights) as string) : o.weights,
  };
}

/** Flat params for the run tracker (MLflow params are strings). */
function paramsOf(o: TrainOptions): Record<string, string | number | boolean> {
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || k === 'command') continue;
    out[k] = Array.isArray(v) ? v.join(',') : (v as string | number | boolean);
  }
  return out;
}

function weightsLabel(weights: string): string {
  if (weights === 'imagenet' || weights === 'none' || /^[a-z]+:\/\//i.test(weights)) return weights;
  return basename(weights.replace(/[\\/]model\.json$/, ''));
}

export async function runTraining(options: Partial<TrainOptions> & Pick<TrainOptions, 'data'>, hooks: RunHooks = {}): Promise<TrainResult> {
  const opts = resolvePaths({ ...DEFAULT_OPTIONS, ...options } as TrainOptions);
  validateOptions(opts);
  return execute(opts, null, hooks);
}

/** Continues a run from its last checkpoint; only RESUMABLE_OVERRIDES may differ from the run's options. */
export async function resumeTraining(runDir: string, overrides: Partial<TrainOptions> = {}, hooks: RunHooks = {}): Promise<TrainResult> {
  const dir = resolve(runDir);
  const { snapshot, config } = await readCheckpoint<RunConfig>(runCheckpointFolder(dir));
  const bad = Object.keys(overrides).filter((k) => !(RESUMABLE_OVERRIDES as readonly string[]).includes(k));
  if (bad.length) {
    throw new Error(`--resume continues the run as it was configured; ${bad.map((k) => `--${k}`).join(', ')} cannot change (allowed: ${RESUMABLE_OVERRIDES.join(', ')}).`);
  }
  // The command that defined the run stays its command; each resume's command line is added to the list.
  const { command: resumeCommand, ...rest } = overrides;
  const resumedWith = [...(config.options.resumedWith ?? []), ...(resumeCommand ? [resumeCommand] : [])];
  const opts = resolvePaths({ ...config.options, ...rest, runsDir: dirname(dir), runId: basename(dir), resumedWith });
  validateOptions(opts);
  return execute(opts, { snapshot, elapsedSeconds: config.elapsedSeconds, data: config.data }, hooks);
}

interface ResumeState {
  snapshot: TrainerSnapshot;
  elapsedSeconds: number;
  data?: RunConfig['data'];
}

function checkSameData(before: NonNullable<RunConfig['data']>, now: Dataset): void {
  const was = JSON.stringify({ classNames: before.classNames, counts: before.counts });
  const is = JSON.stringify({ classNames: now.classNames, counts: now.report.counts });
  if (was !== is) {
    throw new Error(
      `The data at the run's --data path changed since the run started (classes/counts were ${was}, now ${is}); ` +
        'a resumed run must see the same images. Start a new run instead.',
    );
  }
}

async function execute(opts: TrainOptions, resume: ResumeState | null, hooks: RunHooks): Promise<TrainResult> {
  const started = performance.now();
  const progress = hooks.progress ?? silentProgress();
  const backend = await initBackend(opts.backend);
  progress.log(`backend: ${backend.name} (${backend.note})`);

  const concurrency = opts.concurrency ?? DEFAULT_DECODE_CONCURRENCY;
  const data = await addExtraTrain(await loadDataset(opts.data, { inputSize: opts.inputSize, concurrency }), opts.data, opts.extraTrain ?? [], { inputSize: opts.inputSize, concurrency });
  for (const f of data.extraTrain) progress.log(`extra training folder ${f.path}: ${Object.entries(f.counts).map(([c, n]) => `${c} ${n}`).join(', ')}` + (f.skipped.length ? `; ${f.skipped.length} file(s) skipped (see data-report.json)` : ''));
  if (hooks.signal?.aborted) throw new RunInterrupted('', 0);
  const { classNames } = data;
  if (resume?.data) checkSameData(resume.data, data);
  progress.log(`data: ${classNames.length} classes; train ${data.train.count}, val ${data.val.count}, test ${data.test.count}` + (data.report.skipped.length ? `; ${data.report.skipped.length} unreadable file(s) skipped (see data-report.json)` : ''));

  const alpha = opts.backbone === 'mobilenetv2' ? (opts.alpha ?? (await weightsAlpha(opts.weights))) : undefined;
  const backbone = buildBackbone({ name: opts.backbone, inputSize: opts.inputSize, alpha, seed: opts.seed });
  // A resumed run takes every weight from its checkpoint, so the source need not be reachable again.
  if (!resume && opts.weights !== 'none') {
    await loadBackboneWeights(backbone, opts.weights, { cacheDir: opts.cacheDir, backboneName: opts.backbone, alpha });
  }
  if (opts.unfreeze > backbone.layers.length - 1) {
    backbone.dispose();
    throw new RangeError(`--unfreeze ${opts.unfreeze} exceeds the ${backbone.layers.length - 1} layers of ${opts.backbone} after its input.`);
  }
  const classifier = buildClassifier(backbone, classNames.length, { seed: opts.seed });

  const runId = opts.runId ?? newRunId();
  const resolved: TrainOptions = { ...opts, runId, ...(alpha !== undefined ? { alpha } : {}) };
  const tracker = resume ? await RunTracker.open(resolve(opts.runsDir, runId)) : await RunTracker.create(opts.runsDir, paramsOf(resolved), { id: runId });
  const runDir = tracker.dir;
  await tracker.writeJson('data-report.json', { ...data.report, extraTrain: data.extraTrain });
  await tracker.writeJson('train-config.json', { ...resolved, bestWeights: BEST_WEIGHTS_POLICY, loss: LOSS_NAME });

  const phases = phasesFor(opts);
  const trainer = new Trainer({
    classifier,
    backboneLayerCount: backbone.layers.length,
    numClasses: classNames.length,
    inputSize: opts.inputSize,
    phases,
    batchSize: opts.batchSize,
    seed: opts.seed,
    train: data.train,
    val: data.val,
    augment: augmentFor(opts),
    labelSmoothing: opts.labelSmoothing,
  });

  let ok = false;
  try {
    if (resume) {
      await trainer.restore(resume.snapshot);
      // The log holds at most the checkpoint's epochs (it is appended after each checkpoint), but may
      // lack the last one if a crash fell between the two writes.
      await tracker.keepEpochs(trainer.completedEpochs);
      const logged = new Set((await tracker.readEpochs()).map((r) => r.epoch));
      for (const r of resume.snapshot.history) if (!logged.has(r.epoch)) await tracker.logEpoch({ ...r });
      progress.log(`resuming ${runDir} after epoch ${trainer.completedEpochs}/${trainer.totalEpochs}`);
    }
    const before = resume?.elapsedSeconds ?? 0;
    while (trainer.status !== 'finished') {
      if (hooks.signal?.aborted) throw new TrainingInterrupted(trainer.completedEpochs);
      const pos = trainer.nextEpoch;
      if (!pos) break;
      progress.startEpoch(`epoch ${pos.globalEpoch}/${trainer.totalEpochs} ${pos.phase.name}`, data.train.count);
      const t0 = performance.now();
      const record = await trainer.runEpoch({ signal: hooks.signal, onBatch: (p) => progress.batch(p) });
      const config: RunConfig = {
        options: resolved,
        elapsedSeconds: before + (performance.now() - started) / 1000,
        data: { classNames, counts: data.report.counts },
      };
      await writeCheckpoint(runCheckpointFolder(runDir), await trainer.snapshot(), config);
      await tracker.logEpoch({ ...record });
      const best = trainer.bestEpoch;
      progress.endEpoch(record, trainer.totalEpochs, (performance.now() - t0) / 1000, best?.epoch === record.epoch ? '(best so far, checkpointed)' : '(checkpointed)');
      await hooks.afterEpoch?.(trainer.completedEpochs);
    }

    const best = trainer.useBestWeights();
    progress.log(`best epoch: ${best.epoch} (val_loss ${best.valLoss.toFixed(4)}); evaluating on val and test`);
    const predictOpts = { inputSize: opts.inputSize, batchSize: opts.batchSize };
    const evaluate = (model: tf.LayersModel, split: SplitData) => {
      const { probs } = predictSplit(model, split, predictOpts);
      return { probs, metrics: computeMetrics(split.labels, probs, classNames, { sources: split.files.map(sourceOf) }) };
    };
    const val = evaluate(classifier, data.val);
    const test = evaluate(classifier, data.test);
    await tracker.writeJson('evaluation.json', { bestEpoch: best, bestWeights: BEST_WEIGHTS_POLICY, val: val.metrics, test: test.metrics });
    await tracker.writeJson('curves.json', trainer.history);
    await tracker.writeText('curves-loss.svg', renderCurvesSvg([...trainer.history], 'loss'));
    await tracker.writeText('curves-accuracy.svg', renderCurvesSvg([...trainer.history], 'accuracy'));
    progress.log(`test accuracy ${test.metrics.accuracy.toFixed(4)}, macro F1 ${test.metrics.macro.f1.toFixed(4)} (val accuracy ${val.metrics.accuracy.toFixed(4)})`);

    let exported: TrainResult['export'];
    if (opts.export) {
      exported = await exportRun({ opts: resolved, classifier, data, valProbs: val.probs, history: [...trainer.history], backend, started, before, progress });
      await tracker.writeJson('export-metadata.json', exported.metadata);
      progress.log(`exported to ${exported.dir}`);
    }
    await tracker.finish('FINISHED');
    ok = true;
    return {
      runId,
      runDir,
      backend,
      history: [...trainer.history],
      best,
      evaluation: { val: val.metrics, test: test.metrics },
      export: exported,
      model: classifier,
      classNames,
      dispose: () => classifier.dispose(),
    };
  } catch (err) {
    const interrupted = err instanceof TrainingInterrupted;
    await tracker.finish(interrupted ? 'KILLED' : 'FAILED').catch(() => undefined);
    if (interrupted) throw new RunInterrupted(runDir, (err as TrainingInterrupted).completedEpochs);
    throw err;
  } finally {
    progress.stop();
    trainer.dispose();
    if (!ok) classifier.dispose();
  }
}

/** Training-batch augmentation: colour jitter first (so the geometric fill stays the fill value), then Keras's affine. */
function augmentFor(opts: TrainOptions): AugmentFn | undefined {
  if (!opts.augment && !opts.colorAugment) return undefined;
  return (x, rng) =>
    tf.tidy(() => {
      const coloured = opts.colorAugment ? colourAugmentBatch(x, rng, DEFAULT_INPUT_RANGE) : x;
      return opts.augment ? augmentBatch(coloured, rng) : coloured;
    });
}

function countBy(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...keys].sort()) out[k] = (out[k] ?? 0) + 1;
  return out;
}

async function weightsAlpha(weights: string): Promise<number | undefined> {
  if (weights === 'none' || weights === 'imagenet') return undefined; // the builder's default (1.0)
  return (await alphaFromWeights(weights)) ?? undefined;
}

interface ExportInput {
  opts: TrainOptions;
  classifier: tf.LayersModel;
  data: Dataset & { extraTrain: ExtraTrainFolder[] };
  valProbs: Float32Array;
  history: TrainerSnapshot['history'];
  backend: BackendChoice;
  started: number;
  before: number;
  progress: ProgressSink;
}

/**
 * Calibrates (temperature on val, baked into `predictions`), writes the model, loads it back the
 * way the app does and evaluates THAT model, so metadata.json describes exactly what was exported
 * (calibrated, quantized if asked).
 */
async function exportRun(x: ExportInput): Promise<{ dir: string; metadata: ModelMetadata }> {
  const { opts, classifier, data, progress } = x;
  const k = data.classNames.length;
  let calibration: ModelMetadata['calibration'];
  if (opts.calibrate) {
    const temperature = fitTemperature(x.valProbs, data.val.labels, k);
    bakeTemperature(classifier, temperature);
    calibration = { method: 'temperature', temperature, eceBefore: expectedCalibrationError(x.valProbs, data.val.labels, k), eceAfter: Number.NaN, split: 'val' };
    progress.log(`calibration: temperature ${temperature.toFixed(3)} fitted on val`);
  }
  const dir = opts.export as string;
  const predictOpts = { inputSize: opts.inputSize, batchSize: opts.batchSize };
  const concurrency = opts.concurrency ?? DEFAULT_DECODE_CONCURRENCY;
  const neverLearned: Record<string, SplitData> = {};
  for (const d of opts.reportUnfamiliar ?? []) neverLearned[basename(d)] = await loadImageFolder(d, { inputSize: opts.inputSize, concurrency });
  // Read before publishing: --compare-with may name the very folder this export replaces.
  const previous = opts.compareWith ? await evaluatePrevious(opts.compareWith, data, neverLearned, opts.batchSize) : undefined;
  if (previous) progress.log(`previous model ${previous.name} ${previous.version}: test macro F1 ${previous.metrics.test?.macro.f1.toFixed(4)} on the same frames`);
  let metadata: ModelMetadata | undefined;
  await publishExport(dir, async (folder) => {
    await classifier.save(fileSaveHandler(folder, { quantize: opts.quantize }));
    const loaded = await loadExportedModel(folder);
    try {
      const familiarity = fitFamiliarityOn(loaded, data, predictOpts, neverLearned);
      const { val, test } = familiarity.probs;
      progress.log(`unfamiliar-frame check: threshold ${familiarity.check.threshold.toFixed(4)} flags ${sharesText(familiarity.check.flaggedShare)}`);
      const metricsOf = (split: SplitData, probs: Float32Array) => computeMetrics(split.labels, probs, data.classNames, { sources: split.files.map(sourceOf) });
      if (calibration) calibration.eceAfter = expectedCalibrationError(val, data.val.labels, k);
      const counts = data.report.counts;
      const sources = [...new Set([...data.train.files, ...data.val.files, ...data.test.files].map(sourceOf))].sort();
      metadata = buildMetadata({
        name: opts.name ?? `EndoLens ${opts.backbone}`,
        version: opts.version,
        classNames: data.classNames,
        inputSize: opts.inputSize,
        backbone: { name: opts.backbone, ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}), weights: weightsLabel(opts.weights) },
        dataset: {
          name: opts.datasetName ?? basename(opts.data).replace(/\.zip$/i, ''),
          description:
            (opts.datasetDescription ? `${opts.datasetDescription.trim()} ` : '') +
            `${data.classNames.length} classes (${data.classNames.join(', ')}); train ${data.train.count}` +
            (data.extraTrain.length ? ` (${data.extraTrain.reduce((n, f) => n + Object.values(f.counts).reduce((a, b) => a + b, 0), 0)} of them from extra training folder(s) ${data.extraTrain.map((f) => basename(f.path)).join(', ')})` : '') +
            `, val ${data.val.count}, test ${data.test.count} images ` +
            `loaded from ${data.report.format === 'zip' ? 'zip archive(s)' : 'class folders'}` +
            (data.report.skipped.length ? `; ${data.report.skipped.length} unreadable file(s) skipped` : ''),
          sources,
          counts,
          trainSources: countBy(data.train.files.map(sourceOf)),
          ...(data.extraTrain.length ? { extraTrain: data.extraTrain.map((f) => ({ name: basename(f.path), counts: f.counts, sources: f.sources })) } : {}),
        },
        metrics: { test: metricsOf(data.test, test), val: metricsOf(data.val, val) },
        calibration,
        lowConfidenceThreshold: lowConfidenceThreshold(val, data.val.labels, k),
        familiarity: familiarity.check,
        ...(previous ? { previous } : {}),
        curves: x.history,
        training: {
          command: opts.command,
          seed: opts.seed,
          config: { ...opts, bestWeights: BEST_WEIGHTS_POLICY, loss: LOSS_NAME, optimizer: 'adam (beta1 0.9, beta2 0.999, epsilon 1e-7), fresh per phase' },
          gitCommit: gitCommit(REPO_ROOT),
          wallTimeSeconds: Math.round(x.before + (performance.now() - x.started) / 1000),
          backend: `${x.backend.name} (${x.backend.note})`,
          ...(opts.quantize ? { quantization: opts.quantize } : {}),
        },
      });
      await writeFileAtomic(resolve(folder, 'metadata.json'), JSON.stringify(metadata, null, 2) + '\n');
    } finally {
      loaded.dispose();
    }
  });
  return { dir, metadata: metadata as ModelMetadata };
}
