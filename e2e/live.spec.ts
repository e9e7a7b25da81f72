/**
 * Issue 12 item 3: the live view on Chromium's fake camera, fed a .y4m made from real gi-proxy
 * frames (e2e/support/make-live-y4m.ts, written by the global setup). The camera flags are this
 * file's only: the other specs run without a camera.
 */
import { existsSync } from 'node:fs';
import type { Page } from '@playwright/test';
import baseConfig from '../playwright.config.ts';
import { test, expect } from './fixtures.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { GI_PROXY_TEST, LIVE_Y4M } from './support/make-live-y4m.ts';

const launch = baseConfig.use?.launchOptions ?? {};
test.use({
  launchOptions: {
    ...launch,
    args: [
      ...(launch.args ?? []),
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream', // grants the camera without a prompt
      `--use-file-for-fake-video-capture=${LIVE_Y4M}`,
    ],
  },
});

const skipReason = `../shared/data/gi-proxy/test is absent (${GI_PROXY_TEST}): no real frames to make the fake camera's video from`;

type TrackProbe = { __liveTrack?: MediaStreamTrack };

/** The live view's camera track, kept on window so the test can look at it after the view is gone. */
async function keepTrack(page: Page): Promise<void> {
  await page.evaluate(() => {
    const video = document.querySelector<HTMLVideoElement>('[data-testid="live-view"] video');
    const stream = video?.srcObject;
    if (!(stream instanceof MediaStream)) throw new Error('the live view has no camera stream');
    (window as unknown as TrackProbe).__liveTrack = stream.getVideoTracks()[0];
  });
}

async function classNames(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    fetch('/model/metadata.json')
      .then((r) => r.json())
      .then((m: { classes: { name: string }[] }) => m.classes.map((c) => c.name)),
  );
}

test.describe('live view', () => {
  test.skip(!existsSync(GI_PROXY_TEST) || !existsSync(LIVE_Y4M), skipReason);

  test('classifies the camera: a class and a latency; a saved frame gets a card; leaving the tab releases the camera', async ({
    endoPage,
    page,
  }) => {
    await endoPage.goto();
    const names = await classNames(page);
    await endoPage.openTab(/^live$/i);
    const view = page.getByTestId('live-view');
    await expect(view).toHaveAttribute('data-predicted-class', '');
    await page.getByTestId('live-start').click();
    await expect(view).toHaveAttribute('data-camera', 'live');
    // A result: a class of the model's (or "unfamiliar"), and a whole number of milliseconds.
    await expect(view).toHaveAttribute('data-predicted-class', new RegExp(`^(${[...names, 'unfamiliar'].join('|')})$`));
    await expect(view).toHaveAttribute('data-latency-ms', /^\d+$/);
    await expect(page.getByTestId('live-latency')).toContainText('ms');
    await expect(page.getByTestId('live-label')).not.toContainText('Waiting');
    // Accessibility as in a11y.spec: no axe violation on the running view.
    await expectNoAxeViolations(page, 'the running live view');

    // Freeze holds the picture; Save frame adds it to the session.
    await page.getByTestId('live-freeze').click();
    await expect(view).toHaveAttribute('data-frozen', 'true');
    await page.getByTestId('live-save').click();
    await expect(page.getByTestId('live-saved')).toContainText(/live-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}\.png/);
    await keepTrack(page);

    await endoPage.openTab(/frames/i);
    await expect(page.getByTestId('live-view')).toHaveCount(0);
    await expect.poll(() => page.evaluate(() => (window as unknown as TrackProbe).__liveTrack?.readyState)).toBe('ended');
    const saved = page.locator('[data-testid="frame-card"][data-file-name^="live-"]');
    await expect(saved).toHaveCount(1);
    await expect(saved).toHaveAttribute('data-predicted-class', new RegExp(`^(${names.join('|')})$`));
    await expect(saved.locator('img')).toBeVisible();
  });

  test('Stop releases the camera', async ({ endoPage, page }) => {
    await endoPage.goto();
    await endoPage.openTab(/^live$/i);
    await page.getByTestId('live-start').click();
    const view = page.getByTestId('live-view');
    await expect(view).toHaveAttribute('data-camera', 'live');
    await keepTrack(page);
    await page.getByTestId('live-stop').click();
    await expect(view).toHaveAttribute('data-camera', 'off');
    expect(await page.evaluate(() => (window as unknown as TrackProbe).__liveTrack?.readyState)).toBe('ended');
  });

  test('a camera unplugged mid-stream: a message, and the frames saved before stay in the session', async ({ endoPage, page }) => {
    await endoPage.goto();
    await endoPage.openTab(/^live$/i);
    await page.getByTestId('live-start').click();
    const view = page.getByTestId('live-view');
    await expect(view).toHaveAttribute('data-camera', 'live');
    await page.getByTestId('live-save').click();
    await expect(page.getByTestId('live-saved')).toBeVisible();
    // What the browser does when a camera goes away: the track ends.
    await page.evaluate(() => {
      const stream = document.querySelector<HTMLVideoElement>('[data-testid="live-view"] video')?.srcObject;
      if (!(stream instanceof MediaStream)) throw new Error('no camera stream');
      stream.getVideoTracks()[0].dispatchEvent(new Event('ended'));
    });
    await expect(view).toHaveAttribute('data-error-code', 'ended');
    await expect(page.getByRole('alert').filter({ hasText: 'stopped sending pictures' })).toContainText('frames you saved stay');
    await endoPage.openTab(/frames/i);
    await expect(page.locator('[data-testid="frame-card"][data-file-name^="live-"][data-predicted-class]')).toHaveCount(1);
  });

  test('a refused camera gives a message', async ({ endoPage, page }) => {
    // As the browser answers when the user (or a policy) refuses the camera.
    await page.addInitScript(() => {
      navigator.mediaDevices.getUserMedia = () => Promise.reject(new DOMException('Permission denied', 'NotAllowedError'));
    });
    await endoPage.goto();
    await endoPage.openTab(/^live$/i);
    await page.getByTestId('live-start').click();
    const view = page.getByTestId('live-view');
    await expect(view).toHaveAttribute('data-camera', 'error');
    await expect(view).toHaveAttribute('data-error-code', 'denied');
    await expect(page.getByTestId('live-error')).toHaveAttribute('role', 'alert');
    await expect(page.getByTestId('live-error')).toContainText('Camera access was refused');
    await expect(view).toHaveAttribute('data-predicted-class', '');
  });
});
