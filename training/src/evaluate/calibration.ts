/**
 * Confidence calibration: expected calibration error and temperature scaling (Guo et al., 2017).
 * Temperature scaling divides the logits by T; the exported model bakes T into its last layer.
 * Working on probabilities, log p equals the logits up to a per-row constant, which softmax ignores.
 */
import { MetricsError } from '../../../src/core/metrics.ts';

/** Smallest probability taken to the log, so a zero from float32 underflow stays finite. */
const MIN_PROB = 1e-30;

function checkRows(probs: Float32Array, yTrue: ArrayLike<number> | null, numClasses: number): number {
  if (!Number.isInteger(numClasses) || numClasses < 2) throw new MetricsError(`need at least 2 classes, got ${numClasses}`);
  if (probs.length % numClasses !== 0) throw new MetricsError(`probs length ${probs.length} is not a multiple of ${numClasses} classes`);
  const n = probs.length / numClasses;
  if (yTrue && yTrue.length !== n) throw new MetricsError(`${yTrue.length} labels for ${n} rows of probabilities`);
  return n;
}

/**
 * ECE with `bins` equal-width bins on the top probability: sum over bins of
 * (bin size / n) * |accuracy(bin) - mean confidence(bin)|. Bin b holds confidences in (b/bins, (b+1)/bins].
 */
export function expectedCalibrationError(probs: Float32Array, yTrue: ArrayLike<number>, numClasses: number, bins = 15): number {
  const n = checkRows(probs, yTrue, numClasses);
  if (n === 0) return 0;
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const hits = new Float64Array(bins);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (probs[i * numClasses + c] > probs[i * numClasses + best]) best = c;
    const p = probs[i * numClasses + best];
    const b = Math.min(bins - 1, Math.max(0, Math.ceil(p * bins) - 1));
    count[b]++;
    conf[b] += p;
    if (best === yTrue[i]) hits[b]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b] > 0) ece += (count[b] / n) * Math.abs(hits[b] / count[b] - conf[b] / count[b]);
  return ece;
}

/** Fills `row` with log(p) / T for sample i (the tempered logits, up to a constant); returns their max. */
function temperedLogits(probs: Float32Array, i: number, numClasses: number, T: number, row: Float64Array): number {
  let max = -Infinity;
  for (let c = 0; c < numClasses; c++) {
    row[c] = Math.log(Math.max(MIN_PROB, probs[i * numClasses + c])) / T;
    if (row[c] > max) max = row[c];
  }
  return max;
}

/** softmax(log p / T) per row. */
export function applyTemperature(probs: Float32Array, numClasses: number, T: number): Float32Array {
  if (!(T > 0) || !Number.isFinite(T)) throw new MetricsError(`temperature must be a positive number, got ${T}`);
  const n = checkRows(probs, null, numClasses);
  const out = new Float32Array(probs.length);
  const row = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) {
    const max = temperedLogits(probs, i, numClasses, T, row);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += row[c] = Math.exp(row[c] - max);
    for (let c = 0; c < numClasses; c++) out[i * numClasses + c] = row[c] / sum;
  }
  return out;
}

/** Mean negative log-likelihood of the labels under softmax(log p / T). */
export function temperedNll(probs: Float32Array, yTrue: ArrayLike<number>, numClasses: number, T: number): number {
  const n = checkRows(probs, yTrue, numClasses);
  let total = 0;
  const row = new Float64Array(numClasses);
  for (let i = 0; i < n; i++) {
    const max = temperedLogits(probs, i, numClasses, T, row);
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += Math.exp(row[c] - max);
    total += max + Math.log(sum) - row[yTrue[i]];
  }
  return total / n;
}

/** Search range for T: wide enough for badly over- or under-confident models. */
export const TEMPERATURE_RANGE: readonly [number, number] = [0.05, 20];

/**
 * The T in TEMPERATURE_RANGE minimising the NLL of softmax(log p / T), by golden-section search
 * on log T (the NLL is convex in 1/T, hence unimodal in log T). Deterministic.
 */
export function fitTemperature(probs: Float32Array, yTrue: ArrayLike<number>, numClasses: number): number {
  const n = checkRows(probs, yTrue, numClasses);
  if (n === 0) throw new MetricsError('cannot fit a temperature on zero samples');
  const f = (logT: number) => temperedNll(probs, yTrue, numClasses, Math.exp(logT));
  const ratio = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(TEMPERATURE_RANGE[0]);
  let b = Math.log(TEMPERATURE_RANGE[1]);
  let c = b - ratio * (b - a);
  let d = a + ratio * (b - a);
  let fc = f(c);
  let fd = f(d);
  while (b - a > 1e-6) {
    if (fc <= fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - ratio * (b - a);
      fc = f(c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + ratio * (b - a);
      fd = f(d);
    }
  }
  return Math.exp((a + b) / 2);
}
