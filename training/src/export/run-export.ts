/**
 * A finished run's export: calibrates (temperature on val, baked into `predictions`), writes the
 * model, loads it back the way the app does and evaluates THAT model, so metadata.json describes
 * exactly what was exported (calibrated, quantized if asked).
 */
import type * as tf from '@tensorflow/tfjs';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EpochRecord, ModelMetadata } from '../../../src/core/metadata.ts';
import type { BackendChoice } from '../backend.ts';
import {
  DEFAULT_DECODE_CONCURRENCY,
  loadImageFolder,
  sourceOf,
  type Dataset,
  type ExtraTrainFolder,
  type SplitData,
} from '../data/index.ts';
import { expectedCalibrationError, fitTemperature } from '../evaluate/index.ts';
import { splitMetrics } from '../evaluate/split-metrics.ts';
import type { ProgressSink } from '../progress/epoch-progress.ts';
import { BEST_WEIGHTS_POLICY, LOSS_NAME } from '../schedule/phases.ts';
import type { TrainOptions } from '../train-options.ts';
import { writeFileAtomic } from '../util/atomic.ts';
import { bakeTemperature, lowConfidenceThreshold } from './calibration.ts';
import { fitFamiliarityOn, sharesText } from './familiarity.ts';
import { fileSaveHandler, loadExportedModel } from './io.ts';
import { buildMetadata, gitCommit } from './metadata.ts';
import { evaluatePrevious } from './previous.ts';
import { publishExport } from './publish.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

export type RunData = Dataset & { extraTrain: ExtraTrainFolder[] };

export interface ExportInput {
  opts: TrainOptions;
  classifier: tf.LayersModel;
  data: RunData;
  valProbs: Float32Array;
  history: EpochRecord[];
  backend: BackendChoice;
  /** Seconds trained so far, resumed sessions included. */
  elapsedSeconds: () => number;
  progress: ProgressSink;
}

export async function exportRun(x: ExportInput): Promise<{ dir: string; metadata: ModelMetadata }> {
  const { opts, classifier, data, progress } = x;
  const k = data.classNames.length;
  let calibration: ModelMetadata['calibration'];
  if (opts.calibrate) {
    const temperature = fitTemperature(x.valProbs, data.val.labels, k);
    bakeTemperature(classifier, temperature);
    calibration = {
      method: 'temperature',
      temperature,
      eceBefore: expectedCalibrationError(x.valProbs, data.val.labels, k),
      eceAfter: Number.NaN,
      split: 'val',
    };
    progress.log(`calibration: temperature ${temperature.toFixed(3)} fitted on val`);
  }
  const dir = opts.export as string;
  const predictOpts = { inputSize: opts.inputSize, batchSize: opts.batchSize };
  const concurrency = opts.concurrency ?? DEFAULT_DECODE_CONCURRENCY;
  const neverLearned: Record<string, SplitData> = {};
  for (const d of opts.reportUnfamiliar ?? [])
    neverLearned[basename(d)] = await loadImageFolder(d, { inputSize: opts.inputSize, concurrency });
  // Read before publishing: --compare-with may name the very folder this export replaces.
  const previous = opts.compareWith ? await evaluatePrevious(opts.compareWith, data, neverLearned, opts.batchSize) : undefined;
  if (previous)
    progress.log(
      `previous model ${previous.name} ${previous.version}: test macro F1 ${previous.metrics.test?.macro.f1.toFixed(4)} on the same frames`,
    );
  let metadata: ModelMetadata | undefined;
  await publishExport(dir, async (folder) => {
    await classifier.save(fileSaveHandler(folder, { quantize: opts.quantize }));
    const loaded = await loadExportedModel(folder);
    try {
      const familiarity = await fitFamiliarityOn(loaded, data, predictOpts, neverLearned);
      const { val, test } = familiarity.probs;
      progress.log(
        `unfamiliar-frame check: threshold ${familiarity.check.threshold.toFixed(4)} flags ${sharesText(familiarity.check.flaggedShare)}`,
      );
      if (calibration) calibration.eceAfter = expectedCalibrationError(val, data.val.labels, k);
      metadata = buildMetadata({
        name: opts.name ?? `EndoLens ${opts.backbone}`,
        version: opts.version,
        classNames: data.classNames,
        inputSize: opts.inputSize,
        backbone: { name: opts.backbone, ...(opts.alpha !== undefined ? { alpha: opts.alpha } : {}), weights: weightsLabel(opts.weights) },
        dataset: datasetCard(opts, data),
        metrics: { test: splitMetrics(data.test, test, data.classNames), val: splitMetrics(data.val, val, data.classNames) },
        calibration,
        lowConfidenceThreshold: lowConfidenceThreshold(val, data.val.labels, k),
        familiarity: familiarity.check,
        ...(previous ? { previous } : {}),
        curves: x.history,
        training: trainingRecord(opts, x),
      });
      await writeFileAtomic(resolve(folder, 'metadata.json'), JSON.stringify(metadata, null, 2) + '\n');
    } finally {
      loaded.dispose();
    }
  });
  return { dir, metadata: metadata as ModelMetadata };
}

