/**
 * Seeded weight initialisers. Keras's defaults are kept (glorot_uniform kernels, zero biases); with a
 * seed, every layer draws from its own derived seed so two builds with the same seed are identical.
 */
import * as tf from '@tensorflow/tfjs';

export type InitializerFactory = () => ReturnType<typeof tf.initializers.glorotUniform>;

/** Returns a factory yielding glorot-uniform initialisers, seeded seed, seed+1, ... when a seed is given. */
export function glorotSequence(seed?: number): InitializerFactory {
  let next = seed;
  return () => {
    if (next === undefined) return tf.initializers.glorotUniform({});
    const init = tf.initializers.glorotUniform({ seed: next });
    next += 1;
    return init;
  };
}
