/**
 * A saved live frame's file name, from the local time it was saved, to the millisecond:
 * `live-2026-11-30T10-15-03.123.png` (no colons: they are not allowed in file names everywhere).
 */
export function liveFrameName(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  const date = `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
  const time = `${p(d.getHours())}-${p(d.getMinutes())}-${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
  return `live-${date}T${time}.png`;
}
