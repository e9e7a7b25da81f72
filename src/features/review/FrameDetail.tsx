/**
 * One frame at a time for review: what `renderFrame` draws (the app gives the frame with its
 * Grad-CAM heatmap) above the review panel, with the review keyboard shortcuts moving through the
 * frames the results view shows.
 */
import { useMemo, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { predictedClassName, reviewMapOf } from '../../store/selectors.ts';
import { useAppStore } from '../../store/store.ts';
import { useThresholds } from '../../store/useThresholds.ts';
import { ReviewWorkspace, type ReviewWorkspaceFrame } from './ReviewWorkspace.tsx';

export interface FrameDetailProps {
  /** The frames to walk through, in the order the results view showed them when the detail opened. */
  ids: readonly string[];
  frameId: string;
  onSelect: (id: string) => void;
  onClose: () => void;
}

export function FrameDetail({
  ids,
  frameId,
  onSelect,
  onClose,
  renderFrame,
}: FrameDetailProps & { renderFrame: (frame: ReviewWorkspaceFrame) => ReactNode }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const frames = useAppStore((s) => s.frames);
  const infos = useAppStore((s) => s.modelInfos);
  const model = useAppStore((s) => s.model);
  const thresholds = useThresholds();
  const setReviews = useAppStore((s) => s.setReviews);
  const reviews = useMemo(() => reviewMapOf(frames), [frames]);
  const list = useMemo(() => {
    const out: ReviewWorkspaceFrame[] = [];
    for (const id of ids) {
      const f = frames[id];
      const name = f && predictedClassName(f, infos);
      if (!f || f.status !== 'done' || !name) continue;
      out.push({
        id,
        fileName: f.fileName,
        predictedClass: name,
        confidence: f.confidence ?? 0,
        unfamiliar: f.unfamiliar,
        review: f.review,
      });
    }
    return out;
  }, [ids, frames, infos]);
  const current = list.findIndex((f) => f.id === frameId);
  const frameInfo = frames[frameId]?.modelKey ? infos[frames[frameId].modelKey] : undefined;
  const classSource = model.metadata?.classes ?? frameInfo?.classes ?? [];
  const classes = classSource.map((c) => ({ name: c.name, label: c.display[lang] }));

  return (
    <section className="frame-detail" aria-labelledby="frame-detail-title" data-testid="frame-detail" data-frame-id={frameId}>
      <div className="frame-detail__head">
        <h2 id="frame-detail-title">
          {t('workflow.detailTitle')}: {frames[frameId]?.fileName}
        </h2>
        <button type="button" onClick={onClose} data-testid="close-detail">
          {t('workflow.close')}
        </button>
      </div>
      <ReviewWorkspace
        frames={list}
        classes={classes}
        thresholds={thresholds}
        reviews={reviews}
        onReviewsChange={setReviews}
        currentIndex={current}
        onCurrentIndexChange={(i) => list[i] && onSelect(list[i].id)}
        renderFrame={renderFrame}
      />
    </section>
  );
}
