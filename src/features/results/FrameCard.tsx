import { memo, useEffect, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { restoreThumb, thumbUrl } from '../../media/thumbnails.ts';
import { isLowConfidence, predictedClassName } from '../../store/selectors.ts';
import { useAppStore } from '../../store/store.ts';
import type { ModelInfo } from '../../store/types.ts';
import { formatPercent } from '../../components/Percent.ts';
import { confidenceLevel } from '../../domain/confidence.ts';
import { ConfidenceMarker } from '../../components/ConfidenceMarker.tsx';
import { ReviewStatusBadge } from '../../components/ReviewStatusBadge.tsx';
import { UnfamiliarNote } from '../../components/UnfamiliarNote.tsx';
import type { ConfidenceThresholds } from '../../domain/review.ts';

export interface ChartRequest {
  labels: string[];
  probabilities: number[];
  predictedIndex: number;
  title: string;
}

interface Props {
  id: string;
  /** The three-level thresholds; `low` is the low-confidence threshold. */
  thresholds: ConfidenceThresholds;
  activeModelKey?: string;
  renderChart: (req: ChartRequest) => ReactNode;
  /** Opens the frame's review and heatmap view. */
  onOpen?: (id: string) => void;
}

/** The thumbnail made in this page, or the one kept in IndexedDB (read back after a reload). */
function useThumb(id: string, hasThumb: boolean): string | undefined {
  const cached = thumbUrl(id);
  const [restored, setRestored] = useState<{ id: string; url: string | undefined }>();
  useEffect(() => {
    if (cached || !hasThumb) return;
    let live = true;
    void restoreThumb(id).then((url) => live && setRestored({ id, url }));
    return () => {
      live = false;
    };
  }, [id, hasThumb, cached]);
  return cached ?? (restored?.id === id ? restored.url : undefined);
}

/** One frame: thumbnail, predicted class, confidence level, review status and the probability chart. */
export const FrameCard = memo(function FrameCard({ id, thresholds, activeModelKey, renderChart, onOpen }: Props) {
  const threshold = thresholds.low;
  const { t, i18n } = useTranslation();
  const frame = useAppStore((s) => s.frames[id]);
  const info: ModelInfo | undefined = useAppStore((s) => (frame?.modelKey ? s.modelInfos[frame.modelKey] : undefined));
  const thumb = useThumb(id, frame?.hasThumb ?? false);
  if (!frame) return null;
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const image = thumb ? (
    <img src={thumb} alt={t('frame.thumbnailAlt', { name: frame.fileName })} className="thumb" loading="lazy" />
  ) : (
    <div className="thumb placeholder" role="img" aria-label={t('frame.noThumbnail')}>
      🖼
    </div>
  );

  if (frame.status === 'error') {
    return (
      <article className="card error" data-testid="frame-error" data-file-name={frame.fileName} data-error-code={frame.error?.code}>
        {image}
        <div className="card-body">
          <h3 className="file-name">{frame.fileName}</h3>
          <p role="alert" className="error-text">
            ⚠ {t(`errors.${frame.error?.code ?? 'decode-failed'}`, { name: frame.fileName })}
          </p>
        </div>
      </article>
    );
  }

  const className = predictedClassName(frame, useAppStore.getState().modelInfos);
  const done = frame.status === 'done' && frame.probabilities && frame.predictedIndex !== undefined && info;
  const low = done && isLowConfidence(frame, threshold);
  const level = done ? confidenceLevel(frame.confidence ?? 0, thresholds, frame.unfamiliar) : undefined;
  const unfamiliar = level === 'unfamiliar';
  const checked = frame.unfamiliar !== undefined;
  const hooks = done
    ? {
        'data-predicted-class': className,
        'data-confidence': String(frame.confidence),
        'data-probabilities': JSON.stringify(frame.probabilities),
        'data-confidence-level': level,
        'data-reviewed': frame.review?.reviewedClass ? 'true' : 'false',
        // Familiarity check: "checked" false = the model has none (or the frame predates it).
        'data-familiarity-checked': checked ? 'true' : 'false',
        'data-unfamiliar': unfamiliar ? 'true' : 'false',
        ...(checked && { 'data-familiarity-distance': String(frame.familiarityDistance) }),
      }
    : {};
  return (
    <article
      className={`card${low ? ' low' : ''}${unfamiliar ? ' unfamiliar' : ''}`}
      data-testid="frame-card"
      data-frame-id={id}
      data-file-name={frame.fileName}
      data-status={frame.status}
      data-low-confidence={low ? 'true' : 'false'}
      {...hooks}
    >
      {image}
      <div className="card-body">
        <h3 className="file-name">{frame.fileName}</h3>
        {frame.status === 'queued' && <p className="muted">{t('frame.queued')}</p>}
        {frame.status === 'cancelled' && <p className="muted">{t('frame.cancelled')}</p>}
        {done && (
          <>
            <p className="prediction">
              <span className="muted">{t(unfamiliar ? 'frame.predictedUnfamiliar' : 'frame.predicted')}: </span>
              <strong>{info.classes[frame.predictedIndex!]?.display[lang] ?? className}</strong>{' '}
              <span>{t('frame.confidence', { value: formatPercent(frame.confidence ?? 0, lang) })}</span>
            </p>
            <p className="triage">
              {level && <ConfidenceMarker level={level} thresholds={thresholds} />}{' '}
              <ReviewStatusBadge review={frame.review} predictedClass={className ?? ''} />
            </p>
            {unfamiliar && <UnfamiliarNote />}
            {frame.review?.reviewedClass && frame.review.reviewedClass !== className && (
              <p className="small">
                {t('review.status.corrected', { model: info.classes[frame.predictedIndex!]?.display[lang] ?? className })} →{' '}
                <strong>
                  {info.classes.find((c) => c.name === frame.review?.reviewedClass)?.display[lang] ?? frame.review.reviewedClass}
                </strong>
              </p>
            )}
            {onOpen && (
              <button
                type="button"
                className="open-review"
                data-testid="open-review"
                title={t('workflow.openHint', { name: frame.fileName })}
                onClick={() => onOpen(id)}
              >
                {t('workflow.open')}
              </button>
            )}
            {frame.downscaled && <p className="muted small">{t('frame.downscaled')}</p>}
            {frame.modelKey !== activeModelKey && (
              <p className="muted small">{t('frame.otherModel', { name: info.name, version: info.version })}</p>
            )}
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
