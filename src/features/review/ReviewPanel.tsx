/**
 * Confirm or correct one frame's class and write a note. Mount it with `key={frameId}` so the note
 * draft belongs to one frame; the draft is saved on blur, after a short pause in typing and when
 * the panel unmounts (moving to another frame), so no note is lost.
 */
import { useEffect, useId, useLayoutEffect, useRef, useState, type Ref } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfidenceMarker } from '../../components/ConfidenceMarker.tsx';
import { UnfamiliarNote } from '../../components/UnfamiliarNote.tsx';
import type { ConfidenceLevel, ReviewState } from '../../domain/review.ts';

export interface ReviewClassOption {
  name: string;
  label: string;
}

export interface ReviewPanelProps {
  fileName: string;
  predictedClass: string;
  confidence: number;
  level: ConfidenceLevel;
  review?: ReviewState;
  classes: readonly ReviewClassOption[];
  onAssign: (className: string) => void;
  onClear: () => void;
  onNoteChange: (note: string) => void;
  /** The note field, so the `n` shortcut can focus it. */
  noteRef?: Ref<HTMLTextAreaElement>;
  /** Milliseconds of typing pause before the note is saved. */
  noteSaveDelayMs?: number;
}

export function ReviewPanel({ noteRef, ...props }: ReviewPanelProps) {
  const { t, i18n } = useTranslation();
  const id = useId();
  const { review, classes, predictedClass } = props;
  const [draft, setDraft] = useState(review?.note ?? '');
  const saved = useRef(review?.note ?? '');
  const latest = useRef({ draft, onNoteChange: props.onNoteChange });
  useLayoutEffect(() => {
    latest.current = { draft, onNoteChange: props.onNoteChange };
  });

  const commit = () => {
    const { draft: d, onNoteChange } = latest.current;
    if (d !== saved.current) {
      saved.current = d;
      onNoteChange(d);
    }
  };

  useEffect(() => {
    if (draft === saved.current) return;
    const timer = setTimeout(commit, props.noteSaveDelayMs ?? 600);
    return () => clearTimeout(timer);
  }, [draft, props.noteSaveDelayMs]);
  useEffect(() => () => commit(), []); // save the draft when leaving this frame

  const labelOf = (name: string) => classes.find((c) => c.name === name)?.label ?? name;
  const reviewed = Boolean(review?.reviewedClass);
  const status = !reviewed
    ? t('review.status.unreviewed')
    : review?.reviewedClass === predictedClass
      ? t('review.status.confirmed')
      : t('review.status.corrected', { model: labelOf(predictedClass) });
  const percent = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 1 }).format(props.confidence);

  return (
    <section className="review-panel" aria-labelledby={`${id}-title`} data-testid="review-panel" data-file-name={props.fileName}>
      <h3 id={`${id}-title`}>{t('review.title')}</h3>
      <p>
        {t('review.modelSaid', { label: labelOf(predictedClass), percent })} <ConfidenceMarker level={props.level} />
      </p>
      {props.level === 'unfamiliar' && <UnfamiliarNote />}
      <p role="status" data-testid="review-status-text">
        {status}
      </p>
      <div role="group" aria-label={t('review.classGroup')} className="review-panel__classes">
        {classes.map((c, i) => (
          <button
            key={c.name}
            type="button"
            aria-pressed={review?.reviewedClass === c.name}
            aria-keyshortcuts={i < 9 ? String(i + 1) : undefined}
            title={t('review.assign', { label: c.label })}
            onClick={() => props.onAssign(c.name)}
          >
            {i < 9 && <kbd aria-hidden="true">{i + 1}</kbd>} {c.label}
            {c.name === predictedClass && <span aria-hidden="true"> ★</span>}
          </button>
        ))}
      </div>
      <div className="review-panel__actions">
        <button type="button" aria-keyshortcuts="Enter" onClick={() => props.onAssign(predictedClass)}>
          {t('review.confirm')}
        </button>
        <button type="button" aria-keyshortcuts="x" onClick={props.onClear} disabled={!reviewed}>
          {t('review.clear')}
        </button>
      </div>
      <label htmlFor={`${id}-note`}>{t('review.note')}</label>
      <textarea
        id={`${id}-note`}
        ref={noteRef}
        value={draft}
        rows={3}
        placeholder={t('review.notePlaceholder')}
        aria-keyshortcuts="n"
        onChange={(e) => setDraft(e.currentTarget.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            commit();
            e.currentTarget.blur();
          }
        }}
      />
    </section>
  );
}
