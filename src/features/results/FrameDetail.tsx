/**
 * One frame at a time for review: the frame with its Grad-CAM heatmap (computed lazily in the
 * inference worker through the app's one HeatmapQueue) above the review panel, with the review
 * keyboard shortcuts moving through the frames the results view shows.
 */
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { heatmapQueue } from '../../app/heatmaps.ts';
import { lastGradCamMs } from '../../app/session.ts';
import { loadFiles } from '../../persistence/db.ts';
import { thumbUrl } from '../../media/thumbnails.ts';
import { predictedClassName, reviewMapOf } from '../../store/selectors.ts';
import { useAppStore } from '../../store/store.ts';
import { useThresholds } from '../../store/useThresholds.ts';
import { GradCamView } from '../gradcam/GradCamView.tsx';
import { useHeatmap } from '../gradcam/useHeatmap.ts';
import { ReviewWorkspace, type ReviewWorkspaceFrame } from '../review/ReviewWorkspace.tsx';

const NO_CLASSES: never[] = [];

function useOriginalUrl(id: string, missing: boolean): string | undefined {
  const [url, setUrl] = useState<string | undefined>();
  useEffect(() => {
    if (missing) return;
    let live = true;
    let made: string | undefined;
    void loadFiles([id]).then(([file]) => {
      if (!live || !file) return;
      made = URL.createObjectURL(file);
      setUrl(made);
    });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
      setUrl(undefined);
    };
  }, [id, missing]);
  return url;
}

function FrameImage({ frame }: { frame: ReviewWorkspaceFrame }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const record = useAppStore((s) => s.frames[frame.id]);
  const classes = useAppStore((s) => s.model.metadata?.classes) ?? NO_CLASSES;
  const [selected, setSelected] = useState(frame.predictedClass);
  const [opacity, setOpacity] = useState(0.5);
  const [visible, setVisible] = useState(true);
  useEffect(() => setSelected(frame.predictedClass), [frame.id, frame.predictedClass]);
  const missing = Boolean(record?.imageMissing);
  const url = useOriginalUrl(frame.id, missing);
  const classIndex = classes.findIndex((c) => c.name === selected);
  const heat = useHeatmap(heatmapQueue, missing ? null : frame.id, classIndex, Boolean(url));
  if (missing) {
    const thumb = thumbUrl(frame.id);
    return (
      <div className="frame-detail__image" data-testid="image-missing">
        {thumb && <img src={thumb} alt={frame.fileName} className="thumb" />}
        <p role="note">{t('workflow.noImage')}</p>
      </div>
    );
  }
  if (!url) return <p className="muted">{t('gradcam.computing')}</p>;
  return (
    <div className="frame-detail__image" data-testid="gradcam" data-status={heat.status} data-layer={heat.map?.layerName} data-ms={heat.status === 'ready' && lastGradCamMs !== undefined ? Math.round(lastGradCamMs) : undefined}>
      <GradCamView
        imageUrl={url}
        fileName={frame.fileName}
        map={heat.map}
        status={heat.status}
        error={heat.error}
        classes={classes.map((c) => ({ name: c.name, label: c.display[lang] }))}
        predictedClass={frame.predictedClass}
        selectedClass={selected}
        onSelectClass={setSelected}
        opacity={opacity}
        onOpacityChange={setOpacity}
        visible={visible}
        onVisibleChange={setVisible}
      />
    </div>
  );
}

export function FrameDetail({ ids, frameId, onSelect, onClose }: { ids: readonly string[]; frameId: string; onSelect(id: string): void; onClose(): void }) {
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
      out.push({ id, fileName: f.fileName, predictedClass: name, confidence: f.confidence ?? 0, unfamiliar: f.unfamiliar, review: f.review });
    }
    return out;
  }, [ids, frames, infos]);
  const current = list.findIndex((f) => f.id === frameId);
  const frameInfo = frames[frameId]?.modelKey ? infos[frames[frameId].modelKey!] : undefined;
  const classSource = model.metadata?.classes ?? frameInfo?.classes ?? [];
  const classes = classSource.map((c) => ({ name: c.name, label: c.display[lang] }));

  return (
    <section className="frame-detail" aria-labelledby="frame-detail-title" data-testid="frame-detail" data-frame-id={frameId}>
      <div className="frame-detail__head">
        <h2 id="frame-detail-title">{t('workflow.detailTitle')}: {frames[frameId]?.fileName}</h2>
        <button type="button" onClick={onClose} data-testid="close-detail">{t('workflow.close')}</button>
      </div>
      <ReviewWorkspace
        frames={list}
        classes={classes}
        thresholds={thresholds}
        reviews={reviews}
        onReviewsChange={setReviews}
        currentIndex={current}
        onCurrentIndexChange={(i) => list[i] && onSelect(list[i].id)}
        renderFrame={(f) => <FrameImage key={`image-${f.id}`} frame={f} />}
      />
    </section>
  );
}
