import { describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { decodeImage, DecodeError } from '../src/data/decode.ts';
import { resizeToRgb } from '../../src/core/preprocess.ts';
import { bmp24, bmp32Alpha, bmpPalette } from './helpers/images.ts';

describe('decodeImage', () => {
  it('applies EXIF orientation (a 4x2 image tagged "rotate 90" decodes as 2x4)', async () => {
    // Left half red, right half blue; orientation 6 = rotate 90 degrees clockwise for display.
    const px = new Uint8Array(4 * 2 * 3);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 4; x++) px.set(x < 2 ? [255, 0, 0] : [0, 0, 255], (y * 4 + x) * 3);
    const jpg = await sharp(px, { raw: { width: 4, height: 2, channels: 3 } })
      .png()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const img = await decodeImage(jpg);
    expect([img.width, img.height, img.channels]).toEqual([2, 4, 3]);
    // After a clockwise turn, the left (red) half is on top.
    expect(img.data[0]).toBeGreaterThan(200);
    expect(img.data[2]).toBeLessThan(50);
    const last = (4 * 2 - 1) * 3;
    expect(img.data[last + 2]).toBeGreaterThan(200);
  });

  it('converts grayscale to 3-channel RGB with equal channels', async () => {
    const gray = await sharp(Buffer.from([0, 80, 160, 240]), { raw: { width: 2, height: 2, channels: 1 } })
      .png()
      .toBuffer();
    const img = await decodeImage(gray);
    expect(img.channels).toBe(3);
    expect(Array.from(img.data)).toEqual([0, 0, 0, 80, 80, 80, 160, 160, 160, 240, 240, 240]);
  });

  it('keeps alpha as a 4th channel, which resizeToRgb composites onto black', async () => {
    const rgba = Buffer.from([255, 255, 255, 255, 255, 255, 255, 0]);
    const png = await sharp(rgba, { raw: { width: 2, height: 1, channels: 4 } })
      .png()
      .toBuffer();
    const img = await decodeImage(png);
    expect(img.channels).toBe(4);
    expect(Array.from(img.data)).toEqual([255, 255, 255, 255, 255, 255, 255, 0]);
    expect(Array.from(resizeToRgb(img, 2).subarray(0, 6))).toEqual([255, 255, 255, 0, 0, 0]);
  });

  it('converts CMYK JPEG and 16-bit PNG to 8-bit sRGB', async () => {
    const cmyk = await sharp({ create: { width: 3, height: 3, channels: 3, background: '#ff0000' } })
      .toColourspace('cmyk')
      .jpeg()
      .toBuffer();
    const a = await decodeImage(cmyk);
    expect(a.channels).toBe(3);
    expect(a.data[0]).toBeGreaterThan(180);
    expect(a.data[1]).toBeLessThan(60);
    const p16 = await sharp({ create: { width: 3, height: 2, channels: 3, background: '#808080' } })
      .toColourspace('rgb16')
      .png()
      .toBuffer();
    const b = await decodeImage(p16);
    expect(b.data.length).toBe(3 * 2 * 3);
    expect(b.data[0]).toBe(128);
  });

  it('decodes 24-bit and 32-bit-with-alpha BMP itself (sharp cannot)', async () => {
    const rgb = Uint8Array.from([10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150, 160, 170, 180]);
    const a = await decodeImage(bmp24(3, 2, rgb));
    expect([a.width, a.height, a.channels]).toEqual([3, 2, 3]);
    expect(Array.from(a.data)).toEqual(Array.from(rgb));
    const rgba = Uint8Array.from([1, 2, 3, 255, 4, 5, 6, 0]);
    const b = await decodeImage(bmp32Alpha(2, 1, rgba));
    expect(b.channels).toBe(4);
    expect(Array.from(b.data)).toEqual(Array.from(rgba));
  });

  it('decodes 1-, 4- and 8-bit palette BMP', async () => {
    const palette: [number, number, number][] = [
      [0, 0, 0],
      [255, 0, 0],
      [0, 255, 0],
      [10, 20, 30],
    ];
    const idx = Uint8Array.from([0, 1, 2, 3, 3, 2, 1, 0, 1, 1, 2, 2, 0, 3, 0, 3, 2, 1, 0, 3, 1]); // 7 x 3
    for (const bpp of [4, 8] as const) {
      const img = await decodeImage(bmpPalette(7, 3, bpp, idx, palette));
      expect([img.width, img.height, img.channels]).toEqual([7, 3, 3]);
      expect(Array.from(img.data)).toEqual(Array.from(idx).flatMap((i) => palette[i]));
    }
    const bits = Uint8Array.from([0, 1, 1, 0, 1, 0, 0, 0, 1, 1, 0, 1]); // 12 x 1
    const mono = await decodeImage(
      bmpPalette(12, 1, 1, bits, [
        [0, 0, 0],
        [255, 255, 255],
      ]),
    );
    expect(Array.from(mono.data).filter((_, i) => i % 3 === 0)).toEqual(Array.from(bits).map((b) => b * 255));
  });

  it('rejects empty, corrupt and truncated input with a reason', async () => {
    await expect(decodeImage(Buffer.alloc(0))).rejects.toThrow(/empty file/);
    await expect(decodeImage(Buffer.from('this is not an image'))).rejects.toBeInstanceOf(DecodeError);
    const jpg = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } })
      .jpeg()
      .toBuffer();
    await expect(decodeImage(jpg.subarray(0, jpg.length / 2))).rejects.toBeInstanceOf(DecodeError);
    const bmp = bmp24(4, 4, new Uint8Array(48));
    await expect(decodeImage(bmp.subarray(0, 60))).rejects.toThrow(/BMP: truncated/);
  });
});

const sample = fileURLToPath(new URL('../../../shared/data/curated-samples/polyp.jpg', import.meta.url));
describe('real curated sample (../shared)', () => {
  it.skipIf(!existsSync(sample))('decode + resizeToRgb is deterministic', async () => {
    const a = resizeToRgb(await decodeImage(sample), 224);
    const [b, c] = await Promise.all([decodeImage(sample), decodeImage(sample)]);
    expect(a.length).toBe(224 * 224 * 3);
    expect(Buffer.from(resizeToRgb(b, 224)).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(resizeToRgb(c, 224)).equals(Buffer.from(a))).toBe(true);
    const img = await decodeImage(sample);
    expect([img.width, img.height]).toEqual([1280, 1024]);
  });
  if (!existsSync(sample)) {
    it('is skipped: ../shared/data/curated-samples is absent (read-only data kept beside the repo, not in it)', () => {
      console.warn(`skipping the curated-sample check: ${sample} not found`);
    });
  }
});
