import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { etaSeconds } from '../../store/progress-slice.ts';
import { useAppStore } from '../../store/store.ts';

/** done/total, ETA and cancel while frames are classified; tensor count exposed for tests. */
export function ProgressPanel({ onCancel, onResume }: { onCancel: () => void; onResume: () => void }) {
  const { t } = useTranslation();
  const progress = useAppStore((s) => s.progress);
  const cancelled = useAppStore((s) => s.order.reduce((n, id) => n + (s.frames[id]?.status === 'cancelled' ? 1 : 0), 0));
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!progress.running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [progress.running]);
  const eta = etaSeconds(progress, now);
  return (
    <section
      className="progress"
      data-testid="progress"
      data-running={String(progress.running)}
      data-done={progress.done}
      data-total={progress.total}
      data-num-tensors={progress.numTensors ?? ''}
      data-baseline-tensors={progress.baselineTensors ?? ''}
    >
      {progress.total > 0 && (
        <>
          <label htmlFor="progress-bar">{t('progress.label')}</label>
          <progress id="progress-bar" max={progress.total} value={progress.done} />
          <span role="status" aria-live="polite">
            {progress.running
              ? t('progress.status', { done: progress.done, total: progress.total })
              : t('progress.done', { total: progress.done })}
            {progress.running && eta !== null ? ` · ${t('progress.eta', { seconds: eta })}` : ''}
          </span>
          {progress.running && (
            <button type="button" onClick={onCancel}>
              {t('progress.cancel')}
            </button>
          )}
        </>
      )}
      {!progress.running && cancelled > 0 && (
        <button type="button" onClick={onResume}>
          {t('progress.resume', { count: cancelled })}
        </button>
      )}
    </section>
  );
}
