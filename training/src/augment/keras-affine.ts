/**
 * Keras 2.x `ImageDataGenerator` random affine augmentation, reproduced for `tf.image.transform`.
 *
 * Keras (keras/src/legacy/preprocessing/image.py, TF 2.x):
 *   get_random_transform draws, in this order: theta ~ U(-rotation, rotation) degrees;
 *   tx ~ U(-hs, hs) * rows (height_shift_range); ty ~ U(-ws, ws) * cols (width_shift_range);
 *   shear ~ U(-shear, shear) DEGREES; zx, zy ~ U(1 - zoom, 1 + zoom) each; flip = random() < 0.5.
 *   apply_affine_transform builds M = R(theta) . T(tx, ty) . Sh(shear) . Z(zx, zy), centres it with
 *   offset o = (h/2 - 0.5, w/2 - 0.5):  C = O(o) . M . O(-o), then swaps the two axes
 *   (M' = P C P) so that C acts on (x = column, y = row). scipy's affine_transform maps each OUTPUT
 *   pixel to the INPUT point C . (x, y, 1) and samples it with order=1 (bilinear) splines, constant
 *   fill cval. The horizontal flip is applied after the transform, on the output columns.
 * Consequences kept on purpose, so the augmentation matches Keras: the "height" shift tx moves
 * the image along x and the width shift along y, and the centre offset uses h for x (both are
 * invisible on the square images we train on).
 *
 * `tf.image.transform` takes the same output->input map as 8 numbers [a0 a1 a2 b0 b1 b2 c0 c1] with
 * x' = a0 x + a1 y + a2, y' = b0 x + b1 y + b2 (c0 = c1 = 0 for an affine map), in pixel-index
 * coordinates, so C is passed through unchanged. The flip is folded in as a right factor
 * F = [[-1, 0, w - 1], [0, 1, 0]]: output column x reads the unflipped output at w - 1 - x. F maps
 * the pixel grid onto itself, so folding it in gives exactly the flip-after-transform result.
 * One difference at the border: scipy's 'constant' mode returns cval for points outside
 * [0, n-1], tf blends the edge pixel with the fill over the last half pixel.
 */

export interface AugmentOptions {
  /** Degrees; theta ~ U(-rotation, rotation). Keras rotation_range. */
  rotation: number;
  /** Fraction of the width (< 1) or pixels (>= 1). Keras width_shift_range. */
  widthShift: number;
  /** Fraction of the height (< 1) or pixels (>= 1). Keras height_shift_range. */
  heightShift: number;
  /** Degrees (Keras's shear_range is in degrees, counter-clockwise). */
  shear: number;
  /** zx, zy ~ U(1 - zoom, 1 + zoom) independently. Keras zoom_range as a float. */
  zoom: number;
  horizontalFlip: boolean;
  /** Value for points mapped outside the image, in the tensor's own range. */
  fillValue: number;
}

/** The original training's ImageDataGenerator(rotation_range=10, width_shift_range=0.2,
 * height_shift_range=0.2, shear_range=0.2, zoom_range=0.2, horizontal_flip=True,
 * fill_mode='constant', cval=0), applied to images already scaled to [-1, 1] (so fill 0 is mid-grey). */
export const KERAS_AUGMENT_DEFAULTS: Readonly<AugmentOptions> = Object.freeze({
  rotation: 10,
  widthShift: 0.2,
  heightShift: 0.2,
  shear: 0.2,
  zoom: 0.2,
  horizontalFlip: true,
  fillValue: 0,
});

export interface TransformParams {
  /** Rotation, degrees. */
  theta: number;
  /** Keras's tx: height shift in pixels (acts on x after Keras's axis swap). */
  tx: number;
  /** Keras's ty: width shift in pixels (acts on y after Keras's axis swap). */
  ty: number;
  /** Shear angle, degrees. */
  shear: number;
  zx: number;
  zy: number;
  flipHorizontal: boolean;
}

export const IDENTITY_PARAMS: Readonly<TransformParams> = Object.freeze({
  theta: 0,
  tx: 0,
  ty: 0,
  shear: 0,
  zx: 1,
  zy: 1,
  flipHorizontal: false,
});

