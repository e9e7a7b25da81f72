import { useEffect, useState } from 'react';

/**
 * `value`, updated at most every `ms` (the latest value always arrives, at the end of the wait);
 * at 0 it follows at once. Keeps costly derived views (a 72 000-frame timeline) from recomputing on
 * every store change.
 */
export function useThrottled<T>(value: T, ms: number): T {
  const [shown, setShown] = useState<{ value: T; at: number }>(() => ({ value, at: 0 }));
  const due = ms > 0 ? shown.at + ms - Date.now() : 0;
  useEffect(() => {
    if (shown.value === value) return;
    const timer = setTimeout(() => setShown({ value, at: Date.now() }), Math.max(0, due));
    return () => clearTimeout(timer);
  }, [value, due, shown.value]);
  return ms > 0 ? shown.value : value;
}
