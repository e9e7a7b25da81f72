/**
 * Issue 4 item 7: the mission's architecture runs in the app. A ResNet50V2 + head exported by the
 * trainer's code (random init, made at test time) is loaded through "load another model" and
 * classifies a frame on WASM and WebGL, with the trainer's probabilities for the same frame.
 */
import { join } from 'node:path';
import { test, expect } from './fixtures.ts';
import { syntheticFrame, type FilePayload } from './support/images.ts';
import { exportRandomResNet50V2, RESNET_MODEL_NAME } from './support/make-resnet-export.ts';
import { GENERATED } from './support/paths.ts';
import {
  familiarityDiff,
  maxAbsDiff,
  readMetadata,
  trainerProbabilities,
  type TrainerPrediction,
} from './support/trainer-probabilities.ts';

const RESNET_DIR = join(GENERATED, 'resnet50v2-random');
const TOLERANCE = 1e-3;

test.describe('ResNet50V2 exported by the trainer', () => {
  let frame: FilePayload;
  let expected: TrainerPrediction[];
  let classNames: string[];
  let displayNames: string[];

  test.beforeAll(async () => {
    test.setTimeout(180_000);
    await exportRandomResNet50V2(RESNET_DIR, { temperature: 0.1 });
    const classes = (await readMetadata(RESNET_DIR)).classes;
    classNames = classes.map((c) => c.name);
    displayNames = classes.map((c) => c.display.en);
    frame = await syntheticFrame('resnet-frame.jpg', 23, { width: 480, height: 400 });
    expected = await trainerProbabilities(RESNET_DIR, [frame]);
  });

  for (const backend of ['wasm', 'webgl'] as const) {
    test(`loads through "load another model" and classifies a frame on ${backend}`, async ({ endoPage, page }) => {
      test.setTimeout(300_000); // 94 MB of float32 weights; WebGL is software here (seconds per frame)
      await endoPage.goto({ backend });
      await expect(endoPage.backend).toHaveAttribute('data-backend', backend);
      await endoPage.loadModel(RESNET_DIR);
      await expect(page.getByTestId('load-model-message')).toContainText(RESNET_MODEL_NAME, { timeout: 120_000 });
      await expect(endoPage.modelStatus).toContainText(RESNET_MODEL_NAME);
      await endoPage.waitForModel();
      await endoPage.openTab(/frames/i);
      await endoPage.dropImages([frame]);
      await endoPage.waitForClassified(1, 180_000);
      const [result] = await endoPage.results();
      expect(classNames).toContain(result.predictedClass);
      expect(result.probabilities).toHaveLength(4);
      const { max } = maxAbsDiff(expected, [result]);
      console.log(
        `ResNet50V2 on ${backend}: app ${JSON.stringify(result.probabilities.map((p) => +p.toFixed(5)))}, max |p_app - p_trainer| = ${max.toExponential(3)}`,
      );
      expect(max).toBeLessThanOrEqual(TOLERANCE);
      // The unfamiliar-frame check on ResNet50V2's 2048 pooled features: same distance as the trainer's.
      expect(result.familiarityDistance, 'the app reports a familiarity distance').toBeGreaterThan(0);
      const { maxDistanceDiff } = familiarityDiff(expected, [result]);
      console.log(
        `ResNet50V2 on ${backend}: feature distance app ${result.familiarityDistance?.toFixed(6)}, max |d_app - d_trainer| = ${maxDistanceDiff.toExponential(3)}`,
      );
      expect(maxDistanceDiff).toBeLessThanOrEqual(TOLERANCE);
      // The trainer's top class is the one the card shows.
      const top = expected[0].probabilities.indexOf(Math.max(...expected[0].probabilities));
      expect(result.predictedClass).toBe(classNames[top]);
      await expect(endoPage.card(frame.name)).toContainText(displayNames[top]);
    });
  }
});
