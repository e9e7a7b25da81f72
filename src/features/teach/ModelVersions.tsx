import { useTranslation } from 'react-i18next';
import { activeVersionId } from '../../store/selectors.ts';
import { useAppStore } from '../../store/store.ts';
import type { TeachActions } from './teach-actions.ts';
import { classLabel, fmt3 } from './teach-view-data.ts';

type Props = Pick<TeachActions, 'onUseVersion' | 'onUseEmbedded' | 'onExportVersion' | 'onDeleteVersion'>;

/** The versions taught on this computer: which is active, and use / export / delete each one. */
export function ModelVersions({ onUseVersion, onUseEmbedded, onExportVersion, onDeleteVersion }: Props) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const versions = useAppStore((s) => s.modelVersions);
  const activeId = useAppStore(activeVersionId);
  const source = useAppStore((s) => s.model.source);
  const baseClasses = useAppStore((s) => s.model.metadata?.classes);
  const label = (c: string) => classLabel(c, lang, baseClasses);

  return (
    <section className="teach-part" aria-labelledby="teach-versions-title" data-testid="teach-versions">
      <h3 id="teach-versions-title">{t('teach.versions.title')}</h3>
      {versions.length === 0 ? (
        <p>{t('teach.versions.none')}</p>
      ) : (
        <table className="table teach-table">
          <caption>{t('teach.versions.table')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('teach.versions.name')}</th>
              <th scope="col">{t('teach.versions.date')}</th>
              <th scope="col">{t('teach.versions.classes')}</th>
              <th scope="col">{t('teach.versions.macroF1')}</th>
              <th scope="col">{t('teach.versions.state')}</th>
              <th scope="col">{t('teach.versions.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {versions.map((v) => {
              const active = v.id === activeId;
              const title = `${v.name} ${v.version}`;
              return (
                <tr key={v.id} data-testid="teach-version" data-version-id={v.id} data-active={active} data-state={v.state}>
                  <th scope="row">
                    {v.name} <code>{v.version}</code>
                    <br />
                    <span className="hint small">{t('teach.versions.from', { base: v.baseName })}</span>
                  </th>
                  <td>{new Date(v.createdAt).toLocaleString(lang)}</td>
                  <td className="teach-classes">{v.classes.map(label).join(', ')}</td>
                  <td>{fmt3(v.heldOutMacroF1)}</td>
                  <td>
                    {active && <strong className="teach-badge">{t('teach.versions.active')}</strong>}
                    {v.state === 'candidate' && <span>{t('teach.versions.candidate')}</span>}
                  </td>
                  <td className="teach-actions">
                    <button type="button" onClick={() => onUseVersion(v.id)} disabled={active} data-testid="teach-version-use">
                      {t('teach.versions.use')} <span className="visually-hidden">{title}</span>
                    </button>
                    <button type="button" onClick={() => onExportVersion(v.id)}>
                      {t('teach.versions.export')} <span className="visually-hidden">{title}</span>
                    </button>
                    <button
                      type="button"
                      className="danger"
                      onClick={() => {
                        if (window.confirm(t('teach.versions.confirmDelete', { name: title }))) onDeleteVersion(v.id);
                      }}
                    >
                      {t('teach.versions.delete')} <span className="visually-hidden">{title}</span>
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <button
        type="button"
        onClick={onUseEmbedded}
        disabled={source === 'embedded' && activeId === undefined}
        data-testid="teach-use-embedded"
      >
        {t('teach.versions.useEmbedded')}
      </button>
    </section>
  );
}
