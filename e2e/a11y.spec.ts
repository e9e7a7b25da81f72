/**
 * Accessibility checked by a machine: axe-core on every view of a real flow (classified frames, the
 * review of a frame with its heatmap and the shortcuts help, the model card, settings, the export
 * menu and the printable report), with zero violations of any rule axe runs by default.
 */
import { expectNoAxeViolations } from './support/axe.ts';
import { expect, test } from './fixtures.ts';
import { syntheticFrame } from './support/images.ts';

test('every view has no axe violations', async ({ endoPage, page }) => {
  await endoPage.goto();
  // The service worker's "ready to work offline" notice is part of every view once it shows.
  await expect(page.getByTestId('offline-ready')).toBeVisible({ timeout: 60_000 });
  await endoPage.dropImages(await Promise.all([1, 2, 3].map((i) => syntheticFrame(`a11y-${i}.jpg`, i * 5))));
  await endoPage.waitForClassified(3);
  const first = endoPage.card('a11y-1.jpg');
  await first.scrollIntoViewIfNeeded(); // charts mount only near the viewport
  await expect(first.getByTestId('probability-chart').locator('svg')).toBeVisible();
  await expectNoAxeViolations(page, 'the frames view with classified frames');

  await first.getByTestId('open-review').click();
  await expect(page.getByTestId('gradcam')).toHaveAttribute('data-status', 'ready', { timeout: 60_000 });
  await expectNoAxeViolations(page, 'the review of a frame with its heatmap');
  await page.locator('body').click({ position: { x: 1, y: 1 } }); // focus off the controls, so "?" is a shortcut
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog', { name: /shortcuts/i })).toBeVisible();
  await expectNoAxeViolations(page, 'the keyboard shortcuts help');
  await page.keyboard.press('Escape');
  await page.getByTestId('close-detail').click();

  await endoPage.openTab(/model card/i);
  await expect(page.getByTestId('familiarity-check')).toBeVisible();
  await expectNoAxeViolations(page, 'the model card');

  await endoPage.openTab(/settings/i);
  await expect(page.getByTestId('storage-persistence')).toBeVisible();
  await expectNoAxeViolations(page, 'settings');

  await endoPage.openTab(/frames/i);
  await page.getByTestId('session-menu').locator('summary').click();
  await expect(page.getByRole('button', { name: 'Export CSV' })).toBeVisible();
  await expectNoAxeViolations(page, 'the export & import menu');
  await page.getByRole('button', { name: 'Printable report' }).click();
  await expect(page.getByTestId('print-report')).toBeVisible({ timeout: 60_000 });
  await expectNoAxeViolations(page, 'the printable report');
});