/** What the model card says about the data: name, a one-paragraph description, counts and sources. */
function datasetCard(opts: TrainOptions, data: RunData): ModelMetadata['dataset'] {
  const sources = [...new Set([...data.train.files, ...data.val.files, ...data.test.files].map(sourceOf))].sort();
  return {
    name: opts.datasetName ?? basename(opts.data).replace(/\.zip$/i, ''),
    description:
      (opts.datasetDescription ? `${opts.datasetDescription.trim()} ` : '') +
      `${data.classNames.length} classes (${data.classNames.join(', ')}); train ${data.train.count}` +
      (data.extraTrain.length
        ? ` (${data.extraTrain.reduce((n, f) => n + Object.values(f.counts).reduce((a, b) => a + b, 0), 0)} of them from extra training folder(s) ${data.extraTrain.map((f) => basename(f.path)).join(', ')})`
        : '') +
      `, val ${data.val.count}, test ${data.test.count} images ` +
      `loaded from ${data.report.format === 'zip' ? 'zip archive(s)' : 'class folders'}` +
      (data.report.skipped.length ? `; ${data.report.skipped.length} unreadable file(s) skipped` : ''),
    sources,
    counts: data.report.counts,
    trainSources: countBy(data.train.files.map(sourceOf)),
    ...(data.extraTrain.length
      ? { extraTrain: data.extraTrain.map((f) => ({ name: basename(f.path), counts: f.counts, sources: f.sources })) }
      : {}),
  };
}

/** How the model was made: command, seed, options, code version, time and backend. */
function trainingRecord(opts: TrainOptions, x: Pick<ExportInput, 'backend' | 'elapsedSeconds'>): NonNullable<ModelMetadata['training']> {
  return {
    command: opts.command,
    seed: opts.seed,
    config: {
      ...opts,
      bestWeights: BEST_WEIGHTS_POLICY,
      loss: LOSS_NAME,
      optimizer: 'adam (beta1 0.9, beta2 0.999, epsilon 1e-7), fresh per phase',
    },
    gitCommit: gitCommit(REPO_ROOT),
    wallTimeSeconds: Math.round(x.elapsedSeconds()),
    backend: `${x.backend.name} (${x.backend.note})`,
    ...(opts.quantize ? { quantization: opts.quantize } : {}),
  };
}

function weightsLabel(weights: string): string {
  if (weights === 'imagenet' || weights === 'none' || /^[a-z]+:\/\//i.test(weights)) return weights;
  return basename(weights.replace(/[\\/]model\.json$/, ''));
}

function countBy(keys: string[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...keys].sort()) out[k] = (out[k] ?? 0) + 1;
  return out;
}
