/**
 * The files of a run folder (runs/<id>/, see run-tracker.ts) as schemas. The trainer checks each
 * file against its schema before writing it (as JSON will hold it: NaN as null) and when reading it
 * back to resume, so a bug that would write a bad file fails at once and a resumed run never starts
 * from one; errors name the file, the field and the value.
 */
import * as v from 'valibot';
import { EpochRecordSchema, EvalMetricsSchema, ModelMetadataSchema } from '../../../src/core/metadata.ts';
import { count, jsonObject, measured } from '../../../src/core/schema.ts';
import type { TrainOptions } from '../train-options.ts';

/** Run ids: letters, digits, '.', '_' and '-' (at most 128), so an id is never a path. */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

const time = v.message(v.pipe(v.number(), v.integer(), v.minValue(0)), 'must be a time (ms since 1970)');

export const RUN_STATUSES = ['RUNNING', 'FINISHED', 'FAILED', 'KILLED'] as const;

/** meta.json: the run's id, status, start and end times, resume times, and its MLflow run if any. */
export const RunMetaSchema = v.object({
  id: v.pipe(v.string(), v.regex(RUN_ID_PATTERN, "must use letters, digits, '.', '_' and '-' only (at most 128)")),
  status: v.picklist(RUN_STATUSES, `must be one of ${RUN_STATUSES.join(', ')}`),
  startTime: time,
  endTime: v.optional(time),
  resumedAt: v.optional(v.array(time)),
  mlflow: v.optional(v.object({ trackingUri: v.string(), experimentId: v.string(), runId: v.string() })),
});
export type RunMeta = v.InferOutput<typeof RunMetaSchema>;
export type RunStatus = RunMeta['status'];

/** params.json: the run's parameters as given (nested JSON). */
export const RunParamsSchema = jsonObject;

/** One line of metrics.jsonl: a finished epoch, and any extra numbers (e.g. images per second) or labels. */
export const EpochLineSchema = v.objectWithRest(EpochRecordSchema.entries, v.union([measured, v.string()], 'must be a number or a string'));
export type EpochLine = v.InferOutput<typeof EpochLineSchema>;

const counts = v.record(v.string(), count);
const skipped = v.array(v.object({ split: v.string(), file: v.string(), reason: v.string() }));

/**
 * The run's options. Their fields are checked by validateOptions (train-options.ts), with the CLI's
 * messages, before a run starts and again when it resumes; here only that they are an object.
 */
const options = v.custom<TrainOptions>((x) => v.is(jsonObject, x), "must be the run's options (an object)");

/** What a checkpoint carries besides tensors (schedule/checkpoint.ts `config`): the resolved options and the time trained so far. */
export const RunConfigSchema = v.object({
  options,
  elapsedSeconds: v.message(v.pipe(v.number(), v.minValue(0)), 'must be seconds (>= 0)'),
  /** Class names and per-split counts the run trained on: resuming on other data is refused. */
  data: v.optional(v.object({ classNames: v.array(v.string()), counts: v.record(v.string(), counts) })),
});
export type RunConfig = v.InferOutput<typeof RunConfigSchema>;

/** The JSON artifacts the trainer writes (artifacts/<name>), by name; other names are free-form. */
export const RUN_ARTIFACTS = {
  /** What was loaded and what was skipped, extra training folders included (data/dataset.ts, data/extra-train.ts). */
  'data-report.json': v.object({
    root: v.string(),
    format: v.picklist(['folders', 'zip']),
    classNames: v.array(v.string()),
    counts: v.record(v.string(), counts),
    skipped,
    decodeSeconds: v.number(),
    extraTrain: v.array(v.object({ path: v.string(), counts, sources: counts, skipped })),
  }),
  /** The best weights' metrics on val and test. */
  'evaluation.json': v.object({
    bestEpoch: v.object({ epoch: count, valLoss: measured }),
    bestWeights: v.string(),
    val: EvalMetricsSchema,
    test: EvalMetricsSchema,
  }),
  'curves.json': v.array(EpochRecordSchema),
  /** A copy of the export's metadata.json, checked against the app's own schema. */
  'export-metadata.json': ModelMetadataSchema,
} satisfies Record<string, v.GenericSchema>;

export type RunArtifactName = keyof typeof RUN_ARTIFACTS;
/** What writeJson takes for an artifact: its schema's input for a known name, any JSON otherwise. */
export type RunArtifactData<N extends string> = N extends RunArtifactName ? v.InferInput<(typeof RUN_ARTIFACTS)[N]> : unknown;

export const isRunArtifact = (name: string): name is RunArtifactName => Object.hasOwn(RUN_ARTIFACTS, name);
