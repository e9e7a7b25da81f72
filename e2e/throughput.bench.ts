/**
 * Frames per second for a drop of BENCH_FRAMES frames (720x576 JPEG, like real capsule/colonoscopy
 * frames), per backend, from the drop to the last result: decode + preprocessing + inference + UI.
 * Model: the embedded one, and, when ../shared holds it, the MobileNetV2-0.35 ImageNet model
 * (224x224, the embedded model's backbone) loaded through "load another model".
 */
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { test, expect } from './fixtures.ts';
import { syntheticFrame } from './support/images.ts';
import { GENERATED, REPO_ROOT } from './support/paths.ts';

const FRAMES = Number(process.env.BENCH_FRAMES ?? 200);
const BACKENDS = (process.env.BENCH_BACKENDS ?? 'wasm,webgl,webgpu').split(',') as ('wasm' | 'webgl' | 'webgpu')[];
const LIMIT_MS = Number(process.env.BENCH_LIMIT_S ?? 240) * 1000;
const MOBILENET = join(REPO_ROOT, '../shared/weights/mobilenet_v2_0.35_224_teachable');

/** The shared MobileNetV2 model with a metadata.json so the app accepts it (5 outputs: placeholder class names). */
async function mobilenetFolder(): Promise<string | undefined> {
  if (!existsSync(join(MOBILENET, 'model.json'))) return undefined;
  const dir = join(GENERATED, 'bench-mobilenet');
  await mkdir(dir, { recursive: true });
  await copyFile(join(MOBILENET, 'model.json'), join(dir, 'model.json'));
  await copyFile(join(MOBILENET, 'weights.bin'), join(dir, 'weights.bin'));
  const meta = JSON.parse(await readFile(join(REPO_ROOT, 'public/model/metadata.json'), 'utf8')) as Record<string, unknown>;
  await writeFile(
    join(dir, 'metadata.json'),
    JSON.stringify({
      ...meta,
      name: 'MobileNetV2 0.35 (bench)',
      version: 'bench',
      classes: ['a', 'b', 'c', 'd', 'e'],
      input: { size: 224, channels: 3, range: [-1, 1], resize: 'bilinear-antialias', layout: 'NHWC' },
      metrics: undefined,
    }),
  );
  return dir;
}

const results: string[] = [];

test.afterAll(() => {
  console.log(`\nThroughput, ${FRAMES} frames of 720x576 JPEG:\n${results.join('\n')}`);
});

for (const which of ['embedded', 'mobilenet'] as const) {
  for (const backend of BACKENDS) {
    test(`${which} model on ${backend}`, async ({ endoPage, page }) => {
      const folder = which === 'mobilenet' ? await mobilenetFolder() : undefined;
      test.skip(which === 'mobilenet' && !folder, `../shared/weights/mobilenet_v2_0.35_224_teachable is absent (looked in ${MOBILENET}).`);
      await endoPage.goto({ backend });
      if (folder) {
        await endoPage.loadModel(folder);
        await endoPage.waitForModel(LIMIT_MS);
        await expect(endoPage.modelStatus).toContainText('MobileNetV2 0.35');
        await endoPage.openTab(/frames/i);
      }
      await expect(endoPage.backend).toHaveAttribute('data-backend', backend);
      const frames = await Promise.all(
        Array.from({ length: FRAMES }, (_, i) => syntheticFrame(`bench-${i}.jpg`, i, { width: 720, height: 576 })),
      );
      await endoPage.dropImages(frames);
      const finished = await page
        .waitForFunction((n) => Number(document.querySelector('[data-testid="progress"]')?.getAttribute('data-done')) >= n, FRAMES, {
          timeout: LIMIT_MS,
        })
        .then(
          () => true,
          () => false,
        );
      const { done, seconds } = await page.evaluate(() => ({
        done: Number(document.querySelector('[data-testid="progress"]')?.getAttribute('data-done')),
        seconds: (performance.now() - (performance.getEntriesByName('endolens:drop')[0]?.startTime ?? 0)) / 1000,
      }));
      const line = `  ${which.padEnd(9)} ${backend.padEnd(6)} ${(done / seconds).toFixed(2)} frames/s (${done} frames in ${seconds.toFixed(1)} s${finished ? '' : ', stopped at the time limit'})`;
      results.push(line);
      console.log(line);
      expect(done).toBeGreaterThan(0);
    });
  }
}
