import { useCallback, useMemo, useRef, useState } from 'react';
import { useBlobUrl } from '../../components/useBlobUrl.ts';
import { useTranslation } from 'react-i18next';
import { findSegments, frameInterval, normalClassIndex } from '../../domain/video-segments.ts';
import { useAppStore } from '../../store/store.ts';
import { videoSettings } from '../../store/video-settings.ts';
import { flatPoints, type VideoRecord } from '../../store/videos-slice.ts';
import { formatTime, savedFrameName, unfamiliarStretches } from './timeline-data.ts';
import { SegmentList } from './SegmentList.tsx';
import { useThrottled } from './use-throttled.ts';
import { lazyComponent } from '../../components/lazy-component.tsx';

// recharts loads after the page (preloadVideoTimeline once the model is ready), or with the first timeline shown.
const VideoTimeline = lazyComponent(
  () => import('./VideoTimeline.tsx').then((m) => m.VideoTimeline),
  () => <div className="chart-loading" />,
);
export const preloadVideoTimeline = (): void => VideoTimeline.preload();

/** Classes get these colours in the timeline and the findings list (text always names them too). */
export const CLASS_COLOURS = ['#15803d', '#b91c1c', '#1d4ed8', '#a16207', '#7e22ce', '#0f766e', '#be185d', '#4d7c0f'];

/** The analysed video: the player, the timeline in sync with it, and the findings segments. */
export function VideoReview({
  video,
  onSaveFrame,
  loadFile,
}: {
  video: VideoRecord;
  onSaveFrame: (file: File) => void;
  loadFile: (id: string) => Promise<Blob | undefined>;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  // While a long video runs, its timeline is redrawn at most once a second, not after every batch of 8.
  const chunks = useThrottled(
    useAppStore((s) => s.videoPoints[video.id]),
    video.status === 'running' ? 1000 : 0,
  );
  const info = useAppStore((s) => s.modelInfos[video.modelKey ?? '']);
  // The stored object (stable), not videoSettings(...) (a new default object per call would re-render forever).
  const stored = useAppStore((s) => s.settings.video);
  const params = useMemo(() => videoSettings({ video: stored }).segments, [stored]);
  const points = useMemo(() => flatPoints(chunks), [chunks]);
  const classes = useMemo(
    () => (info?.classes ?? []).map((c, i) => ({ name: c.name, label: c.display[lang], colour: CLASS_COLOURS[i % CLASS_COLOURS.length] })),
    [info, lang],
  );
  const segments = useMemo(
    () => (info ? findSegments(points, info.classes.length, normalClassIndex(info.classes.map((c) => c.name)), params) : []),
    [points, info, params],
  );
  const interval = useMemo(() => frameInterval(points), [points]); // sorts every gap: not on each cursor move
  const stretches = useMemo(() => unfamiliarStretches(points, interval), [points, interval]);

  const videoRef = useRef<HTMLVideoElement>(null);
  // Fetched again when the file is re-attached (dropped again after the browser could not keep it).
  const loadVideo = useCallback(() => loadFile(video.id), [loadFile, video.id]);
  const url = useBlobUrl(loadVideo, video.fileStored);
  const [now, setNow] = useState(0);
  const [saved, setSaved] = useState<string | null>(null);
  const seek = (s: number) => {
    const el = videoRef.current;
    const end = video.info?.durationS ?? points[points.length - 1]?.t ?? 0;
    const to = Math.min(Math.max(0, s), end);
    if (el) el.currentTime = to;
    setNow(to);
  };

  const saveFrame = () => {
    const el = videoRef.current;
    if (!el || !el.videoWidth) return;
    const canvas = document.createElement('canvas');
    canvas.width = el.videoWidth;
    canvas.height = el.videoHeight;
    canvas.getContext('2d')?.drawImage(el, 0, 0);
    const name = savedFrameName(video.fileName, el.currentTime);
    // PNG: the still holds exactly the pixels shown, with no second lossy compression.
    canvas.toBlob((blob) => {
      if (!blob) return;
      onSaveFrame(new File([blob], name, { type: 'image/png', lastModified: Date.now() }));
      setSaved(name);
    }, 'image/png');
  };

  const duration = video.info?.durationS ?? (points.length ? points[points.length - 1].t + interval : 0);
  return (
    <div className="video-review">
      {url === null ? (
        <p className="hint" data-testid="video-file-missing">
          {t('video.fileMissing')}
        </p>
      ) : (
        <div className="video-player">
          {url && (
            <video
              ref={videoRef}
              src={url}
              controls
              muted
              playsInline
              preload="auto"
              data-testid="video-player"
              aria-label={t('video.player', { name: video.fileName })}
              onTimeUpdate={(e) => setNow(e.currentTarget.currentTime)}
              onSeeked={(e) => setNow(e.currentTarget.currentTime)}
            />
          )}
          <button type="button" onClick={saveFrame} disabled={!url} data-testid="video-save-frame">
            {t('video.saveFrame')} ({formatTime(now)})
          </button>
          {saved && (
            <p role="status" className="hint">
              {t('video.savedFrame', { name: saved })}
            </p>
          )}
        </div>
      )}
      <VideoTimeline
        points={points}
        classes={classes}
        segments={segments}
        stretches={stretches}
        duration={duration}
        now={now}
        onSeek={seek}
      />
      <SegmentList segments={segments} classes={classes} onSeek={seek} />
    </div>
  );
}
