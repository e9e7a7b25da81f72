/**
 * Shared e2e setup: `test` with an `endoPage` page object, a guard that fails any test in which
 * a request left the app's origin (no frame may ever be uploaded anywhere), and one that fails any
 * test in which the Content Security Policy blocked something (the policy must fit what the app does).
 */
import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import type { FilePayload } from './support/images.ts';

export { expect };

const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.bmp': 'image/bmp',
};
const mimeOf = (path: string) => MIME[extname(path).toLowerCase()] ?? 'application/octet-stream';

export interface FrameResult {
  fileName: string;
  predictedClass: string;
  confidence: number;
  probabilities: number[];
  /** From the model's unfamiliar-frame check; undefined when the model has none. */
  unfamiliar?: boolean;
  familiarityDistance?: number;
}

export class EndoPage {
  readonly fileInput: Locator;
  readonly cards: Locator;
  readonly classifiedCards: Locator;
  readonly errorCards: Locator;
  readonly modelStatus: Locator;
  readonly backend: Locator;
  readonly progress: Locator;

  constructor(readonly page: Page) {
    this.fileInput = page.getByTestId('file-input');
    this.cards = page.getByTestId('frame-card');
    this.classifiedCards = page.locator('[data-testid="frame-card"][data-predicted-class]');
    this.errorCards = page.getByTestId('frame-error');
    this.modelStatus = page.getByTestId('model-status');
    this.backend = page.getByTestId('backend');
    this.progress = page.getByTestId('progress');
  }

  /** Opens the app (optionally forcing a backend via the `?backend=` hook) and waits for the model. */
  async goto(opts: { backend?: 'wasm' | 'webgl' | 'webgpu' } = {}): Promise<void> {
    await this.page.goto(opts.backend ? `/?backend=${opts.backend}` : '/');
    await this.waitForModel();
  }

  /**
   * The model is ready once it is loaded and warmed up on WASM (or the forced / remembered backend);
   * GPUs are timed afterwards, in the background. How long loading takes is npm run bench's business.
   */
  async waitForModel(timeout = 120_000): Promise<void> {
    await expect(this.modelStatus).toHaveAttribute('data-state', 'ready', { timeout });
  }

  /** Sets files on the dropzone's input[type=file] (paths or in-memory payloads). */
  async dropImages(files: readonly (string | FilePayload)[]): Promise<void> {
    // Playwright takes paths or payloads, not a mix: payloads are read from paths first.
    const payloads = await Promise.all(
      files.map(async (f) => (typeof f === 'string' ? { name: basename(f), mimeType: mimeOf(f), buffer: await readFile(f) } : f)),
    );
    await this.fileInput.setInputFiles(payloads);
  }

  card(fileName: string): Locator {
    return this.page.locator(`[data-file-name="${fileName.replace(/"/g, '\\"')}"]`);
  }

  /** Waits until `count` frames are classified and the queue is idle. */
  async waitForClassified(count: number, timeout = 120_000): Promise<void> {
    await expect(this.classifiedCards).toHaveCount(count, { timeout });
    await expect(this.progress).toHaveAttribute('data-running', 'false', { timeout });
  }

  async results(): Promise<FrameResult[]> {
    return this.classifiedCards.evaluateAll((els) =>
      els.map((el) => ({
        fileName: el.getAttribute('data-file-name') ?? '',
        predictedClass: el.getAttribute('data-predicted-class') ?? '',
        confidence: Number(el.getAttribute('data-confidence')),
        probabilities: JSON.parse(el.getAttribute('data-probabilities') ?? '[]') as number[],
        ...(el.hasAttribute('data-familiarity-distance')
          ? {
              unfamiliar: el.getAttribute('data-unfamiliar') === 'true',
              familiarityDistance: Number(el.getAttribute('data-familiarity-distance')),
            }
          : {}),
      })),
    );
  }

  async openTab(name: RegExp): Promise<void> {
    await this.page.getByRole('tab', { name }).click();
  }

  /** "Load another model" with every file of an exported model folder (as files, or as the folder itself). */
  async loadModel(dir: string, as: 'files' | 'folder' = 'files'): Promise<void> {
    await this.openTab(/model card|ficha/i);
    if (as === 'folder') await this.page.getByTestId('model-folder-input').setInputFiles(dir);
    else await this.page.getByTestId('model-files-input').setInputFiles((await readdir(dir)).map((f) => join(dir, f)));
  }
}

interface Fixtures {
  endoPage: EndoPage;
  /** Requests to any origin but the app's; checked empty after every test. */
  foreignRequests: string[];
  /**
   * What the Content Security Policy blocked on the page (securitypolicyviolation events); checked
   * empty after every test. A test that provokes one on purpose takes it out (`splice`). Workers'
   * violations reach neither the page nor Playwright's console events; a blocked worker shows as a
   * model that never loads (tfjs's WASM threads) or a missing result.
   */
  cspViolations: string[];
}

export const test = base.extend<Fixtures>({
  foreignRequests: [
    async ({ page, baseURL }, use) => {
      const origin = new URL(baseURL ?? 'http://localhost').origin;
      const foreign: string[] = [];
      page.on('request', (req) => {
        const url = req.url();
        if (url.startsWith('data:') || url.startsWith('blob:')) return;
        if (new URL(url).origin !== origin) foreign.push(url);
      });
      await use(foreign);
      expect(foreign, 'requests that left the app origin').toEqual([]);
    },
    { auto: true },
  ],
  cspViolations: [
    async ({ page }, use) => {
      const seen: string[] = [];
      await page.exposeFunction('__endolensCspViolation', (v: string) => seen.push(v));
      await page.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          const report = (window as unknown as { __endolensCspViolation?: (v: string) => void }).__endolensCspViolation;
          report?.(`${e.effectiveDirective} blocked ${e.blockedURI || '(inline)'} at ${e.sourceFile}:${e.lineNumber}`);
        });
      });
      await use(seen);
      expect(seen, 'Content Security Policy violations').toEqual([]);
    },
    { auto: true },
  ],
  endoPage: async ({ page }, use) => {
    await use(new EndoPage(page));
  },
});
