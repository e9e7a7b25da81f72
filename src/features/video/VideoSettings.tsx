import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { checkSegmentParams, type SegmentParams } from '../../domain/video-segments.ts';
import { useAppStore } from '../../store/store.ts';
import { videoSettings } from '../../store/video-settings.ts';
import type { VideoSettings as Values } from '../../store/types.ts';

type Field = 'sampleFps' | keyof SegmentParams;
const FIELDS: { key: Field; label: string; min: number; max: number; step: number }[] = [
  { key: 'sampleFps', label: 'videoSettings.sampleFps', min: 1, max: 120, step: 1 },
  { key: 'smoothingS', label: 'videoSettings.smoothing', min: 0, max: 30, step: 0.1 },
  { key: 'enter', label: 'videoSettings.enter', min: 0.01, max: 1, step: 0.05 },
  { key: 'exit', label: 'videoSettings.exit', min: 0, max: 1, step: 0.05 },
  { key: 'minDurationS', label: 'videoSettings.minDuration', min: 0, max: 600, step: 0.5 },
];

const read = (v: Values, k: Field) => (k === 'sampleFps' ? v.sampleFps : v.segments[k]);

/**
 * Video analysis settings: the sampling rate (for videos added from now on) and the findings
 * segments' smoothing and thresholds (the timelines follow at once). What the user types is kept as
 * typed; only a valid whole is saved, an invalid one says why.
 */
export function VideoSettings() {
  const { t } = useTranslation();
  const settings = useAppStore((s) => s.settings);
  const update = useAppStore((s) => s.updateSettings);
  const current = videoSettings(settings);
  const [drafts, setDrafts] = useState<Partial<Record<Field, string>>>({});
  const [problem, setProblem] = useState('');

  const change = (key: Field, text: string) => {
    const nextDrafts = { ...drafts, [key]: text };
    setDrafts(nextDrafts);
    const value = (k: Field) => (nextDrafts[k] === undefined ? read(current, k) : Number(nextDrafts[k]));
    const next: Values = {
      sampleFps: value('sampleFps'),
      segments: { smoothingS: value('smoothingS'), enter: value('enter'), exit: value('exit'), minDurationS: value('minDurationS') },
    };
    const issue =
      !Number.isFinite(next.sampleFps) || next.sampleFps < 1 || next.sampleFps > 120
        ? t('videoSettings.sampleFps')
        : checkSegmentParams(next.segments);
    setProblem(issue ? t('videoSettings.invalid', { problem: issue }) : '');
    if (!issue) update({ video: next });
  };

  return (
    <div className="field" role="group" aria-labelledby="video-settings-title" data-testid="video-settings">
      <h3 id="video-settings-title">{t('videoSettings.title')}</h3>
      {FIELDS.map((f) => (
        <div key={f.key}>
          <label htmlFor={`video-${f.key}`}>{t(f.label)}</label>{' '}
          <input
            id={`video-${f.key}`}
            type="number"
            min={f.min}
            max={f.max}
            step={f.step}
            value={drafts[f.key] ?? String(read(current, f.key))}
            onChange={(e) => change(f.key, e.target.value)}
            aria-describedby={f.key === 'sampleFps' ? 'video-fps-help' : undefined}
          />
        </div>
      ))}
      <p id="video-fps-help" className="hint">
        {t('videoSettings.sampleFpsHelp')}
      </p>
      <button
        type="button"
        disabled={!settings.video}
        onClick={() => {
          setDrafts({});
          setProblem('');
          update({ video: undefined });
        }}
      >
        {t('videoSettings.reset')}
      </button>
      {problem && (
        <p role="alert" className="error-text">
          {problem}
        </p>
      )}
    </div>
  );
}
