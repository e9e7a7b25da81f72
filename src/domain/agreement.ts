/**
 * Agreement between the model and the clinician over the reviewed frames of a session.
 * Per class: specific (positive) agreement 2a / (model + clinician), symmetric in the two raters.
 * Overall: percent agreement and Cohen's kappa (agreement beyond chance).
 */
import type { ReviewState } from './review.ts';

export interface ClassAgreement {
  className: string;
  /** Reviewed frames the model put in this class. */
  byModel: number;
  /** Reviewed frames the clinician put in this class. */
  byClinician: number;
  /** Reviewed frames both put in this class. */
  agreed: number;
  /** 2 * agreed / (byModel + byClinician); null when neither used the class. */
  specificAgreement: number | null;
}

export interface AgreementSummary {
  total: number;
  reviewed: number;
  agreed: number;
  /** agreed / reviewed; null before any review. */
  overall: number | null;
  /** Cohen's kappa; null before any review or when chance agreement is 1 (one class only). */
  kappa: number | null;
  perClass: ClassAgreement[];
  /** confusion[model][clinician] over `classes` (rows and columns in that order). */
  confusion: number[][];
  /** Classes named by the model or clinician that are not in `classes` (e.g. from another model). */
  unknownClasses: string[];
}

export function computeAgreement(
  frames: readonly { predictedClass: string; review?: ReviewState }[],
  classes: readonly string[],
): AgreementSummary {
  const index = new Map(classes.map((c, i) => [c, i]));
  const unknown = new Set<string>();
  const confusion = classes.map(() => classes.map(() => 0));
  const byModel = new Map<string, number>();
  const byClinician = new Map<string, number>();
  const agreedBy = new Map<string, number>();
  let reviewed = 0;
  let agreed = 0;
  const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

  for (const f of frames) {
    const clinician = f.review?.reviewedClass;
    if (clinician === undefined || clinician === '') continue;
    reviewed++;
    bump(byModel, f.predictedClass);
    bump(byClinician, clinician);
    if (clinician === f.predictedClass) {
      agreed++;
      bump(agreedBy, clinician);
    }
    const mi = index.get(f.predictedClass);
    const ci = index.get(clinician);
    if (mi === undefined) unknown.add(f.predictedClass);
    if (ci === undefined) unknown.add(clinician);
    if (mi !== undefined && ci !== undefined) confusion[mi][ci]++;
  }

  const perClass = classes.map((className): ClassAgreement => {
    const m = byModel.get(className) ?? 0;
    const c = byClinician.get(className) ?? 0;
    const a = agreedBy.get(className) ?? 0;
    return { className, byModel: m, byClinician: c, agreed: a, specificAgreement: m + c === 0 ? null : (2 * a) / (m + c) };
  });

  let kappa: number | null = null;
  if (reviewed > 0) {
    const labels = new Set([...byModel.keys(), ...byClinician.keys()]);
    let chance = 0;
    for (const l of labels) chance += ((byModel.get(l) ?? 0) / reviewed) * ((byClinician.get(l) ?? 0) / reviewed);
    const observed = agreed / reviewed;
    kappa = chance >= 1 ? null : (observed - chance) / (1 - chance);
  }

  return {
    total: frames.length,
    reviewed,
    agreed,
    overall: reviewed ? agreed / reviewed : null,
    kappa,
    perClass,
    confusion,
    unknownClasses: [...unknown].sort(),
  };
}
