export {
  computeMetrics,
  categoricalCrossEntropy,
  confusionMatrix,
  perClassFromConfusion,
  argmaxRows,
  KERAS_EPSILON,
  MetricsError,
} from '../../../src/core/metrics.ts';
export type { MetricsOptions } from '../../../src/core/metrics.ts';
export { expectedCalibrationError, fitTemperature, applyTemperature, temperedNll, TEMPERATURE_RANGE } from './calibration.ts';
export { renderCurvesSvg, niceTicks } from './curves-svg.ts';
export { fitFamiliarity, classCentroids, distancesTo, upperQuantile } from '../../../src/core/familiarity-fit.ts';
export type { FamiliarityInput, FeatureRows } from '../../../src/core/familiarity-fit.ts';
