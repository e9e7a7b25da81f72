/**
 * Plans how a clinician's labelled frames are split for teaching: stratified by class, seeded,
 * with the same picture always on one side, as one held-out part or as k folds when a class is
 * too small for a held-out part to say anything. Warns about thin classes and refuses pictures
 * labelled with two classes. Pure: ids, class names and fingerprints in, lists of ids out.
 */
import { mulberry32, shuffledIndices } from '../core/rng.ts';
import type { FrameFingerprint } from './fingerprint.ts';
import { groupSamePictures } from './near-duplicates.ts';

export interface TeachFrame {
  /** Unique per frame (a file path or the session's frame id). */
  id: string;
  className: string;
  fingerprint: FrameFingerprint;
}

export type SplitMode = 'holdout' | 'kfold';

export interface SplitOptions {
  seed: number;
  /** 'auto' (the default): k folds when a class has fewer than `smallClass` frames, else a held-out part. */
  mode?: SplitMode | 'auto';
  /** Share of each class held out (default 0.2). */
  heldOutShare?: number;
  /** Most folds in k-fold mode (default 5; fewer when the smallest class has fewer pictures). */
  maxFolds?: number;
  /** Below this many frames a class switches 'auto' to k-fold (default 10). */
  smallClass?: number;
  /** Below this many frames a class gets a warning (default 20). */
  fewFrames?: number;
  /** Hamming bits for the same picture (near-duplicates.ts). */
  maxBits?: number;
}

export const SPLIT_DEFAULTS = { heldOutShare: 0.2, maxFolds: 5, smallClass: 10, fewFrames: 20 } as const;

export type SplitNotice =
  | { kind: 'few-frames'; severity: 'warning'; className: string; count: number; recommended: number; message: string }
  | { kind: 'single-frame'; severity: 'warning'; className: string; message: string }
  | { kind: 'one-picture'; severity: 'warning'; className: string; count: number; message: string }
  | { kind: 'same-picture-two-classes'; severity: 'refused'; classes: string[]; frameIds: string[]; message: string }
  | { kind: 'too-few-classes'; severity: 'error'; classes: string[]; message: string }
  | { kind: 'nothing-to-hold-out'; severity: 'error'; message: string };

export interface SplitFold {
  train: string[];
  heldOut: string[];
}

export interface SplitPlan {
  mode: SplitMode;
  seed: number;
  /** One fold in 'holdout' mode; k in 'kfold' mode (each frame held out in exactly one). */
  folds: SplitFold[];
  /** Frames used per class (refused pictures not counted), classes sorted by name. */
  counts: Record<string, number>;
  /** Frames left out: the same picture under two classes. */
  refused: string[];
  notices: SplitNotice[];
  /** False when an error notice makes teaching impossible. */
  ok: boolean;
}

export class SplitError extends Error {
  override name = 'SplitError';
}

/** A picture: one frame, or several frames that show the same thing (always kept together). */
type Group = string[];

const plural = (n: number, one: string) => `${n} ${one}${n === 1 ? '' : 's'}`;

