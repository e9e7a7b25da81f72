import * as z from 'zod';

const count = z.number().int().min(0);
const share = z.number().min(0).max(1);
const finite = z.number(); // zod 4 numbers are finite already
const averaged = z.object({ precision: z.number(), recall: z.number(), f1: z.number() });
const evalMetrics = z.looseObject({
  accuracy: z.number(),
  loss: z.number(),
  count,
  perClass: z.array(z.object({ name: z.string(), precision: z.number(), recall: z.number(), f1: z.number(), support: count })),
  macro: averaged,
  weighted: averaged,
  confusion: z.array(z.array(count)),
  perSource: z.optional(z.record(z.string(), z.object({ accuracy: z.number(), count, macroF1: z.optional(z.number()) }))),
});
const familiarity = z.object({
  method: z.literal('cosine-to-class-centroid'),
  layer: z.string().min(1),
  pooling: z.optional(z.enum(['mean-std'])),
  centroids: z.array(z.array(finite).min(1)),
  threshold: z.number().gt(0).max(2),
  quantile: z.number().gt(0).max(1),
  centroidSplit: z.string(),
  thresholdSplit: z.string(),
  flaggedShare: z.record(z.string(), share),
  neverLearned: z.optional(z.array(z.string())),
});
const epoch = z.looseObject({
  phase: z.string(),
  epoch: count,
  loss: z.number(),
  accuracy: z.number(),
  valLoss: z.number(),
  valAccuracy: z.number(),
});
const nonEmpty = z.string().min(1);
export const Metadata = z.looseObject({
  format: z.literal('endolens-model'),
  formatVersion: z.number().max(1),
  name: nonEmpty,
  version: nonEmpty,
  createdAt: nonEmpty,
  intendedUse: nonEmpty,
  classes: z
    .array(z.union([nonEmpty, z.looseObject({ name: nonEmpty, display: z.optional(z.object({ en: z.string(), es: z.string() })) })]))
    .min(2),
  input: z.looseObject({
    size: z.number().int().min(8).max(1024),
    range: z
      .tuple([z.number(), z.number()])
      .refine(([a, b]) => b > a)
      .default([-1, 1]),
    resize: z.literal('bilinear-antialias').default('bilinear-antialias'),
  }),
  backbone: z.looseObject({ name: z.string(), alpha: z.optional(z.number()), weights: z.optional(z.string()) }),
  dataset: z.looseObject({
    name: z.string(),
    description: z.string(),
    sources: z.optional(z.array(z.string())),
    counts: z.record(z.string(), z.record(z.string(), count)),
    trainSources: z.optional(z.record(z.string(), count)),
    extraTrain: z.optional(
      z.array(z.object({ name: z.string(), counts: z.record(z.string(), count), sources: z.record(z.string(), count) })),
    ),
  }),
  metrics: z.optional(z.object({ test: z.optional(evalMetrics), val: z.optional(evalMetrics) })),
  calibration: z.optional(
    z.object({ method: z.string(), temperature: z.number(), eceBefore: z.number(), eceAfter: z.number(), split: z.string() }),
  ),
  lowConfidenceThreshold: z.optional(share),
  familiarity: z.optional(familiarity),
  previous: z.optional(
    z.looseObject({
      name: z.string(),
      version: z.string(),
      createdAt: z.string(),
      metrics: z.object({ test: z.optional(evalMetrics), val: z.optional(evalMetrics) }),
    }),
  ),
  curves: z.optional(z.array(epoch)),
  training: z.optional(
    z.looseObject({
      command: z.optional(z.string()),
      seed: z.optional(z.number()),
      config: z.optional(z.record(z.string(), z.unknown())),
      gitCommit: z.optional(z.string()),
    }),
  ),
});
export const parse = (json: unknown) => Metadata.safeParse(json);
