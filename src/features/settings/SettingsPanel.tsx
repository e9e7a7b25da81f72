import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../components/ConfirmDialog.tsx';
import type { BackendSetting } from '../../inference/backend-choice.ts';
import { BACKEND_ORDER } from '../../inference/protocol.ts';
import { LanguageSelect } from '../../components/LanguageSelect.tsx';
import { useAppStore } from '../../store/store.ts';
import { useThresholds } from '../../store/useThresholds.ts';
import { DEFAULT_LOW_CONFIDENCE } from '../../store/types.ts';
import { validateThresholds } from '../../domain/confidence.ts';

/** What the user typed for a stored fraction (shown in %), kept until the stored value changes. */
function usePercentDraft(value: number): [string, (text: string) => void] {
  const [draft, setDraft] = useState<{ of: number; text: string } | null>(null);
  const text = draft && draft.of === value ? draft.text : String(Math.round(value * 100));
  return [text, (typed) => setDraft({ of: value, text: typed })];
}

export function SettingsPanel({ onBackendChange, onClearSession }: { onBackendChange: () => void; onClearSession: () => void }) {
  const { t } = useTranslation();
  const settings = useAppStore((s) => s.settings);
  const update = useAppStore((s) => s.updateSettings);
  const model = useAppStore((s) => s.model);
  const frameCount = useAppStore((s) => s.order.length);
  const persistence = useAppStore((s) => s.storage.persistence);
  const [confirming, setConfirming] = useState(false);
  const thresholds = useThresholds();
  const [thresholdError, setThresholdError] = useState('');
  /** Both thresholds are checked together; an invalid pair is shown, never saved. */
  const setThresholds = (patch: { low?: number; confident?: number }) => {
    const next = { ...thresholds, ...patch };
    // Raising "low" carries "confident" along (100 % low = every frame low); a "confident" below "low" is refused.
    if (patch.low !== undefined && patch.confident === undefined && next.low > next.confident) next.confident = next.low;
    try {
      validateThresholds(next);
      setThresholdError('');
      update({ lowConfidenceThreshold: next.low, confidentThreshold: next.confident });
    } catch (e) {
      setThresholdError(t('workflow.thresholdError', { message: (e as Error).message }));
    }
  };
  const percentInput = (v: string) => (v.trim() === '' ? Number.NaN : Number(v) / 100);
  // Drafts keep what the user typed, even an invalid pair, until it is valid or reset.
  const [lowDraft, setLowDraft] = usePercentDraft(thresholds.low);
  const [confidentDraft, setConfidentDraft] = usePercentDraft(thresholds.confident);
  const modelDefault = model.metadata?.lowConfidenceThreshold ?? DEFAULT_LOW_CONFIDENCE;
  // Timed backends with their time per frame; software GPUs and missing ones say why they were not timed.
  const timings = (model.timings ?? [])
    .map((x) => {
      if (x.skipped === 'software') return t('settings.timingSoftware', { backend: x.backend, adapter: x.adapter ?? '?' });
      if (x.skipped === 'unavailable') return t('settings.timingUnavailable', { backend: x.backend });
      if (!x.ok) return t('settings.timingFailed', { backend: x.backend, error: x.error ?? '?' });
      return t('settings.timingMs', { backend: x.backend, ms: x.msPerFrame?.toFixed(1), batch: x.batch ?? 1 });
    })
    .join(', ');

  return (
    <section className="settings" aria-labelledby="settings-title">
      <h2 id="settings-title">{t('settings.title')}</h2>
      <div className="field">
        <label htmlFor="language">{t('app.language')}</label>
        <LanguageSelect id="language" />
      </div>
      <div className="field" role="group" aria-labelledby="thresholds-title">
        <h3 id="thresholds-title">{t('workflow.levelsTitle')}</h3>
        <label htmlFor="threshold">{t('settings.threshold')}</label>
        <input
          id="threshold"
          type="number"
          min={0}
          max={100}
          step={1}
          value={lowDraft}
          aria-describedby="threshold-help"
          onChange={(e) => {
            setLowDraft(e.target.value);
            setThresholds({ low: percentInput(e.target.value) });
          }}
        />
        <label htmlFor="confident-threshold">{t('workflow.confidentThreshold')}</label>
        <input
          id="confident-threshold"
          type="number"
          min={0}
          max={100}
          step={1}
          value={confidentDraft}
          aria-describedby="threshold-help"
          onChange={(e) => {
            setConfidentDraft(e.target.value);
            setThresholds({ confident: percentInput(e.target.value) });
          }}
        />
        <button
          type="button"
          onClick={() => {
            setThresholdError('');
            update({ lowConfidenceThreshold: null, confidentThreshold: null });
          }}
          disabled={settings.lowConfidenceThreshold === null && settings.confidentThreshold === null}
        >
          {t('settings.useModelDefault')}
        </button>
        <p id="threshold-help" className="muted">
          {t('workflow.thresholdsHelp', { value: Math.round(modelDefault * 100) })}
        </p>
        {thresholdError && (
          <p role="alert" className="error-text" data-testid="threshold-error">
            {thresholdError}
          </p>
        )}
      </div>
      <div className="field">
        <label htmlFor="backend-setting">{t('settings.backend')}</label>
        <select
          id="backend-setting"
          value={settings.backend}
          aria-describedby="backend-help"
          onChange={(e) => {
            update({ backend: e.target.value as BackendSetting });
            onBackendChange();
          }}
        >
          <option value="auto">{t('settings.auto')}</option>
          {BACKEND_ORDER.map((b) => (
            <option key={b} value={b}>
              {b}
            </option>
          ))}
        </select>
        <p id="backend-help" className="muted">
          {t('settings.backendHelp')} {timings && t('settings.timings', { list: timings })}
        </p>
      </div>
      <div className="field">
        <button type="button" className="danger" onClick={() => setConfirming(true)} disabled={frameCount === 0}>
          {t('settings.clear')}
        </button>
        <p className="muted">{t('settings.clearHelp')}</p>
      </div>
      <div className="field">
        <h3>{t('storage.title')}</h3>
        <p className="muted" data-testid="storage-persistence" data-persistence={persistence ?? 'unknown'}>
          {t(`storage.${persistence ?? 'unknown'}`)}
        </p>
      </div>
      <ConfirmDialog
        open={confirming}
        title={t('settings.confirmTitle')}
        confirmLabel={t('settings.confirm')}
        cancelLabel={t('settings.cancel')}
        onCancel={() => setConfirming(false)}
        onConfirm={() => {
          setConfirming(false);
          onClearSession();
        }}
      >
        <p>{t('settings.confirmBody', { count: frameCount })}</p>
      </ConfirmDialog>
    </section>
  );
}
