import { useMemo, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { useAppStore } from '../../store/store.ts';
import type { TeachActions } from './teach-actions.ts';
import { FEW_FRAMES, classLabel, gatheredRows, reviewedCount, skippedCounts } from './teach-view-data.ts';
import { FolderInput } from '../../components/FolderInput.tsx';

/** The frames to teach from: imported class folders and the session's reviewed frames, counted per class. */
export function TrainingFrames({ onImportFiles, onAddReviewed }: Pick<TeachActions, 'onImportFiles' | 'onAddReviewed'>) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const gathered = useAppStore((s) => s.teach.gathered);
  const skipped = useAppStore((s) => s.teach.skipped);
  const lastImport = useAppStore((s) => s.teach.lastImport);
  const baseClasses = useAppStore((s) => s.model.metadata?.classes);
  const reviewed = useAppStore((s) => reviewedCount(s.frames));
  const removeClass = useAppStore((s) => s.removeGatheredClass);
  const clear = useAppStore((s) => s.clearGathered);
  const folderRef = useRef<HTMLInputElement>(null);

  const baseNames = useMemo(() => baseClasses?.map((c) => c.name), [baseClasses]);
  const rows = useMemo(() => gatheredRows(gathered, baseNames), [gathered, baseNames]);
  const label = (name: string) => classLabel(name, lang, baseClasses);
  const missing = rows.length > 0 ? (baseNames ?? []).filter((c) => !rows.some((r) => r.className === c)) : [];
  const skippedByReason = skippedCounts(skipped);

  return (
    <section className="teach-part" aria-labelledby="teach-frames-title" data-testid="teach-frames">
      <h3 id="teach-frames-title">{t('teach.frames.title')}</h3>
      <p className="hint" id="teach-import-help">
        {t('teach.frames.importHelp')}
      </p>
      <div className="teach-buttons">
        <button type="button" onClick={() => folderRef.current?.click()} aria-describedby="teach-import-help">
          {t('teach.frames.importFolder')}
        </button>
        <button type="button" onClick={onAddReviewed} disabled={reviewed === 0} data-testid="teach-add-reviewed">
          {t('teach.frames.addReviewed', { count: reviewed })}
        </button>
      </div>
      <FolderInput ref={folderRef} label={t('teach.frames.importFolder')} testId="teach-folder-input" onFiles={onImportFiles} />
      {lastImport &&
        (lastImport.added === 0 ? (
          <p className="error-text" role="alert" data-testid="teach-import-result" data-added={0}>
            {t('teach.frames.importedNothing', { folder: lastImport.folder })}
          </p>
        ) : (
          <p className="hint" role="status" data-testid="teach-import-result" data-added={lastImport.added}>
            {t('teach.frames.imported', {
              count: lastImport.added,
              folder: lastImport.folder,
              classes: lastImport.classes.map(label).join(', '),
            })}
          </p>
        ))}
      {skippedByReason.length > 0 && (
        <p className="hint" data-testid="teach-skipped">
          {t('teach.frames.skipped', {
            count: skipped.length,
            reasons: skippedByReason.map(([reason, count]) => t(`teach.frames.skippedReason.${reason}`, { count })).join(', '),
          })}
        </p>
      )}
      {rows.length === 0 ? (
        <p>{t('teach.frames.none')}</p>
      ) : (
        <>
          <table className="table teach-table" data-testid="teach-gathered">
            <caption>{t('teach.frames.summary', { frames: gathered.length, classes: rows.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('teach.frames.className')}</th>
                <th scope="col">{t('teach.frames.folder')}</th>
                <th scope="col">{t('teach.frames.reviewed')}</th>
                <th scope="col">{t('teach.frames.total')}</th>
                <th scope="col">{t('teach.frames.notes')}</th>
                <th scope="col">{t('teach.frames.remove')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.className} data-testid="teach-gathered-class" data-class={r.className} data-count={r.total} data-new={r.isNew}>
                  <th scope="row">
                    {label(r.className)} <code>{r.className}</code>
                  </th>
                  <td>{r.folder}</td>
                  <td>{r.review}</td>
                  <td>{r.total}</td>
                  <td className="teach-notes">
                    {r.isNew && <span className="teach-badge">{t('teach.frames.newBadge')}</span>}
                    {r.total < FEW_FRAMES && (
                      <span className="teach-warn" data-testid="teach-few-frames">
                        {t('teach.frames.few', { count: r.total, recommended: FEW_FRAMES })}
                      </span>
                    )}
                  </td>
                  <td>
                    <button type="button" onClick={() => removeClass(r.className)}>
                      {t('teach.frames.remove')} <span className="visually-hidden">{label(r.className)}</span>
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {missing.length > 0 && (
            <p className="hint" data-testid="teach-missing-classes">
              {t('teach.frames.missing', { classes: missing.map(label).join(', ') })}
            </p>
          )}
        </>
      )}
      {(rows.length > 0 || skipped.length > 0) && (
        <button type="button" className="danger" onClick={clear} data-testid="teach-clear">
          {t('teach.frames.clear')}
        </button>
      )}
    </section>
  );
}
