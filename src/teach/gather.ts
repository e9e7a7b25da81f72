/**
 * Sorts imported files into classes by folder, the trainer's own layout: `<root>/<class>/<frame>`,
 * or a folder named after its class picked on its own (`<class>/<frame>`). The class is the
 * folder a frame sits in. A folder spelled as a known class's display name ("Polyp", "pólipo") or
 * without its numeric prefix ("polyps" for "2_polyps") is that class, so a clinician's folders
 * join the model's classes instead of making near-copies of them. Pure: names in, names out.
 */
import type { DisplayName } from '../core/classes.ts';

interface KnownClass {
  name: string;
  display: DisplayName;
}

export interface PathedFile {
  file: File;
  /** The path within the picked folder ("root/class/frame.jpg"), or just the name for a loose file. */
  path: string;
}

export type SkipReason = 'not-image' | 'empty' | 'no-class-folder';

export interface SortedFile {
  file: File;
  path: string;
  className: string;
}

const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|bmp|gif|avif)$/i;

export function isImageFile(file: File): boolean {
  return file.type.startsWith('image/') || IMAGE_EXTENSIONS.test(file.name);
}

/** The folder a file sits in, or undefined when the path has no folder. */
export function classFolderOf(path: string): string | undefined {
  const parts = path.split(/[\\/]/).filter(Boolean);
  return parts.length >= 2 ? parts[parts.length - 2] : undefined;
}

const fold = (s: string) =>
  s
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ')
    .trim();

/** The known class a folder name means, else the folder name itself (a new class). */
export function matchClassName(folder: string, known: readonly KnownClass[]): string {
  const f = fold(folder);
  for (const c of known) {
    const spellings = [c.name, c.name.replace(/^\d+[_-]/, ''), c.display.en, c.display.es];
    if (spellings.some((s) => fold(s) === f)) return c.name;
  }
  return folder.trim();
}

export function sortIntoClasses(
  files: readonly PathedFile[],
  known: readonly KnownClass[],
): { sorted: SortedFile[]; skipped: { name: string; reason: SkipReason }[] } {
  const sorted: SortedFile[] = [];
  const skipped: { name: string; reason: SkipReason }[] = [];
  for (const { file, path } of files) {
    const base = path.split(/[\\/]/).pop() ?? path;
    if (base.startsWith('.')) continue; // .DS_Store and the like: not the user's frames
    if (!isImageFile(file)) skipped.push({ name: path, reason: 'not-image' });
    else if (file.size === 0) skipped.push({ name: path, reason: 'empty' });
    else {
      const folder = classFolderOf(path);
      if (folder === undefined) skipped.push({ name: path, reason: 'no-class-folder' });
      else sorted.push({ file, path, className: matchClassName(folder, known) });
    }
  }
  return { sorted, skipped };
}