export function planSplit(frames: readonly TeachFrame[], opts: SplitOptions): SplitPlan {
  const o = { ...SPLIT_DEFAULTS, ...opts };
  if (!(o.heldOutShare > 0 && o.heldOutShare < 1)) throw new SplitError(`heldOutShare must be in (0, 1), got ${o.heldOutShare}`);
  if (!Number.isInteger(o.maxFolds) || o.maxFolds < 2) throw new SplitError(`maxFolds must be an integer >= 2, got ${o.maxFolds}`);
  // Sorted by id so the plan depends on the seed, not on the order files were listed in.
  const sorted = [...frames].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 1; i < sorted.length; i++)
    if (sorted[i].id === sorted[i - 1].id) throw new SplitError(`frame id "${sorted[i].id}" appears twice`);

  const notices: SplitNotice[] = [];
  const refused: string[] = [];
  const byClass = new Map<string, Group[]>();
  for (const members of groupSamePictures(
    sorted.map((f) => f.fingerprint),
    { maxBits: o.maxBits },
  )) {
    const group = members.map((i) => sorted[i]);
    const classes = [...new Set(group.map((f) => f.className))].sort();
    if (classes.length > 1) {
      const frameIds = group.map((f) => f.id);
      refused.push(...frameIds);
      notices.push({
        kind: 'same-picture-two-classes',
        severity: 'refused',
        classes,
        frameIds,
        message: `The same picture is labelled ${classes.map((c) => `"${c}"`).join(' and ')} (${frameIds.join(', ')}): left out until it has one class.`,
      });
      continue;
    }
    const list = byClass.get(classes[0]) ?? [];
    list.push(group.map((f) => f.id));
    byClass.set(classes[0], list);
  }

  const classNames = [...byClass.keys()].sort();
  const counts: Record<string, number> = {};
  for (const c of classNames) {
    const groups = byClass.get(c) ?? [];
    const n = groups.reduce((s, g) => s + g.length, 0);
    counts[c] = n;
    if (n === 1) {
      notices.push({
        kind: 'single-frame',
        severity: 'warning',
        className: c,
        message: `"${c}" has a single frame: it is trained on but cannot be held out, so its results are not measured.`,
      });
    } else if (groups.length === 1) {
      notices.push({
        kind: 'one-picture',
        severity: 'warning',
        className: c,
        count: n,
        message: `All ${n} frames of "${c}" are the same picture: it is trained on but cannot be held out.`,
      });
    }
    if (n < o.fewFrames) {
      notices.push({
        kind: 'few-frames',
        severity: 'warning',
        className: c,
        count: n,
        recommended: o.fewFrames,
        message: `"${c}" has ${plural(n, 'frame')}; ${o.fewFrames} or more give a more reliable model.`,
      });
    }
  }
  if (classNames.length < 2) {
    notices.push({
      kind: 'too-few-classes',
      severity: 'error',
      classes: classNames,
      message: `Teaching needs frames of at least 2 classes; ${classNames.length ? `only "${classNames[0]}" has any` : 'there are none'}.`,
    });
  }

  const splittable = classNames.filter((c) => (byClass.get(c) ?? []).length >= 2);
  if (classNames.length >= 2 && splittable.length === 0) {
    notices.push({
      kind: 'nothing-to-hold-out',
      severity: 'error',
      message: 'No class has two different pictures, so nothing can be held out.',
    });
  }
  const mode: SplitMode =
    o.mode === 'auto' || o.mode === undefined ? (classNames.some((c) => counts[c] < o.smallClass) ? 'kfold' : 'holdout') : o.mode;
  const rng = mulberry32(o.seed);
  const shuffledGroups = (c: string): Group[] => {
    const groups = byClass.get(c) ?? [];
    return Array.from(shuffledIndices(groups.length, rng), (i) => groups[i]);
  };

  let folds: SplitFold[];
  if (mode === 'holdout') {
    const train: string[] = [];
    const heldOut: string[] = [];
    for (const c of classNames) {
      const part = holdOutGroups(shuffledGroups(c), counts[c], o.heldOutShare);
      train.push(...part.train);
      heldOut.push(...part.heldOut);
    }
    folds = [{ train: train.sort(), heldOut: heldOut.sort() }];
  } else {
    const smallest = Math.min(...splittable.map((c) => (byClass.get(c) ?? []).length));
    const k = Math.max(2, Math.min(o.maxFolds, Number.isFinite(smallest) ? smallest : 2));
    const foldOf = new Map<string, number>();
    classNames.forEach((c, ci) => {
      const groups = shuffledGroups(c);
      if (groups.length < 2) return; // never held out: trained on in every fold
      // Largest pictures first into the fold holding fewest of this class; ties rotate per class
      // so fold 0 does not collect every class's remainder.
      const order = groups.map((g, i) => ({ g, i })).sort((a, b) => b.g.length - a.g.length || a.i - b.i);
      const filled = new Array<number>(k).fill(0);
      for (const { g } of order) {
        let best = -1;
        for (let step = 0; step < k; step++) {
          const f = (ci + step) % k;
          if (best < 0 || filled[f] < filled[best]) best = f;
        }
        filled[best] += g.length;
        for (const id of g) foldOf.set(id, best);
      }
    });
    const left = new Set(refused);
    const used = sorted.filter((f) => !left.has(f.id)).map((f) => f.id);
    folds = Array.from({ length: k }, (_, f) => ({
      train: used.filter((id) => foldOf.get(id) !== f),
      heldOut: used.filter((id) => foldOf.get(id) === f),
    }));
  }
  return { mode, seed: o.seed, folds, counts, refused: refused.sort(), notices, ok: !notices.some((n) => n.severity === 'error') };
}

/**
 * A class's held-out part: whole pictures, about `share` of its frames, at least one picture when it
 * has two or more, and never all of them.
 */
function holdOutGroups(groups: Group[], count: number, share: number): SplitFold {
  if (groups.length < 2) return { train: groups.flat(), heldOut: [] };
  const target = Math.max(1, Math.round(count * share));
  const held = new Set<number>();
  let taken = 0;
  for (let i = 0; i < groups.length && taken < target; i++) {
    if (taken + groups[i].length <= target && held.size < groups.length - 1) {
      held.add(i);
      taken += groups[i].length;
    }
  }
  if (held.size === 0) {
    // Every picture is larger than the target: hold out the smallest one.
    let smallest = 0;
    groups.forEach((g, i) => g.length < groups[smallest].length && (smallest = i));
    held.add(smallest);
  }
  return { train: groups.filter((_, i) => !held.has(i)).flat(), heldOut: groups.filter((_, i) => held.has(i)).flat() };
}
