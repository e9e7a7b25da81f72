import { useTranslation } from 'react-i18next';
import { CartesianGrid, Legend, Line, LineChart, XAxis, YAxis } from 'recharts';
import type { HeadEpoch } from '../../teach/head-trainer.ts';
import { curveRows, fmt3, type CurveRow } from './teach-view-data.ts';

const TRAIN_COLOUR = '#1d4ed8'; // --accent
const CHECK_COLOUR = '#b45309'; // --warn; dashed too, so colour is not the only cue

function Curve({ rows, measure, title }: { rows: CurveRow[]; measure: 'loss' | 'accuracy'; title: string }) {
  const { t } = useTranslation();
  const check = measure === 'loss' ? 'heldOutLoss' : 'heldOutAccuracy';
  const last = rows[rows.length - 1];
  return (
    <figure className="teach-chart" aria-label={title} data-testid={`teach-curve-${measure}`}>
      {/* The caption gives the numbers to assistive tech; the drawing is hidden from it. */}
      <LineChart
        width={420}
        height={220}
        data={rows}
        margin={{ top: 8, right: 16, bottom: 4, left: 0 }}
        aria-hidden="true"
        accessibilityLayer={false}
      >
        <CartesianGrid strokeDasharray="3 3" stroke="#e2e8f0" />
        <XAxis dataKey="epoch" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
        <YAxis domain={measure === 'accuracy' ? [0, 1] : [0, 'auto']} width={44} />
        <Legend />
        <Line dataKey={measure} name={t('teach.results.trainCurve')} stroke={TRAIN_COLOUR} dot={false} isAnimationActive={false} />
        <Line
          dataKey={check}
          name={t('teach.results.innerCheck')}
          stroke={CHECK_COLOUR}
          strokeDasharray="6 3"
          dot={false}
          isAnimationActive={false}
        />
      </LineChart>
      <figcaption>
        <strong>{title}</strong>
        {last && (
          <span className="visually-hidden">
            {' '}
            {t('teach.results.curveSummary', { epoch: last.epoch, train: fmt3(last[measure]), check: fmt3(last[check]) })}
          </span>
        )}
      </figcaption>
    </figure>
  );
}

/** Loss and accuracy per epoch of the kept head's run, on its training frames and its inner check. */
export function TeachCurves({ curves }: { curves: readonly HeadEpoch[] }) {
  const { t } = useTranslation();
  if (!curves.length) return null;
  const rows = curveRows(curves);
  return (
    <div className="teach-curves">
      <h4>{t('teach.results.curves')}</h4>
      <p className="hint">{t('teach.results.curvesHelp')}</p>
      <div className="teach-side">
        <Curve rows={rows} measure="loss" title={t('teach.results.lossCurve')} />
        <Curve rows={rows} measure="accuracy" title={t('teach.results.accuracyCurve')} />
      </div>
    </div>
  );
}
