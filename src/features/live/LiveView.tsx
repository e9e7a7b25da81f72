import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatPercent } from '../../components/Percent.ts';
import type { ModelMetadata } from '../../core/metadata.ts';
import type { PixelImage } from '../../core/preprocess.ts';
import type { Scores } from '../../inference/protocol.ts';
import { medianOf } from './latency.ts';
import { ProbabilityStrip } from './ProbabilityStrip.tsx';
import { useCamera } from './use-camera.ts';
import { useLiveScoring } from './use-live-scoring.ts';
import { frameAsPng } from './video-source.ts';
import './live.css';

interface Props {
  /** The loaded model's metadata (class names); undefined while it loads. */
  metadata?: ModelMetadata;
  modelReady: boolean;
  /** Preprocesses and classifies one frame's pixels with the loaded model (in the inference worker). */
  scorePixels: (pixels: PixelImage) => Promise<Scores>;
  /** Adds a saved frame to the session, where it gets a card, Grad-CAM and review like any frame. */
  onSaveFrame: (file: File) => void;
}

const argmax = (xs: readonly number[]) => xs.reduce((best, x, i) => (x > xs[best] ? i : best), 0);

/**
 * A camera or capture card's picture, classified as it comes: the class, confidence, a rolling
 * probability strip and the capture-to-label latency over the picture. Nothing is kept unless the
 * user saves a frame; the camera is released on Stop and when the view closes (unmount).
 */
export function LiveView({ metadata, modelReady, scorePixels, onSaveFrame }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const videoRef = useRef<HTMLVideoElement>(null);
  const { camera, devices, start, stop } = useCamera();
  const [deviceId, setDeviceId] = useState('');
  const [frozen, setFrozen] = useState(false);
  const [saved, setSaved] = useState<string[]>([]);
  const [saveFailed, setSaveFailed] = useState(false);
  const { readings, reset } = useLiveScoring({
    video: videoRef,
    stream: camera.stream,
    enabled: modelReady,
    paused: frozen,
    score: scorePixels,
  });

  useEffect(() => {
    const v = videoRef.current;
    if (!v) return;
    v.srcObject = camera.stream ?? null;
  }, [camera.stream]);

  // Freeze holds the picture (the video element keeps showing its last frame) and the label (no new frame is scored).
  useEffect(() => {
    const v = videoRef.current;
    if (!v || !camera.stream) return;
    if (frozen) v.pause();
    else void v.play().catch(() => undefined);
  }, [frozen, camera.stream]);

  const startCamera = (id: string) => {
    setFrozen(false);
    reset();
    void start(id || undefined);
  };
  const save = async () => {
    const v = videoRef.current;
    if (!v) return;
    try {
      const file = await frameAsPng(v);
      onSaveFrame(file);
      setSaveFailed(false);
      setSaved((names) => [...names, file.name]);
    } catch {
      setSaveFailed(true);
    }
  };

  const latest = readings.latest;
  const probabilities = latest?.scores.probabilities;
  const unfamiliar = latest?.scores.familiarity?.unfamiliar ?? false;
  const top = probabilities ? argmax(probabilities) : undefined;
  const topClass = top !== undefined ? metadata?.classes[top] : undefined;
  const predicted = latest ? (unfamiliar ? 'unfamiliar' : (topClass?.name ?? '')) : '';
  const latencyMs = latest ? String(Math.round(latest.latencyMs)) : '';
  const medianMs = readings.latencies.length ? Math.round(medianOf(readings.latencies)) : undefined;
  const labels = metadata?.classes.map((c) => c.display[lang]) ?? [];
  const live = camera.status === 'live';

  return (
    <section
      className="live-view"
      aria-labelledby="live-title"
      data-testid="live-view"
      data-camera={camera.status}
      data-error-code={camera.error}
      data-frozen={frozen ? 'true' : 'false'}
      data-predicted-class={predicted}
      data-latency-ms={latencyMs}
      data-latency-median-ms={medianMs ?? ''}
      data-frames-scored={readings.scored}
      data-frames-dropped={readings.dropped}
      data-stage-ms={latest ? JSON.stringify(latest.stages) : ''}
    >
      <h2 id="live-title">{t('live.title')}</h2>
      <p className="muted">{t('live.intro')}</p>
      <div className="live-controls">
        <label>
          {t('live.camera')}{' '}
          <select
            value={deviceId}
            data-testid="live-device"
            onChange={(e) => {
              setDeviceId(e.target.value);
              if (live) startCamera(e.target.value);
            }}
          >
            <option value="">{t('live.defaultCamera')}</option>
            {devices
              .filter((d) => d.deviceId)
              .map((d, i) => (
                <option key={d.deviceId} value={d.deviceId}>
                  {d.label || t('live.cameraN', { n: i + 1 })}
                </option>
              ))}
          </select>
        </label>
        {live || camera.status === 'starting' ? (
          <button type="button" data-testid="live-stop" onClick={stop}>
            {t('live.stop')}
          </button>
        ) : (
          <button type="button" data-testid="live-start" onClick={() => startCamera(deviceId)}>
            {t('live.start')}
          </button>
        )}
        <button type="button" data-testid="live-freeze" aria-pressed={frozen} disabled={!live} onClick={() => setFrozen((f) => !f)}>
          {frozen ? t('live.resume') : t('live.freeze')}
        </button>
        <button type="button" data-testid="live-save" disabled={!live} onClick={() => void save()}>
          {t('live.save')}
        </button>
      </div>
      {camera.status === 'starting' && <p className="muted">{t('live.starting')}</p>}
      {camera.error && (
        <p role="alert" className="error-text" data-testid="live-error">
          ⚠ {t(`live.errors.${camera.error}`)} {saved.length > 0 && t('live.savedKept')}
        </p>
      )}
      {readings.error && (
        <p role="alert" className="error-text">
          ⚠ {t('live.scoreFailed', { detail: readings.error })}
        </p>
      )}
      {saveFailed && (
        <p role="alert" className="error-text">
          ⚠ {t('live.saveFailed')}
        </p>
      )}
      {saved.length > 0 && (
        <p role="status" data-testid="live-saved">
          {t('live.saved', { name: saved.at(-1), n: saved.length })}
        </p>
      )}
      {live && !modelReady && <p className="muted">{t('live.modelLoading')}</p>}
      {/* Always mounted, so the stream has an element to play in; shown only while there is a picture. */}
      <div className="live-stage" hidden={!camera.stream}>
        <video ref={videoRef} className="live-video" muted playsInline aria-label={t('live.videoLabel')} />
        <div className="live-overlay">
          <p className="live-label" data-testid="live-label">
            {!latest ? (
              t('live.waiting')
            ) : unfamiliar ? (
              <strong>{t('live.unfamiliar')}</strong>
            ) : (
              <>
                <strong>{topClass?.display[lang] ?? topClass?.name}</strong>{' '}
                {probabilities && top !== undefined && formatPercent(probabilities[top], lang)}
              </>
            )}
            {frozen && <span className="live-frozen"> · {t('live.frozen')}</span>}
          </p>
          {latest && (
            <p className="live-latency" data-testid="live-latency">
              {t('live.latency', { latest: latencyMs, median: medianMs ?? '-' })}
            </p>
          )}
          <ProbabilityStrip history={readings.history} labels={labels} />
        </div>
      </div>
    </section>
  );
}
