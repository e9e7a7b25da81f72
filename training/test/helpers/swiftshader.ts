/**
 * Chromium's SwiftShader Vulkan driver: the only WebGPU adapter a CPU machine has, so the trainer's
 * webgpu tests run on it (TECH-NOTES, "WebGPU in Node"). `missing` names what is absent, for a skip
 * reason. Importing this points Dawn at the driver: Dawn reads VK_ICD_FILENAMES when it first creates
 * its Vulkan instance, in the importing test file's own process.
 */
import { existsSync } from 'node:fs';

const ICD = '/usr/lib/chromium/vk_swiftshader_icd.json';
const LOADER = ['/usr/lib/x86_64-linux-gnu/libvulkan.so.1', '/usr/lib/aarch64-linux-gnu/libvulkan.so.1'].find((p) => existsSync(p));

export const missing = !existsSync(ICD)
  ? `${ICD} (Debian's chromium)`
  : !LOADER
    ? 'the Vulkan loader libvulkan.so.1 (Debian: libvulkan1)'
    : undefined;

if (!missing) process.env.VK_ICD_FILENAMES = ICD;

export const skipReason = `no software WebGPU adapter for Node here: ${missing} is missing`;
