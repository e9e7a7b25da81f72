/** The session's model-vs-clinician agreement (from computeAgreement), overall and per class. */
import { useTranslation } from 'react-i18next';
import type { AgreementSummary } from '../domain/agreement.ts';

export function AgreementTable({ summary, labelOf = (n) => n }: { summary: AgreementSummary; labelOf?: (className: string) => string }) {
  const { t, i18n } = useTranslation();
  const pct = new Intl.NumberFormat(i18n.language, { style: 'percent', maximumFractionDigits: 0 });
  const num = new Intl.NumberFormat(i18n.language, { maximumFractionDigits: 2, minimumFractionDigits: 2 });
  const na = t('review.agreement.notApplicable');
  return (
    <section className="agreement" aria-label={t('review.agreement.title')} data-testid="agreement">
      <h3>{t('review.agreement.title')}</h3>
      <p>{t('review.agreement.reviewedOf', { reviewed: summary.reviewed, total: summary.total })}</p>
      {summary.reviewed === 0 ? (
        <p>{t('review.agreement.none')}</p>
      ) : (
        <>
          <dl>
            <dt>{t('review.agreement.overall')}</dt>
            <dd data-testid="agreement-overall">
              {summary.overall === null ? na : `${pct.format(summary.overall)} (${summary.agreed}/${summary.reviewed})`}
            </dd>
            <dt>{t('review.agreement.kappa')}</dt>
            <dd>{summary.kappa === null ? na : num.format(summary.kappa)}</dd>
          </dl>
          <table>
            <thead>
              <tr>
                <th scope="col">{t('review.agreement.class')}</th>
                <th scope="col">{t('review.agreement.byModel')}</th>
                <th scope="col">{t('review.agreement.byClinician')}</th>
                <th scope="col">{t('review.agreement.agreed')}</th>
                <th scope="col">{t('review.agreement.specific')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.perClass.map((c) => (
                <tr key={c.className} data-class={c.className}>
                  <th scope="row">{labelOf(c.className)}</th>
                  <td>{c.byModel}</td>
                  <td>{c.byClinician}</td>
                  <td>{c.agreed}</td>
                  <td>{c.specificAgreement === null ? na : pct.format(c.specificAgreement)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {summary.unknownClasses.length > 0 && <p>{t('review.agreement.unknown', { classes: summary.unknownClasses.join(', ') })}</p>}
        </>
      )}
    </section>
  );
}
