import { memo, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { restoreThumb } from '../../app/session.ts';
import { thumbUrl } from '../../media/thumbnails.ts';
import { isLowConfidence, predictedClassName } from '../../store/selectors.ts';
import { useAppStore } from '../../store/store.ts';
import type { ModelInfo } from '../../store/types.ts';
import { formatPercent } from '../../components/Percent.ts';

export interface ChartRequest {
  labels: string[];
  probabilities: number[];
  predictedIndex: number;
  title: string;
}

interface Props {
  id: string;
  threshold: number;
  activeModelKey?: string;
  renderChart(req: ChartRequest): ReactNode;
}

function useThumb(id: string, hasThumb: boolean): string | undefined {
  const [url, setUrl] = useState(() => thumbUrl(id));
  useEffect(() => {
    if (url || !hasThumb) return;
    const cached = thumbUrl(id);
    if (cached) setUrl(cached);
    else void restoreThumb(id).then(setUrl);
  }, [id, hasThumb, url]);
  return url;
}

/** One frame: thumbnail, predicted class, confidence, low-confidence mark and the probability chart. */
export const FrameCard = memo(function FrameCard({ id, threshold, activeModelKey, renderChart }: Props) {
  const { t, i18n } = useTranslation();
  const frame = useAppStore((s) => s.frames[id]);
  const info: ModelInfo | undefined = useAppStore((s) => (frame?.modelKey ? s.modelInfos[frame.modelKey] : undefined));
  const thumb = useThumb(id, frame?.hasThumb ?? false);
  if (!frame) return null;
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const image = thumb
    ? <img src={thumb} alt={t('frame.thumbnailAlt', { name: frame.fileName })} className="thumb" loading="lazy" />
    : <div className="thumb placeholder" role="img" aria-label={t('frame.noThumbnail')}>🖼</div>;

  if (frame.status === 'error') {
    return (
      <article className="card error" data-testid="frame-error" data-file-name={frame.fileName} data-error-code={frame.error?.code}>
        {image}
        <div className="card-body">
          <h3 className="file-name">{frame.fileName}</h3>
          <p role="alert" className="error-text">⚠ {t(`errors.${frame.error?.code ?? 'decode-failed'}`, { name: frame.fileName })}</p>
        </div>
      </article>
    );
  }

  const className = predictedClassName(frame, useAppStore.getState().modelInfos);
  const done = frame.status === 'done' && frame.probabilities && frame.predictedIndex !== undefined && info;
  const low = done && isLowConfidence(frame, threshold);
  const hooks = done
    ? {
        'data-predicted-class': className,
        'data-confidence': String(frame.confidence),
        'data-probabilities': JSON.stringify(frame.probabilities),
      }
    : {};
  return (
    <article className={`card${low ? ' low' : ''}`} data-testid="frame-card" data-file-name={frame.fileName} data-status={frame.status} data-low-confidence={low ? 'true' : 'false'} {...hooks}>
      {image}
      <div className="card-body">
        <h3 className="file-name">{frame.fileName}</h3>
        {frame.status === 'queued' && <p className="muted">{t('frame.queued')}</p>}
        {frame.status === 'cancelled' && <p className="muted">{t('frame.cancelled')}</p>}
        {done && (
          <>
            <p className="prediction">
              <span className="muted">{t('frame.predicted')}: </span>
              <strong>{info.classes[frame.predictedIndex!]?.display[lang] ?? className}</strong>{' '}
              <span>{t('frame.confidence', { value: formatPercent(frame.confidence ?? 0, lang) })}</span>
            </p>
            {low && (
              <p className="low-badge" title={t('frame.lowConfidenceHint', { threshold: formatPercent(threshold, lang, 0) })}>
                <span aria-hidden="true">▲ </span>{t('frame.lowConfidence')}
              </p>
            )}
            {frame.downscaled && <p className="muted small">{t('frame.downscaled')}</p>}
            {frame.modelKey !== activeModelKey && <p className="muted small">{t('frame.otherModel', { name: info.name, version: info.version })}</p>}
            {renderChart({
              labels: info.classes.map((c) => c.display[lang]),
              probabilities: frame.probabilities!,
              predictedIndex: frame.predictedIndex!,
              title: t('frame.probabilities'),
            })}
          </>
        )}
      </div>
    </article>
  );
});
