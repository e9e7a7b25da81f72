/**
 * `metadata.json`, written by the trainer's export step beside `model.json` and read by the app's
 * model card and loader. One definition for both sides; `validateMetadata` is the only way in.
 */
import { displayNameFor, type DisplayName } from './classes.ts';
import { DEFAULT_INPUT_RANGE, RESIZE_METHOD } from './preprocess.ts';
import { validateFamiliarity, type FamiliarityCheck } from './familiarity.ts';

export const METADATA_FORMAT = 'endolens-model';
export const METADATA_FORMAT_VERSION = 1;

export interface ClassEntry {
  /** Class-folder name, e.g. `2_polyps`; also the value of the app's `data-predicted-class`. */
  name: string;
  display: DisplayName;
}

export interface PerClassMetrics {
  name: string;
  precision: number;
  recall: number;
  f1: number;
  support: number;
}

export interface AveragedMetrics {
  precision: number;
  recall: number;
  f1: number;
}

export interface EvalMetrics {
  accuracy: number;
  loss: number;
  count: number;
  perClass: PerClassMetrics[];
  macro: AveragedMetrics;
  weighted: AveragedMetrics;
  /** confusion[true][predicted], in class order. */
  confusion: number[][];
  /** Accuracy per image source (e.g. file-name prefix), where the dataset has several. */
  perSource?: Record<string, { accuracy: number; count: number; macroF1?: number }>;
}

export interface EpochRecord {
  phase: string;
  epoch: number;
  loss: number;
  accuracy: number;
  valLoss: number;
  valAccuracy: number;
}

export interface ModelMetadata {
  format: typeof METADATA_FORMAT;
  formatVersion: number;
  name: string;
  version: string;
  createdAt: string;
  intendedUse: string;
  classes: ClassEntry[];
  input: {
    size: number;
    channels: 3;
    range: [number, number];
    resize: string;
    layout: 'NHWC';
  };
  backbone: { name: string; alpha?: number; weights: string };
  dataset: {
    name: string;
    description: string;
    sources?: string[];
    /** Images per split and class, extra training folders included in train. */
    counts: Record<string, Record<string, number>>;
    /** Train images per source (file-name prefix), extra folders included. */
    trainSources?: Record<string, number>;
    /** Training-only folders added to the train split (`--extra-train`), each with what it added. */
    extraTrain?: ExtraTrainEntry[];
  };
  metrics?: { test?: EvalMetrics; val?: EvalMetrics };
  /** Temperature scaling fitted on validation data and baked into the exported final layer. */
  calibration?: { method: string; temperature: number; eceBefore: number; eceAfter: number; split: string };
  /** Suggested low-confidence threshold for this model (top probability below it is flagged). */
  lowConfidenceThreshold?: number;
  /** Out-of-distribution check: frames far from every class's training features are flagged (src/core/familiarity.ts). */
  familiarity?: FamiliarityCheck;
  /** The model this one replaced, measured by the same run on the same frames. */
  previous?: PreviousModel;
  curves?: EpochRecord[];
  training?: {
    command?: string;
    seed?: number;
    config?: Record<string, unknown>;
    gitCommit?: string;
    wallTimeSeconds?: number;
    backend?: string;
    quantization?: string;
  };
}

/** The model an export replaced, evaluated by the same run on the same frames (`--compare-with`). */
export interface PreviousModel {
  name: string;
  version: string;
  createdAt: string;
  metrics: { val?: EvalMetrics; test?: EvalMetrics };
  familiarity?: Pick<FamiliarityCheck, 'method' | 'layer' | 'pooling' | 'threshold' | 'flaggedShare'>;
}

export interface ExtraTrainEntry {
  /** The folder's name (not its full path: that is the trainer's machine's business). */
  name: string;
  counts: Record<string, number>;
  sources: Record<string, number>;
}

