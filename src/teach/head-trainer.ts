/**
 * Trains a new head (Dense 32 relu -> Dropout 0.2 -> Dense n softmax, as src/core/head.ts) on the
 * backbone's pooled features: the seconds-long default of teaching. A hand-written loop on four
 * variables rather than `model.fit`, because fit shuffles with Math.random and tfjs's seeded
 * Dropout draws the same mask every step; here every random choice comes from the seed.
 * Adam 1e-3 (Keras's betas and epsilon), batch 32, early stopping on held-out loss with the best
 * epoch's weights kept; progress, ETA and cancel between epochs.
 */
import * as tf from '@tensorflow/tfjs';
import { HEAD_DROPOUT, HEAD_UNITS } from '../core/head.ts';
import { categoricalCrossEntropy } from '../core/metrics.ts';
import { deriveSeed, epochRng, mulberry32, shuffledIndices } from '../core/rng.ts';

/** Row-major feature vectors with their class indices. */
export interface FeatureSet {
  features: Float32Array;
  labels: Int32Array;
}

export interface HeadWeights {
  /** [inputDim, HEAD_UNITS] row-major, as Keras stores a Dense kernel. */
  denseKernel: Float32Array;
  denseBias: Float32Array;
  /** [HEAD_UNITS, numClasses] */
  outputKernel: Float32Array;
  outputBias: Float32Array;
  inputDim: number;
  numClasses: number;
}

export interface HeadEpoch {
  epoch: number;
  loss: number;
  accuracy: number;
  /** NaN when nothing is held out. */
  heldOutLoss: number;
  heldOutAccuracy: number;
}

export interface HeadProgress extends HeadEpoch {
  maxEpochs: number;
  bestEpoch: number;
  elapsedMs: number;
  /** Time left if held-out loss stops improving now (early stopping); each improvement extends it. */
  etaMs: number;
  /** Time left if every epoch up to maxEpochs runs. */
  etaMaxMs: number;
}

export interface HeadTrainingOptions {
  inputDim: number;
  numClasses: number;
  seed: number;
  maxEpochs?: number;
  /** Epochs without a lower held-out loss before stopping. */
  patience?: number;
  batchSize?: number;
  learningRate?: number;
  onEpoch?: (p: HeadProgress) => void;
  /** Checked between epochs: an aborted signal ends training with HeadTrainingCancelled. */
  signal?: AbortSignal;
}

export interface HeadTrainingResult {
  weights: HeadWeights;
  /** 1-based epoch whose weights were kept (the last one when nothing is held out). */
  bestEpoch: number;
  history: HeadEpoch[];
  stoppedEarly: boolean;
  /** The kept weights' probabilities on the held-out set ([n, numClasses] row-major). */
  heldOutProbs: Float32Array;
  wallMs: number;
}

export const HEAD_TRAINING_DEFAULTS = { maxEpochs: 60, patience: 6, batchSize: 32, learningRate: 1e-3 } as const;

/** Held-out loss must fall by more than this to count as better (a loss near 0 stops creeping on). */
export const MIN_IMPROVEMENT = 1e-4;

export class HeadTrainingCancelled extends Error {
  override name = 'HeadTrainingCancelled';
  constructor() {
    super('Training was cancelled.');
  }
}

export class HeadTrainingError extends Error {
  override name = 'HeadTrainingError';
}

function checkSet(set: FeatureSet, dim: number, k: number, what: string): void {
  if (set.features.length !== set.labels.length * dim) {
    throw new HeadTrainingError(`${what}: ${set.features.length} feature values for ${set.labels.length} labels of ${dim} dimensions`);
  }
  for (const y of set.labels) if (!(y >= 0 && y < k)) throw new HeadTrainingError(`${what}: label ${y} outside 0..${k - 1}`);
}

/** Glorot-uniform values (Keras's default kernel initializer) from a seeded stream. */
function glorotUniform(fanIn: number, fanOut: number, rng: () => number): Float32Array {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return Float32Array.from({ length: fanIn * fanOut }, () => (2 * rng() - 1) * limit);
}

/** Probabilities of a head on features: softmax(relu(x W1 + b1) W2 + b2). */
export function headProbabilities(weights: HeadWeights, features: Float32Array): Float32Array {
  const n = features.length / weights.inputDim;
  if (n === 0) return new Float32Array(0);
  const probs = tf.tidy(() => {
    const x = tf.tensor2d(features, [n, weights.inputDim]);
    const h = tf.relu(
      tf.add(tf.matMul(x, tf.tensor2d(weights.denseKernel, [weights.inputDim, HEAD_UNITS])), tf.tensor1d(weights.denseBias)),
    );
    const logits = tf.add(
      tf.matMul(h, tf.tensor2d(weights.outputKernel, [HEAD_UNITS, weights.numClasses])),
      tf.tensor1d(weights.outputBias),
    );
    return tf.softmax(logits);
  });
  try {
    return Float32Array.from(probs.dataSync());
  } finally {
    probs.dispose();
  }
}

function accuracyOf(probs: Float32Array, labels: Int32Array, k: number): number {
  let correct = 0;
  for (let i = 0; i < labels.length; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (probs[i * k + c] > probs[i * k + best]) best = c;
    if (best === labels[i]) correct++;
  }
  return labels.length ? correct / labels.length : Number.NaN;
}

/**
 * x W with W's gradient as transpose(x) dy, transposed explicitly: wasm's matMul with transposeA
 * (what autodiff emits) is ~50x slower. x is data, so its gradient is zeros.
 */
const denseOnData = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x]);
  return {
    value: tf.matMul(x, w),
    gradFunc: (dy, saved) => [tf.zerosLike(saved[0]), tf.matMul(tf.transpose(saved[0]), dy)],
  };
}) as (x: tf.Tensor2D, w: tf.Variable) => tf.Tensor2D;

