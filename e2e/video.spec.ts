/**
 * Issue 12: a procedure video is analysed frame by frame, its findings segments found, a frame saved
 * to the session, and all of it kept over a reload; bad videos get their messages. Test videos are
 * encoded by the browser from real frames (e2e/support/make-video.ts).
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseCsv } from '../src/features/session-export/csv.ts';
import { expect, test, type EndoPage } from './fixtures.ts';
import { expectNoAxeViolations } from './support/axe.ts';
import { syntheticFrame, textFile, zeroByte } from './support/images.ts';
import { makeAudioOnlyWebm, makeHevcMp4, makeWebm } from './support/make-video.ts';
import { REPO_ROOT } from './support/paths.ts';

const TEST_SPLIT = join(REPO_ROOT, '../shared/data/gi-proxy/test');
const FPS = 10;
const HOLD = 5; // each picture held 0.5 s: 10 pictures = 5 s

/** The first `n` frames of a class folder, by name (a fixed choice, not a picked one). */
async function framesOf(cls: string, n: number): Promise<Buffer[]> {
  const dir = join(TEST_SPLIT, cls);
  const names = readdirSync(dir).sort().slice(0, n);
  return Promise.all(names.map((f) => readFile(join(dir, f))));
}

/** Asserting that nothing happens needs a stretch of time to watch (not a wait for something to happen). */
const quietFor = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const videoCard = (p: EndoPage, name: string) => p.page.locator(`[data-testid="video-card"][data-file-name="${name}"]`);

