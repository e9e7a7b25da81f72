/** Pure helpers of the Teach view: counts, labels and chart rows derived from the store's teach state. */
import { displayNameFor, type DisplayName } from '../../core/classes.ts';
import type { HeadEpoch } from '../../teach/head-trainer.ts';
import type { GatheredFrame, SkippedFile, TeachSlice } from '../../store/teach-slice.ts';
import type { FrameRecord } from '../../store/types.ts';

/** Below this many frames a class gets a warning (split.ts's default `fewFrames`); never a refusal. */
export const FEW_FRAMES = 20;

export interface GatheredRow {
  className: string;
  folder: number;
  review: number;
  total: number;
  /** Not a class of the active model: the new version learns it. */
  isNew: boolean;
}

/** Gathered frames counted per class and source, classes sorted by name. */
export function gatheredRows(gathered: readonly GatheredFrame[], baseClasses: readonly string[] | undefined): GatheredRow[] {
  const rows = new Map<string, GatheredRow>();
  for (const f of gathered) {
    const row = rows.get(f.className) ?? { className: f.className, folder: 0, review: 0, total: 0, isNew: false };
    row[f.source] += 1;
    row.total += 1;
    rows.set(f.className, row);
  }
  // Without a loaded model nothing can be called new.
  const known = baseClasses ? new Set(baseClasses) : undefined;
  return [...rows.values()]
    .map((r) => ({ ...r, isNew: known !== undefined && !known.has(r.className) }))
    .sort((a, b) => (a.className < b.className ? -1 : a.className > b.className ? 1 : 0));
}

/** Skipped files counted by reason, in the order the reasons first occur. */
export function skippedCounts(skipped: readonly SkippedFile[]): [SkippedFile['reason'], number][] {
  const counts = new Map<SkippedFile['reason'], number>();
  for (const s of skipped) counts.set(s.reason, (counts.get(s.reason) ?? 0) + 1);
  return [...counts];
}

/** Frames of the session with a reviewed class (what "Add reviewed frames" would add). */
export function reviewedCount(frames: Readonly<Record<string, FrameRecord>>): number {
  let n = 0;
  for (const f of Object.values(frames)) if (f.review?.reviewedClass) n++;
  return n;
}

/** The classes the run is about: the plan's once there is one, else the gathered ones sorted. */
export function statusClasses(teach: TeachSlice['teach']): string[] {
  const plan = teach.plan ?? teach.result?.plan;
  if (plan) return plan.classes;
  return [...new Set(teach.gathered.map((f) => f.className))].sort();
}

/** A class entry as metadata holds it (a name, or a name with display names). */
export type ClassLike = string | { name: string; display?: DisplayName };

/** A class's display name: from the first list that names it, else the readable fallback of the folder name. */
export function classLabel(name: string, lang: 'en' | 'es', ...lists: (readonly ClassLike[] | undefined)[]): string {
  for (const list of lists) {
    for (const c of list ?? []) {
      if (typeof c !== 'string' && c.name === name && c.display) return c.display[lang];
    }
  }
  return displayNameFor(name)[lang];
}

export interface CurveRow {
  epoch: number;
  loss: number | null;
  accuracy: number | null;
  heldOutLoss: number | null;
  heldOutAccuracy: number | null;
}

/** Epochs as chart rows; NaN (nothing held out) becomes null so the line has a gap, not a zero. */
export function curveRows(curves: readonly HeadEpoch[]): CurveRow[] {
  const num = (x: number) => (Number.isFinite(x) ? x : null);
  return curves.map((e) => ({
    epoch: e.epoch,
    loss: num(e.loss),
    accuracy: num(e.accuracy),
    heldOutLoss: num(e.heldOutLoss),
    heldOutAccuracy: num(e.heldOutAccuracy),
  }));
}

/** 0.8123 -> "0.812"; absent or NaN -> a dash. */
export const fmt3 = (x: number | null | undefined) => (typeof x === 'number' && Number.isFinite(x) ? x.toFixed(3) : '—');
