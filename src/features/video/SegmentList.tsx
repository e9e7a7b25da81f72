import { useTranslation } from 'react-i18next';
import type { Segment } from '../../domain/video-segments.ts';
import { formatTime } from './timeline-data.ts';

/** The findings, in time order; each seeks the video to its start. */
export function SegmentList({
  segments,
  classes,
  onSeek,
}: {
  segments: readonly Segment[];
  classes: readonly { name: string; label: string; colour: string }[];
  onSeek: (s: number) => void;
}) {
  const { t } = useTranslation();
  const pct = (x: number) => `${(x * 100).toFixed(0)} %`;
  return (
    <section className="video-segments" aria-label={t('video.segments')}>
      <h4>{t('video.segments')}</h4>
      {segments.length === 0 ? (
        <p className="hint">{t('video.noSegments')}</p>
      ) : (
        <ol>
          {segments.map((s) => (
            <li key={`${s.classIndex}-${s.start}`}>
              <button
                type="button"
                data-testid="video-segment"
                data-class={classes[s.classIndex]?.name ?? String(s.classIndex)}
                data-class-index={s.classIndex}
                data-start-s={s.start.toFixed(3)}
                data-end-s={s.end.toFixed(3)}
                onClick={() => onSeek(s.start)}
              >
                <span className="swatch" style={{ background: classes[s.classIndex]?.colour }} aria-hidden="true" />
                {t('video.segment', {
                  label: classes[s.classIndex]?.label ?? s.classIndex,
                  start: formatTime(s.start),
                  end: formatTime(s.end),
                  mean: pct(s.meanProbability),
                  max: pct(s.maxProbability),
                })}
              </button>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