/** Lets a worker's message queue run (a cancel arrives as a message) between epochs. */
const nextTask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function trainHead(
  train: FeatureSet,
  heldOut: FeatureSet | undefined,
  opts: HeadTrainingOptions,
): Promise<HeadTrainingResult> {
  const o = { ...HEAD_TRAINING_DEFAULTS, ...opts };
  const { inputDim: d, numClasses: k } = o;
  if (k < 2) throw new HeadTrainingError(`a head needs at least 2 classes, got ${k}`);
  checkSet(train, d, k, 'training set');
  if (train.labels.length === 0) throw new HeadTrainingError('the training set is empty');
  if (heldOut) checkSet(heldOut, d, k, 'held-out set');
  const evaluate = heldOut !== undefined && heldOut.labels.length > 0;
  const started = performance.now();

  const initRng = mulberry32(deriveSeed(o.seed, 0x4ead));
  // In a tidy so the initial values are freed once the variables hold copies.
  const vars = tf.tidy(() => ({
    w1: tf.variable(tf.tensor2d(glorotUniform(d, HEAD_UNITS, initRng), [d, HEAD_UNITS])),
    b1: tf.variable(tf.zeros([HEAD_UNITS])),
    w2: tf.variable(tf.tensor2d(glorotUniform(HEAD_UNITS, k, initRng), [HEAD_UNITS, k])),
    b2: tf.variable(tf.zeros([k])),
  }));
  const optimizer = tf.train.adam(o.learningRate, 0.9, 0.999, 1e-7);
  const n = train.labels.length;
  const x = tf.tensor2d(train.features, [n, d]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(train.labels, 'int32'), k).toFloat());
  const snapshot = async (): Promise<HeadWeights> => ({
    denseKernel: Float32Array.from(await vars.w1.data()),
    denseBias: Float32Array.from(await vars.b1.data()),
    outputKernel: Float32Array.from(await vars.w2.data()),
    outputBias: Float32Array.from(await vars.b2.data()),
    inputDim: d,
    numClasses: k,
  });

  const history: HeadEpoch[] = [];
  let best: { epoch: number; loss: number; weights: HeadWeights } | undefined;
  let stoppedEarly = false;
  try {
    for (let epoch = 1; epoch <= o.maxEpochs; epoch++) {
      if (o.signal?.aborted) throw new HeadTrainingCancelled();
      const rng = epochRng(o.seed, epoch);
      const order = shuffledIndices(n, rng);
      let lossSum = 0;
      for (let start = 0; start < n; start += o.batchSize) {
        const idx = order.subarray(start, Math.min(n, start + o.batchSize));
        // Inverted dropout (Keras's): kept units scaled by 1 / (1 - rate) while training.
        const mask = Float32Array.from({ length: idx.length * HEAD_UNITS }, () => (rng() >= HEAD_DROPOUT ? 1 / (1 - HEAD_DROPOUT) : 0));
        const loss = tf.tidy(() => {
          const idxT = tf.tensor1d(idx, 'int32');
          const xb = tf.gather(x, idxT);
          const yb = tf.gather(y, idxT);
          const keep = tf.tensor2d(mask, [idx.length, HEAD_UNITS]);
          return optimizer.minimize(() => {
            const h = tf.mul(tf.relu(tf.add(denseOnData(xb, vars.w1), vars.b1)), keep);
            return tf.losses.softmaxCrossEntropy(yb, tf.add(tf.matMul(h, vars.w2), vars.b2));
          }, true) as tf.Scalar;
        });
        lossSum += (await loss.data())[0] * idx.length;
        loss.dispose();
      }
      const weights = await snapshot();
      const trainProbs = headProbabilities(weights, train.features);
      const record: HeadEpoch = {
        epoch,
        loss: lossSum / n,
        accuracy: accuracyOf(trainProbs, train.labels, k),
        heldOutLoss: Number.NaN,
        heldOutAccuracy: Number.NaN,
      };
      if (evaluate) {
        const probs = headProbabilities(weights, heldOut.features);
        record.heldOutLoss = categoricalCrossEntropy(heldOut.labels, probs, k);
        record.heldOutAccuracy = accuracyOf(probs, heldOut.labels, k);
      }
      history.push(record);
      if (!evaluate || !best || record.heldOutLoss < best.loss - MIN_IMPROVEMENT) best = { epoch, loss: record.heldOutLoss, weights };
      const elapsedMs = performance.now() - started;
      const perEpoch = elapsedMs / epoch;
      const untilStop = evaluate ? Math.min(o.maxEpochs - epoch, o.patience - (epoch - best.epoch)) : o.maxEpochs - epoch;
      o.onEpoch?.({
        ...record,
        maxEpochs: o.maxEpochs,
        bestEpoch: best.epoch,
        elapsedMs,
        etaMs: Math.max(0, untilStop) * perEpoch,
        etaMaxMs: (o.maxEpochs - epoch) * perEpoch,
      });
      if (evaluate && epoch - best.epoch >= o.patience) {
        stoppedEarly = epoch < o.maxEpochs;
        break;
      }
      await nextTask();
    }
    if (o.signal?.aborted) throw new HeadTrainingCancelled();
  } finally {
    tf.dispose([x, y, vars.w1, vars.b1, vars.w2, vars.b2]);
    optimizer.dispose();
  }
  const kept = best as NonNullable<typeof best>;
  return {
    weights: kept.weights,
    bestEpoch: kept.epoch,
    history,
    stoppedEarly,
    heldOutProbs: evaluate ? headProbabilities(kept.weights, heldOut.features) : new Float32Array(0),
    wallMs: performance.now() - started,
  };
}
