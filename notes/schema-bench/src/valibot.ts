import * as v from 'valibot';

const count = v.pipe(v.number(), v.integer(), v.minValue(0));
const share = v.pipe(v.number(), v.minValue(0), v.maxValue(1));
const finite = v.pipe(v.number(), v.finite());
const averaged = v.object({ precision: v.number(), recall: v.number(), f1: v.number() });
const evalMetrics = v.looseObject({
  accuracy: v.number(),
  loss: v.number(),
  count,
  perClass: v.array(v.object({ name: v.string(), precision: v.number(), recall: v.number(), f1: v.number(), support: count })),
  macro: averaged,
  weighted: averaged,
  confusion: v.array(v.array(count)),
  perSource: v.optional(v.record(v.string(), v.object({ accuracy: v.number(), count, macroF1: v.optional(v.number()) }))),
});
const familiarity = v.object({
  method: v.literal('cosine-to-class-centroid'),
  layer: v.pipe(v.string(), v.nonEmpty()),
  pooling: v.optional(v.picklist(['mean-std'])),
  centroids: v.array(v.pipe(v.array(finite), v.nonEmpty())),
  threshold: v.pipe(v.number(), v.gtValue(0), v.maxValue(2)),
  quantile: v.pipe(v.number(), v.gtValue(0), v.maxValue(1)),
  centroidSplit: v.string(),
  thresholdSplit: v.string(),
  flaggedShare: v.record(v.string(), share),
  neverLearned: v.optional(v.array(v.string())),
});
const epoch = v.looseObject({
  phase: v.string(),
  epoch: count,
  loss: v.number(),
  accuracy: v.number(),
  valLoss: v.number(),
  valAccuracy: v.number(),
});
const nonEmpty = v.pipe(v.string(), v.nonEmpty());
export const Metadata = v.looseObject({
  format: v.literal('endolens-model'),
  formatVersion: v.pipe(v.number(), v.maxValue(1)),
  name: nonEmpty,
  version: nonEmpty,
  createdAt: nonEmpty,
  intendedUse: nonEmpty,
  classes: v.pipe(
    v.array(v.union([nonEmpty, v.looseObject({ name: nonEmpty, display: v.optional(v.object({ en: v.string(), es: v.string() })) })])),
    v.minLength(2),
  ),
  input: v.looseObject({
    size: v.pipe(v.number(), v.integer(), v.minValue(8), v.maxValue(1024)),
    range: v.optional(
      v.pipe(
        v.tuple([v.number(), v.number()]),
        v.check(([a, b]) => b > a),
      ),
      [-1, 1],
    ),
    resize: v.optional(v.literal('bilinear-antialias'), 'bilinear-antialias'),
  }),
  backbone: v.looseObject({ name: v.string(), alpha: v.optional(v.number()), weights: v.optional(v.string()) }),
  dataset: v.looseObject({
    name: v.string(),
    description: v.string(),
    sources: v.optional(v.array(v.string())),
    counts: v.record(v.string(), v.record(v.string(), count)),
    trainSources: v.optional(v.record(v.string(), count)),
    extraTrain: v.optional(
      v.array(v.object({ name: v.string(), counts: v.record(v.string(), count), sources: v.record(v.string(), count) })),
    ),
  }),
  metrics: v.optional(v.object({ test: v.optional(evalMetrics), val: v.optional(evalMetrics) })),
  calibration: v.optional(
    v.object({ method: v.string(), temperature: v.number(), eceBefore: v.number(), eceAfter: v.number(), split: v.string() }),
  ),
  lowConfidenceThreshold: v.optional(share),
  familiarity: v.optional(familiarity),
  previous: v.optional(
    v.looseObject({
      name: v.string(),
      version: v.string(),
      createdAt: v.string(),
      metrics: v.object({ test: v.optional(evalMetrics), val: v.optional(evalMetrics) }),
    }),
  ),
  curves: v.optional(v.array(epoch)),
  training: v.optional(
    v.looseObject({
      command: v.optional(v.string()),
      seed: v.optional(v.number()),
      config: v.optional(v.record(v.string(), v.unknown())),
      gitCommit: v.optional(v.string()),
    }),
  ),
});
export const parse = (json: unknown) => v.safeParse(Metadata, json);
