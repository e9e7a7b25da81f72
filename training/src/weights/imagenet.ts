/**
 * Keras's official ImageNet weight files, as keras/src/applications names them. Keras checks the
 * ResNet files' md5 (`file_hash`); it publishes no hash for MobileNetV2, so none is checked there.
 */
import { MOBILENETV2_ALPHAS } from '../models/mobilenetv2.ts';
import type { BackboneName } from '../models/index.ts';

export const KERAS_APPLICATIONS_BASE_URL = 'https://storage.googleapis.com/tensorflow/keras-applications/';

/** keras/src/applications/resnet.py WEIGHTS_HASHES["resnet50v2"][1] (no-top file, md5). */
export const RESNET50V2_NOTOP_FILE = 'resnet50v2_weights_tf_dim_ordering_tf_kernels_notop.h5';
export const RESNET50V2_NOTOP_MD5 = 'fac2f116257151a9d068a22e544a4917';

/** Input sizes MobileNetV2 weights are published for; the conv weights do not depend on it. */
export const MOBILENETV2_ROWS: readonly number[] = [96, 128, 160, 192, 224];

export interface ImagenetFile {
  url: string;
  fileName: string;
  md5?: string;
}

/** Python's str(float(alpha)): 1 -> "1.0", 0.35 -> "0.35". */
function pythonFloat(alpha: number): string {
  return Number.isInteger(alpha) ? alpha.toFixed(1) : String(alpha);
}

export function imagenetFile(backbone: BackboneName, opts: { alpha?: number; inputSize?: number; baseUrl?: string }): ImagenetFile {
  const base = opts.baseUrl ?? KERAS_APPLICATIONS_BASE_URL;
  const join = (folder: string, file: string) => new URL(`${folder}/${file}`, base.endsWith('/') ? base : `${base}/`).href;
  if (backbone === 'resnet50v2') {
    return { url: join('resnet', RESNET50V2_NOTOP_FILE), fileName: RESNET50V2_NOTOP_FILE, md5: RESNET50V2_NOTOP_MD5 };
  }
  const alpha = opts.alpha ?? 1.0;
  if (!MOBILENETV2_ALPHAS.includes(alpha)) {
    throw new Error(`ImageNet weights for MobileNetV2 exist for alpha ${MOBILENETV2_ALPHAS.join(', ')}. Received: alpha=${alpha}`);
  }
  // Keras falls back to the 224 file when the input size has no file of its own; the weights are the same shapes.
  const rows = opts.inputSize !== undefined && MOBILENETV2_ROWS.includes(opts.inputSize) ? opts.inputSize : 224;
  const fileName = `mobilenet_v2_weights_tf_dim_ordering_tf_kernels_${pythonFloat(alpha)}_${rows}_no_top.h5`;
  return { url: join('mobilenet_v2', fileName), fileName };
}
