import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { CartesianGrid, Line, LineChart, ReferenceArea, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { Segment, TimelinePoint } from '../../domain/video-segments.ts';
import { chartRows, classKey, formatTime } from './timeline-data.ts';

interface Props {
  points: readonly TimelinePoint[];
  classes: readonly { name: string; label: string; colour: string }[];
  segments: readonly Segment[];
  stretches: readonly { start: number; end: number }[];
  duration: number;
  /** The player's time: the cursor. */
  now: number;
  onSeek: (s: number) => void;
}

/**
 * Every class's probability over time, findings segments as bands in their class colour, unfamiliar
 * stretches hatched grey, and the player's time as a cursor. A slider for the keyboard: arrows move
 * 1 s, Page Up / Down 10 s, Home / End to the ends; a click seeks.
 */
export function VideoTimeline({ points, classes, segments, stretches, duration, now, onSeek }: Props) {
  const { t } = useTranslation();
  const rows = useMemo(() => chartRows(points, classes.length), [points, classes.length]);
  const onKeyDown = (e: React.KeyboardEvent) => {
    const step = { ArrowLeft: -1, ArrowRight: 1, PageDown: -10, PageUp: 10 }[e.key];
    if (step !== undefined) onSeek(now + step);
    else if (e.key === 'Home') onSeek(0);
    else if (e.key === 'End') onSeek(duration);
    else return;
    e.preventDefault();
  };
  return (
    <figure className="video-timeline" aria-label={t('video.timeline')}>
      <div
        role="slider"
        tabIndex={0}
        aria-label={t('video.timeline')}
        aria-valuemin={0}
        aria-valuemax={Math.round(duration)}
        aria-valuenow={Math.round(now)}
        aria-valuetext={formatTime(now)}
        data-testid="video-timeline"
        onKeyDown={onKeyDown}
      >
        <ResponsiveContainer width="100%" height={200}>
          <LineChart
            data={rows}
            margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
            onClick={(state) => {
              if (state?.activeLabel !== undefined) onSeek(Number(state.activeLabel));
            }}
            accessibilityLayer={false}
          >
            <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
            <XAxis dataKey="t" type="number" domain={[0, Math.max(duration, 0.001)]} tickFormatter={(s: number) => formatTime(s)} />
            <YAxis domain={[0, 1]} tickFormatter={(p: number) => `${Math.round(p * 100)}%`} width={44} />
            {stretches.map((s) => (
              <ReferenceArea key={`u${s.start}`} x1={s.start} x2={s.end} fill="#94a3b8" fillOpacity={0.35} ifOverflow="hidden" />
            ))}
            {segments.map((s) => (
              <ReferenceArea
                key={`s${s.classIndex}-${s.start}`}
                x1={s.start}
                x2={s.end}
                y1={0.92}
                y2={1}
                fill={classes[s.classIndex]?.colour}
                fillOpacity={0.8}
                ifOverflow="hidden"
              />
            ))}
            {classes.map((c, i) => (
              <Line
                key={c.name}
                dataKey={classKey(i)}
                name={c.label}
                stroke={c.colour}
                dot={false}
                isAnimationActive={false}
                strokeWidth={1.5}
                connectNulls={false}
              />
            ))}
            <ReferenceLine x={now} stroke="#0f172a" strokeWidth={2} />
            <Tooltip
              labelFormatter={(s) => formatTime(Number(s))}
              formatter={(v) => (typeof v === 'number' ? `${(v * 100).toFixed(1)} %` : String(v))}
              isAnimationActive={false}
            />
          </LineChart>
        </ResponsiveContainer>
      </div>
      <figcaption>
        <span className="legend">
          {classes.map((c) => (
            <span key={c.name}>
              <span className="swatch" style={{ background: c.colour }} aria-hidden="true" /> {c.label}
            </span>
          ))}
          <span>
            <span className="swatch unfamiliar" aria-hidden="true" /> {t('video.unfamiliar')}
          </span>
        </span>
        <span className="hint">{t('video.timelineHelp')}</span>
      </figcaption>
    </figure>
  );
}
