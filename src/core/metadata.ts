/**
 * `metadata.json`, written by the trainer's export step beside `model.json` and read by the app's
 * model card and loader. One definition for both sides; `validateMetadata` is the only way in.
 */
import * as v from 'valibot';
import { displayNameFor, type DisplayName } from './classes.ts';
import { DEFAULT_INPUT_RANGE, RESIZE_METHOD } from './preprocess.ts';
import { FamiliarityCheckFields, FamiliarityCheckSchema } from './familiarity.ts';
import { count, fieldStep, fieldsValid, jsonObject, measured, nonEmptyString, parseAll, share } from './schema.ts';

export const METADATA_FORMAT = 'endolens-model';
export const METADATA_FORMAT_VERSION = 1;

const averaged = v.object({ precision: measured, recall: measured, f1: measured });

/** What the trainer measured on one split (src/core/metrics.ts). */
export const EvalMetricsSchema = v.object({
  accuracy: measured,
  loss: measured,
  count,
  perClass: v.array(v.object({ name: v.string(), precision: measured, recall: measured, f1: measured, support: count })),
  macro: averaged,
  weighted: averaged,
  /** confusion[true][predicted], in class order. */
  confusion: v.array(v.array(count)),
  /** Accuracy per image source (e.g. file-name prefix), where the dataset has several. */
  perSource: v.optional(v.record(v.string(), v.object({ accuracy: measured, count, macroF1: v.optional(measured) }))),
});
export type EvalMetrics = v.InferOutput<typeof EvalMetricsSchema>;
export type PerClassMetrics = EvalMetrics['perClass'][number];
export type AveragedMetrics = EvalMetrics['macro'];

/** One finished epoch, as metadata's `curves`, the run's metrics.jsonl and checkpoints hold it. */
export const EpochRecordSchema = v.object({
  phase: v.string(),
  epoch: count,
  loss: measured,
  accuracy: measured,
  valLoss: measured,
  valAccuracy: measured,
});
export type EpochRecord = v.InferOutput<typeof EpochRecordSchema>;

/** A class-folder name (`2_polyps`, also the app's `data-predicted-class`), alone or with its display names. */
const ClassEntrySchema = v.pipe(
  v.union(
    [nonEmptyString, v.object({ name: nonEmptyString, display: v.optional(v.object({ en: v.string(), es: v.string() })) })],
    'must be a class name or { name, display }',
  ),
  v.transform((c): { name: string; display: DisplayName } =>
    typeof c === 'string' ? { name: c, display: displayNameFor(c) } : { name: c.name, display: c.display ?? displayNameFor(c.name) },
  ),
);
export type ClassEntry = v.InferOutput<typeof ClassEntrySchema>;

/** Images per class, keyed by class or source name. */
const counts = v.record(v.string(), count);
const splitMetrics = v.object({ test: v.optional(EvalMetricsSchema), val: v.optional(EvalMetricsSchema) });

/** The model an export replaced, evaluated by the same run on the same frames (`--compare-with`). */
const PreviousModelSchema = v.object({
  name: v.string(),
  version: v.string(),
  createdAt: v.string(),
  metrics: splitMetrics,
  familiarity: v.optional(v.pick(FamiliarityCheckFields, ['method', 'layer', 'pooling', 'threshold', 'flaggedShare'])),
});
export type PreviousModel = v.InferOutput<typeof PreviousModelSchema>;

/** SHA-256 of a frame's file bytes, lowercase hex (src/teach/fingerprint.ts). */
const sha256Hex = v.message(v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)), 'must be a SHA-256 in lowercase hex');

/**
 * How a taught version (issue 13, "Teach EndoLens") came to be: the model it was taught from and
 * the frames and recipe used, so the model card can say so and a version can be traced to the
 * exact pictures. Optional: trainer exports and every file written before teaching existed have none.
 */
export const TeachProvenanceSchema = v.object({
  /** The model the new head was put on (its backbone is unchanged). */
  base: v.object({ name: nonEmptyString, version: nonEmptyString, modelKey: nonEmptyString }),
  /** Fingerprints of the frames used, per class, sorted: the picture set can be checked later, the pictures never leave the device. */
  frames: v.record(v.string(), v.array(sha256Hex)),
  recipe: v.object({
    /** 'head-only': a new head on the pooled features; 'last-blocks': then the backbone's last layers fine-tuned too. */
    method: v.picklist(['head-only', 'last-blocks'], 'must be "head-only" or "last-blocks"'),
    seed: v.number(),
    /** 'holdout': one held-out part; 'kfold': out-of-fold probabilities pooled, the final head trained on every frame. */
    split: v.picklist(['holdout', 'kfold'], 'must be "holdout" or "kfold"'),
    folds: count,
    /** Epochs of the kept head (the best epoch, or the k-fold median given to the final head). */
    epochs: count,
    maxEpochs: count,
    patience: count,
    batchSize: count,
    learningRate: v.number(),
    /** 'last-blocks' only: the fine-tune after the head (the trainer's schedule, with its augmentation). */
    fineTune: v.optional(
      v.object({
        unfreeze: count,
        epochs: count,
        /** The kept epoch (lowest loss on the inner cut of the training part). */
        bestEpoch: count,
        learningRate: v.number(),
        augmentation: v.string(),
      }),
    ),
  }),
  /** The base model on the same held-out frames (classes it never knew count as misses). */
  before: v.optional(EvalMetricsSchema),
});
export type TeachProvenance = v.InferOutput<typeof TeachProvenanceSchema>;

