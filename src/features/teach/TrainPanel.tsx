import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/store.ts';
import type { TeachSlice } from '../../store/teach-slice.ts';
import type { SplitNotice } from '../../teach/split.ts';
import type { TeachActions } from './teach-actions.ts';
import { classLabel, fmt3, statusClasses } from './teach-view-data.ts';

type Teach = TeachSlice['teach'];

/** The sentence under the Train button: what the run is doing now, or what it would do. */
function statusText(teach: Teach, t: TFunction): string {
  if (teach.status === 'training') {
    const p = teach.progress;
    if (!p) return t('teach.train.starting');
    let text =
      p.phase === 'reading'
        ? t('teach.train.phase.reading', { done: p.done, total: p.total })
        : p.phase === 'training'
          ? t('teach.train.phase.training', { run: Math.min(p.done + 1, p.total), total: p.total })
          : p.phase === 'fine-tuning'
            ? t('teach.train.phase.fine-tuning', { epoch: Math.min(p.done + 1, p.total), total: p.total })
            : t(`teach.train.phase.${p.phase}`);
    if (p.phase === 'training' && p.epoch) text += `, ${t('teach.train.epoch', { epoch: p.epoch.epoch, max: p.epoch.maxEpochs })}`;
    if (p.etaMs !== undefined) text += ` · ${t('teach.train.eta', { seconds: Math.max(0, Math.round(p.etaMs / 1000)) })}`;
    return text;
  }
  if (teach.status === 'done' && teach.result) {
    return t('teach.train.done', {
      seconds: Math.round(teach.result.wallMs / 1000),
      after: fmt3(teach.result.after.macro.f1),
      before: fmt3(teach.result.before.macro.f1),
    });
  }
  if (teach.status === 'error') return t('teach.train.stopped');
  const classes = statusClasses(teach).length;
  return classes < 2 ? t('teach.train.needTwo') : t('teach.train.ready', { frames: teach.gathered.length, classes });
}

/** A split notice from its structured fields (its `message` is English only). */
function noticeText(n: SplitNotice, t: TFunction, label: (c: string) => string): string {
  switch (n.kind) {
    case 'few-frames':
      return t('teach.train.notice.few-frames', { name: label(n.className), count: n.count, recommended: n.recommended });
    case 'single-frame':
      return t('teach.train.notice.single-frame', { name: label(n.className) });
    case 'one-picture':
      return t('teach.train.notice.one-picture', { name: label(n.className), count: n.count });
    case 'same-picture-two-classes':
      return t('teach.train.notice.same-picture-two-classes', {
        classes: n.classes.map(label).join(' / '),
        frames: n.frameIds.join(', '),
      });
    case 'too-few-classes':
      return n.classes.length
        ? t('teach.train.notice.too-few-classes', { name: label(n.classes[0]) })
        : t('teach.train.notice.too-few-classes-none');
    case 'nothing-to-hold-out':
      return t('teach.train.notice.nothing-to-hold-out');
  }
}

/** Start / cancel, the run's progress, its error, the split's notices and the frames that could not be read. */
export function TrainPanel({ onStart, onCancel }: Pick<TeachActions, 'onStart' | 'onCancel'>) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const teach = useAppStore((s) => s.teach);
  const baseClasses = useAppStore((s) => s.model.metadata?.classes);
  const training = teach.status === 'training';
  const classes = statusClasses(teach);
  const gatheredClasses = new Set(teach.gathered.map((f) => f.className)).size;
  const label = (c: string) => classLabel(c, lang, teach.result?.metadata.classes, baseClasses);
  const p = teach.progress;
  // Reading frames and training runs have a count; loading and packing do not (an indeterminate bar).
  const measurable =
    training && p !== undefined && (p.phase === 'reading' || p.phase === 'training' || p.phase === 'fine-tuning') && p.total > 0;
  const setTeach = useAppStore((s) => s.setTeach);
  const failed = teach.failed.length ? teach.failed : (teach.result?.failed ?? []);
  const notices = (teach.plan ?? teach.result?.plan)?.notices ?? [];

  return (
    <section className="teach-part" aria-labelledby="teach-train-title" data-testid="teach-train">
      <h3 id="teach-train-title">{t('teach.train.title')}</h3>
      <label className="teach-option">
        <input
          type="checkbox"
          data-testid="teach-fine-tune"
          checked={teach.method === 'last-blocks'}
          disabled={training}
          onChange={(e) => setTeach({ method: e.currentTarget.checked ? 'last-blocks' : 'head-only' })}
          aria-describedby="teach-fine-tune-help"
        />{' '}
        {t('teach.train.fineTune')}
      </label>
      <p className="hint" id="teach-fine-tune-help">
        {t('teach.train.fineTuneHelp')}
      </p>
      <div className="teach-buttons">
        <button type="button" data-testid="teach-start" onClick={onStart} disabled={training || gatheredClasses < 2}>
          {t('teach.train.start')}
        </button>
        {training && (
          <button type="button" onClick={onCancel} data-testid="teach-cancel">
            {t('teach.train.cancel')}
          </button>
        )}
      </div>
      <p
        role="status"
        aria-live="polite"
        data-testid="teach-status"
        data-state={teach.status}
        data-classes={JSON.stringify(classes)}
        data-heldout-macro-f1={teach.status === 'done' && teach.result ? teach.result.after.macro.f1 : undefined}
      >
        {statusText(teach, t)}
      </p>
      {training && (
        <progress
          className="teach-progress"
          aria-label={t('teach.train.progressLabel')}
          {...(measurable ? { max: p.total, value: p.done } : {})}
        />
      )}
      {teach.error && (
        <p className="error-text" role="alert" data-testid="teach-error" data-code={teach.error.code}>
          {t(`teach.train.errors.${teach.error.code}`)}
          {teach.error.message ? ` ${teach.error.message}` : ''}
        </p>
      )}
      {notices.length > 0 && (
        <>
          <h4>{t('teach.train.notices')}</h4>
          <ul className="teach-notices" data-testid="teach-notices">
            {notices.map((n, i) => (
              <li key={i} data-kind={n.kind} data-severity={n.severity} className={n.severity === 'warning' ? 'teach-warn' : 'error-text'}>
                {noticeText(n, t, label)}
              </li>
            ))}
          </ul>
        </>
      )}
      {failed.length > 0 && (
        <>
          <h4>{t('teach.train.failed', { count: failed.length })}</h4>
          <ul className="teach-failed" data-testid="teach-failed">
            {failed.map((f) => (
              <li key={f.id}>{t('teach.train.failedItem', { name: f.name, reason: f.reason })}</li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
