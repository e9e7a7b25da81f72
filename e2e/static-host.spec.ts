/** The production build on a static host (a bare server over a copy of dist/), not vite preview. */
import { appendFile, cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../src/app/security-headers.ts';
import { serveFolder, type ServedRequest } from './support/static-server.ts';
import { test, expect } from './fixtures.ts';
import { REPO_ROOT, GENERATED } from './support/paths.ts';

const PORT = Number(process.env.E2E_PORT ?? 4173) + 1;
const SITE = join(GENERATED, 'static-site');

test.use({ baseURL: `http://localhost:${PORT}` });

async function site(isolation: boolean): Promise<Awaited<ReturnType<typeof serveFolder>>> {
  await rm(SITE, { recursive: true, force: true });
  await cp(join(REPO_ROOT, process.env.E2E_OUTDIR ?? 'dist'), SITE, { recursive: true });
  return serveFolder(SITE, PORT, isolation);
}

test('a host without COOP/COEP or CSP headers: the service worker makes the app cross-origin isolated and sends the policy', async ({
  endoPage,
  page,
}) => {
  const server = await site(false);
  try {
    const direct = await fetch(`http://localhost:${PORT}/`);
    expect(direct.headers.get('cross-origin-embedder-policy'), 'the host itself sends no isolation headers').toBeNull();
    expect(direct.headers.get('content-security-policy'), 'nor a policy').toBeNull();
    await page.goto('/');
    // Before the service worker, the meta tag alone holds the policy.
    await expect(page.locator('meta[http-equiv="Content-Security-Policy"]')).toHaveAttribute('content', CONTENT_SECURITY_POLICY);
    // First load is not isolated; once the service worker controls the page it reloads itself, isolated.
    await expect.poll(() => page.evaluate(() => window.crossOriginIsolated).catch(() => false), { timeout: 60_000 }).toBe(true);
    await endoPage.waitForModel();
    await expect(endoPage.backend).toHaveAttribute('data-backend', /.+/);
    // The service worker's responses (the page, and the workers' scripts: a worker's policy comes with its script) carry the policy.
    const workerScript = page
      .workers()
      .map((w) => w.url())
      .find((u) => u.startsWith(`http://localhost:${PORT}/`));
    expect(workerScript, 'the inference worker').toBeDefined();
    const viaServiceWorker = await page.evaluate(
      async (urls) => {
        const policies = await Promise.all(urls.map(async (u) => (await fetch(u)).headers.get('content-security-policy')));
        return { controlled: navigator.serviceWorker.controller !== null, policies };
      },
      ['/', workerScript ?? ''],
    );
    expect(viaServiceWorker).toEqual({ controlled: true, policies: [CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY] });
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a new version is announced with a reload prompt, and reloading activates it', async ({ endoPage, page }) => {
  const server = await site(true);
  try {
    await endoPage.goto();
    await page.evaluate(() => navigator.serviceWorker.ready);
    await expect(page.getByTestId('offline-ready')).toBeVisible();
    // The next release: a byte-different service worker on the same origin.
    await appendFile(join(SITE, 'sw.js'), '\n// next release\n');
    await page.evaluate(async () => {
      await (await navigator.serviceWorker.getRegistration())?.update();
    });
    await expect(page.getByTestId('update-prompt')).toBeVisible();
    await expect(page.getByTestId('update-prompt')).toContainText('A new version of EndoLens is available.');
    await page.getByRole('button', { name: 'Reload now' }).click();
    await endoPage.waitForModel();
    await expect(page.getByTestId('update-prompt')).toHaveCount(0);
    expect(await page.evaluate(async () => (await navigator.serviceWorker.getRegistration())?.waiting ?? null)).toBeNull();
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
});

test('a first visit downloads each file once: the service worker revalidates what the page already fetched', async ({ endoPage, page }) => {
  const server = await site(true);
  try {
    await endoPage.goto();
    await expect(page.getByTestId('offline-ready')).toBeVisible({ timeout: 60_000 }); // precaching finished
    const bodies = (log: ServedRequest[], path: string) => log.filter((r) => r.path === path && r.status === 200).length;
    const modelFiles = [...new Set(server.log.map((r) => r.path).filter((p) => p.startsWith('/model/')))];
    expect(modelFiles, 'model files requested').toEqual(
      expect.arrayContaining(['/model/model.json', '/model/metadata.json', expect.stringMatching(/\.bin$/)]),
    );
    console.log(`model files on the first visit: ${JSON.stringify(server.log.filter((r) => r.path.startsWith('/model/')))}`);
    for (const path of modelFiles) expect(bodies(server.log, path), `${path} sent whole`).toBe(1);
    // Offline after it all the same (the service worker's copy is complete).
    await page.context().setOffline(true);
    await page.reload();
    await endoPage.waitForModel();
  } finally {
    await page.context().setOffline(false);
    await new Promise((resolve) => server.close(resolve));
  }
});
