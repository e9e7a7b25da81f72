/**
 * A frame's original image with its Grad-CAM heatmap, for the review view: the image is read back
 * from IndexedDB, the map comes lazily from the app's one heatmap queue (passed in: the queue talks
 * to the inference worker, which is the app's to own).
 */
import { useCallback, useState } from 'react';
import { useBlobUrl } from '../../components/useBlobUrl.ts';
import { useTranslation } from 'react-i18next';
import type { GradCamOutput } from '../../inference/client.ts';
import { thumbUrl } from '../../media/thumbnails.ts';
import { loadFiles } from '../../persistence/db.ts';
import { useAppStore } from '../../store/store.ts';
import { GradCamView } from './GradCamView.tsx';
import type { HeatmapQueue } from './heatmap-queue.ts';
import { useHeatmap } from './useHeatmap.ts';

const NO_CLASSES: never[] = [];

export interface HeatmapFrame {
  id: string;
  fileName: string;
  predictedClass: string;
}

export function FrameHeatmap({ frame, queue }: { frame: HeatmapFrame; queue: HeatmapQueue<GradCamOutput> }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const record = useAppStore((s) => s.frames[frame.id]);
  const classes = useAppStore((s) => s.model.metadata?.classes) ?? NO_CLASSES;
  const gradCamMs = useAppStore((s) => s.progress.lastGradCamMs);
  // The class shown starts at the predicted one again whenever the frame or its prediction changes.
  const shownFor = `${frame.id}\n${frame.predictedClass}`;
  const [choice, setChoice] = useState<{ for: string; className: string }>();
  const selected = choice?.for === shownFor ? choice.className : frame.predictedClass;
  const setSelected = (className: string) => setChoice({ for: shownFor, className });
  const [opacity, setOpacity] = useState(0.5);
  const [visible, setVisible] = useState(true);
  const missing = Boolean(record?.imageMissing);
  const loadOriginal = useCallback(() => loadFiles([frame.id]).then(([file]) => file), [frame.id]);
  const url = useBlobUrl(missing ? undefined : loadOriginal);
  const classIndex = classes.findIndex((c) => c.name === selected);
  const heat = useHeatmap(queue, missing ? null : frame.id, classIndex, Boolean(url));
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
    <div
      className="frame-detail__image"
      data-testid="gradcam"
      data-status={heat.status}
      data-layer={heat.map?.layerName}
      data-ms={heat.status === 'ready' && gradCamMs !== null ? Math.round(gradCamMs) : undefined}
    >
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
