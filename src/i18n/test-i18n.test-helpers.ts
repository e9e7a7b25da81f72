/** i18next for component tests: every text of the app (src/i18n/index.ts), English unless asked. */
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { resources } from './index.ts';

export async function initTestI18n(lng: 'en' | 'es' = 'en'): Promise<void> {
  await i18next.use(initReactI18next).init({ lng, resources, interpolation: { escapeValue: false } });
}
