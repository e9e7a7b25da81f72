/** A tiny two-class dataset in the trainer's layout (`<split>/<class>/img_<i>.png`): flat colours, one hue per class. */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';

export async function makeTinyDataset(dir: string, perSplit: Record<string, number>): Promise<void> {
  for (const [split, count] of Object.entries(perSplit)) {
    for (const [c, name] of ['0_normal', '2_polyps'].entries()) {
      await mkdir(join(dir, split, name), { recursive: true });
      for (let i = 0; i < count; i++) {
        await sharp({
          create: {
            width: 40,
            height: 36,
            channels: 3,
            background: c ? { r: 200, g: 40 + i * 20, b: 60 } : { r: 40, g: 90, b: 200 - i * 20 },
          },
        })
          .png()
          .toFile(join(dir, split, name, `img_${i}.png`));
      }
    }
  }
}
