/**
 * The `metadata.json` of a version taught in the app (issue 13, part 3): built from the base
 * model's metadata and the teaching run, so the model card, the loader and an exported version
 * read it as they read the trainer's files. Pure: no clock, no tfjs; the caller passes the date.
 */
import { displayNameFor } from '../core/classes.ts';
import type { FamiliarityCheck } from '../core/familiarity.ts';
import {
  METADATA_FORMAT,
  METADATA_FORMAT_VERSION,
  type EpochRecord,
  type EvalMetrics,
  type ModelMetadata,
  type ModelMetadataJson,
  type TeachProvenance,
} from '../core/metadata.ts';
import type { HeadEpoch } from './head-trainer.ts';
import type { SplitPlan } from './split.ts';

export class TaughtMetadataError extends Error {
  override name = 'TaughtMetadataError';
}

/** One frame the run used: its class and the SHA-256 of its file (fingerprint.ts). */
export interface TaughtFrame {
  id: string;
  className: string;
  sha256: string;
}

export interface TaughtMetadataInput {
  /** The base model's metadata as the app read it (validateMetadata's output). */
  base: ModelMetadata;
  /** The app's key of the base model (which cached features belong to). */
  baseModelKey: string;
  /** The new version's name and version; the name defaults to the base model's. */
  name?: string;
  version: string;
  /** ISO 8601; passed in so the function stays pure and testable. */
  createdAt: string;
  /** The new head's classes in output order; names not in the base model are new classes. */
  classes: readonly string[];
  /** Every frame the plan used (refused ones may be included: they are left out here). */
  frames: readonly TaughtFrame[];
  plan: SplitPlan;
  recipe: {
    epochs: number;
    maxEpochs: number;
    patience: number;
    batchSize: number;
    learningRate: number;
    /** Present when the backbone's last layers were fine-tuned after the head. */
    fineTune?: { unfreeze: number; epochs: number; bestEpoch: number; learningRate: number; augmentation: string };
  };
  /** The new head on the held-out frames (k-fold: out-of-fold probabilities pooled). */
  heldOut: EvalMetrics;
  /** The base model on the same frames, where measured. */
  before?: EvalMetrics;
  /** Per-epoch history of the kept head's run. */
  curves?: readonly HeadEpoch[];
  /**
   * A familiarity check refitted on the training frames' cached features. Refitting is future
   * work (issue 13's note: the trainer's fitting is to move to core first); until then a taught
   * version has no check, because the base model's centroids describe other classes.
   */
  familiarity?: FamiliarityCheck;
}

const countBy = (ids: readonly string[], classOf: Map<string, string>): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const id of ids) {
    const c = classOf.get(id);
    if (c !== undefined) out[c] = (out[c] ?? 0) + 1;
  }
  return out;
};

export function buildTaughtMetadata(input: TaughtMetadataInput): ModelMetadataJson {
  const { base, plan, classes } = input;
  const refused = new Set(plan.refused);
  const used = input.frames.filter((f) => !refused.has(f.id));
  const known = new Set(classes);
  const stray = used.find((f) => !known.has(f.className));
  if (stray) throw new TaughtMetadataError(`frame ${stray.id} is labelled "${stray.className}", not one of the taught classes`);
  if (input.heldOut.perClass.length !== classes.length)
    throw new TaughtMetadataError(`held-out metrics cover ${input.heldOut.perClass.length} classes, the head has ${classes.length}`);

  const frames: Record<string, string[]> = {};
  for (const c of classes) frames[c] = [];
  for (const f of used) frames[f.className].push(f.sha256);
  for (const c of classes) frames[c].sort();

  // The base model's display names are kept (a clinician may have renamed them); new classes get
  // the readable fallback, which the user can rename later.
  const baseDisplay = new Map(base.classes.map((c) => [c.name, c.display]));
  const classEntries = classes.map((name) => ({ name, display: baseDisplay.get(name) ?? displayNameFor(name) }));

  const classOf = new Map(used.map((f) => [f.id, f.className]));
  // One held-out part: its frames are counted apart. k-fold: every frame was held out once and
  // the final head saw them all, so only the whole set is counted.
  const counts: Record<string, Record<string, number>> = plan.mode === 'holdout'
    ? { train: countBy(plan.folds[0]?.train ?? [], classOf), heldOut: countBy(plan.folds[0]?.heldOut ?? [], classOf) }
    : {
        all: countBy(
          used.map((f) => f.id),
          classOf,
        ),
      };

  const newClasses = classes.filter((c) => !baseDisplay.has(c));
  const teach: TeachProvenance = {
    base: { name: base.name, version: base.version, modelKey: input.baseModelKey },
    frames,
    recipe: {
      method: input.recipe.fineTune ? 'last-blocks' : 'head-only',
      seed: plan.seed,
      split: plan.mode,
      folds: plan.folds.length,
      epochs: input.recipe.epochs,
      maxEpochs: input.recipe.maxEpochs,
      patience: input.recipe.patience,
      batchSize: input.recipe.batchSize,
      learningRate: input.recipe.learningRate,
      ...(input.recipe.fineTune ? { fineTune: input.recipe.fineTune } : {}),
    },
    ...(input.before ? { before: input.before } : {}),
  };
  const curves: EpochRecord[] | undefined = input.curves?.map((e) => ({
    phase: 'teach-head',
    epoch: e.epoch,
    loss: e.loss,
    accuracy: e.accuracy,
    valLoss: e.heldOutLoss,
    valAccuracy: e.heldOutAccuracy,
  }));

  return {
    format: METADATA_FORMAT,
    formatVersion: METADATA_FORMAT_VERSION,
    name: input.name ?? base.name,
    version: input.version,
    createdAt: input.createdAt,
    intendedUse:
      `Taught in EndoLens on the user's own frames (${used.length} frames of ${classes.length} classes), ` +
      `from ${base.name} ${base.version}: ${input.recipe.fineTune ? `the final layers and the backbone's last ${input.recipe.fineTune.unfreeze} layers were retrained` : 'only the final layers were retrained'}, on this device; the frames never left it. ` +
      'Its held-out figures come from those few frames, not from an independent test set: treat it as a personal research aid, ' +
      'not a diagnostic device. ' +
      `Intended use of the base model: ${base.intendedUse}`,
    classes: classEntries,
    input: { size: base.input.size, range: [base.input.range[0], base.input.range[1]], resize: base.input.resize },
    backbone: base.backbone,
    dataset: {
      name: 'user-frames',
      description:
        `The user's own labelled frames${newClasses.length ? `, new classes: ${newClasses.join(', ')}` : ''}; ` +
        (plan.mode === 'holdout'
          ? 'one stratified held-out part, never seen in training (the number of epochs came from an inner cut of the training part).'
          : `${plan.folds.length}-fold stratified split, out-of-fold results pooled; the final head trained on every frame.`),
      counts,
    },
    // The card shows `metrics.test`: the held-out results are the only measure a taught version has.
    metrics: { test: input.heldOut },
    ...(curves ? { curves } : {}),
    // No calibration or low-confidence threshold: both were fitted to the base model's last layer.
    ...(input.familiarity ? { familiarity: input.familiarity } : {}),
    teach,
  };
}
