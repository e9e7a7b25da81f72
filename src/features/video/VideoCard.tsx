import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/store.ts';
import type { VideoRecord } from '../../store/videos-slice.ts';
import { formatTime } from './timeline-data.ts';
import { VideoReview } from './VideoReview.tsx';

/** What the app lets a video card do (App passes the app layer's actions). */
export interface VideoActions {
  onPause: (id: string) => void;
  onResume: (id: string) => void;
  onCancel: (id: string) => void;
  /** A frame saved from the video becomes a still of the session. */
  onSaveFrame: (file: File) => void;
  /** The video's file, from memory or IndexedDB; undefined when the browser no longer has it. */
  loadFile: (id: string) => Promise<Blob | undefined>;
}

/** Seconds left at the rate of the current run, or null before there is one. */
export function videoEta(v: VideoRecord, now: number): number | null {
  if (v.status !== 'running' || !v.runStartedAt || !v.info?.durationS) return null;
  const done = v.analysedUntilS - (v.runStartS ?? 0);
  const elapsed = (now - v.runStartedAt) / 1000;
  if (done <= 0 || elapsed <= 0) return null;
  return Math.max(0, Math.round(((v.info.durationS - v.analysedUntilS) * elapsed) / done));
}

export function VideoCard({ id, ...actions }: { id: string } & VideoActions) {
  const { t } = useTranslation();
  const v = useAppStore((s) => s.videos[id]);
  const hasPoints = useAppStore((s) => (s.videoPoints[id]?.length ?? 0) > 0);
  const [now, setNow] = useState(() => Date.now());
  const running = v?.status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  if (!v) return null;
  const duration = v.info?.durationS;
  const eta = videoEta(v, now);
  const active = v.status === 'running' || v.status === 'paused' || v.status === 'queued';
  return (
    <article
      className={`video-card ${v.status}`}
      data-testid="video-card"
      data-file-name={v.fileName}
      data-status={v.status}
      data-frames-analysed={v.framesAnalysed}
      data-duration-s={duration === undefined ? '' : duration.toFixed(3)}
      data-stage-ms={v.stageMs ? JSON.stringify(v.stageMs) : undefined}
      aria-label={v.fileName}
    >
      <header className="video-head">
        <h3>{v.fileName}</h3>
        <span className="video-status">{t(`video.status.${v.status}`)}</span>
      </header>
      {v.info && (
        <p className="hint">
          {t('video.info', { width: v.info.width, height: v.info.height, codec: v.info.codec, fps: v.sampleFps })}
          {v.info.downscaled ? ` ${t('video.downscaled')}` : ''}
        </p>
      )}
      {(active || v.framesAnalysed > 0) && (
        <div className="video-progress">
          <progress
            max={duration || 1}
            value={Math.min(v.analysedUntilS, duration ?? 0)}
            aria-label={t('video.analysisProgress', { name: v.fileName })}
          />
          <span role="status" aria-live="polite">
            {duration
              ? t('video.progress', { frames: v.framesAnalysed, at: formatTime(v.analysedUntilS), duration: formatTime(duration) })
              : t('video.progressNoDuration', { frames: v.framesAnalysed, at: formatTime(v.analysedUntilS) })}
            {eta !== null ? ` · ${t('video.eta', { seconds: eta })}` : ''}
          </span>
          {(v.status === 'running' || v.status === 'queued') && (
            <button type="button" onClick={() => actions.onPause(id)}>
              {t('video.pause')}
            </button>
          )}
          {(v.status === 'paused' || v.status === 'cancelled') && (
            <button type="button" onClick={() => actions.onResume(id)}>
              {t('video.resume')}
            </button>
          )}
          {active && (
            <button type="button" onClick={() => actions.onCancel(id)}>
              {t('video.cancel')}
            </button>
          )}
        </div>
      )}
      {v.error && (
        <p className="error-text" role="alert" data-testid="frame-error" data-file-name={v.fileName} data-error-code={v.error.code}>
          {t(`video.errors.${v.error.code}`)} {v.error.detail}
        </p>
      )}
      {v.truncated && (
        <p className="error-text" role="alert" data-testid="video-truncated" data-at-s={v.truncated.atS.toFixed(3)}>
          {t('video.truncated', { at: formatTime(v.truncated.atS), detail: v.truncated.detail ?? '' })}
        </p>
      )}
      {hasPoints && <VideoReview video={v} onSaveFrame={actions.onSaveFrame} loadFile={actions.loadFile} />}
    </article>
  );
}
