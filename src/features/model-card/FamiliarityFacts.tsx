/**
 * The model card's lines on the familiarity check: what it does, its threshold and how many ordinary
 * frames it flags per split; or, for a model without one, that unfamiliar frames go undetected.
 */
import { useTranslation } from 'react-i18next';
import type { FamiliarityCheck } from '../../core/familiarity.ts';
import { formatPercent } from '../../components/Percent.ts';

const KNOWN_SPLITS = ['train', 'val', 'test'];

export function FamiliarityFacts({ check }: { check: FamiliarityCheck | undefined }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const splitName = (s: string) => (KNOWN_SPLITS.includes(s) ? t(`modelCard.splitNames.${s}`) : s);
  if (!check) {
    return (
      <>
        <dt>{t('modelCard.familiarity')}</dt>
        <dd data-testid="familiarity-check" data-familiarity="off">
          {t('modelCard.familiarityNone')}
        </dd>
      </>
    );
  }
  const shares = Object.entries(check.flaggedShare).map(([split, share]) =>
    check.neverLearned?.includes(split)
      ? t('modelCard.familiarityNeverLearned', { percent: formatPercent(share, lang), name: split })
      : t('modelCard.familiarityShare', { percent: formatPercent(share, lang), split: splitName(split) }),
  );
  return (
    <>
      <dt>{t('modelCard.familiarity')}</dt>
      <dd data-testid="familiarity-check" data-familiarity="on" data-threshold={check.threshold}>
        {t('modelCard.familiarityWhat')}{' '}
        {t('modelCard.familiarityThreshold', {
          threshold: new Intl.NumberFormat(lang, { minimumFractionDigits: 3, maximumFractionDigits: 3 }).format(check.threshold),
          quantile: formatPercent(check.quantile, lang, 0),
          split: splitName(check.thresholdSplit),
        })}
        {shares.length > 0 && (
          <> {t('modelCard.familiarityFlags', { shares: new Intl.ListFormat(lang, { type: 'conjunction' }).format(shares) })}</>
        )}
      </dd>
    </>
  );
}
