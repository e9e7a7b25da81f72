import { useTranslation } from 'react-i18next';
import { formatPercent } from '../../components/Percent.ts';
import type { EvalMetrics } from '../../core/metadata.ts';
import { useAppStore } from '../../store/store.ts';
import type { TeachActions } from './teach-actions.ts';
import { lazyComponent } from '../../components/lazy-component.tsx';

import { classLabel, fmt3 } from './teach-view-data.ts';

// recharts loads after the page (preloadTeachCurves once the model is ready), or with the first curves shown.
const TeachCurves = lazyComponent(
  () => import('./TeachCurves.tsx').then((m) => m.TeachCurves),
  () => <div className="chart-loading" />,
);
export const preloadTeachCurves = (): void => TeachCurves.preload();

/** Rows = true class, columns = predicted class, in the metrics' class order. */
function ConfusionTable({
  metrics,
  caption,
  label,
  testId,
}: {
  metrics: EvalMetrics;
  caption: string;
  label: (c: string) => string;
  testId: string;
}) {
  const names = metrics.perClass.map((p) => label(p.name));
  const cols = Math.max(0, ...metrics.confusion.map((r) => r.length));
  return (
    <table className="table confusion" data-testid={testId}>
      <caption>{caption}</caption>
      <thead>
        <tr>
          <td />
          {Array.from({ length: cols }, (_, j) => (
            <th key={j} scope="col">
              {names[j] ?? String(j + 1)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {metrics.confusion.map((row, i) => (
          <tr key={i}>
            <th scope="row">{names[i] ?? String(i + 1)}</th>
            {row.map((v, j) => (
              <td key={j} className={i === j ? 'diag' : ''}>
                {v}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The finished run: the base model and the new version side by side on the same held-out frames; accept or discard. */
export function TeachResults({ onAccept, onDiscard, onExportVersion }: Pick<TeachActions, 'onAccept' | 'onDiscard' | 'onExportVersion'>) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const status = useAppStore((s) => s.teach.status);
  const result = useAppStore((s) => s.teach.result);
  const candidateId = useAppStore((s) => s.teach.candidateId);
  const active = useAppStore((s) => s.model.metadata);
  if (!result && !candidateId) return null;

  const baseClasses = active?.classes;
  const label = (c: string) => classLabel(c, lang, result?.metadata.classes, baseClasses);
  // Once accepted, the loaded model is the new version itself: its classes no longer tell which were new.
  const accepted = result !== undefined && active?.name === result.metadata.name && active.version === result.metadata.version;
  const baseNames = accepted ? undefined : baseClasses?.map((c) => c.name);
  const shown = status === 'done' && result ? result : undefined;
  const newClasses = shown && baseNames ? shown.plan.classes.filter((c) => !baseNames.includes(c)) : [];
  const before = new Map(shown?.before.perClass.map((p) => [p.name, p]));

  return (
    <section className="teach-part" aria-labelledby="teach-results-title" data-testid="teach-results">
      <h3 id="teach-results-title">{t('teach.results.title')}</h3>
      {shown && (
        <>
          <p data-testid="teach-heldout" data-mode={shown.plan.mode} data-folds={shown.plan.folds} data-count={shown.plan.heldOutCount}>
            {shown.plan.mode === 'kfold'
              ? t('teach.results.heldOutKfold', { count: shown.plan.heldOutCount, folds: shown.plan.folds })
              : t('teach.results.heldOutHoldout', { count: shown.plan.heldOutCount })}{' '}
            {t('teach.results.caveat')}
          </p>
          <p data-testid="teach-method" data-method={shown.method}>
            {t(`teach.results.method.${shown.method}`)}
            {shown.fineTuneSkipped ? ` ${t('teach.results.fineTuneSkipped')}` : ''}
          </p>
          {newClasses.map((c) => (
            <p key={c} className="teach-warn" data-testid="teach-new-class-note">
              {t('teach.results.newClass', { name: label(c) })}
            </p>
          ))}
          <table className="table" data-testid="teach-summary">
            <caption>{t('teach.results.summary')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('teach.results.measure')}</th>
                <th scope="col">{t('teach.results.before')}</th>
                <th scope="col">{t('teach.results.after')}</th>
              </tr>
            </thead>
            <tbody>
              <tr>
                <th scope="row">{t('teach.results.accuracy')}</th>
                <td data-testid="teach-accuracy-before">{formatPercent(shown.before.accuracy, lang)}</td>
                <td data-testid="teach-accuracy-after">{formatPercent(shown.after.accuracy, lang)}</td>
              </tr>
              <tr>
                <th scope="row">{t('teach.results.macroF1')}</th>
                <td data-testid="teach-f1-before">{fmt3(shown.before.macro.f1)}</td>
                <td data-testid="teach-f1-after">{fmt3(shown.after.macro.f1)}</td>
              </tr>
            </tbody>
          </table>
          <table className="table" data-testid="teach-per-class">
            <caption>{t('teach.results.perClass')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('teach.results.className')}</th>
                {(['precision', 'recall', 'f1'] as const).flatMap((m) => [
                  <th key={`${m}-b`} scope="col">
                    {t(`teach.results.${m}Before`)}
                  </th>,
                  <th key={`${m}-a`} scope="col">
                    {t(`teach.results.${m}After`)}
                  </th>,
                ])}
                <th scope="col">{t('teach.results.support')}</th>
              </tr>
            </thead>
            <tbody>
              {shown.after.perClass.map((p) => {
                const b = before.get(p.name);
                return (
                  <tr key={p.name} data-class={p.name}>
                    <th scope="row">
                      {label(p.name)}
                      {newClasses.includes(p.name) && <span className="teach-badge">{t('teach.frames.newBadge')}</span>}
                    </th>
                    <td>{fmt3(b?.precision)}</td>
                    <td>{fmt3(p.precision)}</td>
                    <td>{fmt3(b?.recall)}</td>
                    <td>{fmt3(p.recall)}</td>
                    <td>{fmt3(b?.f1)}</td>
                    <td>{fmt3(p.f1)}</td>
                    <td>{p.support}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <div className="teach-side">
            <ConfusionTable
              metrics={shown.before}
              caption={t('teach.results.confusionBefore')}
              label={label}
              testId="teach-confusion-before"
            />
            <ConfusionTable
              metrics={shown.after}
              caption={t('teach.results.confusionAfter')}
              label={label}
              testId="teach-confusion-after"
            />
          </div>
          <TeachCurves curves={shown.curves} />
        </>
      )}
      <p className="hint" data-testid="teach-accept-help">
        {t(candidateId ? 'teach.results.acceptHelp' : accepted ? 'teach.results.accepted' : 'teach.results.notStored')}
      </p>
      <div className="teach-buttons">
        {/* Only a stored candidate can be accepted (the app loads it from storage). */}
        <button type="button" data-testid="teach-accept" onClick={onAccept} disabled={!candidateId}>
          {t('teach.results.accept')}
        </button>
        {/* Not stored (storage full): its files are still in this tab, so it can be saved as a .zip. */}
        {!candidateId && !accepted && (
          <button type="button" data-testid="teach-export-unsaved" onClick={() => onExportVersion('')}>
            {t('teach.results.exportUnsaved')}
          </button>
        )}
        <button type="button" data-testid="teach-discard" onClick={onDiscard}>
          {t(accepted && !candidateId ? 'teach.results.close' : 'teach.results.discard')}
        </button>
      </div>
    </section>
  );
}
