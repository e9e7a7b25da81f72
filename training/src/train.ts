/**
 * One training run end to end, the entry point the CLI and the end-to-end test share:
 * backend -> data -> model (+ weights) -> schedule (checkpoint after every epoch) -> best weights ->
 * evaluation on val and test -> run files -> optional export (calibrated, validated, reloaded and
 * re-evaluated as the app will load it).
 */
import * as tf from '@tensorflow/tfjs';
import { basename, dirname, isAbsolute, resolve } from 'node:path';
import type { EvalMetrics, ModelMetadata } from '../../src/core/metadata.ts';
import { DEFAULT_INPUT_RANGE } from '../../src/core/preprocess.ts';
import { augmentBatch, colourAugmentBatch } from './augment/index.ts';
import { initBackend, type BackendChoice } from './backend.ts';
import { addExtraTrain, DEFAULT_DECODE_CONCURRENCY, loadDataset } from './data/index.ts';
import { renderCurvesSvg } from './evaluate/index.ts';
import { evaluateSplit } from './evaluate/split-metrics.ts';
import { exportRun, type RunData } from './export/run-export.ts';
import { buildRunModel, type RunModel } from './models/run-model.ts';
import { silentProgress, type ProgressSink } from './progress/epoch-progress.ts';
import { readCheckpoint, runCheckpointFolder } from './schedule/checkpoint.ts';
import { BEST_WEIGHTS_POLICY, LOSS_NAME, phasesFor } from './schedule/phases.ts';
import { restoreSchedule, runSchedule } from './schedule/run-schedule.ts';
import { Trainer, TrainingInterrupted, type AugmentFn, type TrainerOptions, type TrainerSnapshot } from './schedule/trainer.ts';
import { newRunId, RunTracker } from './track/index.ts';
import { RunConfigSchema, type RunConfig } from './track/run-files.ts';
import { DEFAULT_OPTIONS, RESUMABLE_OVERRIDES, validateOptions, type TrainOptions } from './train-options.ts';

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

export async function runTraining(options: Partial<TrainOptions> & Pick<TrainOptions, 'data'>, hooks: RunHooks = {}): Promise<TrainResult> {
  const opts = resolvePaths({ ...DEFAULT_OPTIONS, ...options });
  validateOptions(opts);
  return execute(opts, null, hooks);
}

