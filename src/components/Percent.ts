/** 0.8734 -> "87.3 %" (locale-aware decimal). */
export function formatPercent(x: number, lang: string, digits = 1): string {
  return new Intl.NumberFormat(lang, { style: 'percent', minimumFractionDigits: digits, maximumFractionDigits: digits }).format(x);
}
