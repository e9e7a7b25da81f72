/**
 * The backend choice never makes the user wait (issue 11): on a fresh profile the model is ready on
 * WASM at once, GPUs are timed only in the background, and software GPU adapters (headless
 * Chromium's SwiftShader WebGL and WebGPU) are named and never used or timed.
 */
import type { Page } from '@playwright/test';
import { test, expect } from './fixtures.ts';
import { syntheticFrame } from './support/images.ts';

/** What the browser offers as a GPU: these tests are about machines whose GPUs are software renderers (headless Chromium). */
async function webGlRenderer(page: Page): Promise<string> {
  return page.evaluate(() => {
    const gl = document.createElement('canvas').getContext('webgl2');
    const ext = gl?.getExtension('WEBGL_debug_renderer_info');
    return ext ? String(gl?.getParameter(ext.UNMASKED_RENDERER_WEBGL)) : '';
  });
}
const SOFTWARE = /swiftshader|llvmpipe|lavapipe|software/i;

declare global {
  interface Window {
    /** Every data-backend-reason the backend hook showed, in order (set by the init script below). */
    __backendReasons?: string[];
  }
}

test('fresh profile: the first frame is classified on WASM without waiting for GPU timing; software GPUs are not used, and the choice is remembered', async ({
  endoPage,
  page,
}) => {
  await page.addInitScript(() => {
    const seen: string[] = [];
    window.__backendReasons = seen;
    const record = () => {
      const reason = document.querySelector('[data-testid="backend"]')?.getAttribute('data-backend-reason');
      if (reason && seen.at(-1) !== reason) seen.push(reason);
    };
    new MutationObserver(record).observe(document, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['data-backend-reason'],
    });
  });
  await endoPage.goto();
  const renderer = await webGlRenderer(page);
  test.skip(
    !SOFTWARE.test(renderer),
    `this browser's WebGL is a hardware GPU (${renderer || 'renderer hidden'}); the software-only path cannot be seen here`,
  );

  // Ready on WASM before anything was timed: the first reason shown is never "measured".
  await expect(endoPage.backend).toHaveAttribute('data-backend', 'wasm');
  const firstReason = await page.evaluate(() => window.__backendReasons?.[0]);
  expect(['measuring', 'software-gpu']).toContain(firstReason);

  await endoPage.dropImages([await syntheticFrame('first-visit.jpg', 11)]);
  await endoPage.waitForClassified(1);
  const baseline = await endoPage.progress.getAttribute('data-baseline-tensors');
  await expect(endoPage.progress).toHaveAttribute('data-num-tensors', baseline!);

  // The GPUs were found to be software: named, not used, never timed; WASM stays.
  await expect(endoPage.backend).toHaveAttribute('data-backend-reason', 'software-gpu');
  await expect(endoPage.backend).toHaveAttribute('data-backend', 'wasm');
  await expect(endoPage.backend).toContainText('GPU: software only, not used');
  expect(await page.evaluate(() => window.__backendReasons)).not.toContain('measured');
  await endoPage.openTab(/settings/i);
  await expect(
    page.getByText(/Backends: .*webgpu: GPU: software only, not used .*webgl: GPU: software only, not used \(.*SwiftShader/),
  ).toBeVisible();

  // Remembered for this model on this device: the next visit loads WASM directly, saying so.
  await page.reload();
  await endoPage.waitForModel();
  await expect(endoPage.backend).toHaveAttribute('data-backend', 'wasm');
  await expect(endoPage.backend).toHaveAttribute('data-backend-reason', 'remembered');
  await endoPage.openTab(/settings/i);
  await expect(page.getByText(/Backends: .*webgl: GPU: software only, not used/)).toBeVisible();
});

test.describe('Spanish browser', () => {
  test.use({ locale: 'es-ES' });

  test('says in Spanish that the GPU is software only and not used', async ({ endoPage, page }) => {
    await endoPage.goto();
    const renderer = await webGlRenderer(page);
    test.skip(!SOFTWARE.test(renderer), `this browser's WebGL is a hardware GPU (${renderer || 'renderer hidden'})`);
    await expect(endoPage.backend).toHaveAttribute('data-backend-reason', 'software-gpu');
    await expect(endoPage.backend).toContainText('GPU: solo por software, no se usa');
    await expect(endoPage.backend).toHaveAttribute('data-backend', 'wasm');
  });
});
