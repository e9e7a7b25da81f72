/**
 * Training curves as a standalone SVG string (no DOM, no chart library): train and validation
 * lines per epoch, axes with ticks, a legend above the plot, dashed lines where the schedule changes phase and,
 * on loss plots, the epoch whose validation loss was lowest (the weights that are kept).
 */
import type { EpochRecord } from '../../../src/core/metadata.ts';

const W = 760;
const H = 440;
const M = { left: 70, right: 24, top: 76, bottom: 58 };
const TRAIN_COLOUR = '#1f77b4';
const VAL_COLOUR = '#d62728';

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Round numbers for axis ticks covering [lo, hi] (about `count` of them). */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step - 1e-9) * step; t <= hi + step * 1e-9; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 100 ? v.toFixed(0) : a >= 1 ? String(Number(v.toFixed(2))) : String(Number(v.toPrecision(3)));
}

export function renderCurvesSvg(records: EpochRecord[], metric: 'loss' | 'accuracy'): string {
  const label = metric === 'loss' ? 'Loss (categorical cross-entropy)' : 'Accuracy';
  const title = `${metric === 'loss' ? 'Loss' : 'Accuracy'}: training vs validation`;
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="13">`;
  const bg = `<rect width="${W}" height="${H}" fill="#ffffff"/><title>${esc(title)}</title>`;
  const heading = `<text x="${W / 2}" y="26" text-anchor="middle" font-size="16" font-weight="600">${esc(title)}</text>`;
  if (records.length === 0) {
    return `${head}${bg}${heading}<text x="${W / 2}" y="${H / 2}" text-anchor="middle" fill="#555">No epochs recorded yet.</text></svg>\n`;
  }

  // x: the records' own epoch numbers when they increase throughout, else their position.
  const increasing = records.every((r, i) => i === 0 || r.epoch > records[i - 1].epoch);
  const xs = records.map((r, i) => (increasing ? r.epoch : i + 1));
  const train = records.map((r) => (metric === 'loss' ? r.loss : r.accuracy));
  const val = records.map((r) => (metric === 'loss' ? r.valLoss : r.valAccuracy));
  const finite = [...train, ...val].filter((v) => Number.isFinite(v));

  let yLo = finite.length ? Math.min(...finite) : 0;
  let yHi = finite.length ? Math.max(...finite) : 1;
  if (metric === 'loss') yLo = Math.min(0, yLo);
  const pad = (yHi - yLo || Math.abs(yHi) || 1) * 0.06;
  yHi += pad;
  if (metric === 'accuracy') {
    yLo = Math.max(0, yLo - pad);
    yHi = Math.min(1, yHi);
  }
  if (!(yHi > yLo)) yHi = yLo + 1;
  const yTicks = niceTicks(yLo, yHi);
  yLo = Math.min(yLo, yTicks[0]);
  yHi = Math.max(yHi, yTicks[yTicks.length - 1]);

  const xLo = xs[0] - 0.5;
  const xHi = xs[xs.length - 1] + 0.5;
  const pw = W - M.left - M.right;
  const ph = H - M.top - M.bottom;
  const px = (x: number) => M.left + ((x - xLo) / (xHi - xLo)) * pw;
  const py = (y: number) => M.top + (1 - (y - yLo) / (yHi - yLo)) * ph;
  const n = (v: number) => v.toFixed(1);

  const parts: string[] = [head, bg, heading];
  // Grid and y axis.
  for (const t of yTicks) {
    parts.push(`<line x1="${M.left}" x2="${W - M.right}" y1="${n(py(t))}" y2="${n(py(t))}" stroke="#e5e5e5"/>`);
    parts.push(`<text x="${M.left - 8}" y="${n(py(t) + 4)}" text-anchor="end" fill="#333">${fmt(t)}</text>`);
  }
  // x ticks: every epoch when few, else a nice subset.
  const xTicks = xs.length <= 25 ? xs : niceTicks(xs[0], xs[xs.length - 1], 10).filter((t) => Number.isInteger(t));
  for (const t of xTicks) {
    parts.push(`<line x1="${n(px(t))}" x2="${n(px(t))}" y1="${M.top + ph}" y2="${M.top + ph + 5}" stroke="#333"/>`);
    parts.push(`<text x="${n(px(t))}" y="${M.top + ph + 20}" text-anchor="middle" fill="#333">${t}</text>`);
  }
  parts.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`);
  parts.push(`<text x="${M.left + pw / 2}" y="${H - 14}" text-anchor="middle">Epoch</text>`);
  parts.push(`<text transform="translate(18 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">${esc(label)}</text>`);

  // Phase boundaries and names.
  let phaseStart = 0;
  const phaseLabel = (from: number, to: number) => {
    const mid = (px(xs[from]) + px(xs[to])) / 2;
    parts.push(`<text x="${n(mid)}" y="${M.top - 8}" text-anchor="middle" fill="#555" font-size="12">${esc(records[from].phase)}</text>`);
  };
  for (let i = 1; i < records.length; i++) {
    if (records[i].phase !== records[i - 1].phase) {
      const x = (px(xs[i - 1]) + px(xs[i])) / 2;
      parts.push(
        `<line class="phase-boundary" x1="${n(x)}" x2="${n(x)}" y1="${M.top}" y2="${M.top + ph}" stroke="#777" stroke-dasharray="6 4"/>`,
      );
      phaseLabel(phaseStart, i - 1);
      phaseStart = i;
    }
  }
  phaseLabel(phaseStart, records.length - 1);

  // Series.
  const series = (values: number[], colour: string, name: string) => {
    const pts = values.map((v, i) => (Number.isFinite(v) ? `${n(px(xs[i]))},${n(py(v))}` : null));
    const segments: string[][] = [[]];
    for (const p of pts) {
      if (p) segments[segments.length - 1].push(p);
      else if (segments[segments.length - 1].length) segments.push([]);
    }
    for (const seg of segments)
      if (seg.length > 1)
        parts.push(`<polyline class="series-${name}" fill="none" stroke="${colour}" stroke-width="2" points="${seg.join(' ')}"/>`);
    for (const p of pts) if (p) parts.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3" fill="${colour}"/>`);
  };
  series(train, TRAIN_COLOUR, 'train');
  series(val, VAL_COLOUR, 'val');

  if (metric === 'loss') {
    let best = -1;
    val.forEach((v, i) => {
      if (Number.isFinite(v) && (best < 0 || v < val[best])) best = i;
    });
    if (best >= 0) {
      const bx = px(xs[best]);
      const by = py(val[best]);
      parts.push(`<circle class="best" cx="${n(bx)}" cy="${n(by)}" r="7" fill="none" stroke="${VAL_COLOUR}" stroke-width="2"/>`);
      parts.push(
        `<text x="${n(bx)}" y="${n(by + 22)}" text-anchor="middle" fill="${VAL_COLOUR}" font-size="12">best ${fmt(val[best])}</text>`,
      );
    }
  }

  // Legend in its own row under the title, so it never hides a curve.
  const lx = W / 2 - 100;
  const ly = 46;
  parts.push(
    `<line x1="${lx}" x2="${lx + 24}" y1="${ly - 4}" y2="${ly - 4}" stroke="${TRAIN_COLOUR}" stroke-width="2"/><text x="${lx + 30}" y="${ly}">training</text>`,
  );
  parts.push(
    `<line x1="${lx + 110}" x2="${lx + 134}" y1="${ly - 4}" y2="${ly - 4}" stroke="${VAL_COLOUR}" stroke-width="2"/><text x="${lx + 140}" y="${ly}">validation</text>`,
  );
  parts.push('</svg>\n');
  return parts.join('\n');
}
