/**
 * Classification metrics from predicted probabilities, with sklearn's definitions
 * (classification_report / precision_recall_fscore_support, zero_division=0) and Keras's
 * categorical cross-entropy. Plain arrays in, plain numbers out: no tfjs needed.
 */
import type { AveragedMetrics, EvalMetrics, PerClassMetrics } from './metadata.ts';

/** Keras's backend epsilon: probabilities are clipped to [EPS, 1 - EPS] inside the loss. */
export const KERAS_EPSILON = 1e-7;

export class MetricsError extends Error {
  override name = 'MetricsError';
}

export interface MetricsOptions {
  /** One source name per sample (e.g. `sourceOf(file)`): adds per-source accuracy and macro F1. */
  sources?: string[];
  /** The loss as already computed (e.g. by the model); otherwise categorical cross-entropy of `probs`. */
  loss?: number;
}

function checkShapes(yTrue: ArrayLike<number>, probs: Float32Array, numClasses: number): void {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new MetricsError(`need at least one class, got ${numClasses}`);
  if (probs.length !== yTrue.length * numClasses) {
    throw new MetricsError(
      `probs holds ${probs.length} values, expected ${yTrue.length} samples x ${numClasses} classes = ${yTrue.length * numClasses}`,
    );
  }
  for (let i = 0; i < yTrue.length; i++) {
    const y = yTrue[i];
    if (!Number.isInteger(y) || y < 0 || y >= numClasses) throw new MetricsError(`label ${i} is ${y}, outside 0..${numClasses - 1}`);
  }
}

/** Index of the largest probability per row (first one on ties, as numpy's argmax). */
export function argmaxRows(probs: Float32Array, numClasses: number): Int32Array {
  const n = probs.length / numClasses;
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    for (let c = 1; c < numClasses; c++) if (probs[i * numClasses + c] > probs[i * numClasses + best]) best = c;
    out[i] = best;
  }
  return out;
}

/** Mean of -log p[true], with Keras's clipping and per-row renormalisation. */
export function categoricalCrossEntropy(yTrue: ArrayLike<number>, probs: Float32Array, numClasses: number): number {
  checkShapes(yTrue, probs, numClasses);
  if (yTrue.length === 0) return Number.NaN;
  let total = 0;
  for (let i = 0; i < yTrue.length; i++) {
    let sum = 0;
    for (let c = 0; c < numClasses; c++) sum += probs[i * numClasses + c];
    const p = probs[i * numClasses + yTrue[i]] / (sum || 1);
    total += -Math.log(Math.min(1 - KERAS_EPSILON, Math.max(KERAS_EPSILON, p)));
  }
  return total / yTrue.length;
}

const safeDiv = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** confusion[true][predicted]. */
export function confusionMatrix(yTrue: ArrayLike<number>, yPred: ArrayLike<number>, numClasses: number): number[][] {
  const m = Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) m[yTrue[i]][yPred[i]]++;
  return m;
}

/** Per-class precision, recall, F1 and support from a confusion matrix (zero division gives 0). */
export function perClassFromConfusion(confusion: number[][], classNames: string[]): PerClassMetrics[] {
  return classNames.map((name, c) => {
    const tp = confusion[c][c];
    const support = confusion[c].reduce((a, b) => a + b, 0);
    const predicted = confusion.reduce((a, row) => a + row[c], 0);
    const precision = safeDiv(tp, predicted);
    const recall = safeDiv(tp, support);
    const f1 = safeDiv(2 * precision * recall, precision + recall);
    return { name, precision, recall, f1, support };
  });
}

function average(rows: PerClassMetrics[], weighted: boolean): AveragedMetrics {
  const weights = rows.map((r) => (weighted ? r.support : 1));
  const total = weights.reduce((a, b) => a + b, 0);
  const avg = (k: 'precision' | 'recall' | 'f1') =>
    safeDiv(
      rows.reduce((a, r, i) => a + r[k] * weights[i], 0),
      total,
    );
  return { precision: avg('precision'), recall: avg('recall'), f1: avg('f1') };
}

/**
 * Accuracy, loss, per-class precision/recall/F1/support, macro and weighted averages over all
 * `classNames` (as sklearn with `labels=range(k)`), and confusion[true][pred].
 * Per source (when `opts.sources` is given): accuracy and count; macro F1 over the classes the
 * source truly holds, where it holds more than one. Sources sharing a prefix (gv_normal, gv_polyp)
 * are also pooled as a family (`gv_*`).
 */
export function computeMetrics(
  yTrue: Int32Array | number[],
  probs: Float32Array,
  classNames: string[],
  opts: MetricsOptions = {},
): EvalMetrics {
  const k = classNames.length;
  checkShapes(yTrue, probs, k);
  const n = yTrue.length;
  if (n === 0) throw new MetricsError('cannot compute metrics on zero samples');
  const yPred = argmaxRows(probs, k);
  let correct = 0;
  for (let i = 0; i < n; i++) if (yPred[i] === yTrue[i]) correct++;
  const confusion = confusionMatrix(yTrue, yPred, k);
  const perClass = perClassFromConfusion(confusion, classNames);
  const metrics: EvalMetrics = {
    accuracy: correct / n,
    loss: opts.loss ?? categoricalCrossEntropy(yTrue, probs, k),
    count: n,
    perClass,
    macro: average(perClass, false),
    weighted: average(perClass, true),
    confusion,
  };

  if (opts.sources) {
    if (opts.sources.length !== n) throw new MetricsError(`sources lists ${opts.sources.length} entries for ${n} samples`);
    const groups = new Map<string, number[]>();
    const add = (key: string, i: number) => {
      const list = groups.get(key);
      if (list) list.push(i);
      else groups.set(key, [i]);
    };
    opts.sources.forEach((s, i) => add(s, i));
    // Source families ("gv_*" for gv_normal + gv_polyp) hold several classes from one image source:
    // their macro F1 is the figure that shows whether a model learned the finding or the source.
    const family = (s: string) => (s.includes('_') ? `${s.slice(0, s.indexOf('_'))}_*` : undefined);
    const families = new Map<string, Set<string>>();
    for (const s of groups.keys()) {
      const f = family(s);
      if (f) families.set(f, (families.get(f) ?? new Set()).add(s));
    }
    for (const [f, members] of families) {
      if (members.size > 1) opts.sources.forEach((s, i) => members.has(s) && add(f, i));
    }
    metrics.perSource = {};
    for (const [source, idx] of [...groups.entries()].sort(([a], [b]) => (a < b ? -1 : 1))) {
      const t = idx.map((i) => yTrue[i]);
      const p = idx.map((i) => yPred[i]);
      const trueClasses = new Set(t);
      const entry: { accuracy: number; count: number; macroF1?: number } = {
        accuracy: t.filter((y, j) => y === p[j]).length / idx.length,
        count: idx.length,
      };
      // Macro F1 over the classes the source truly holds; a one-class source has accuracy only.
      if (trueClasses.size > 1) {
        const rows = perClassFromConfusion(confusionMatrix(t, p, k), classNames).filter((_, c) => trueClasses.has(c));
        entry.macroF1 = average(rows, false).f1;
      }
      metrics.perSource[source] = entry;
    }
  }
  return metrics;
}
