/**
 * Writes an ONNX model of a tfjs layers model folder, with the same weights (BatchNormalization
 * folded into the convs first, as the app runs it; --no-fold keeps it), for ONNX Runtime:
 *
 *   node --import tsx training/scripts/export-onnx.ts --model public/model --out /tmp/endolens.onnx
 *
 * `npm run bench` makes its own copy the same way (bench/peer-bench.ts); nothing needs Python.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { foldBatchNorm } from '../../src/inference/fold-batchnorm.ts';
import { toOnnx } from '../src/export/onnx.ts';
import { readModelArtifacts } from '../src/export/read-artifacts.ts';

const { values: args } = parseArgs({
  options: {
    model: { type: 'string', default: 'public/model' },
    out: { type: 'string' },
    'no-fold': { type: 'boolean', default: false },
  },
});
if (!args.out) {
  console.error('usage: export-onnx.ts --model DIR --out FILE.onnx [--no-fold]');
  process.exit(2);
}
const plain = readModelArtifacts(args.model);
const artifacts = args['no-fold'] ? plain : foldBatchNorm(plain).artifacts;
const exported = toOnnx(artifacts);
writeFileSync(args.out, exported.model);
console.log(
  `${args.out}: ${(exported.model.byteLength / 1e6).toFixed(2)} MB, input "${exported.input}" [batch, ${exported.inputShape.join(', ')}] (NHWC), output "${exported.output}"`,
);
