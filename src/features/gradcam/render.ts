/**
 * Browser-only: the frame with its heatmap burnt in, as a PNG data URL, for the printable report
 * (print keeps <img> reliably; canvases and CSS opacity do not always survive "save as PDF").
 */
import { fitWithin, heatmapToRgba, type Heatmap } from './heatmap-image.ts';

function loadImage(url: string): Promise<HTMLImageElement> {
  return new Promise((resolve, reject) => {
    const img = new Image();
    img.onload = () => resolve(img);
    img.onerror = () => reject(new Error(`Could not load the frame image for the heatmap (${url.slice(0, 60)}).`));
    img.src = url;
  });
}

export async function renderHeatmapDataUrl(
  imageUrl: string,
  map: Heatmap,
  opts: { opacity?: number; maxSide?: number } = {},
): Promise<string> {
  const img = await loadImage(imageUrl);
  const { width, height } = fitWithin(img.naturalWidth, img.naturalHeight, opts.maxSide ?? 256);
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('This browser gives no 2-D canvas; the heatmap cannot be drawn.');
  ctx.drawImage(img, 0, 0, width, height);
  const overlay = document.createElement('canvas');
  overlay.width = width;
  overlay.height = height;
  const octx = overlay.getContext('2d');
  if (!octx) throw new Error('This browser gives no 2-D canvas; the heatmap cannot be drawn.');
  octx.putImageData(new ImageData(heatmapToRgba(map, width, height, { opacity: opts.opacity ?? 0.5 }), width, height), 0, 0);
  ctx.drawImage(overlay, 0, 0); // drawImage blends by alpha; putImageData would overwrite the frame
  return canvas.toDataURL('image/png');
}
