export { augmentBatch, applyTransforms } from './augment.ts';
export {
  KERAS_AUGMENT_DEFAULTS,
  IDENTITY_PARAMS,
  randomTransformParams,
  transformMatrix,
  checkAugmentOptions,
  AugmentError,
} from './keras-affine.ts';
export type { AugmentOptions, TransformParams } from './keras-affine.ts';
export { mulberry32, epochRng, deriveSeed, shuffledIndices } from '../../../src/core/rng.ts';
export { applyColour, colourAugmentBatch, drawColourParams, COLOUR_JITTER_DEFAULTS } from './colour.ts';
export type { ColourJitter } from './colour.ts';
