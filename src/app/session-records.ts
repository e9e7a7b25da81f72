/**
 * Between the store's frame records and session-export's FrameResult (CSV, session JSON, report).
 * Pure functions: the store layout stays the store's business, the export format its own.
 */
import { displayNameFor } from '../core/classes.ts';
import type { FrameResult, SessionModelInfo } from '../features/session-export/types.ts';
import type { FrameRecord, ModelInfo } from '../store/types.ts';

/** The model a session export speaks for: the loaded one, else the one of the first classified frame. */
export function sessionModelKey(
  order: readonly string[],
  frames: Record<string, FrameRecord>,
  activeModelKey: string | undefined,
): string | undefined {
  if (activeModelKey) return activeModelKey;
  for (const id of order) if (frames[id]?.status === 'done' && frames[id].modelKey) return frames[id].modelKey;
  return undefined;
}

export function sessionModelInfo(info: ModelInfo): SessionModelInfo {
  return { name: info.name, version: info.version, classes: info.classes.map((c) => c.name) };
}

const sameClasses = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((c, i) => c === b[i]);

/**
 * Classified frames whose model has the export model's classes, in session order. Frames of a model
 * with other classes cannot share one CSV header, so they are left out (the count tells the user).
 */
export function toFrameResults(
  order: readonly string[],
  frames: Record<string, FrameRecord>,
  infos: Record<string, ModelInfo>,
  model: SessionModelInfo,
): FrameResult[] {
  const out: FrameResult[] = [];
  for (const id of order) {
    const f = frames[id];
    if (!f || f.status !== 'done' || !f.probabilities || f.predictedIndex === undefined || !f.modelKey) continue;
    const info = infos[f.modelKey];
    if (
      !info ||
      !sameClasses(
        info.classes.map((c) => c.name),
        model.classes,
      )
    )
      continue;
    const r: FrameResult = {
      id: f.id,
      fileName: f.fileName,
      probabilities: f.probabilities,
      predictedClass: model.classes[f.predictedIndex],
      confidence: f.confidence ?? f.probabilities[f.predictedIndex],
      backend: f.backend ?? '',
      classifiedAt: new Date(f.classifiedAt ?? f.addedAt).toISOString(),
    };
    if (f.review) r.review = f.review;
    if (f.sha256) r.sha256 = f.sha256;
    if (f.size) r.size = f.size;
    if (f.unfamiliar !== undefined) r.unfamiliar = f.unfamiliar;
    if (f.familiarityDistance !== undefined) r.familiarityDistance = f.familiarityDistance;
    out.push(r);
  }
  return out;
}

/**
 * The model key imported frames are filed under: the loaded model's when it is the same model
 * (name, version and classes), so they count with this session's results; else a key of its own.
 */
export function importedModelInfo(model: SessionModelInfo, active: ModelInfo | undefined): ModelInfo {
  if (
    active &&
    active.name === model.name &&
    active.version === model.version &&
    sameClasses(
      active.classes.map((c) => c.name),
      model.classes,
    )
  )
    return active;
  return {
    modelKey: `imported:${model.name}@${model.version}#${model.classes.join(',')}`,
    name: model.name,
    version: model.version,
    classes: model.classes.map((name) => ({ name, display: displayNameFor(name) })),
  };
}

/** A record for an imported frame; `hasImage` says whether its original file came with it. */
export function recordFromImport(f: FrameResult, info: ModelInfo, hasImage: boolean, now: number): FrameRecord {
  const names = info.classes.map((c) => c.name);
  if (f.probabilities.length !== names.length) {
    throw new Error(
      `"${f.fileName}" has ${f.probabilities.length} probabilities but its model ${info.name} ${info.version} has ${names.length} classes.`,
    );
  }
  let predictedIndex = names.indexOf(f.predictedClass);
  if (predictedIndex < 0) predictedIndex = f.probabilities.indexOf(Math.max(...f.probabilities));
  const classifiedAt = Date.parse(f.classifiedAt);
  const record: FrameRecord = {
    id: f.id,
    fileName: f.fileName,
    size: f.size ?? 0,
    addedAt: now,
    status: 'done',
    modelKey: info.modelKey,
    probabilities: [...f.probabilities],
    predictedIndex,
    confidence: f.confidence,
    hasThumb: false,
    classifiedAt: Number.isFinite(classifiedAt) ? classifiedAt : now,
    backend: f.backend,
    imageMissing: !hasImage,
  };
  if (f.review) record.review = { ...f.review };
  if (f.sha256) record.sha256 = f.sha256;
  if (f.unfamiliar !== undefined) record.unfamiliar = f.unfamiliar;
  if (f.familiarityDistance !== undefined) record.familiarityDistance = f.familiarityDistance;
  return record;
}
