/**
 * The "source" of an image, read from its file name, for per-source metrics: a model can learn
 * which archive or camera a frame came from instead of the finding, and per-source accuracy shows it.
 *
 * Rule: split the base name (no folders, no extension) at '_' and keep the leading words up to,
 * not including, the first word that holds a digit (an id, a counter, a uuid) or the last word
 * (the image's own name). Lower-cased. Names with no such leading word have source 'unknown'.
 *   gv_normal_0009c1a9-5011.jpg -> 'gv_normal'    kvasirseg_cju0qkwl35piu.jpg -> 'kvasirseg'
 *   gv_polyp_ab12.png -> 'gv_polyp'                  img_0001.jpg -> 'img'
 *   IMG0001.jpg -> 'unknown'                         normal (3).jpg -> 'unknown'
 */
export const UNKNOWN_SOURCE = 'unknown';

export function sourceOf(file: string): string {
  const base = file.split(/[\\/]/).pop() ?? '';
  const stem = base.includes('.') ? base.slice(0, base.lastIndexOf('.')) : base;
  const words = stem.split('_');
  const kept: string[] = [];
  for (let i = 0; i < words.length - 1; i++) {
    const w = words[i];
    if (w === '' || /\d/.test(w)) break;
    kept.push(w.toLowerCase());
  }
  return kept.length ? kept.join('_') : UNKNOWN_SOURCE;
}
