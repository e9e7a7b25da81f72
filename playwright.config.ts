import { existsSync } from 'node:fs';
import { chromium, defineConfig } from '@playwright/test';
import { CHROMIUM_FLAGS } from './e2e/support/chromium.ts';

/**
 * e2e against the production build (`vite build` first, as `npm run test:e2e` does), served by
 * `vite preview`. Uses Playwright's own Chromium where installed, else Debian's /usr/bin/chromium.
 */
const PORT = Number(process.env.E2E_PORT ?? 4173);
const BASE_URL = `http://localhost:${PORT}`;
// Lets two checkouts' worth of work share a machine: build with `vite build --outDir X`, test with E2E_OUTDIR=X.
const OUT_DIR = process.env.E2E_OUTDIR ?? 'dist';

function chromiumPath(): string | undefined {
  if (process.env.CHROMIUM_PATH) return process.env.CHROMIUM_PATH;
  try {
    if (existsSync(chromium.executablePath())) return undefined;
  } catch {
    // not installed
  }
  return '/usr/bin/chromium';
}

export default defineConfig({
  testDir: 'e2e',
  testMatch: '**/*.spec.ts',
  globalSetup: './e2e/support/global-setup.ts',
  fullyParallel: false,
  workers: 1, // two shared CPU cores: parallel browsers only slow each other down
  timeout: 120_000,
  expect: { timeout: 30_000 },
  retries: process.env.CI ? 1 : 0,
  reporter: [['list']],
  use: {
    baseURL: BASE_URL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: chromiumPath(),
      args: [...CHROMIUM_FLAGS],
    },
  },
  projects: [{ name: 'chromium', use: { browserName: 'chromium' } }],
  webServer: {
    command: `npx vite preview --port ${PORT} --strictPort --outDir ${OUT_DIR}`,
    url: BASE_URL,
    reuseExistingServer: !process.env.CI,
    timeout: 60_000,
  },
});
