/**
 * One teaching run on frames already read through the base model (their pooled features, their
 * familiarity features and the base model's probabilities): split, train, measure before and
 * after on the same held-out frames, refit the familiarity check, pack the new version in the
 * trainer's export format. No decoding and no DOM, so it runs in Node tests as in the worker.
 *
 * Honest numbers: the held-out frames are never seen while training. The number of epochs is
 * chosen by early stopping on an inner cut of the training part; the shipped head is then trained
 * on the whole training part for that many epochs.
 */
import * as tf from '@tensorflow/tfjs';
import { classCentroids, distancesTo, flaggedShareOf, thresholdFromDistances } from '../core/familiarity-fit.ts';
import { FAMILIARITY_METHOD, FAMILIARITY_QUANTILE, type FamiliarityCheck } from '../core/familiarity.ts';
import type { ModelMetadata } from '../core/metadata.ts';
import { computeMetrics } from '../core/metrics.ts';
import { deriveSeed } from '../core/rng.ts';
import { assembleTaughtModel } from './assemble-model.ts';
import { exportFiles } from './export-files.ts';
import type { FrameFingerprint } from './fingerprint.ts';
import {
  HEAD_TRAINING_DEFAULTS,
  headProbabilities,
  trainHead,
  type FeatureSet,
  type HeadEpoch,
  type HeadProgress,
  type HeadWeights,
} from './head-trainer.ts';
import { makeScorer } from './read-frames.ts';
import { planSplit, type SplitPlan } from './split.ts';
import { scaleToRange } from '../core/preprocess.ts';
import type { TeachFile, TeachMethod, TeachPlanSummary, TeachResult } from './teach-protocol.ts';
import { artifactsOf, FINE_TUNE_DEFAULTS, fineTuneLastBlocks, type FineTuneResult, type ImageSplit } from './fine-tune.ts';
import { buildTaughtMetadata } from './taught-metadata.ts';

/** A frame as the base model saw it. */
export interface ReadFrame {
  id: string;
  className: string;
  fingerprint: FrameFingerprint;
  /** The head's input (the pooling layer's output). */
  features: Float32Array;
  /** The familiarity check's features (metadata `familiarity.layer` + pooling), when the base model has the check. */
  familiarity?: Float32Array;
  /** The base model's probabilities, in the base model's class order. */
  baseProbs: Float32Array;
  /** The frame resized to the model's input (size x size x 3 bytes): kept only to fine-tune the backbone. */
  rgb?: Uint8Array;
}

export interface TeachRunInput {
  base: ModelMetadata;
  baseModelKey: string;
  /** The base model's stored artifacts (before any inference-time folding). */
  baseArtifacts: tf.io.ModelArtifacts;
  frames: readonly ReadFrame[];
  seed: number;
  createdAt: string;
  version: string;
  /** Runs finished out of the total, and the current run's last epoch. */
  onProgress?: (runsDone: number, runsTotal: number, epoch?: HeadProgress) => void;
  signal?: AbortSignal;
  /** The split, before any training (its warnings are shown while it trains). */
  onPlan?: (plan: TeachPlanSummary) => void;
  /** Epoch ceiling per run (tests lower it). */
  maxEpochs?: number;
  /** 'last-blocks': after the head, the backbone's last layers too (needs every frame's `rgb`). */
  method?: TeachMethod;
  /** Fine-tune epochs (tests lower it). */
  fineTuneEpochs?: number;
  /** A fine-tune epoch finished. */
  onFineTuneEpoch?: (done: number, total: number) => void;
  /**
   * Reads frames again through a fine-tuned model ([features, familiarity?, probabilities]), since
   * its features changed: the familiarity check is refitted on them. Given by the caller that can run a model.
   */
  reread?: (model: tf.LayersModel, frames: readonly ReadFrame[]) => Promise<ReadFrame[]>;
}

export class TeachRunError extends Error {
  override name = 'TeachRunError';
  constructor(
    message: string,
    readonly plan?: TeachPlanSummary,
  ) {
    super(message);
  }
}

/** Epochs when the training part is too small for an inner cut (a class with a single picture...). */
export const FALLBACK_EPOCHS = 20;
/** Share of the training part cut off to choose the number of epochs. */
const INNER_SHARE = 0.2;

/** The new version's classes: the base model's that have frames, in its order, then new ones by name. */
export function teachClassOrder(base: readonly string[], counts: Record<string, number>): string[] {
  const present = Object.keys(counts).filter((c) => counts[c] > 0);
  const known = base.filter((c) => present.includes(c));
  return [...known, ...present.filter((c) => !base.includes(c)).sort()];
}

