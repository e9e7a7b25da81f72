/** i18next set up once: English and Spanish, the browser's language unless the user chose one. */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { es } from './es.ts';
import { gradcamResources } from './gradcam.ts';
import { liveResources } from './live.ts';
import { reviewResources } from './review.ts';
import { exportResources } from './session-export.ts';
import { teachResources } from './teach.ts';
import { videoResources } from './video.ts';

/** The app's own texts plus those of the review, Grad-CAM, export, live, video and teach features (distinct top-level keys). */
export const resources = {
  en: {
    translation: {
      ...en,
      ...reviewResources.en,
      ...gradcamResources.en,
      ...exportResources.en,
      ...liveResources.en,
      ...videoResources.en,
      ...teachResources.en,
    },
  },
  es: {
    translation: {
      ...es,
      ...reviewResources.es,
      ...gradcamResources.es,
      ...exportResources.es,
      ...liveResources.es,
      ...videoResources.es,
      ...teachResources.es,
    },
  },
};

export const LANGUAGES = ['en', 'es'] as const;
export type Language = (typeof LANGUAGES)[number];

export function browserLanguage(
  langs: readonly string[] = typeof navigator === 'undefined' ? [] : (navigator.languages ?? [navigator.language]),
): Language {
  for (const l of langs) {
    const base = l.toLowerCase().split('-')[0];
    if ((LANGUAGES as readonly string[]).includes(base)) return base as Language;
  }
  return 'en';
}

export function initI18n(lng: Language): typeof i18next {
  void i18next.use(initReactI18next).init({
    resources,
    lng,
    fallbackLng: 'en',
    interpolation: { escapeValue: false }, // React escapes
    returnNull: false,
  });
  return i18next;
}

export function setLanguage(lng: Language): void {
  void i18next.changeLanguage(lng);
  document.documentElement.lang = lng;
}
