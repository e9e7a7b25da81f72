/**
 * The size a camera frame is drawn at before preprocessing: as it comes, or scaled down (aspect kept)
 * to fit 1280x720. The model sees 224x224 anyway; reading back and sending fewer pixels keeps a 4K
 * capture card's frames from costing more than an HD camera's.
 */
export const MAX_CAPTURE_WIDTH = 1280;
export const MAX_CAPTURE_HEIGHT = 720;

export function captureSize(
  width: number,
  height: number,
  maxWidth = MAX_CAPTURE_WIDTH,
  maxHeight = MAX_CAPTURE_HEIGHT,
): { width: number; height: number } {
  const scale = Math.min(1, maxWidth / width, maxHeight / height);
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}
