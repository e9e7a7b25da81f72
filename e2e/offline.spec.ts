import { test, expect } from './fixtures.ts';
import { syntheticFrame } from './support/images.ts';

test('after one visit the app reloads and classifies with the network off; it is cross-origin isolated', async ({
  endoPage,
  page,
  context,
}) => {
  await endoPage.goto();
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
  // Wait until the service worker controls the page (precache done).
  await page.waitForFunction(
    () => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined,
    undefined,
    { timeout: 60_000 },
  );
  await page.evaluate(() => navigator.serviceWorker.ready);
  await expect(page.getByTestId('offline-ready')).toBeVisible();

  await context.setOffline(true);
  await page.reload();
  await endoPage.waitForModel();
  expect(await page.evaluate(() => window.crossOriginIsolated)).toBe(true);
  await endoPage.dropImages([await syntheticFrame('offline.jpg', 31)]);
  await endoPage.waitForClassified(1);
  await context.setOffline(false);
});
