import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Generated at test time, never committed. */
export const GENERATED = join(REPO_ROOT, 'e2e/.generated');
export const TEST_MODEL_4 = join(GENERATED, 'model-4-classes');
export const CORRUPT_MODEL = join(GENERATED, 'model-corrupt');
/** ../shared relative to the repository (CI clones with shared/ beside it). */
export const CURATED_SAMPLES = join(REPO_ROOT, '../shared/data/curated-samples');
export const CURATED_FILES = ['normal.jpg', 'ulcer.jpg', 'polyp.jpg', 'esophagitis.jpg'];
