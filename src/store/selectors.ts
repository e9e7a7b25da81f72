/** Derived views of the store, pure so they are unit-tested and memoised by callers. */
import type { AppState } from './store.ts';
import type { ConfidenceThresholds, ReviewMap } from '../domain/review.ts';
import { DEFAULT_CONFIDENT, DEFAULT_LOW_CONFIDENCE, type FrameRecord, type ModelInfo, type ViewState } from './types.ts';

export function lowConfidenceThreshold(s: Pick<AppState, 'settings' | 'model'>): number {
  return s.settings.lowConfidenceThreshold ?? s.model.metadata?.lowConfidenceThreshold ?? DEFAULT_LOW_CONFIDENCE;
}

/** The three-level thresholds: low is the existing low-confidence threshold; confident sits at or above it. */
export function confidenceThresholds(s: Pick<AppState, 'settings' | 'model'>): ConfidenceThresholds {
  const low = lowConfidenceThreshold(s);
  return { low, confident: Math.max(low, s.settings.confidentThreshold ?? DEFAULT_CONFIDENT) };
}

/** The review map the review feature works on, from the records (callers memoise on `frames`). */
export function reviewMapOf(frames: Record<string, FrameRecord>): ReviewMap {
  const out: ReviewMap = {};
  for (const f of Object.values(frames)) if (f.review) out[f.id] = f.review;
  return out;
}

export function predictedClassName(frame: FrameRecord, infos: Record<string, ModelInfo>): string | undefined {
  if (frame.predictedIndex === undefined || !frame.modelKey) return undefined;
  return infos[frame.modelKey]?.classes[frame.predictedIndex]?.name;
}

/** A classified frame the familiarity check flagged (src/core/familiarity.ts isUnfamiliar, recorded by the worker). */
export function isUnfamiliarFrame(frame: FrameRecord): boolean {
  return frame.status === 'done' && frame.unfamiliar === true;
}

/** Needs a look: top probability below the threshold, or unlike the training images (its probabilities mean nothing). */
export function isLowConfidence(frame: FrameRecord, threshold: number): boolean {
  return isUnfamiliarFrame(frame) || (frame.status === 'done' && (frame.confidence ?? 0) < threshold);
}

/**
 * The confidence that sorting and the confidence-range filter use: the top probability, except for a
 * frame unlike the training images, whose probability means nothing: it counts as 0, so "least
 * confident first" shows it first and a "90-100 %" filter never lists it among confident findings.
 */
export function triageConfidence(frame: FrameRecord): number {
  return isUnfamiliarFrame(frame) ? 0 : (frame.confidence ?? 0);
}

export function visibleFrameIds(
  order: readonly string[],
  frames: Record<string, FrameRecord>,
  infos: Record<string, ModelInfo>,
  view: ViewState,
  threshold: number,
): string[] {
  const filtered = order.filter((id) => {
    const f = frames[id];
    if (!f) return false;
    const reviewFilter = view.reviewFilter ?? 'all';
    if (reviewFilter !== 'all' && Boolean(f.review?.reviewedClass) !== (reviewFilter === 'reviewed')) return false;
    const filtering = view.classFilter !== 'all' || view.onlyLowConfidence || view.minConfidence > 0 || view.maxConfidence < 1;
    if (!filtering) return true;
    if (f.status !== 'done') return false;
    if (view.classFilter !== 'all' && predictedClassName(f, infos) !== view.classFilter) return false;
    const c = triageConfidence(f);
    if (c < view.minConfidence || c > view.maxConfidence) return false;
    if (view.onlyLowConfidence && !isLowConfidence(f, threshold)) return false;
    return true;
  });
  const byName = (a: FrameRecord, b: FrameRecord) => a.fileName.localeCompare(b.fileName, undefined, { numeric: true });
  const conf = (f: FrameRecord) => (f.status !== 'done' ? -1 : triageConfidence(f));
  const cmp: Record<ViewState['sort'], ((a: FrameRecord, b: FrameRecord) => number) | null> = {
    added: null,
    name: byName,
    class: (a, b) =>
      (predictedClassName(a, infos) ?? '\uffff').localeCompare(predictedClassName(b, infos) ?? '\uffff') || conf(b) - conf(a),
    'confidence-desc': (a, b) => conf(b) - conf(a),
    'confidence-asc': (a, b) => {
      // Unclassified frames last in both directions.
      const ca = conf(a) < 0 ? 2 : conf(a);
      const cb = conf(b) < 0 ? 2 : conf(b);
      return ca - cb;
    },
  };
  const fn = cmp[view.sort];
  return fn ? filtered.sort((a, b) => fn(frames[a], frames[b])) : filtered;
}

export interface ClassCount {
  name: string;
  count: number;
  /** Low confidence, unfamiliar frames included. */
  low: number;
  /** Of `low`, those unlike the training images. */
  unfamiliar: number;
}

/** Frames per predicted class of the active model (others' results are counted under their own names). */
export function countsPerClass(
  frames: Record<string, FrameRecord>,
  infos: Record<string, ModelInfo>,
  classNames: readonly string[],
  threshold: number,
): ClassCount[] {
  const counts = new Map<string, ClassCount>(classNames.map((name) => [name, { name, count: 0, low: 0, unfamiliar: 0 }]));
  for (const f of Object.values(frames)) {
    const name = predictedClassName(f, infos);
    if (!name) continue;
    const c = counts.get(name) ?? { name, count: 0, low: 0, unfamiliar: 0 };
    c.count++;
    if (isLowConfidence(f, threshold)) c.low++;
    if (isUnfamiliarFrame(f)) c.unfamiliar++;
    counts.set(name, c);
  }
  return [...counts.values()];
}

/**
 * The taught version in use: the loaded custom model whose name and version a stored version has.
 * Derived, never stored, so loading another model or going back to the embedded one cannot leave it stale.
 */
export function activeVersionId(s: Pick<AppState, 'model' | 'modelVersions'>): string | undefined {
  const m = s.model;
  if (m.source !== 'custom' || m.status !== 'ready' || !m.metadata) return undefined;
  return s.modelVersions.find((v) => v.name === m.metadata?.name && v.version === m.metadata?.version)?.id;
}
