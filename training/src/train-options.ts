/**
 * Everything a training run is configured by, its defaults (the original Keras script's) and its
 * checks. The CLI fills it from flags; tests and scripts build it directly.
 */
import { DEFAULT_INPUT_SIZE } from '../../src/core/preprocess.ts';
import { BACKEND_PREFERENCES, type BackendPreference } from './backend.ts';
import { QUANTIZATIONS, type Quantization } from './export/io.ts';
import { BACKBONES, type BackboneName } from './models/index.ts';
import { DEFAULT_SCHEDULE, validateSchedule, type ScheduleConfig } from './schedule/phases.ts';

export interface TrainOptions extends ScheduleConfig {
  /** Dataset folder or zip(s), absolute or relative to the process's cwd. */
  data: string;
  /** Folders of class folders added to the train split only (`--extra-train`, repeatable). */
  extraTrain?: string[];
  /**
   * Folders of frames of findings the model never learned (`--report-unfamiliar`, repeatable): the
   * export records the share its unfamiliar-frame check flags; never trained on or fitted to.
   */
  reportUnfamiliar?: string[];
  /** An exported model this export replaces (`--compare-with`), evaluated on the same frames for metadata.json. */
  compareWith?: string;
  backbone: BackboneName;
  /** 'imagenet', a path (.h5 or tfjs model folder/model.json), a URL, or 'none' (random init). */
  weights: string;
  /** MobileNetV2 width; default: read from the weights, else 1.0. */
  alpha?: number;
  inputSize: number;
  runsDir: string;
  /** Run id under runsDir; default: date-time plus a short random suffix. */
  runId?: string;
  backend: BackendPreference;
  /** Export folder (model.json, shards, metadata.json); none = no export. */
  export?: string;
  quantize?: Quantization;
  /** Fit a temperature on val and bake it into the export (default true). */
  calibrate: boolean;
  /** Keras ImageDataGenerator augmentation of training batches (default true, as the original). */
  augment: boolean;
  /** Colour jitter (white balance, contrast, saturation, brightness) of training batches (augment/colour.ts); default false. */
  colorAugment: boolean;
  /** Label smoothing of the training loss, in [0, 0.5); default 0 (the original's plain cross-entropy). */
  labelSmoothing: number;
  /** Model name and version written into metadata.json. */
  name?: string;
  /** Shown on the app's model card: what the data is and where it came from. */
  datasetName?: string;
  datasetDescription?: string;
  version: string;
  /** Where ImageNet weight files are cached. */
  cacheDir?: string;
  /** Images decoded at once. */
  concurrency?: number;
  /** The exact command line that started the run, recorded in metadata.json. */
  command?: string;
  /** Command lines that resumed the run, in order (set by resumeTraining). */
  resumedWith?: string[];
}

export const DEFAULT_OPTIONS = Object.freeze({
  ...DEFAULT_SCHEDULE,
  backbone: 'resnet50v2',
  weights: 'imagenet',
  inputSize: DEFAULT_INPUT_SIZE,
  runsDir: 'runs',
  backend: 'auto',
  calibrate: true,
  augment: true,
  colorAugment: false,
  labelSmoothing: 0,
  version: '1.0.0',
});

/** Options that may be given again with --resume: they do not change what is trained. */
export const RESUMABLE_OVERRIDES = [
  'export',
  'reportUnfamiliar',
  'compareWith',
  'quantize',
  'calibrate',
  'backend',
  'name',
  'version',
  'datasetName',
  'datasetDescription',
  'cacheDir',
  'concurrency',
  'command',
] as const;

export function validateOptions(o: TrainOptions): void {
  if (typeof o.data !== 'string' || o.data === '')
    throw new Error('--data is required: a folder with train/ val/ test/ class folders, or the dataset zip(s).');
  if (!BACKBONES.includes(o.backbone))
    throw new Error(`Unknown backbone "${String(o.backbone)}". Valid backbones are: ${BACKBONES.join(', ')}.`);
  if (!BACKEND_PREFERENCES.includes(o.backend))
    throw new Error(`Unknown backend "${String(o.backend)}". Valid backends are: ${BACKEND_PREFERENCES.join(', ')}.`);
  if (o.quantize !== undefined && !QUANTIZATIONS.includes(o.quantize)) {
    throw new Error(`Unknown quantization "${String(o.quantize)}". Valid: ${QUANTIZATIONS.join(', ')}.`);
  }
  if (o.quantize !== undefined && !o.export) throw new Error('--quantize applies to an export: give --export DIR too.');
  if (!Number.isInteger(o.inputSize) || o.inputSize < 32 || o.inputSize > 1024) {
    throw new RangeError(`inputSize must be an integer in 32..1024. Received: inputSize=${String(o.inputSize)}`);
  }
  if (o.alpha !== undefined && (!Number.isFinite(o.alpha) || o.alpha <= 0))
    throw new RangeError(`alpha must be a positive number. Received: alpha=${String(o.alpha)}`);
  if (o.alpha !== undefined && o.backbone !== 'mobilenetv2')
    throw new Error(`--alpha applies to mobilenetv2 only. Received: alpha=${o.alpha} with backbone ${o.backbone}`);
  if (o.runId !== undefined && !/^[A-Za-z0-9._-]+$/.test(o.runId))
    throw new Error(`run id may hold letters, digits, '.', '_' and '-' only. Received: "${o.runId}"`);
  if (typeof o.weights !== 'string' || o.weights === '') throw new Error('--weights must be imagenet, none, a path or a URL.');
  if (typeof o.labelSmoothing !== 'number' || !(o.labelSmoothing >= 0 && o.labelSmoothing < 0.5)) {
    throw new RangeError(`labelSmoothing must be in [0, 0.5). Received: labelSmoothing=${String(o.labelSmoothing)}`);
  }
  if (o.reportUnfamiliar !== undefined && (!o.export || !Array.isArray(o.reportUnfamiliar)))
    throw new Error('--report-unfamiliar applies to an export: give --export DIR too.');
  if (o.compareWith !== undefined && !o.export) throw new Error('--compare-with applies to an export: give --export DIR too.');
  if (o.extraTrain !== undefined && (!Array.isArray(o.extraTrain) || o.extraTrain.some((d) => typeof d !== 'string' || d === ''))) {
    throw new Error(`--extra-train takes a folder path each time. Received: ${JSON.stringify(o.extraTrain)}`);
  }
  validateSchedule(o);
}
