/** The list of review shortcuts, from REVIEW_SHORTCUTS itself, as a modal dialog. */
import { useEffect, useId, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { REVIEW_SHORTCUTS } from './shortcuts.ts';

const KEY_NAMES: Record<string, string> = { ArrowDown: '↓', ArrowUp: '↑', ArrowLeft: '←', ArrowRight: '→', Enter: 'Enter', Escape: 'Esc' };

export interface HelpOverlayProps {
  open: boolean;
  onClose: () => void;
  /** Class labels in model order, to show which number assigns which class. */
  classLabels?: readonly string[];
}

export function HelpOverlay({ open, onClose, classLabels = [] }: HelpOverlayProps) {
  const { t } = useTranslation();
  const id = useId();
  const closeRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement as HTMLElement | null;
    closeRef.current?.focus();
    return () => previous?.focus?.(); // give focus back to where the user was
  }, [open]);

  if (!open) return null;
  return (
    <div
      className="help-overlay__backdrop"
      style={{ position: 'fixed', inset: 0, background: 'rgba(0,0,0,0.4)', display: 'grid', placeItems: 'center', zIndex: 1000 }}
      onClick={onClose}
    >
      <div
        role="dialog"
        aria-modal="true"
        aria-labelledby={`${id}-title`}
        className="help-overlay"
        style={{
          background: 'Canvas',
          color: 'CanvasText',
          padding: '1rem 1.5rem',
          borderRadius: 8,
          maxWidth: '36rem',
          maxHeight: '90vh',
          overflow: 'auto',
        }}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            onClose();
          }
        }}
      >
        <h2 id={`${id}-title`}>{t('review.help.title')}</h2>
        <table>
          <thead>
            <tr>
              <th scope="col">{t('review.help.key')}</th>
              <th scope="col">{t('review.help.action')}</th>
            </tr>
          </thead>
          <tbody>
            {REVIEW_SHORTCUTS.map((s) => (
              <tr key={s.action}>
                <td>
                  {s.keys.map((k, i) => (
                    <span key={k}>
                      {i > 0 && (k === '…' ? ' ' : ` ${t('review.help.or')} `)}
                      {k === '…' ? '…' : <kbd>{KEY_NAMES[k] ?? k}</kbd>}
                    </span>
                  ))}
                </td>
                <td>
                  {t(s.descriptionKey)}
                  {s.action === 'assign' && classLabels.length > 0 && (
                    <ul>
                      {classLabels.slice(0, 9).map((label, i) => (
                        <li key={label}>
                          <kbd>{i + 1}</kbd> {label}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" ref={closeRef} onClick={onClose}>
          {t('review.help.close')}
        </button>
      </div>
    </div>
  );
}
