/** Whether tfjs-node(-gpu), an optional dependency whose install needs internet, loads on this machine. */
export async function nativeTensorflowInstalled(): Promise<boolean> {
  for (const name of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      await import(name);
      return true;
    } catch {
      // not installed: the normal case here
    }
  }
  return false;
}
