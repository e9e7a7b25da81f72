import { describe, expect, it } from 'vitest';
import { en } from './en.ts';
import { es } from './es.ts';
import { browserLanguage, resources } from './index.ts';

function keys(o: object, prefix = ''): string[] {
  return Object.entries(o).flatMap(([k, v]) =>
    typeof v === 'object' && v !== null ? keys(v as object, `${prefix}${k}.`) : [`${prefix}${k}`],
  );
}

function placeholders(o: object): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  const walk = (x: object, p: string) =>
    Object.entries(x).forEach(([k, v]) => {
      if (typeof v === 'string') out[`${p}${k}`] = (v.match(/\{\{\w+\}\}/g) ?? []).sort();
      else walk(v as object, `${p}${k}.`);
    });
  walk(o, '');
  return out;
}

describe('translations', () => {
  it('Spanish has every English key and the same placeholders', () => {
    expect(keys(es).sort()).toEqual(keys(en).sort());
    expect(placeholders(es)).toEqual(placeholders(en));
  });

  it('has every text of the familiarity check (issue 4 item 6) in both languages, none empty', () => {
    const wanted = [
      'review.level.unfamiliar',
      'review.levelDescription.unfamiliar',
      'review.unfamiliarNote',
      'frame.predictedUnfamiliar',
      'results.unfamiliarCountLine',
      'modelCard.familiarity',
      'modelCard.familiarityWhat',
      'modelCard.familiarityThreshold',
      'modelCard.familiarityFlags',
      'modelCard.familiarityShare',
      'modelCard.familiarityNone',
      'modelCard.splitNames.val',
      'modelCard.splitNames.test',
      'modelCard.splitNames.train',
    ];
    const lookup = (o: object, path: string): unknown =>
      path.split('.').reduce<unknown>((x, k) => (x as Record<string, unknown> | undefined)?.[k], o);
    for (const lang of [resources.en.translation, resources.es.translation]) {
      for (const k of wanted) expect(lookup(lang, k), k).toMatch(/\S/);
    }
    expect(lookup(resources.es.translation, 'review.level.unfamiliar')).toBe('Distinta de las imágenes de entrenamiento');
    expect(lookup(resources.en.translation, 'review.level.unfamiliar')).toBe('Unlike training images');
  });

  it('chooses Spanish for any Spanish browser locale and English otherwise', () => {
    expect(browserLanguage(['es-MX', 'en'])).toBe('es');
    expect(browserLanguage(['fr-FR', 'es-ES'])).toBe('es');
    expect(browserLanguage(['de-DE'])).toBe('en');
    expect(browserLanguage([])).toBe('en');
  });
});
