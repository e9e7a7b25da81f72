/**
 * The flags every headless Chromium of ours starts with (the e2e tests, the benchmarks, the trainer's
 * browser-parity test): no sandbox (containers), nothing that talks to the network by itself, and
 * WebGPU allowed where the machine has an adapter.
 */
export const CHROMIUM_FLAGS: readonly string[] = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-unsafe-webgpu',
];
