import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n/index.ts';
import { useAppStore } from '../store/store.ts';

const NAMES: Record<Language, string> = { en: 'English', es: 'Español' };

/** The interface language: switched at once and kept in the settings. The caller labels it. */
export function LanguageSelect({ id }: { id?: string }) {
  const { i18n } = useTranslation();
  const updateSettings = useAppStore((s) => s.updateSettings);
  return (
    <select
      id={id}
      value={i18n.language}
      onChange={(e) => {
        const l = e.target.value as Language;
        updateSettings({ language: l });
        setLanguage(l);
      }}
    >
      {LANGUAGES.map((l) => (
        <option key={l} value={l}>
          {NAMES[l]}
        </option>
      ))}
    </select>
  );
}