test.describe('video analysis', () => {
  test('5 s of normal then 5 s of polyp frames: a polyp segment from about 5 s, a saved frame, kept over a reload', async ({
    endoPage,
    browser,
  }) => {
    test.skip(!existsSync(TEST_SPLIT), `../shared/data/gi-proxy is absent (${TEST_SPLIT}): no real frames to make the test video from`);
    const webm = await makeWebm(browser, {
      frames: [...(await framesOf('0_normal', 10)), ...(await framesOf('2_polyps', 10))],
      holdFrames: HOLD,
      fps: FPS,
      width: 720,
      height: 576,
    });
    await endoPage.goto({ backend: 'wasm' });
    await endoPage.dropImages([{ name: 'procedure.webm', mimeType: 'video/webm', buffer: webm }]);
    const card = videoCard(endoPage, 'procedure.webm');
    await expect(card).toHaveAttribute('data-status', 'done', { timeout: 240_000 });
    await expect(card).toHaveAttribute('data-frames-analysed', '100');
    expect(Number(await card.getAttribute('data-duration-s'))).toBeCloseTo(10, 0);

    const polyps = card.locator('[data-testid="video-segment"][data-class="2_polyps"]');
    await expect(polyps.first()).toBeVisible();
    const starts = (await polyps.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-start-s'))))).sort((a, b) => a - b);
    // The polyp stretch starts near 5 s (smoothing may move it by half its window, a misread frame by a little more).
    expect(
      starts.some((s) => s >= 4 && s <= 6.5),
      `polyp segments start at ${starts.join(', ')} s`,
    ).toBe(true);
    // Nothing in the first 3.5 s (normal frames) is called a polyp finding.
    expect(
      starts.every((s) => s >= 3.5),
      `polyp segments start at ${starts.join(', ')} s`,
    ).toBe(true);

    // A click on the finding moves the player there; "Save frame" makes it a still of the session.
    await polyps.first().click();
    const player = card.getByTestId('video-player');
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(3.4);
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.readyState)).toBeGreaterThanOrEqual(2);
    await card.getByTestId('video-save-frame').click();
    const saved = endoPage.page.locator('[data-testid="frame-card"][data-predicted-class][data-file-name^="procedure.webm@00-00-0"]');
    await expect(saved).toHaveCount(1);

    // A reload loses nothing: the record, its timeline and segments, and the saved frame.
    const before = await polyps.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-start-s')}-${e.getAttribute('data-end-s')}`));
    await endoPage.page.reload();
    await endoPage.waitForModel();
    await expect(card).toHaveAttribute('data-status', 'done');
    await expect(card).toHaveAttribute('data-frames-analysed', '100');
    await expect
      .poll(() => polyps.evaluateAll((els) => els.map((e) => `${e.getAttribute('data-start-s')}-${e.getAttribute('data-end-s')}`)))
      .toEqual(before);
    await expect(saved).toHaveCount(1);
    await expect(card.getByTestId('video-player')).toBeVisible(); // the video itself was kept too

    // The findings CSV holds the same polyp segment, named by the video file.
    const page = endoPage.page;
    await page.getByTestId('session-menu').locator('summary').click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Export video findings (CSV)' }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/^endolens-findings-.*\.csv$/);
    const [header, ...rows] = parseCsv(await readFile(await download.path(), 'utf8'));
    const cell = (row: string[], name: string) => row[header.indexOf(name)];
    const csvStarts = rows
      .filter((r) => cell(r, 'video_file') === 'procedure.webm' && cell(r, 'class') === '2_polyps')
      .map((r) => cell(r, 'start_s'));
    expect(csvStarts).toEqual(starts.map((s) => s.toFixed(3)));
  });

  test('pause holds the analysis, stop and resume go on from the last analysed frame: every frame once', async ({ endoPage, browser }) => {
    const frames = await Promise.all(
      [1, 2, 3, 4, 5].map(async (i) => (await syntheticFrame(`p${i}.jpg`, i, { width: 320, height: 240 })).buffer),
    );
    const webm = await makeWebm(browser, { frames, holdFrames: 40, fps: 10, width: 320, height: 240 }); // 20 s, 200 frames
    await endoPage.goto({ backend: 'wasm' });
    await endoPage.dropImages([{ name: 'long.webm', mimeType: 'video/webm', buffer: webm }]);
    const card = videoCard(endoPage, 'long.webm');
    const analysed = async () => Number(await card.getAttribute('data-frames-analysed'));
    await expect.poll(analysed).toBeGreaterThanOrEqual(16);
    await card.getByRole('button', { name: 'Pause' }).click();
    await expect(card).toHaveAttribute('data-status', 'paused');
    // Batches already handed out finish; then nothing moves while paused.
    await expect
      .poll(async () => {
        const before = await analysed();
        await quietFor(1500);
        return (await analysed()) === before;
      })
      .toBe(true);
    const held = await analysed();
    await quietFor(2000);
    expect(await analysed()).toBe(held);
    expect(held).toBeLessThan(200);
    await card.getByRole('button', { name: 'Stop' }).click();
    await expect(card).toHaveAttribute('data-status', 'cancelled');
    await card.getByRole('button', { name: 'Resume' }).click();
    await expect(card).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    await expect(card).toHaveAttribute('data-frames-analysed', '200');
    // The card with its player, timeline and findings list, and the video settings: no axe violation.
    await expect(card.getByTestId('video-timeline').locator('svg').first()).toBeVisible();
    await expectNoAxeViolations(endoPage.page, 'a finished video card');
    await endoPage.openTab(/settings/i);
    await expect(endoPage.page.getByTestId('video-settings')).toBeVisible();
    await expectNoAxeViolations(endoPage.page, 'settings with the video settings');
  });

  test('bad videos: empty, not a video, no picture, a codec the browser lacks, cut short', async ({ endoPage, browser }) => {
    const frames = await Promise.all(
      [1, 2, 3, 4].map(async (i) => (await syntheticFrame(`f${i}.jpg`, i, { width: 320, height: 240 })).buffer),
    );
    const whole = await makeWebm(browser, { frames, holdFrames: 10, fps: 10, width: 320, height: 240 });
    await endoPage.goto({ backend: 'wasm' });
    await endoPage.dropImages([
      { ...zeroByte('empty.mp4'), mimeType: 'video/mp4' },
      { ...textFile('notes.webm'), mimeType: 'video/webm' },
      { name: 'cut.webm', mimeType: 'video/webm', buffer: whole.subarray(0, Math.floor(whole.length * 0.6)) },
      { name: 'sound.webm', mimeType: 'video/webm', buffer: await makeAudioOnlyWebm(browser) },
      { name: 'hevc.mp4', mimeType: 'video/mp4', buffer: await makeHevcMp4(browser) },
    ]);
    const failed = (name: string) => endoPage.page.locator(`[data-testid="frame-error"][data-file-name="${name}"]`);
    await expect(failed('empty.mp4')).toHaveAttribute('data-error-code', 'empty');
    await expect(failed('notes.webm')).toHaveAttribute('data-error-code', 'not-video');
    await expect(failed('sound.webm')).toHaveAttribute('data-error-code', 'no-video-track');
    // A codec the browser cannot decode: the message names it.
    await expect(failed('hevc.mp4')).toHaveAttribute('data-error-code', 'codec-unsupported');
    await expect(failed('hevc.mp4')).toContainText(/hev1|hvc1/);
    // A file cut short is analysed up to where it breaks, and says so.
    const cut = videoCard(endoPage, 'cut.webm');
    await expect(cut).toHaveAttribute('data-status', 'done', { timeout: 120_000 });
    expect(Number(await cut.getAttribute('data-frames-analysed'))).toBeGreaterThan(5);
    expect(Number(await cut.getAttribute('data-frames-analysed'))).toBeLessThan(40);
    await expect(cut.getByTestId('video-truncated')).toBeVisible();
  });
});
