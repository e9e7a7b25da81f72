/**
 * `--compare-with DIR`: the model an export replaces, evaluated by this run on the same val and test
 * frames (and the same never-learned findings), so metadata.json and the model card can show the
 * new numbers beside the old ones measured the same way, not copied from the old metadata.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { validateMetadata, type PreviousModel } from '../../../src/core/metadata.ts';
import type { Dataset, SplitData } from '../data/index.ts';
import { splitMetrics } from '../evaluate/split-metrics.ts';
import { distancesTo, flaggedShareOf } from '../../../src/core/familiarity-fit.ts';
import { predictSplit } from '../schedule/predict.ts';
import { loadExportedModel } from './io.ts';

export async function evaluatePrevious(
  dir: string,
  data: Pick<Dataset, 'val' | 'test' | 'classNames'>,
  report: Record<string, SplitData>,
  batchSize: number,
): Promise<PreviousModel> {
  const meta = validateMetadata(JSON.parse(await readFile(join(dir, 'metadata.json'), 'utf8')));
  const names = meta.classes.map((c) => c.name);
  if (names.join('\n') !== data.classNames.join('\n')) {
    throw new Error(
      `--compare-with ${dir}: its classes (${names.join(', ')}) differ from the data's (${data.classNames.join(', ')}); compare models of the same classes.`,
    );
  }
  const model = await loadExportedModel(dir);
  try {
    const check = meta.familiarity;
    const opts = {
      inputSize: meta.input.size,
      batchSize,
      range: meta.input.range,
      ...(check ? { featureLayer: check.layer, featurePooling: check.pooling } : {}),
    };
    const flaggedShare: Record<string, number> = {};
    const run = async (name: string, split: SplitData) => {
      const p = await predictSplit(model, split, opts);
      if (check && p.features && p.featureDim) {
        flaggedShare[name] = flaggedShareOf(distancesTo({ features: p.features, dim: p.featureDim }, check.centroids), check.threshold);
      }
      return p.probs;
    };
    const val = splitMetrics(data.val, await run('val', data.val), data.classNames);
    const test = splitMetrics(data.test, await run('test', data.test), data.classNames);
    for (const [name, split] of Object.entries(report)) await run(name, split);
    return {
      name: meta.name,
      version: meta.version,
      createdAt: meta.createdAt,
      metrics: { val, test },
      ...(check
        ? {
            familiarity: {
              method: check.method,
              layer: check.layer,
              ...(check.pooling ? { pooling: check.pooling } : {}),
              threshold: check.threshold,
              flaggedShare,
            },
          }
        : {}),
    };
  } finally {
    model.dispose();
  }
}
