/** Frames the tests make with sharp (never copies of shared data): ordinary and deliberately bad ones. */
import sharp from 'sharp';

export interface FilePayload {
  name: string;
  mimeType: string;
  buffer: Buffer;
}

/** A frame with a radial gradient and a coloured blob, so different seeds give different pictures. */
export async function syntheticFrame(
  name: string,
  seed: number,
  opts: { width?: number; height?: number; format?: 'jpeg' | 'png' | 'webp' | 'bmp' } = {},
): Promise<FilePayload> {
  const width = opts.width ?? 320;
  const height = opts.height ?? 256;
  const raw = Buffer.alloc(width * height * 3);
  const cx = (((seed * 37) % 100) / 100) * width;
  const cy = (((seed * 59) % 100) / 100) * height;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const d = Math.hypot(x - cx, y - cy) / Math.hypot(width, height);
      const i = (y * width + x) * 3;
      raw[i] = Math.round(255 * (1 - d) * ((seed % 3) / 2 + 0.3)) & 255;
      raw[i + 1] = Math.round(120 + 100 * Math.sin((x + seed * 13) / 17)) & 255;
      raw[i + 2] = Math.round(255 * d * ((seed % 5) / 4)) & 255;
    }
  }
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  const format = opts.format ?? 'jpeg';
  if (format === 'bmp') return { name, mimeType: 'image/bmp', buffer: bmp24(raw, width, height) };
  const buffer =
    format === 'png'
      ? await img.png().toBuffer()
      : format === 'webp'
        ? await img.webp({ quality: 90 }).toBuffer()
        : await img.jpeg({ quality: 90 }).toBuffer();
  return { name, mimeType: `image/${format}`, buffer };
}

/** sharp cannot write BMP; a 24-bit bottom-up BMP is a few lines. */
function bmp24(rgb: Buffer, width: number, height: number): Buffer {
  const rowSize = Math.ceil((width * 3) / 4) * 4;
  const size = 54 + rowSize * height;
  const b = Buffer.alloc(size);
  b.write('BM', 0, 'ascii');
  b.writeUInt32LE(size, 2);
  b.writeUInt32LE(54, 10);
  b.writeUInt32LE(40, 14);
  b.writeInt32LE(width, 18);
  b.writeInt32LE(height, 22);
  b.writeUInt16LE(1, 26);
  b.writeUInt16LE(24, 28);
  b.writeUInt32LE(rowSize * height, 34);
  for (let y = 0; y < height; y++) {
    const row = 54 + (height - 1 - y) * rowSize;
    for (let x = 0; x < width; x++) {
      const s = (y * width + x) * 3;
      b[row + x * 3] = rgb[s + 2];
      b[row + x * 3 + 1] = rgb[s + 1];
      b[row + x * 3 + 2] = rgb[s];
    }
  }
  return b;
}

export async function pngWithAlpha(name: string): Promise<FilePayload> {
  const width = 200,
    height = 160;
  const raw = Buffer.alloc(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    raw[i * 4] = 200;
    raw[i * 4 + 1] = (i * 7) & 255;
    raw[i * 4 + 2] = 90;
    raw[i * 4 + 3] = (i % width) + 40 > 255 ? 255 : (i % width) + 40;
  }
  return {
    name,
    mimeType: 'image/png',
    buffer: await sharp(raw, { raw: { width, height, channels: 4 } })
      .png()
      .toBuffer(),
  };
}

export async function grayscaleJpeg(name: string): Promise<FilePayload> {
  const frame = await syntheticFrame('x', 4);
  return { name, mimeType: 'image/jpeg', buffer: await sharp(frame.buffer).grayscale().jpeg().toBuffer() };
}

export async function cmykJpeg(name: string): Promise<FilePayload> {
  const frame = await syntheticFrame('x', 6);
  return { name, mimeType: 'image/jpeg', buffer: await sharp(frame.buffer).toColourspace('cmyk').jpeg().toBuffer() };
}

export async function truncatedJpeg(name: string): Promise<FilePayload> {
  const frame = await syntheticFrame('x', 8, { width: 640, height: 480 });
  return { name, mimeType: 'image/jpeg', buffer: frame.buffer.subarray(0, Math.floor(frame.buffer.length * 0.6)) };
}

export async function hugeJpeg(name: string, side = 10000): Promise<FilePayload> {
  const buffer = await sharp({ create: { width: side, height: side, channels: 3, background: { r: 180, g: 60, b: 70 } } })
    .jpeg({ quality: 70 })
    .toBuffer();
  return { name, mimeType: 'image/jpeg', buffer };
}

export const zeroByte = (name: string): FilePayload => ({ name, mimeType: 'image/jpeg', buffer: Buffer.alloc(0) });
export const textFile = (name: string): FilePayload => ({
  name,
  mimeType: 'text/plain',
  buffer: Buffer.from('not an image, just some notes\n'),
});

/** Many small distinct frames, fast to make (a drop of hundreds or a thousand). */
export async function manyFrames(count: number, prefix = 'bulk'): Promise<FilePayload[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const noise = Buffer.alloc(96 * 80 * 3);
      for (let p = 0; p < noise.length; p++) noise[p] = (p * (i + 3) * 2654435761) >>> 24;
      const buffer = await sharp(noise, { raw: { width: 96, height: 80, channels: 3 } })
        .composite([
          {
            input: {
              create: { width: 40, height: 30, channels: 3, background: { r: (i * 53) % 256, g: (i * 97) % 256, b: (i * 29) % 256 } },
            },
            left: i % 50,
            top: i % 45,
          },
        ])
        .jpeg({ quality: 85 })
        .toBuffer();
      return { name: `${prefix}-${String(i).padStart(4, '0')}.jpg`, mimeType: 'image/jpeg', buffer };
    }),
  );
}

const OUTLIER_W = 320,
  OUTLIER_H = 256;

async function rawPng(name: string, pixel: (x: number, y: number) => [number, number, number]): Promise<FilePayload> {
  const data = Buffer.alloc(OUTLIER_W * OUTLIER_H * 3);
  for (let y = 0; y < OUTLIER_H; y++) for (let x = 0; x < OUTLIER_W; x++) data.set(pixel(x, y), (y * OUTLIER_W + x) * 3);
  return {
    name,
    mimeType: 'image/png',
    buffer: await sharp(data, { raw: { width: OUTLIER_W, height: OUTLIER_H, channels: 3 } })
      .png()
      .toBuffer(),
  };
}

/** Deterministic pseudo-random bytes (xorshift), so measurements reproduce. */
function xorshiftBytes(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s & 255;
  };
}

/** Pictures that are not endoscopy frames at all: what the unfamiliar-frame check must catch. */
export async function outlierImages(): Promise<FilePayload[]> {
  const rnd = xorshiftBytes(12345);
  const h = OUTLIER_H;
  return Promise.all([
    rawPng('flat-grey.png', () => [128, 128, 128]),
    rawPng('flat-black.png', () => [0, 0, 0]),
    rawPng('uniform-noise.png', () => [rnd(), rnd(), rnd()]),
    rawPng('checkerboard-32px.png', (x, y) => ((Math.floor(x / 32) + Math.floor(y / 32)) % 2 ? [255, 255, 255] : [0, 0, 0])),
    rawPng('sky-to-grass-gradient.png', (x, y) => (y < h / 2 ? [90 + y / 2, 150 + y / 3, 235] : [60, 120 + (y - h / 2) / 2, 40 + x / 16])),
    rawPng('pink-flat-mucosa-colour.png', () => [220, 120, 120]),
  ]);
}
