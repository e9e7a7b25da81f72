import { test, expect } from './fixtures.ts';
import { manyFrames } from './support/images.ts';

const COUNT = 1000;

interface LongTask {
  start: number;
  duration: number;
}

test('a drop of 1000 frames is classified while the page stays responsive', async ({ endoPage, page }) => {
  test.setTimeout(300_000);
  // Long tasks (main thread blocked > 50 ms) are recorded from the start.
  await page.addInitScript(() => {
    const w = window as unknown as { __longTasks: LongTask[] };
    w.__longTasks = [];
    new PerformanceObserver((list) =>
      list.getEntries().forEach((e) => w.__longTasks.push({ start: e.startTime, duration: e.duration })),
    ).observe({ type: 'longtask', buffered: true });
  });
  await endoPage.goto();
  await endoPage.dropImages(await manyFrames(COUNT));
  await expect(endoPage.cards).toHaveCount(COUNT);

  // While the queue runs, the UI answers: switch tabs and back, and see progress move.
  await expect(endoPage.progress).toHaveAttribute('data-running', 'true');
  await page.getByRole('tab', { name: 'Settings' }).click();
  await expect(page.getByRole('heading', { name: 'Settings' })).toBeVisible({ timeout: 2_000 });
  await page.getByRole('tab', { name: 'Frames' }).click();
  await expect(page.getByRole('progressbar')).toBeVisible({ timeout: 2_000 });

  await endoPage.waitForClassified(COUNT, 240_000);
  const baseline = await endoPage.progress.getAttribute('data-baseline-tensors');
  await expect(endoPage.progress).toHaveAttribute('data-num-tensors', baseline!);
  // Charts are mounted only near the viewport, not 1000 at once.
  expect(await page.getByTestId('probability-chart').count()).toBeLessThan(200);

  // From the app's drop handler on (before it, Playwright itself builds the 1000 File objects in the page).
  const { tasks, dropAt } = await page.evaluate(() => ({
    tasks: (window as unknown as { __longTasks: LongTask[] }).__longTasks,
    dropAt: performance.getEntriesByName('endolens:drop')[0]?.startTime ?? 0,
  }));
  const after = tasks.filter((t) => t.start >= dropAt);
  const worst = Math.max(0, ...after.map((t) => t.duration));
  // Logged, not asserted: how long the page blocks depends on the machine's load (893 ms was seen on
  // a busy 2-core machine, 220 ms on a quiet one); speed budgets belong to npm run bench.
  console.log(`1000 frames: ${after.length} long tasks after the drop, worst ${worst.toFixed(0)} ms`);
});
