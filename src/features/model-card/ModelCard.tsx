import { useTranslation } from 'react-i18next';
import type { ModelMetadata } from '../../core/metadata.ts';
import { formatPercent } from '../../components/Percent.ts';
import { FamiliarityFacts } from './FamiliarityFacts.tsx';
import { PreviousComparison } from './PreviousComparison.tsx';
import { TaughtNotice } from './TaughtNotice.tsx';

const fmt = (x: number | undefined, digits = 3) => (typeof x === 'number' ? x.toFixed(digits) : '—');

/** Everything metadata.json says about the model, for the clinician to judge it. */
export function ModelCard({ metadata }: { metadata: ModelMetadata }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.language === 'es' ? 'es' : 'en';
  const test = metadata.metrics?.test;
  const names = metadata.classes.map((c) => c.display[lang]);
  const splits = Object.keys(metadata.dataset.counts ?? {});
  const countClasses = [...new Set(splits.flatMap((s) => Object.keys(metadata.dataset.counts[s] ?? {})))];
  return (
    <section className="model-card" aria-labelledby="model-card-title" data-testid="model-card">
      <h2 id="model-card-title">{t('modelCard.title')}</h2>
      <p className="statement" role="note">
        <strong>{t('modelCard.statement')}</strong>
      </p>
      <TaughtNotice metadata={metadata} />
      <dl className="facts">
        <dt>{t('modelCard.name')}</dt>
        <dd>{metadata.name}</dd>
        <dt>{t('modelCard.version')}</dt>
        <dd>{metadata.version}</dd>
        <dt>{t('modelCard.created')}</dt>
        <dd>{new Date(metadata.createdAt).toLocaleString(lang)}</dd>
        <dt>{t('modelCard.intendedUse')}</dt>
        <dd>{metadata.intendedUse}</dd>
        <dt>{t('modelCard.classes')}</dt>
        <dd>
          <ol className="class-list">
            {metadata.classes.map((c) => (
              <li key={c.name}>
                {c.display[lang]} <code>{c.name}</code>
              </li>
            ))}
          </ol>
        </dd>
        <dt>{t('modelCard.input')}</dt>
        <dd>
          {t('modelCard.inputValue', {
            size: metadata.input.size,
            low: metadata.input.range[0],
            high: metadata.input.range[1],
            resize: metadata.input.resize,
          })}
        </dd>
        <dt>{t('modelCard.preprocessing')}</dt>
        <dd>{t('modelCard.preprocessingValue')}</dd>
        <dt>{t('modelCard.backbone')}</dt>
        <dd>
          {metadata.backbone.name}
          {metadata.backbone.alpha !== undefined ? ` (alpha ${metadata.backbone.alpha})` : ''}, {metadata.backbone.weights}
        </dd>
        <dt>{t('modelCard.dataset')}</dt>
        <dd>
          <strong>{metadata.dataset.name}</strong>: {metadata.dataset.description}
          {metadata.dataset.sources?.length ? (
            <>
              <br />
              {t('modelCard.sources')}: {metadata.dataset.sources.join('; ')}
            </>
          ) : null}
        </dd>
        {metadata.lowConfidenceThreshold !== undefined && (
          <>
            <dt>{t('modelCard.lowThreshold')}</dt>
            <dd>{formatPercent(metadata.lowConfidenceThreshold, lang, 0)}</dd>
          </>
        )}
        <FamiliarityFacts check={metadata.familiarity} />
        {metadata.calibration && (
          <>
            <dt>{t('modelCard.calibration')}</dt>
            <dd>
              {t('modelCard.calibrationValue', {
                method: metadata.calibration.method,
                split: metadata.calibration.split,
                temperature: fmt(metadata.calibration.temperature),
                before: fmt(metadata.calibration.eceBefore),
                after: fmt(metadata.calibration.eceAfter),
              })}
            </dd>
          </>
        )}
        {metadata.training?.command && (
          <>
            <dt>{t('modelCard.training')}</dt>
            <dd>
              <code>{metadata.training.command}</code>
              {metadata.training.seed !== undefined ? ` (seed ${metadata.training.seed})` : ''}
            </dd>
          </>
        )}
      </dl>

      {splits.length > 0 && (
        <table className="table">
          <caption>{t('modelCard.counts')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('modelCard.split')}</th>
              {countClasses.map((c) => (
                <th key={c} scope="col">
                  {c}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {splits.map((s) => (
              <tr key={s}>
                <th scope="row">{s}</th>
                {countClasses.map((c) => (
                  <td key={c}>{metadata.dataset.counts[s]?.[c] ?? '—'}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>{t('modelCard.metrics')}</h3>
      {!test ? (
        <p>{t('modelCard.noMetrics')}</p>
      ) : (
        <>
          <dl className="facts">
            <dt>{t('modelCard.accuracy')}</dt>
            <dd data-testid="test-accuracy">{formatPercent(test.accuracy, lang)}</dd>
            <dt>{t('modelCard.macroF1')}</dt>
            <dd>{fmt(test.macro?.f1)}</dd>
            <dt>{t('modelCard.loss')}</dt>
            <dd>{fmt(test.loss)}</dd>
            <dt>{t('modelCard.count')}</dt>
            <dd>{test.count}</dd>
          </dl>
          <table className="table">
            <caption>{t('modelCard.perClass')}</caption>
            <thead>
              <tr>
                {['className', 'precision', 'recall', 'f1', 'support'].map((k) => (
                  <th key={k} scope="col">
                    {t(`modelCard.${k}`)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {test.perClass.map((p) => (
                <tr key={p.name}>
                  <th scope="row">{metadata.classes.find((c) => c.name === p.name)?.display[lang] ?? p.name}</th>
                  <td>{fmt(p.precision)}</td>
                  <td>{fmt(p.recall)}</td>
                  <td>{fmt(p.f1)}</td>
                  <td>{p.support}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <table className="table confusion" data-testid="confusion-matrix">
            <caption>{t('modelCard.confusion')}</caption>
            <thead>
              <tr>
                <td />
                {names.map((n) => (
                  <th key={n} scope="col">
                    {n}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {test.confusion.map((row, i) => (
                <tr key={i}>
                  <th scope="row">{names[i]}</th>
                  {row.map((v, j) => (
                    <td key={j} className={i === j ? 'diag' : ''}>
                      {Number.isInteger(v) ? v : v.toFixed(2)}
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {test.perSource && (
            <table className="table">
              <caption>{t('modelCard.perSource')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('modelCard.source')}</th>
                  <th scope="col">{t('modelCard.accuracy')}</th>
                  <th scope="col">{t('modelCard.macroF1')}</th>
                  <th scope="col">{t('modelCard.support')}</th>
                </tr>
              </thead>
              <tbody>
                {Object.entries(test.perSource).map(([src, v]) => (
                  <tr key={src}>
                    <th scope="row">{src}</th>
                    <td>{formatPercent(v.accuracy, lang)}</td>
                    <td>{fmt(v.macroF1)}</td>
                    <td>{v.count}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
      <PreviousComparison metadata={metadata} />
    </section>
  );
}
