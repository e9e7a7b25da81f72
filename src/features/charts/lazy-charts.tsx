/**
 * The probability chart, its code loaded when a card first shows one (src/components/lazy-component.tsx);
 * it waits in a box of its own height, so nothing moves when it arrives. `preloadCharts` fetches the
 * code once the model is ready, before the first card asks for it.
 */
import { lazyComponent } from '../../components/lazy-component.tsx';
import { chartHeight } from './chart-size.ts';
import type { ProbabilityChartProps } from './ProbabilityChart.tsx';

export const ProbabilityChart = lazyComponent(
  () => import('./ProbabilityChart.tsx').then((m) => m.ProbabilityChart),
  (props: ProbabilityChartProps) => <div className="chart" style={{ height: chartHeight(props.labels.length) }} />,
);

export const preloadCharts = (): void => ProbabilityChart.preload();
