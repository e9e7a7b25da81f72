import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { HISTORY_MS, type HistoryPoint } from './history.ts';

/** One light colour (drawn over a dark band) and one dash pattern per class, so the lines differ without colour too. */
const STYLES: { color: string; dash: number[] }[] = [
  { color: '#93c5fd', dash: [] },
  { color: '#fcd34d', dash: [6, 3] },
  { color: '#6ee7b7', dash: [2, 2] },
  { color: '#d8b4fe', dash: [8, 2, 2, 2] },
  { color: '#fda4af', dash: [4, 4] },
  { color: '#67e8f9', dash: [1, 3] },
];
const styleOf = (i: number) => STYLES[i % STYLES.length];
const WIDTH = 480;
const HEIGHT = 72;

/**
 * Every class's probability over the last 10 seconds, newest at the right; stretches the model found
 * unlike its training images are hatched grey instead (their probabilities mean nothing). A canvas,
 * redrawn per result: a chart library would re-render an SVG 15 times a second.
 */
export function ProbabilityStrip({ history, labels }: { history: readonly HistoryPoint[]; labels: readonly string[] }) {
  const { t } = useTranslation();
  const ref = useRef<HTMLCanvasElement>(null);

  useEffect(() => {
    const ctx = ref.current?.getContext('2d');
    if (!ctx) return;
    ctx.clearRect(0, 0, WIDTH, HEIGHT);
    ctx.fillStyle = 'rgba(15, 23, 42, 0.7)';
    ctx.fillRect(0, 0, WIDTH, HEIGHT);
    const end = history.at(-1)?.t;
    if (end === undefined) return;
    const x = (time: number) => WIDTH - ((end - time) / HISTORY_MS) * WIDTH;
    const y = (p: number) => HEIGHT - 2 - p * (HEIGHT - 4);
    // Unfamiliar stretches: each such point covers the time to the next one.
    ctx.fillStyle = 'rgba(203, 213, 225, 0.45)';
    history.forEach((p, i) => {
      if (!p.unfamiliar) return;
      const x0 = x(p.t);
      const x1 = i + 1 < history.length ? x(history[i + 1].t) : WIDTH;
      ctx.fillRect(x0, 0, Math.max(1, x1 - x0), HEIGHT);
    });
    ctx.lineWidth = 2;
    labels.forEach((_, c) => {
      const { color, dash } = styleOf(c);
      ctx.strokeStyle = color;
      ctx.setLineDash(dash);
      ctx.beginPath();
      history.forEach((p, i) => (i ? ctx.lineTo(x(p.t), y(p.probabilities[c] ?? 0)) : ctx.moveTo(x(p.t), y(p.probabilities[c] ?? 0))));
      ctx.stroke();
    });
    ctx.setLineDash([]);
  }, [history, labels]);

  return (
    <figure className="live-strip">
      <canvas ref={ref} width={WIDTH} height={HEIGHT} role="img" aria-label={t('live.strip')} data-testid="live-strip" />
      <figcaption className="live-legend">
        {labels.map((label, c) => (
          <span key={label} className="live-legend-item">
            <svg width="24" height="8" aria-hidden="true">
              <line x1="0" y1="4" x2="24" y2="4" stroke={styleOf(c).color} strokeWidth="2" strokeDasharray={styleOf(c).dash.join(' ')} />
            </svg>
            {label}
          </span>
        ))}
        <span className="live-legend-item">
          <span className="live-legend-unfamiliar" aria-hidden="true" />
          {t('live.unfamiliarShort')}
        </span>
      </figcaption>
    </figure>
  );
}