const MetadataFields = v.object({
  format: v.literal(METADATA_FORMAT, `must be "${METADATA_FORMAT}"`),
  formatVersion: v.message(v.pipe(v.number(), v.maxValue(METADATA_FORMAT_VERSION)), `must be a number <= ${METADATA_FORMAT_VERSION}`),
  name: nonEmptyString,
  version: nonEmptyString,
  createdAt: nonEmptyString,
  intendedUse: nonEmptyString,
  classes: v.pipe(
    v.array(ClassEntrySchema, 'must list at least 2 classes'),
    v.minLength(2, 'must list at least 2 classes'),
    v.rawCheck(({ dataset, addIssue }) => {
      if (!dataset.typed) return;
      const names = dataset.value.map((c) => c.name);
      const dup = names.find((n, i) => names.indexOf(n) !== i);
      if (dup !== undefined) addIssue({ message: `must name each class once, "${dup}" appears twice` });
    }),
  ),
  input: v.pipe(
    v.object({
      size: v.message(v.pipe(v.number(), v.integer(), v.minValue(8), v.maxValue(1024)), 'must be an integer in 8..1024'),
      range: v.optional(
        v.message(
          v.pipe(
            v.strictTuple([v.number(), v.number()]),
            v.check(([low, high]) => high > low),
          ),
          'must be [low, high] with low < high',
        ),
        (): [number, number] => [DEFAULT_INPUT_RANGE[0], DEFAULT_INPUT_RANGE[1]],
      ),
      resize: v.optional(v.literal(RESIZE_METHOD, `must be "${RESIZE_METHOD}"`), RESIZE_METHOD),
    }),
    // Every model takes NHWC RGB; the file need not say so.
    v.transform(({ size, range, resize }) => ({ size, channels: 3 as const, range, resize, layout: 'NHWC' as const })),
  ),
  backbone: v.object({ name: v.string(), alpha: v.optional(v.number()), weights: v.string() }),
  dataset: v.object({
    name: v.string(),
    description: v.string(),
    sources: v.optional(v.array(v.string())),
    /** Images per split and class, extra training folders included in train. */
    counts: v.record(v.string(), counts),
    /** Train images per source (file-name prefix), extra folders included. */
    trainSources: v.optional(counts),
    /** Training-only folders added to the train split (`--extra-train`), each with what it added; the name, not the trainer's path. */
    extraTrain: v.optional(v.array(v.object({ name: v.string(), counts, sources: counts }))),
  }),
  metrics: v.optional(splitMetrics),
  /** Temperature scaling fitted on validation data and baked into the exported final layer. */
  calibration: v.optional(
    v.object({ method: v.string(), temperature: v.number(), eceBefore: measured, eceAfter: measured, split: v.string() }),
  ),
  /** Suggested low-confidence threshold for this model (top probability below it is flagged). */
  lowConfidenceThreshold: v.optional(share),
  /** Out-of-distribution check: frames far from every class's training features are flagged (src/core/familiarity.ts). */
  familiarity: v.optional(FamiliarityCheckSchema),
  /** The model this one replaced, measured by the same run on the same frames. */
  previous: v.optional(PreviousModelSchema),
  curves: v.optional(v.array(EpochRecordSchema)),
  /** Present only on a version taught in the app (src/teach/taught-metadata.ts). */
  teach: v.optional(TeachProvenanceSchema),
  training: v.optional(
    v.object({
      command: v.optional(v.string()),
      seed: v.optional(v.number()),
      config: v.optional(v.record(v.string(), v.unknown())),
      gitCommit: v.optional(v.string()),
      wallTimeSeconds: v.optional(v.number()),
      backend: v.optional(v.string()),
      quantization: v.optional(v.string()),
    }),
  ),
});

export const ModelMetadataSchema = v.pipe(
  jsonObject,
  MetadataFields,
  // Rules across fields, each naming the field it faults; each runs once the fields it reads are valid.
  v.forward(
    v.partialCheck(
      [['classes'], ['familiarity', 'centroids']],
      (m) => m.familiarity === undefined || m.familiarity.centroids.length === m.classes.length,
      (issue) => `must hold one vector per class (${issue.input.classes.length}), got ${issue.input.familiarity?.centroids.length}`,
    ),
    ['familiarity', 'centroids'],
  ),
  v.rawCheck<v.InferOutput<typeof MetadataFields>>(({ dataset, addIssue }) => {
    if (!fieldsValid(dataset, 'classes', 'metrics')) return;
    const { classes, metrics = {} } = dataset.value;
    for (const split of ['test', 'val'] as const) {
      const m = metrics[split];
      if (m && m.confusion.length !== classes.length) {
        addIssue({
          message: `has ${m.confusion.length} rows for ${classes.length} classes`,
          path: [fieldStep(dataset.value, 'metrics'), fieldStep(metrics, split), fieldStep(m, 'confusion')],
        });
      }
    }
  }),
);

/** metadata.json as written (before defaults are filled in), e.g. by src/teach/taught-metadata.ts. */
export type ModelMetadataJson = v.InferInput<typeof MetadataFields>;

/** metadata.json as read: class display names, input range and resize method filled in. */
export type ModelMetadata = v.InferOutput<typeof ModelMetadataSchema>;

export class MetadataError extends Error {
  override name = 'MetadataError';
  constructor(readonly problems: string[]) {
    super(`Invalid model metadata: ${problems.join('; ')}`);
  }
}

/**
 * Checks a parsed `metadata.json` and fills defaults. Throws a MetadataError listing every problem
 * found, each naming the field and the value it got.
 */
export function validateMetadata(json: unknown): ModelMetadata {
  const result = parseAll(ModelMetadataSchema, json);
  if (!result.success) throw new MetadataError(result.problems);
  return result.output;
}
