/**
 * The findings of the WCE Curated Colon Disease Dataset, keyed by the dataset's class-folder names.
 * Class folders are the source of truth for a model's classes (sorted order, as Keras's
 * flow_from_directory assigns indices); this table only gives them names a clinician reads.
 */
export interface DisplayName {
  en: string;
  es: string;
}

export const CURATED_CLASS_FOLDERS = ['0_normal', '1_ulcerative_colitis', '2_polyps', '3_esophagitis'] as const;

const FINDING_NAMES: Record<string, DisplayName> = {
  '0_normal': { en: 'Normal mucosa', es: 'Mucosa normal' },
  '1_ulcerative_colitis': { en: 'Ulcerative colitis', es: 'Colitis ulcerosa' },
  '2_polyps': { en: 'Polyp', es: 'Pólipo' },
  '3_esophagitis': { en: 'Esophagitis', es: 'Esofagitis' },
};

/** Display names for a class folder; unknown folders (a user's own data) get a readable fallback. */
export function displayNameFor(className: string): DisplayName {
  const known = FINDING_NAMES[className];
  if (known) return known;
  const words =
    className
      .replace(/^\d+[_-]/, '')
      .replace(/[_-]+/g, ' ')
      .trim() || className;
  const readable = words.charAt(0).toUpperCase() + words.slice(1);
  return { en: readable, es: readable };
}
