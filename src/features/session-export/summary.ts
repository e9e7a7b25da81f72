/** Counts for the report's summary: per class (model and clinician), per confidence level, reviewed. */
import { computeAgreement, type AgreementSummary } from '../../domain/agreement.ts';
import { confidenceLevel } from '../../domain/confidence.ts';
import type { ConfidenceLevel } from '../../domain/review.ts';
import type { ConfidenceThresholds, FrameResult } from './types.ts';

export interface SessionSummary {
  total: number;
  reviewed: number;
  /** Per class in model order: frames the model put there, and reviewed frames the clinician put there. */
  perClass: { className: string; byModel: number; byClinician: number }[];
  perLevel: Record<ConfidenceLevel, number>;
  backends: string[];
  agreement: AgreementSummary;
}

export function summarizeSession(
  frames: readonly FrameResult[],
  classes: readonly string[],
  thresholds: ConfidenceThresholds,
): SessionSummary {
  const perLevel: Record<ConfidenceLevel, number> = { confident: 0, uncertain: 0, low: 0, unfamiliar: 0 };
  const byModel = new Map<string, number>();
  const byClinician = new Map<string, number>();
  const backends = new Set<string>();
  let reviewed = 0;
  for (const f of frames) {
    perLevel[confidenceLevel(f.confidence, thresholds, f.unfamiliar)]++;
    byModel.set(f.predictedClass, (byModel.get(f.predictedClass) ?? 0) + 1);
    const c = f.review?.reviewedClass;
    if (c) {
      reviewed++;
      byClinician.set(c, (byClinician.get(c) ?? 0) + 1);
    }
    backends.add(f.backend);
  }
  return {
    total: frames.length,
    reviewed,
    perClass: classes.map((className) => ({
      className,
      byModel: byModel.get(className) ?? 0,
      byClinician: byClinician.get(className) ?? 0,
    })),
    perLevel,
    backends: [...backends].sort(),
    agreement: computeAgreement(frames, classes),
  };
}
