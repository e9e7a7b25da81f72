/**
 * The EndoLens head as the trainer builds it and the app's Teach view retrains it:
 * GlobalAveragePooling2D -> Dense(32, relu) -> Dropout(0.2) -> Dense(n, softmax), with these layer
 * names (the exported model.json and its weight names depend on them).
 */
export const HEAD_UNITS = 32;
export const HEAD_DROPOUT = 0.2;
export const HEAD_LAYERS = {
  pooling: 'global_average_pooling2d',
  dense: 'dense',
  dropout: 'dropout',
  output: 'predictions',
} as const;
