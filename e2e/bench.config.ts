/**
 * Throughput benchmark, not part of `npm test`:
 *   npx vite build && npx playwright test -c e2e/bench.config.ts
 * Environment: BENCH_FRAMES (default 200), BENCH_BACKENDS (default wasm,webgl,webgpu), BENCH_LIMIT_S per backend (default 240).
 */
import base from '../playwright.config.ts';
import { fileURLToPath } from 'node:url';
import { defineConfig } from '@playwright/test';

export default defineConfig({
  ...base,
  testDir: '.',
  testMatch: '**/*.bench.ts',
  timeout: 30 * 60_000,
  retries: 0,
  globalSetup: './support/global-setup.ts',
  webServer:
    base.webServer && !Array.isArray(base.webServer)
      ? { ...base.webServer, cwd: fileURLToPath(new URL('..', import.meta.url)) }
      : base.webServer,
});
