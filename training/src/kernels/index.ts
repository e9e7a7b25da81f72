/** Kernels the training schedule needs on the wasm backend, and faster filter gradients on webgpu; see register.ts. */
export { registerWasmTrainingKernels, registerWebGpuTrainingKernels } from './register.ts';
