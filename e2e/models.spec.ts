import { test, expect } from './fixtures.ts';
import { syntheticFrame } from './support/images.ts';
import { CORRUPT_MODEL, TEST_MODEL_4 } from './support/paths.ts';

test('load another model (files or folder), classify with it on WASM and WebGL, go back to the embedded model', async ({
  endoPage,
  page,
}) => {
  for (const [backend, as] of [
    ['wasm', 'files'],
    ['webgl', 'folder'],
  ] as const) {
    await endoPage.goto({ backend });
    await expect(endoPage.backend).toHaveAttribute('data-backend', backend);
    await endoPage.loadModel(TEST_MODEL_4, as);
    await expect(page.getByTestId('load-model-message')).toContainText('E2E four-class model');
    await expect(page.getByTestId('model-card')).toContainText('4.0.0-e2e');
    await expect(page.getByTestId('confusion-matrix').locator('tbody tr')).toHaveCount(4);
    await endoPage.openTab(/frames/i);
    await endoPage.dropImages([await syntheticFrame(`four-${backend}.jpg`, 41)]);
    await endoPage.waitForClassified(1);
    const [r] = await endoPage.results();
    expect(r.probabilities).toHaveLength(4);
    expect(['0_normal', '1_ulcerative_colitis', '2_polyps', '3_esophagitis']).toContain(r.predictedClass);

    // The loaded model survives a reload.
    await page.reload();
    await endoPage.waitForModel();
    await expect(endoPage.modelStatus).toContainText('E2E four-class model');

    await endoPage.openTab(/model card/i);
    await page.getByRole('button', { name: /back to the embedded model/i }).click();
    await endoPage.waitForModel();
    await expect(endoPage.modelStatus).not.toContainText('E2E four-class model');
    await endoPage.openTab(/settings/i);
    await page.getByRole('button', { name: /clear session/i }).click();
    await page.getByRole('button', { name: /delete everything/i }).click();
  }
});

test('Settings thresholds re-level the cards; a model without an unfamiliar-frame check says so', async ({ endoPage, page }) => {
  await endoPage.goto({ backend: 'wasm' });
  await endoPage.loadModel(TEST_MODEL_4);
  await expect(page.getByTestId('load-model-message')).toContainText('E2E four-class model');
  await expect(page.getByTestId('familiarity-check')).toHaveAttribute('data-familiarity', 'off');
  await endoPage.openTab(/frames/i);
  await endoPage.dropImages(await Promise.all([61, 62, 63, 64].map((i) => syntheticFrame(`levels-${i}.jpg`, i))));
  await endoPage.waitForClassified(4);
  const cards = endoPage.classifiedCards;
  await expect(page.locator('[data-familiarity-checked="false"]')).toHaveCount(4);
  const levels = () => cards.evaluateAll((els) => els.map((el) => el.getAttribute('data-confidence-level')));

  // Sort by confidence, lowest first.
  await page.getByLabel('Sort by').selectOption('confidence-asc');
  const sorted = await cards.evaluateAll((els) => els.map((el) => Number(el.getAttribute('data-confidence'))));
  expect(new Set(sorted).size, 'distinct confidences (else the order proves nothing)').toBeGreaterThan(1);
  expect(sorted).toEqual([...sorted].sort((a, b) => a - b));

  // Low at 100 %: every frame is low, and the "only low confidence" filter keeps them all.
  await endoPage.openTab(/settings/i);
  await page.getByLabel(/low-confidence threshold/i).fill('100');
  await endoPage.openTab(/frames/i);
  await expect.poll(levels).toEqual(['low', 'low', 'low', 'low']);
  await expect(page.locator('[data-low-confidence="true"]')).toHaveCount(4);
  await expect(page.getByTestId('confidence-marker').first()).toContainText('Low confidence');

  // Low 10 %, confident from 20 %: with four classes every top probability is >= 25 %.
  await endoPage.openTab(/settings/i);
  await page.getByLabel(/low-confidence threshold/i).fill('10');
  await page.getByLabel(/Confident at or above/).fill('20');
  await endoPage.openTab(/frames/i);
  await expect.poll(levels).toEqual(['confident', 'confident', 'confident', 'confident']);
  await expect(page.locator('[data-low-confidence="true"]')).toHaveCount(0);
});

test('a corrupt or incomplete model gets a clear error and the embedded model keeps working', async ({ endoPage, page }) => {
  await endoPage.goto();
  await endoPage.loadModel(CORRUPT_MODEL);
  await expect(page.getByTestId('load-model-message')).toContainText(/weight files hold \d+ bytes but model.json describes \d+/);
  await endoPage.openTab(/model card/i);
  await page.getByTestId('model-files-input').setInputFiles([`${TEST_MODEL_4}/model.json`, `${TEST_MODEL_4}/weights.bin`]);
  await expect(page.getByTestId('load-model-message')).toContainText('no metadata.json');
  await page.getByRole('button', { name: /back to the embedded model/i }).click();
  await endoPage.waitForModel();
  await endoPage.openTab(/frames/i);
  await endoPage.dropImages([await syntheticFrame('still-works.jpg', 51)]);
  await endoPage.waitForClassified(1);
});

test.describe('without the embedded model', () => {
  test.use({ serviceWorkers: 'block' });

  test('a missing model gives a full-page explanation of what to do', async ({ page }) => {
    await page.route('**/model/metadata.json', (route) => route.fulfill({ status: 404, body: 'not found' }));
    await page.goto('/');
    await expect(page.getByRole('heading', { name: 'The model could not be loaded' })).toBeVisible();
    await expect(page.getByTestId('model-error')).toHaveAttribute('data-kind', 'missing');
    await expect(page.getByText(/public\/model\/ holds model.json/)).toBeVisible();
    await expect(page.getByRole('button', { name: /choose model files/i })).toBeVisible();
  });
});
