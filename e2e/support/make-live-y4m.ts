/**
 * The live view's fake camera: Chromium plays a YUV4MPEG2 file as a webcam
 * (`--use-file-for-fake-video-capture`). This one is made from real gi-proxy test frames (normal
 * mucosa, then polyps), each resized to a 640x480 scope picture and shown for a while, in I420 (the
 * layout Chromium's file camera reads), at 25 fps. Generated at test time, never committed. The
 * benchmark's live section writes its own with `writeY4m`.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import sharp from 'sharp';
import { GENERATED, REPO_ROOT } from './paths.ts';

export const GI_PROXY_TEST = join(REPO_ROOT, '../shared/data/gi-proxy/test');
export const LIVE_Y4M = join(GENERATED, 'live-camera.y4m');

export interface Y4mOptions {
  width?: number;
  height?: number;
  fps?: number;
  /** How long each picture is shown. */
  secondsEach?: number;
}

/** BT.601 limited range, as Chromium converts I420 back to RGB. */
function toI420(rgb: Buffer, width: number, height: number): Buffer {
  const ySize = width * height;
  const cw = width / 2;
  const ch = height / 2;
  const out = Buffer.alloc(ySize + 2 * cw * ch);
  for (let i = 0; i < ySize; i++) {
    const [r, g, b] = [rgb[i * 3], rgb[i * 3 + 1], rgb[i * 3 + 2]];
    out[i] = Math.round(16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255);
  }
  for (let y = 0; y < ch; y++) {
    for (let x = 0; x < cw; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (const [dx, dy] of [
        [0, 0],
        [1, 0],
        [0, 1],
        [1, 1],
      ]) {
        const p = ((2 * y + dy) * width + 2 * x + dx) * 3;
        r += rgb[p] / 4;
        g += rgb[p + 1] / 4;
        b += rgb[p + 2] / 4;
      }
      out[ySize + y * cw + x] = Math.round(128 + (-37.797 * r - 74.203 * g + 112 * b) / 255);
      out[ySize + cw * ch + y * cw + x] = Math.round(128 + (112 * r - 93.786 * g - 18.214 * b) / 255);
    }
  }
  return out;
}

/** The first `perClass` frames (by name) of each class folder of the gi-proxy test split. */
export async function pickFrames(perClass: number): Promise<string[]> {
  const classes = (await readdir(GI_PROXY_TEST)).sort();
  const picked: string[] = [];
  for (const c of classes) {
    const files = (await readdir(join(GI_PROXY_TEST, c))).filter((f) => /\.jpe?g$/i.test(f)).sort();
    picked.push(...files.slice(0, perClass).map((f) => join(GI_PROXY_TEST, c, f)));
  }
  return picked;
}

/** A YUV4MPEG2 file showing each image (resized to cover width x height) for `secondsEach`, in order. */
export async function writeY4m(images: readonly string[], out: string, opts: Y4mOptions = {}): Promise<string> {
  const { width = 640, height = 480, fps = 25, secondsEach = 0.8 } = opts;
  const repeat = Math.max(1, Math.round(secondsEach * fps));
  const parts: Buffer[] = [Buffer.from(`YUV4MPEG2 W${width} H${height} F${fps}:1 Ip A1:1 C420jpeg\n`)];
  const frameHeader = Buffer.from('FRAME\n');
  for (const f of images) {
    const rgb = await sharp(f).removeAlpha().resize(width, height, { fit: 'cover' }).raw().toBuffer();
    const yuv = toI420(rgb, width, height);
    for (let i = 0; i < repeat; i++) parts.push(frameHeader, yuv);
  }
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, Buffer.concat(parts));
  return out;
}

/**
 * The live spec's fake camera: 2 normal and 2 polyp test frames, 640x480 at 25 fps, 0.8 s each;
 * undefined where ../shared is absent (the spec then skips and says why).
 */
export async function makeLiveY4m(out = LIVE_Y4M): Promise<string | undefined> {
  if (!existsSync(GI_PROXY_TEST)) return undefined;
  return writeY4m(await pickFrames(2), out);
}
