/**
 * tf.image.transform with our matrices against Keras's own maths run by scipy (the fixture is made by
 * test/fixtures/keras_affine_reference.py: Keras 2.x apply_affine_transform + flip, scipy.ndimage
 * order=1, constant fill). Pixels whose source point lies in the one-pixel band around the image
 * edge are left out: scipy's 'constant' mode gives cval there, tf blends the edge pixel with the fill.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { readFileSync } from 'node:fs';
import { applyTransforms } from '../src/augment/augment.ts';
import { IDENTITY_PARAMS, transformMatrix, type TransformParams } from '../src/augment/keras-affine.ts';

interface Case {
  h: number;
  w: number;
  params: Partial<Omit<TransformParams, 'flipHorizontal'>> & { flip?: boolean };
  expected: number[];
}
const fixture = JSON.parse(readFileSync(new URL('./fixtures/keras-affine-reference.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** The fixture's input image, rebuilt with the generator's formula (2 channels). */
function image(h: number, w: number): Float32Array {
  const out = new Float32Array(h * w * 2);
  for (let r = 0; r < h; r++) {
    for (let c = 0; c < w; c++) {
      out[(r * w + c) * 2] = Math.sin(r / 3.1) * Math.cos(c / 4.7);
      out[(r * w + c) * 2 + 1] = (c - r) / (h + w);
    }
  }
  return out;
}

beforeAll(async () => {
  await tf.setBackend('wasm');
});

describe('augmentation matches Keras + scipy', () => {
  it.each(fixture.cases.map((c, i) => [i, `${c.h}x${c.w} ${JSON.stringify(c.params)}`, c] as const))(
    'case %i: %s',
    async (_i, _name, c) => {
      const { flip, ...rest } = c.params;
      const p: TransformParams = { ...IDENTITY_PARAMS, ...rest, flipHorizontal: flip ?? false };
      const m = transformMatrix(p, c.h, c.w);
      const input = tf.tensor4d(image(c.h, c.w), [1, c.h, c.w, 2]);
      const out = applyTransforms(input, [m]);
      const got = await out.data();
      tf.dispose([input, out]);

      let compared = 0;
      let worst = 0;
      for (let y = 0; y < c.h; y++) {
        for (let x = 0; x < c.w; x++) {
          const sx = m[0] * x + m[1] * y + m[2];
          const sy = m[3] * x + m[4] * y + m[5];
          const inside = sx >= 0 && sx <= c.w - 1 && sy >= 0 && sy <= c.h - 1;
          const outside = sx < -1 || sx > c.w || sy < -1 || sy > c.h;
          if (!inside && !outside) continue;
          for (let ch = 0; ch < 2; ch++) {
            const i = (y * c.w + x) * 2 + ch;
            worst = Math.max(worst, Math.abs(got[i] - c.expected[i]));
          }
          compared++;
        }
      }
      expect(compared).toBeGreaterThan(0.6 * c.h * c.w);
      expect(worst).toBeLessThan(1e-4);
    },
  );
});