export function summarisePlan(plan: SplitPlan, classes: string[]): TeachPlanSummary {
  return {
    mode: plan.mode,
    folds: plan.folds.length,
    classes,
    counts: plan.counts,
    heldOutCount: plan.folds.reduce((s, f) => s + f.heldOut.length, 0),
    notices: plan.notices,
    refused: plan.refused,
  };
}

/** The base model's probabilities moved into the new class order; a class it does not know gets 0. */
export function beforeProbabilities(baseClasses: readonly string[], classes: readonly string[], baseProbs: Float32Array[]): Float32Array {
  const k = classes.length;
  const out = new Float32Array(baseProbs.length * k);
  const from = classes.map((c) => baseClasses.indexOf(c));
  baseProbs.forEach((p, i) => from.forEach((j, c) => (out[i * k + c] = j >= 0 ? p[j] : 0)));
  return out;
}

function featureSet(frames: readonly ReadFrame[], labelOf: (f: ReadFrame) => number, pick: (f: ReadFrame) => Float32Array): FeatureSet {
  const dim = frames.length ? pick(frames[0]).length : 0;
  const features = new Float32Array(frames.length * dim);
  frames.forEach((f, i) => features.set(pick(f), i * dim));
  return { features, labels: Int32Array.from(frames, labelOf) };
}

