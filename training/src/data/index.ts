export { loadDataset, checkClassesMatch, DEFAULT_DECODE_CONCURRENCY } from './dataset.ts';
export type { Dataset, DataReport, SplitData, SkippedFile, LoadOptions } from './dataset.ts';
export { decodeImage, hasImageExtension, DecodeError, IMAGE_EXTENSIONS } from './decode.ts';
export { listDataset, DatasetError, SPLITS } from './layout.ts';
export type { Split, FileEntry, DatasetLayout } from './layout.ts';
export { sourceOf, UNKNOWN_SOURCE } from './source.ts';
export { addExtraTrain, listExtraFolder } from './extra-train.ts';
export type { ExtraTrainFolder } from './extra-train.ts';
export { loadImageFolder } from './image-folder.ts';
