/**
 * The model card's "new beside old" table: metadata.previous is the model this export replaced,
 * evaluated by the same training run on the same frames (training --compare-with), so the two
 * columns are comparable. Shown only when the metadata has it.
 */
import { useTranslation } from 'react-i18next';
import type { ModelMetadata } from '../../core/metadata.ts';
import { formatPercent } from '../../components/Percent.ts';

const fmt = (x: number | undefined) => (typeof x === 'number' ? x.toFixed(3) : '—');

export function PreviousComparison({ metadata }: { metadata: ModelMetadata }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const previous = metadata.previous;
  if (!previous) return null;
  const now = metadata.metrics?.test;
  const then = previous.metrics.test;
  const families = Object.keys(now?.perSource ?? {}).filter((s) => s.endsWith('_*') && now?.perSource?.[s].macroF1 !== undefined);
  const pct = (x: number | undefined) => (typeof x === 'number' ? formatPercent(x, lang) : '—');
  const splitName = (s: string) => (['train', 'val', 'test'].includes(s) ? t(`modelCard.splitNames.${s}`) : s);
  const flagged = [
    ...new Set([...Object.keys(metadata.familiarity?.flaggedShare ?? {}), ...Object.keys(previous.familiarity?.flaggedShare ?? {})]),
  ];
  const rows: [string, string, string][] = [
    [t('modelCard.previousAccuracy'), pct(now?.accuracy), pct(then?.accuracy)],
    [t('modelCard.previousMacroF1'), fmt(now?.macro.f1), fmt(then?.macro.f1)],
    ...families.map((f): [string, string, string] => [
      t('modelCard.previousSourceF1', { source: f }),
      fmt(now?.perSource?.[f].macroF1),
      fmt(then?.perSource?.[f]?.macroF1),
    ]),
    ...flagged.map((s): [string, string, string] => [
      t('modelCard.previousFlagged', { split: splitName(s) }),
      pct(metadata.familiarity?.flaggedShare[s]),
      pct(previous.familiarity?.flaggedShare[s]),
    ]),
  ];
  return (
    <table className="table" data-testid="previous-comparison">
      <caption>
        {t('modelCard.previous')}: {t('modelCard.previousCaption', { name: previous.name, version: previous.version })}
      </caption>
      <thead>
        <tr>
          <th scope="col">{t('modelCard.previousMetric')}</th>
          <th scope="col">{t('modelCard.thisModel')}</th>
          <th scope="col">{t('modelCard.previousModel')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([label, a, b]) => (
          <tr key={label}>
            <th scope="row">{label}</th>
            <td>{a}</td>
            <td>{b}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