export async function runTeaching(input: TeachRunInput): Promise<Omit<TeachResult, 'failed' | 'wallMs'>> {
  const { frames, seed } = input;
  const plan = planSplit(
    frames.map((f) => ({ id: f.id, className: f.className, fingerprint: f.fingerprint })),
    { seed },
  );
  const classes = teachClassOrder(
    input.base.classes.map((c) => c.name),
    plan.counts,
  );
  const summary = summarisePlan(plan, classes);
  input.onPlan?.(summary);
  if (!plan.ok)
    throw new TeachRunError(plan.notices.find((n) => n.severity === 'error')?.message ?? 'The frames cannot be split.', summary);

  const byId = new Map(frames.map((f) => [f.id, f]));
  const labelOf = (f: ReadFrame) => classes.indexOf(f.className);
  const pick = (ids: readonly string[]) => ids.map((id) => byId.get(id) as ReadFrame);
  const headSet = (list: readonly ReadFrame[]) => featureSet(list, labelOf, (f) => f.features);
  const inputDim = frames[0].features.length;
  const k = classes.length;
  const maxEpochs = input.maxEpochs ?? HEAD_TRAINING_DEFAULTS.maxEpochs;
  const runsTotal = plan.mode === 'holdout' ? 2 : 2 * plan.folds.length + 1;
  let runsDone = 0;
  const base = { inputDim, numClasses: k, maxEpochs, signal: input.signal };
  const onEpoch = (p: HeadProgress) => input.onProgress?.(runsDone, runsTotal, p);
  const finished = () => input.onProgress?.(++runsDone, runsTotal);

  /** Early stopping on an inner cut of `train` gives the number of epochs; then the head on all of `train`. */
  const trainOn = async (train: readonly ReadFrame[], runSeed: number) => {
    const inner = planSplit(
      train.map((f) => ({ id: f.id, className: f.className, fingerprint: f.fingerprint })),
      { seed: runSeed, mode: 'holdout', heldOutShare: INNER_SHARE },
    );
    const innerOk = inner.ok && inner.folds[0].heldOut.length > 0 && Object.keys(inner.counts).length === k;
    let epochs = FALLBACK_EPOCHS;
    let curves: HeadEpoch[] = [];
    let innerWeights: HeadWeights | undefined;
    if (innerOk) {
      const run = await trainHead(headSet(pick(inner.folds[0].train)), headSet(pick(inner.folds[0].heldOut)), {
        ...base,
        seed: runSeed,
        onEpoch,
      });
      epochs = run.bestEpoch;
      curves = run.history;
      innerWeights = run.weights;
    }
    finished();
    const final = await trainHead(headSet(train), undefined, { ...base, seed: runSeed, maxEpochs: Math.min(epochs, maxEpochs), onEpoch });
    finished();
    // No inner cut: the final run's own curve (its held-out columns are NaN).
    return {
      weights: final.weights,
      epochs,
      curves: innerOk ? curves : final.history,
      // The inner run's head saw the inner training frames only: the fine-tune starts from it, so
      // the inner cut that picks its epoch is unseen by every weight it starts from.
      inner: innerOk && innerWeights ? { ...inner.folds[0], weights: innerWeights } : undefined,
    };
  };

  // Out-of-fold (or held-out) rows, in the order they were held out.
  const heldOutFrames: ReadFrame[] = [];
  const afterRows: Float32Array[] = [];
  const famDistances: number[] = [];
  const famCheck = input.base.familiarity;
  const withFam = famCheck !== undefined && frames.every((f) => f.familiarity !== undefined);
  let shipped: { weights: HeadWeights; epochs: number; curves: HeadEpoch[] };
  const foldEpochs: number[] = [];
  let lastFold: Awaited<ReturnType<typeof trainOn>> | undefined;
  for (const [fi, fold] of plan.folds.entries()) {
    const train = pick(fold.train);
    const heldOut = pick(fold.heldOut);
    lastFold = await trainOn(train, deriveSeed(seed, fi + 1));
    foldEpochs.push(lastFold.epochs);
    afterRows.push(headProbabilities(lastFold.weights, headSet(heldOut).features));
    heldOutFrames.push(...heldOut);
    if (withFam && heldOut.length) {
      const centroids = classCentroids(famRows(train), Int32Array.from(train, labelOf), k);
      famDistances.push(...distancesTo(famRows(heldOut), centroids));
    }
  }
  if (plan.mode === 'holdout') shipped = lastFold as NonNullable<typeof lastFold>;
  else {
    // k folds measured; the shipped head learns from every frame, for the folds' median epochs.
    const sorted = [...foldEpochs].sort((a, b) => a - b);
    const epochs = sorted[Math.floor(sorted.length / 2)];
    const all = pick(plan.folds[0].train.concat(plan.folds[0].heldOut));
    const run = await trainHead(headSet(all), undefined, { ...base, seed: deriveSeed(seed, 0), maxEpochs: epochs, onEpoch });
    finished();
    shipped = { weights: run.weights, epochs, curves: run.history };
  }

  // The backbone's last layers too: only with one held-out part (k folds would each need a fine-tune).
  const method: TeachMethod = input.method === 'last-blocks' && plan.mode === 'holdout' && lastFold?.inner ? 'last-blocks' : 'head-only';
  const fineTuneSkipped = input.method === 'last-blocks' && method === 'head-only' ? ('kfold' as const) : undefined;
  let shippedArtifacts = assembleTaughtModel(input.baseArtifacts, shipped.weights);
  let afterProbs = concatRows(afterRows);
  let fine: Omit<FineTuneResult, 'model'> | undefined;
  if (method === 'last-blocks' && lastFold?.inner) {
    const imagesOf = (list: readonly ReadFrame[]): ImageSplit => {
      if (list.some((f) => !f.rgb)) throw new TeachRunError('Fine-tuning the backbone needs the frames themselves; they were not kept.');
      return { images: concatBytes(list.map((f) => f.rgb as Uint8Array)), labels: Int32Array.from(list, labelOf), count: list.length };
    };
    input.onFineTuneEpoch?.(0, input.fineTuneEpochs ?? FINE_TUNE_DEFAULTS.epochs);
    const tuned = await fineTuneLastBlocks({
      artifacts: assembleTaughtModel(input.baseArtifacts, lastFold.inner.weights),
      train: imagesOf(pick(lastFold.inner.train)),
      val: imagesOf(pick(lastFold.inner.heldOut)),
      numClasses: k,
      inputSize: input.base.input.size,
      inputRange: input.base.input.range,
      seed: deriveSeed(seed, 0xf1e),
      epochs: input.fineTuneEpochs,
      signal: input.signal,
      onEpoch: (r, n) => input.onFineTuneEpoch?.(r.epoch, n),
    });
    try {
      shippedArtifacts = await artifactsOf(tuned.model);
    } finally {
      tuned.model.dispose();
    }
    // Its features changed: the held-out probabilities and every familiarity feature are read again,
    // through a fresh copy (the trainer applied the tail's layers a second time, so they have two outputs).
    const fresh = await tf.loadLayersModel(tf.io.fromMemory(shippedArtifacts));
    try {
      const score = makeScorer(fresh, { ...input.base, familiarity: famCheck });
      const range = input.base.input.range;
      const again = await score(frames.map((f) => scaleToRange(f.rgb as Uint8Array, range)));
      frames.forEach((f, i) => byId.set(f.id, { ...f, familiarity: again[i].familiarity }));
      const tunedProbs = new Map(frames.map((f, i) => [f.id, again[i].probs]));
      afterProbs = concatRows(heldOutFrames.map((f) => tunedProbs.get(f.id) as Float32Array));
      if (withFam) {
        const train = pick(plan.folds[0].train);
        const centroids = classCentroids(famRows(train), Int32Array.from(train, labelOf), k);
        famDistances.splice(0, famDistances.length, ...distancesTo(famRows(pick(plan.folds[0].heldOut)), centroids));
      }
    } finally {
      fresh.dispose();
    }
    fine = { history: tuned.history, bestEpoch: tuned.bestEpoch, epochs: tuned.epochs, unfreeze: tuned.unfreeze };
  }

  const yTrue = Int32Array.from(heldOutFrames, labelOf);
  const after = computeMetrics(yTrue, afterProbs, classes);
  const before = computeMetrics(
    yTrue,
    beforeProbabilities(
      input.base.classes.map((c) => c.name),
      classes,
      heldOutFrames.map((f) => f.baseProbs),
    ),
    classes,
  );

  let familiarity: FamiliarityCheck | undefined;
  if (withFam && famDistances.length) {
    const all = plan.mode === 'holdout' ? pick(plan.folds[0].train) : pick(plan.folds[0].train.concat(plan.folds[0].heldOut));
    const centroids = classCentroids(famRows(all), Int32Array.from(all, labelOf), k);
    const threshold = thresholdFromDistances(famDistances, FAMILIARITY_QUANTILE);
    familiarity = {
      method: FAMILIARITY_METHOD,
      layer: famCheck.layer,
      ...(famCheck.pooling ? { pooling: famCheck.pooling } : {}),
      centroids,
      threshold,
      quantile: FAMILIARITY_QUANTILE,
      centroidSplit: plan.mode === 'holdout' ? 'teach-train' : 'teach-all',
      thresholdSplit: plan.mode === 'holdout' ? 'teach-held-out' : 'teach-out-of-fold',
      flaggedShare: { heldOut: flaggedShareOf(famDistances, threshold) },
    };
  }

  // The fine-tune's epochs follow the head's, numbered on (held-out columns: its inner cut).
  const curves: HeadEpoch[] = [
    ...shipped.curves,
    ...(fine?.history ?? []).map((r, i) => ({
      epoch: shipped.curves.length + i + 1,
      loss: r.loss,
      accuracy: r.accuracy,
      heldOutLoss: r.valLoss,
      heldOutAccuracy: r.valAccuracy,
    })),
  ];
  const metadata = buildTaughtMetadata({
    base: input.base,
    baseModelKey: input.baseModelKey,
    version: input.version,
    createdAt: input.createdAt,
    classes,
    frames: frames.map((f) => ({ id: f.id, className: f.className, sha256: f.fingerprint.sha256 })),
    plan,
    recipe: {
      epochs: shipped.epochs,
      maxEpochs,
      patience: HEAD_TRAINING_DEFAULTS.patience,
      batchSize: HEAD_TRAINING_DEFAULTS.batchSize,
      learningRate: HEAD_TRAINING_DEFAULTS.learningRate,
      ...(fine
        ? {
            fineTune: {
              unfreeze: fine.unfreeze,
              epochs: fine.epochs,
              bestEpoch: fine.bestEpoch,
              learningRate: FINE_TUNE_DEFAULTS.learningRate,
              augmentation: FINE_TUNE_DEFAULTS.augmentation,
            },
          }
        : {}),
    },
    heldOut: after,
    before,
    curves,
    ...(familiarity ? { familiarity } : {}),
  });
  const files: TeachFile[] = [...exportFiles(shippedArtifacts), { name: 'metadata.json', data: JSON.stringify(metadata, null, 1) }].map(
    (f) => ({ name: f.name, data: toArrayBuffer(f.data) }),
  );
  return { plan: summary, before, after, curves, method, ...(fineTuneSkipped ? { fineTuneSkipped } : {}), metadata, files };

  function famRows(list: readonly ReadFrame[]) {
    const set = featureSet(list, labelOf, (f) => f.familiarity as Float32Array);
    return { features: set.features, dim: list.length ? set.features.length / list.length : 0 };
  }
}

/** The parts end to end in one array of `make`'s kind. */
function concat<A extends Float32Array | Uint8Array>(parts: readonly A[], make: (length: number) => A): A {
  const out = make(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
const concatRows = (rows: readonly Float32Array[]) => concat(rows, (n) => new Float32Array(n));
const concatBytes = (parts: readonly Uint8Array[]) => concat(parts, (n) => new Uint8Array(n));

function toArrayBuffer(data: string | Uint8Array): ArrayBuffer {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data;
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}
