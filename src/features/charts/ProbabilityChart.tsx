import { Bar, BarChart, Cell, LabelList, XAxis, YAxis } from 'recharts';
import { chartHeight } from './chart-size.ts';

export interface ProbabilityChartProps {
  labels: string[];
  probabilities: number[];
  predictedIndex: number;
  title: string;
}

/**
 * One horizontal bar per class. The predicted class is also marked with "▶" and its value is printed,
 * so colour is never the only cue; a hidden list gives the same numbers to screen readers.
 */
export function ProbabilityChart({ labels, probabilities, predictedIndex, title }: ProbabilityChartProps) {
  const data = labels.map((label, i) => ({ label: i === predictedIndex ? `▶ ${label}` : label, value: probabilities[i] * 100 }));
  return (
    <figure className="chart" data-testid="probability-chart" aria-label={title}>
      {/* Hidden from assistive tech (the caption says it all), so not focusable either: no keyboard layer. */}
      <BarChart
        width={260}
        height={chartHeight(labels.length)}
        data={data}
        layout="vertical"
        margin={{ top: 0, right: 44, bottom: 0, left: 0 }}
        aria-hidden="true"
        accessibilityLayer={false}
      >
        <XAxis type="number" domain={[0, 100]} hide />
        <YAxis type="category" dataKey="label" width={120} tick={{ fontSize: 11 }} interval={0} />
        <Bar dataKey="value" isAnimationActive={false} barSize={14}>
          {data.map((_, i) => (
            <Cell key={i} fill={i === predictedIndex ? '#1d4ed8' : '#94a3b8'} />
          ))}
          <LabelList dataKey="value" position="right" formatter={(v: unknown) => `${Number(v).toFixed(1)}%`} style={{ fontSize: 11 }} />
        </Bar>
      </BarChart>
      <figcaption className="visually-hidden">
        {title}: {labels.map((l, i) => `${l} ${(probabilities[i] * 100).toFixed(1)}%`).join(', ')}
      </figcaption>
    </figure>
  );
}