export class AugmentError extends Error {
  override name = 'AugmentError';
}

export function checkAugmentOptions(opts: AugmentOptions): void {
  for (const key of ['rotation', 'widthShift', 'heightShift', 'shear', 'zoom'] as const) {
    const v = opts[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
      throw new AugmentError(`augment option ${key} must be a number >= 0, got ${String(v)}`);
  }
  if (opts.zoom >= 1)
    throw new AugmentError(`augment option zoom must be < 1 (zoom factors are drawn from [1 - zoom, 1 + zoom]), got ${opts.zoom}`);
  if (!Number.isFinite(opts.fillValue)) throw new AugmentError(`augment option fillValue must be finite, got ${opts.fillValue}`);
}

const uniform = (rng: () => number, lo: number, hi: number): number => lo + (hi - lo) * rng();

/** Keras's get_random_transform for an h x w image, drawing from `rng` in Keras's order. */
export function randomTransformParams(rng: () => number, opts: AugmentOptions, h: number, w: number): TransformParams {
  const theta = opts.rotation ? uniform(rng, -opts.rotation, opts.rotation) : 0;
  let tx = opts.heightShift ? uniform(rng, -opts.heightShift, opts.heightShift) : 0;
  if (opts.heightShift && opts.heightShift < 1) tx *= h;
  let ty = opts.widthShift ? uniform(rng, -opts.widthShift, opts.widthShift) : 0;
  if (opts.widthShift && opts.widthShift < 1) ty *= w;
  const shear = opts.shear ? uniform(rng, -opts.shear, opts.shear) : 0;
  let zx = 1;
  let zy = 1;
  if (opts.zoom) {
    zx = uniform(rng, 1 - opts.zoom, 1 + opts.zoom);
    zy = uniform(rng, 1 - opts.zoom, 1 + opts.zoom);
  }
  const flipHorizontal = opts.horizontalFlip ? rng() < 0.5 : false;
  return { theta, tx, ty, shear, zx, zy, flipHorizontal };
}

type Mat3 = [number, number, number, number, number, number, number, number, number];

function mul(a: Mat3, b: Mat3): Mat3 {
  const out = new Array<number>(9) as Mat3;
  for (let r = 0; r < 3; r++) {
    for (let c = 0; c < 3; c++) out[r * 3 + c] = a[r * 3] * b[c] + a[r * 3 + 1] * b[3 + c] + a[r * 3 + 2] * b[6 + c];
  }
  return out;
}

const DEG = Math.PI / 180;

/**
 * The 8 `tf.image.transform` numbers (output pixel -> input point, x = column) for Keras's
 * transform with parameters `p` on an h x w image, flip included.
 */
export function transformMatrix(p: TransformParams, h: number, w: number): number[] {
  let m: Mat3 = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  if (p.theta !== 0) {
    const t = p.theta * DEG;
    m = mul(m, [Math.cos(t), -Math.sin(t), 0, Math.sin(t), Math.cos(t), 0, 0, 0, 1]);
  }
  if (p.tx !== 0 || p.ty !== 0) m = mul(m, [1, 0, p.tx, 0, 1, p.ty, 0, 0, 1]);
  if (p.shear !== 0) {
    const s = p.shear * DEG;
    m = mul(m, [1, -Math.sin(s), 0, 0, Math.cos(s), 0, 0, 0, 1]);
  }
  if (p.zx !== 1 || p.zy !== 1) m = mul(m, [p.zx, 0, 0, 0, p.zy, 0, 0, 0, 1]);
  // Keras: transform_matrix_offset_center(m, h, w) with o = size / 2 - 0.5, first coordinate from h.
  const ox = h / 2 - 0.5;
  const oy = w / 2 - 0.5;
  m = mul(mul([1, 0, ox, 0, 1, oy, 0, 0, 1], m), [1, 0, -ox, 0, 1, -oy, 0, 0, 1]);
  if (p.flipHorizontal) m = mul(m, [-1, 0, w - 1, 0, 1, 0, 0, 0, 1]);
  return [m[0], m[1], m[2], m[3], m[4], m[5], 0, 0];
}
