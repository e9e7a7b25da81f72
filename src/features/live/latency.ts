/**
 * Capture-to-label latency of the live view: the last results' latencies, kept in a small window so
 * the median shown follows the camera as it is now, not as it was a minute ago.
 */
export const LATENCY_WINDOW = 30;

/** `window` with `ms` appended, the oldest dropped past `size` (a new array: React state). */
export function pushLatency(window: readonly number[], ms: number, size = LATENCY_WINDOW): number[] {
  const next = [...window, ms];
  return next.length > size ? next.slice(next.length - size) : next;
}

/** Median (mean of the two middle values for an even count); NaN when empty. */
export function medianOf(xs: readonly number[]): number {
  if (!xs.length) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * When a frame was captured, on the page's clock: the camera's own capture time where the browser
 * gives one and it is plausible (not in the future, not seconds old), else when the frame was
 * presented, else the callback's time. Any of them is at or before the moment we read the pixels.
 */
export function captureTimeOf(now: number, metadata?: { captureTime?: number; presentationTime?: number }): number {
  const plausible = (t: number | undefined): t is number => t !== undefined && Number.isFinite(t) && t <= now && now - t < 2_000;
  if (plausible(metadata?.captureTime)) return metadata.captureTime;
  if (plausible(metadata?.presentationTime)) return metadata.presentationTime;
  return now;
}
