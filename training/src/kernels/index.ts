/** Kernels the training schedule needs on the wasm backend; see register.ts. */
export { registerWasmTrainingKernels } from './register.ts';
