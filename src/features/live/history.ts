/** The rolling probability strip's data: every result of the last few seconds, oldest first. */
export const HISTORY_MS = 10_000;

export interface HistoryPoint {
  /** Page clock (performance.now()) of the frame's capture. */
  t: number;
  probabilities: readonly number[];
  unfamiliar: boolean;
}

/** `history` with `point` appended and everything older than `windowMs` before it dropped (a new array). */
export function pushHistory(history: readonly HistoryPoint[], point: HistoryPoint, windowMs = HISTORY_MS): HistoryPoint[] {
  const from = point.t - windowMs;
  const first = history.findIndex((p) => p.t >= from);
  return [...(first < 0 ? [] : history.slice(first)), point];
}
