export { newRunId, RunTracker, TrackerError } from './run-tracker.ts';
export type { RunMeta, RunStatus, TrackerOptions } from './run-tracker.ts';
export { MlflowClient, MlflowError, flattenParams } from './mlflow-client.ts';
export { writeFileAtomic } from '../util/atomic.ts';
