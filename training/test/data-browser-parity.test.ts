/**
 * The trainer's decode (sharp) against the app's (Chromium: createImageBitmap with the options of
 * src/inference/decode.ts, drawn on an OffscreenCanvas, getImageData). Both feed src/core's
 * resizeToRgb, so equal decoded pixels mean equal model inputs. Images are made by the test.
 * Needs Chromium (CI installs Debian's /usr/bin/chromium; CHROMIUM_PATH overrides).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import sharp from 'sharp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { decodeImage } from '../src/data/decode.ts';
import { resizeToRgb, type PixelImage } from '../../src/core/preprocess.ts';
import { bmp24, bmp32Alpha, bmpPalette } from './helpers/images.ts';
import { CHROMIUM_FLAGS } from '../../e2e/support/chromium.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

/** Smooth colour gradients plus noise: JPEG's chroma and DCT paths both get exercised. */
function photo(w: number, h: number, channels: 3 | 4 = 3): Buffer {
  const px = Buffer.alloc(w * h * channels);
  let s = 12345;
  const noise = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) % 40) - 20;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * channels;
      px[i] = Math.max(0, Math.min(255, (x * 255) / w + noise()));
      px[i + 1] = Math.max(0, Math.min(255, (y * 255) / h + noise()));
      px[i + 2] = Math.max(0, Math.min(255, 128 + 100 * Math.sin((x + y) / 9) + noise()));
      if (channels === 4) px[i + 3] = x < w / 3 ? 255 : x < (2 * w) / 3 ? 128 : 0;
    }
  }
  return px;
}

async function samples(): Promise<Record<string, Buffer>> {
  const rgb = () => sharp(photo(97, 61), { raw: { width: 97, height: 61, channels: 3 } });
  return {
    'jpeg 4:2:0': await rgb().jpeg({ quality: 85 }).toBuffer(),
    'jpeg 4:4:4 progressive': await rgb().jpeg({ quality: 92, chromaSubsampling: '4:4:4', progressive: true }).toBuffer(),
    'jpeg EXIF orientation 6': await rgb().jpeg({ quality: 90 }).withMetadata({ orientation: 6 }).toBuffer(),
    'jpeg with a Display P3 ICC profile': await rgb().jpeg({ quality: 90 }).withIccProfile('p3').toBuffer(),
    'jpeg grayscale': await rgb().grayscale().jpeg({ quality: 90 }).toBuffer(),
    png: await rgb().png().toBuffer(),
    'png with alpha': await sharp(photo(97, 61, 4), { raw: { width: 97, height: 61, channels: 4 } })
      .png()
      .toBuffer(),
    'webp lossless': await rgb().webp({ lossless: true }).toBuffer(),
    'bmp 24-bit (our own decoder)': bmp24(97, 61, photo(97, 61)),
    'bmp 32-bit with alpha (our own decoder)': bmp32Alpha(97, 61, photo(97, 61, 4)),
    'bmp 4-bit palette (our own decoder)': bmpPalette(
      97,
      61,
      4,
      Uint8Array.from(photo(97, 61).subarray(0, 97 * 61), (v) => v % 16),
      Array.from({ length: 16 }, (_, i) => [i * 16, 255 - i * 10, (i * 77) % 256] as [number, number, number]),
    ),
  };
}

let browser: Browser | undefined;
let page: Page;

beforeAll(async () => {
  if (!haveChromium) return;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [...CHROMIUM_FLAGS],
  });
  page = await browser.newPage();
});
afterAll(async () => {
  await browser?.close();
});

/** The app's decodeFrame, minus its size guard: RGBA pixels as the page sees them. */
async function browserDecode(bytes: Buffer): Promise<PixelImage> {
  // Passed as source text: the training tsconfig has no DOM types, and this runs in the page.
  const script = `(async (b64) => {
    const blob = new Blob([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))]);
    const bitmap = await createImageBitmap(blob, { imageOrientation: 'from-image', colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.drawImage(bitmap, 0, 0);
    const d = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return { w: d.width, h: d.height, data: Array.from(d.data) };
  })(${JSON.stringify(bytes.toString('base64'))})`;
  const r = await page.evaluate<{ w: number; h: number; data: number[] }>(script);
  return { data: Uint8Array.from(r.data), width: r.w, height: r.h, channels: 4 };
}

describe.skipIf(!haveChromium)("sharp decode equals the app's Chromium decode", () => {
  it('gives the same model input (resizeToRgb) for each kind of file', async () => {
    const report: string[] = [];
    for (const [name, bytes] of Object.entries(await samples())) {
      const ours = await decodeImage(bytes);
      const theirs = await browserDecode(bytes);
      expect([ours.width, ours.height], name).toEqual([theirs.width, theirs.height]);
      const a = resizeToRgb(ours, 32);
      const b = resizeToRgb(theirs, 32);
      let max = 0;
      for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
      report.push(`${name}: max |difference| ${max}`);
      // Alpha is stored premultiplied in a canvas, so semi-transparent pixels can come back +-1.
      expect(max, name).toBeLessThanOrEqual(name.includes('alpha') ? 1 : 0);
    }
    console.info(report.join('\n'));
  });
});

if (!haveChromium) {
  describe("sharp decode vs the app's Chromium decode", () => {
    it(`is skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`, () => {
      console.warn(`skipping browser parity: ${CHROMIUM} not found`);
    });
  });
}