export class MetadataError extends Error {
  override name = 'MetadataError';
  constructor(readonly problems: string[]) {
    super(`Invalid model metadata: ${problems.join('; ')}`);
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Checks a parsed `metadata.json` and fills defaults. Throws a MetadataError listing every problem
 * found, each naming the field and the value it got.
 */
export function validateMetadata(json: unknown): ModelMetadata {
  const problems: string[] = [];
  if (!isRecord(json)) throw new MetadataError([`expected a JSON object, got ${JSON.stringify(json)?.slice(0, 40)}`]);
  const m = json;
  if (m.format !== METADATA_FORMAT) problems.push(`format must be "${METADATA_FORMAT}", got ${JSON.stringify(m.format)}`);
  if (typeof m.formatVersion !== 'number' || m.formatVersion > METADATA_FORMAT_VERSION) {
    problems.push(`formatVersion must be a number <= ${METADATA_FORMAT_VERSION}, got ${JSON.stringify(m.formatVersion)}`);
  }
  for (const key of ['name', 'version', 'createdAt', 'intendedUse'] as const) {
    if (typeof m[key] !== 'string' || m[key] === '') problems.push(`${key} must be a non-empty string, got ${JSON.stringify(m[key])}`);
  }

  const classes: ClassEntry[] = [];
  if (!Array.isArray(m.classes) || m.classes.length < 2) {
    problems.push(`classes must list at least 2 classes, got ${JSON.stringify(m.classes)?.slice(0, 80)}`);
  } else {
    m.classes.forEach((c: unknown, i: number) => {
      const name = typeof c === 'string' ? c : isRecord(c) ? c.name : undefined;
      if (typeof name !== 'string' || name === '') {
        problems.push(`classes[${i}] needs a name, got ${JSON.stringify(c)}`);
        return;
      }
      const display = isRecord(c) && isRecord(c.display) && typeof c.display.en === 'string' && typeof c.display.es === 'string'
        ? { en: c.display.en, es: c.display.es }
        : displayNameFor(name);
      classes.push({ name, display });
    });
    const names = classes.map((c) => c.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) problems.push(`class names must be unique, "${dup}" appears twice`);
  }

  const input = isRecord(m.input) ? m.input : {};
  const size = input.size;
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 8 || size > 1024) {
    problems.push(`input.size must be an integer in 8..1024, got ${JSON.stringify(size)}`);
  }
  const range: unknown = input.range ?? DEFAULT_INPUT_RANGE;
  if (!Array.isArray(range) || range.length !== 2 || typeof range[0] !== 'number' || typeof range[1] !== 'number' || !(range[1] > range[0])) {
    problems.push(`input.range must be [low, high] with low < high, got ${JSON.stringify(range)}`);
  }
  const [low, high] = Array.isArray(range) ? (range as number[]) : [-1, 1];
  const resize = input.resize ?? RESIZE_METHOD;
  if (resize !== RESIZE_METHOD) problems.push(`input.resize must be "${RESIZE_METHOD}", got ${JSON.stringify(resize)}`);

  const backbone = isRecord(m.backbone) ? m.backbone : undefined;
  if (!backbone || typeof backbone.name !== 'string') problems.push(`backbone.name must be a string, got ${JSON.stringify(m.backbone)}`);
  const dataset = isRecord(m.dataset) ? m.dataset : undefined;
  if (!dataset || typeof dataset.name !== 'string' || typeof dataset.description !== 'string' || !isRecord(dataset.counts)) {
    problems.push('dataset must give name, description and counts per split');
  }
  const extra = dataset?.extraTrain;
  if (extra !== undefined) {
    const countMap = (v: unknown) => isRecord(v) && Object.values(v).every((n) => Number.isInteger(n) && (n as number) >= 0);
    if (!Array.isArray(extra) || !extra.every((e) => isRecord(e) && typeof e.name === 'string' && countMap(e.counts) && countMap(e.sources))) {
      problems.push(`dataset.extraTrain must list { name, counts, sources } per folder, got ${JSON.stringify(extra)?.slice(0, 60)}`);
    }
  }
  const t = m.lowConfidenceThreshold;
  if (t !== undefined && (typeof t !== 'number' || t < 0 || t > 1)) {
    problems.push(`lowConfidenceThreshold must be in 0..1, got ${JSON.stringify(t)}`);
  }
  if (m.familiarity !== undefined && classes.length) validateFamiliarity(m.familiarity, classes.length, problems);
  const test = isRecord(m.metrics) && isRecord(m.metrics.test) ? m.metrics.test : undefined;
  if (test && Array.isArray(test.confusion) && classes.length && test.confusion.length !== classes.length) {
    problems.push(`metrics.test.confusion has ${test.confusion.length} rows for ${classes.length} classes`);
  }

  const prev = m.previous;
  if (prev !== undefined && !(isRecord(prev) && typeof prev.name === 'string' && typeof prev.version === 'string' && isRecord(prev.metrics))) {
    problems.push(`previous must give the replaced model's name, version and metrics, got ${JSON.stringify(prev)?.slice(0, 60)}`);
  }

  if (problems.length) throw new MetadataError(problems);
  return {
    ...(m as unknown as ModelMetadata),
    classes,
    input: { size: size as number, channels: 3, range: [low, high], resize: resize as string, layout: 'NHWC' },
  };
}
