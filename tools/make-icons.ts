/**
 * Draws the PWA icons (public/icons/*.png) from one SVG with sharp: 192, 512 and a maskable 512 whose
 * artwork stays inside the central safe zone. Run: npx tsx tools/make-icons.ts
 */
import { mkdir } from 'node:fs/promises';
import sharp from 'sharp';

const OUT = 'public/icons';

/** A stylised lens (ring) with a small highlight, on the app's blue; `pad` shrinks the art for maskable icons. */
function svg(size: number, pad: number, rounded: boolean): string {
  const c = size / 2;
  const r = (size / 2 - pad) * 0.62;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${size}" height="${size}" viewBox="0 0 ${size} ${size}">
  <rect width="${size}" height="${size}" rx="${rounded ? size * 0.18 : 0}" fill="#1d4ed8"/>
  <circle cx="${c}" cy="${c}" r="${r}" fill="#fde68a" stroke="#ffffff" stroke-width="${r * 0.22}"/>
  <circle cx="${c}" cy="${c}" r="${r * 0.42}" fill="#b91c1c"/>
  <circle cx="${c - r * 0.35}" cy="${c - r * 0.38}" r="${r * 0.14}" fill="#ffffff" opacity="0.9"/>
</svg>`;
}

async function main(): Promise<void> {
  await mkdir(OUT, { recursive: true });
  await sharp(Buffer.from(svg(192, 8, true)))
    .png()
    .toFile(`${OUT}/icon-192.png`);
  await sharp(Buffer.from(svg(512, 20, true)))
    .png()
    .toFile(`${OUT}/icon-512.png`);
  await sharp(Buffer.from(svg(512, 110, false)))
    .png()
    .toFile(`${OUT}/icon-maskable-512.png`);
  console.log(`Icons written to ${OUT}/`);
}

void main();
