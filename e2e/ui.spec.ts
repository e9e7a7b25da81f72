import { test, expect } from './fixtures.ts';

test.describe('Spanish browser', () => {
  test.use({ locale: 'es-ES' });

  test('the UI follows the browser language and switches to English; keyboard reaches the controls', async ({ endoPage, page }) => {
    await endoPage.goto();
    await expect(page.getByTestId('disclaimer')).toContainText('Herramienta de investigación, no es un producto sanitario.');
    await expect(page.getByRole('tab', { name: 'Imágenes' })).toBeVisible();
    await page.getByLabel('Idioma').first().selectOption('en');
    await expect(page.getByTestId('disclaimer')).toContainText('Research tool, not a medical device.');
    // Tabs work with the arrow keys.
    await page.getByRole('tab', { name: 'Frames' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect(page.getByRole('tab', { name: 'Model card' })).toBeFocused();
    await expect(page.getByRole('tab', { name: 'Model card' })).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByTestId('model-card')).toContainText('not a medical device');
    // The choice is kept.
    await page.reload();
    await endoPage.waitForModel();
    await expect(page.getByRole('tab', { name: 'Frames' })).toBeVisible();
  });
});

test('the backend is shown with why it was chosen, and can be overridden in settings', async ({ endoPage, page }) => {
  await endoPage.goto();
  await expect(endoPage.backend).toHaveAttribute('data-backend', /^(wasm|webgl|webgpu)$/);
  // Ready at once on WASM; the GPUs are looked at in the background (e2e/backend-choice.spec.ts).
  await expect(endoPage.backend).toContainText(/timing the GPU|GPU: software only|no GPU|fastest of those measured|remembered/);
  await endoPage.openTab(/settings/i);
  await expect(page.getByText(/Backends: .*web(gl|gpu)/)).toBeVisible();
  await page.getByLabel('Backend').selectOption('webgl');
  await expect(endoPage.backend).toHaveAttribute('data-backend', 'webgl');
  await expect(endoPage.backend).toContainText('chosen in settings');
});
