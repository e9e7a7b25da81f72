/**
 * Test frames for the drop: JPEGs the size of a typical endoscopy frame (1280x1024, q90), each one
 * different (smooth shading plus noise, like tissue under a scope light), made with sharp so the
 * benchmark needs nothing from ../shared. `unique` of them are drawn (about 0.25 s each here); the rest
 * are byte copies under their own names (the app decodes every file anyway).
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

export const FRAME_WIDTH = 1280;
export const FRAME_HEIGHT = 1024;

export async function makeFrames(dir: string, count: number, unique = 24): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const w = FRAME_WIDTH;
  const h = FRAME_HEIGHT;
  const paths: string[] = [];
  let seed = 12345;
  const rand = () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
  for (let i = 0; i < count; i++) {
    const path = join(dir, `frame-${String(i).padStart(4, '0')}.jpg`);
    paths.push(path);
    if (i >= unique) {
      copyFileSync(paths[i % unique], path);
      continue;
    }
    const px = Buffer.alloc(w * h * 3);
    const cx = w * (0.3 + 0.4 * rand());
    const cy = h * (0.3 + 0.4 * rand());
    const tint = [200 + 55 * rand(), 90 + 60 * rand(), 80 + 50 * rand()];
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const d = Math.hypot(x - cx, y - cy) / w;
        const light = Math.max(0, 1 - 1.4 * d) * (0.85 + 0.15 * Math.sin(x / 23 + i) * Math.cos(y / 31));
        const o = (y * w + x) * 3;
        const n = (rand() - 0.5) * 18;
        for (let c = 0; c < 3; c++) px[o + c] = Math.max(0, Math.min(255, tint[c] * light + n));
      }
    }
    await sharp(px, { raw: { width: w, height: h, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(path);
  }
  return paths;
}
