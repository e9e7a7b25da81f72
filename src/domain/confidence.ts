import type { ConfidenceLevel, ConfidenceThresholds } from './review.ts';

/** Defaults when neither the user nor the model's metadata says otherwise. */
export const DEFAULT_THRESHOLDS: Readonly<ConfidenceThresholds> = { confident: 0.8, low: 0.5 };

/** Best to worst. */
export const CONFIDENCE_LEVELS: readonly ConfidenceLevel[] = ['confident', 'uncertain', 'low', 'unfamiliar'];

/** Throws a RangeError naming the bad value; returns the thresholds when they make sense. */
export function validateThresholds(t: ConfidenceThresholds): ConfidenceThresholds {
  for (const key of ['confident', 'low'] as const) {
    const v = t[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1) {
      throw new RangeError(`The "${key}" threshold must be a number in 0..1, got ${JSON.stringify(v)}.`);
    }
  }
  if (t.low > t.confident) {
    throw new RangeError(`The "low" threshold (${t.low}) must not exceed the "confident" threshold (${t.confident}).`);
  }
  return t;
}

/**
 * Thresholds seeded from a model's metadata: its suggested low-confidence threshold becomes
 * `low`, and `confident` stays above it.
 */
export function thresholdsFromMetadata(meta: { lowConfidenceThreshold?: number } | undefined): ConfidenceThresholds {
  const low = meta?.lowConfidenceThreshold;
  if (typeof low !== 'number' || !(low >= 0 && low <= 1)) return { ...DEFAULT_THRESHOLDS };
  return { low, confident: Math.max(low, DEFAULT_THRESHOLDS.confident) };
}

/**
 * A frame's level. `unfamiliar` (flagged by the familiarity check, src/core/familiarity.ts) wins over
 * any probability: softmax calls noise "normal" at 0.997, so its top probability means nothing.
 */
export function confidenceLevel(
  confidence: number,
  thresholds: ConfidenceThresholds = DEFAULT_THRESHOLDS,
  unfamiliar = false,
): ConfidenceLevel {
  if (unfamiliar) return 'unfamiliar';
  if (!Number.isFinite(confidence)) return 'low'; // a NaN score is never trusted
  if (confidence >= thresholds.confident) return 'confident';
  if (confidence < thresholds.low) return 'low';
  return 'uncertain';
}
