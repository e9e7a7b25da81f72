import { useMemo } from 'react';
import type { ConfidenceThresholds } from '../domain/review.ts';
import { confidenceThresholds } from './selectors.ts';
import { useAppStore } from './store.ts';

/** The three-level thresholds as a stable object (a selector returning a new object would re-render forever). */
export function useThresholds(): ConfidenceThresholds {
  const low = useAppStore((s) => confidenceThresholds(s).low);
  const confident = useAppStore((s) => confidenceThresholds(s).confident);
  return useMemo(() => ({ low, confident }), [low, confident]);
}