/** Continues a run from its last checkpoint; only RESUMABLE_OVERRIDES may differ from the run's options. */
export async function resumeTraining(runDir: string, overrides: Partial<TrainOptions> = {}, hooks: RunHooks = {}): Promise<TrainResult> {
  const dir = resolve(runDir);
  const { snapshot, config } = await readCheckpoint(runCheckpointFolder(dir), RunConfigSchema);
  const bad = Object.keys(overrides).filter((k) => !(RESUMABLE_OVERRIDES as readonly string[]).includes(k));
  if (bad.length) {
    throw new Error(
      `--resume continues the run as it was configured; ${bad.map((k) => `--${k}`).join(', ')} cannot change (allowed: ${RESUMABLE_OVERRIDES.join(', ')}).`,
    );
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

function checkSameData(before: NonNullable<RunConfig['data']>, now: RunData): void {
  const was = JSON.stringify({ classNames: before.classNames, counts: before.counts });
  const is = JSON.stringify({ classNames: now.classNames, counts: now.report.counts });
  if (was !== is) {
    throw new Error(
      `The data at the run's --data path changed since the run started (classes/counts were ${was}, now ${is}); ` +
        'a resumed run must see the same images. Start a new run instead.',
    );
  }
}

/**
 * The run, step by step: backend, data, model, run folder, schedule (checkpointed per epoch), best
 * weights, evaluation, run reports, export.
 */
async function execute(opts: TrainOptions, resume: ResumeState | null, hooks: RunHooks): Promise<TrainResult> {
  const started = performance.now();
  const before = resume?.elapsedSeconds ?? 0;
  const elapsedSeconds = () => before + (performance.now() - started) / 1000;
  const progress = hooks.progress ?? silentProgress();
  const backend = await initBackend(opts.backend);
  progress.log(`backend: ${backend.name} (${backend.note})`);

  const data = await loadData(opts, resume, hooks.signal, progress);
  const { classNames } = data;
  const model = await buildRunModel(opts, classNames.length, !resume);
  const { classifier } = model;
  const resolved: TrainOptions = { ...opts, runId: opts.runId ?? newRunId(), ...(model.alpha !== undefined ? { alpha: model.alpha } : {}) };
  const tracker = await openRunFolder(resolved, data, resume !== null);
  const runDir = tracker.dir;
  // Which backend and, on WebGPU, which adapter (vendor, device, driver) this run trained on; a resumed run records its own.
  await tracker.writeJson('backend.json', backend);
  const trainer = new Trainer(trainerOptions(opts, model, data));

  let ok = false;
  try {
    if (resume) await restoreSchedule(trainer, resume.snapshot, { runDir, tracker, progress });
    await runSchedule(trainer, {
      runDir,
      tracker,
      progress,
      trainCount: data.train.count,
      signal: hooks.signal,
      afterEpoch: hooks.afterEpoch,
      checkpointConfig: (): RunConfig => ({
        options: resolved,
        elapsedSeconds: elapsedSeconds(),
        data: { classNames, counts: data.report.counts },
      }),
    });

    const best = trainer.useBestWeights();
    progress.log(`best epoch: ${best.epoch} (val_loss ${best.valLoss.toFixed(4)}); evaluating on val and test`);
    const predictOpts = { inputSize: opts.inputSize, batchSize: opts.batchSize };
    const val = await evaluateSplit(classifier, data.val, classNames, predictOpts);
    const test = await evaluateSplit(classifier, data.test, classNames, predictOpts);
    await writeRunReports(tracker, best, { val: val.metrics, test: test.metrics }, [...trainer.history]);
    progress.log(
      `test accuracy ${test.metrics.accuracy.toFixed(4)}, macro F1 ${test.metrics.macro.f1.toFixed(4)} (val accuracy ${val.metrics.accuracy.toFixed(4)})`,
    );

    let exported: TrainResult['export'];
    if (opts.export) {
      exported = await exportRun({
        opts: resolved,
        classifier,
        data,
        valProbs: val.probs,
        history: [...trainer.history],
        backend,
        elapsedSeconds,
        progress,
      });
      await tracker.writeJson('export-metadata.json', exported.metadata);
      progress.log(`exported to ${exported.dir}`);
    }
    await tracker.finish('FINISHED');
    ok = true;
    return {
      runId: resolved.runId as string,
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
    if (interrupted) throw new RunInterrupted(runDir, err.completedEpochs);
    throw err;
  } finally {
    progress.stop();
    trainer.dispose();
    if (!ok) classifier.dispose();
  }
}

/** The dataset plus any extra training folders; a resumed run refuses data that changed. */
async function loadData(
  opts: TrainOptions,
  resume: ResumeState | null,
  signal: AbortSignal | undefined,
  progress: ProgressSink,
): Promise<RunData> {
  const load = { inputSize: opts.inputSize, concurrency: opts.concurrency ?? DEFAULT_DECODE_CONCURRENCY };
  const data = await addExtraTrain(await loadDataset(opts.data, load), opts.data, opts.extraTrain ?? [], load);
  for (const f of data.extraTrain)
    progress.log(
      `extra training folder ${f.path}: ${Object.entries(f.counts)
        .map(([c, n]) => `${c} ${n}`)
        .join(', ')}` + (f.skipped.length ? `; ${f.skipped.length} file(s) skipped (see data-report.json)` : ''),
    );
  if (signal?.aborted) throw new RunInterrupted('', 0);
  if (resume?.data) checkSameData(resume.data, data);
  progress.log(
    `data: ${data.classNames.length} classes; train ${data.train.count}, val ${data.val.count}, test ${data.test.count}` +
      (data.report.skipped.length ? `; ${data.report.skipped.length} unreadable file(s) skipped (see data-report.json)` : ''),
  );
  return data;
}

/** Creates the run folder (or reopens it to resume) and records the data report and the resolved options. */
async function openRunFolder(resolved: TrainOptions, data: RunData, resuming: boolean): Promise<RunTracker> {
  const runId = resolved.runId as string;
  const tracker = resuming
    ? await RunTracker.open(resolve(resolved.runsDir, runId))
    : await RunTracker.create(resolved.runsDir, paramsOf(resolved), { id: runId });
  await tracker.writeJson('data-report.json', { ...data.report, extraTrain: data.extraTrain });
  await tracker.writeJson('train-config.json', { ...resolved, bestWeights: BEST_WEIGHTS_POLICY, loss: LOSS_NAME });
  return tracker;
}

function trainerOptions(opts: TrainOptions, model: RunModel, data: RunData): TrainerOptions {
  return {
    classifier: model.classifier,
    backboneLayerCount: model.backboneLayerCount,
    numClasses: data.classNames.length,
    inputSize: opts.inputSize,
    phases: phasesFor(opts),
    batchSize: opts.batchSize,
    seed: opts.seed,
    train: data.train,
    val: data.val,
    augment: augmentFor(opts),
    labelSmoothing: opts.labelSmoothing,
  };
}

/** evaluation.json (the best weights on val and test) and the loss/accuracy curves, as JSON and SVG. */
async function writeRunReports(
  tracker: RunTracker,
  best: TrainResult['best'],
  evaluation: TrainResult['evaluation'],
  history: TrainResult['history'],
): Promise<void> {
  await tracker.writeJson('evaluation.json', {
    bestEpoch: best,
    bestWeights: BEST_WEIGHTS_POLICY,
    val: evaluation.val,
    test: evaluation.test,
  });
  await tracker.writeJson('curves.json', history);
  await tracker.writeText('curves-loss.svg', renderCurvesSvg([...history], 'loss'));
  await tracker.writeText('curves-accuracy.svg', renderCurvesSvg([...history], 'accuracy'));
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
