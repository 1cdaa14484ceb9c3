// Small pieces of the HTML report: escaping, numbers and the inline SVG bars.
import type { Lang } from '../../dialogs/session-state.js';

/** Text made safe for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** 1234.5 → « 1 234,5 » in French, « 1,234.5 » in English. */
export function formatNumber(value: number, lang: Lang): string {
  return numberFormats[lang].format(value);
}

/** 33.3 → « 33,3 % » (French puts a narrow space before the sign). */
export function formatPercent(value: number, lang: Lang): string {
  return lang === 'fr' ? `${formatNumber(value, lang)}\u202f%` : `${formatNumber(value, lang)} %`;
}

const numberFormats: Record<Lang, Intl.NumberFormat> = {
  fr: new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 }),
  en: new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 }),
};

/**
 * A horizontal bar for `fraction` (0–1), drawn in SVG beside the number it shows. Hidden from
 * screen readers: the number in the same table cell says it.
 */
export function bar(fraction: number, tone: 'main' | 'muted' = 'main'): string {
  const width = Math.max(0, Math.min(100, Math.round(fraction * 1000) / 10));
  return `<svg class="bar" viewBox="0 0 100 8" width="110" height="9" aria-hidden="true" focusable="false" preserveAspectRatio="none"><rect width="100" height="8" fill="#e8e8e8"/><rect width="${width}" height="8" fill="${tone === 'main' ? '#1f4e8c' : '#5c5c5c'}"/></svg>`;
}

/** A heading's text with its translation beside it (« Participation · Participation »). */
export function bilingual(primary: string, secondary: string, secondaryLang: Lang): string {
  if (primary === secondary) return escapeHtml(primary);
  return `${escapeHtml(primary)} <span class="alt" lang="${secondaryLang}">${escapeHtml(secondary)}</span>`;
}

/** The stylesheet: screen and A4 print, contrast above 4.5:1 everywhere. */
export const reportStyles = `
:root { color: #1b1b1b; background: #fff; font: 11pt/1.45 system-ui, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
h1 { font-size: 1.7rem; margin: 0 0 .3rem; }
h2 { font-size: 1.35rem; margin: 2rem 0 .6rem; border-bottom: 2px solid #1f4e8c; padding-bottom: .2rem; }
h3 { font-size: 1.05rem; margin: 1.4rem 0 .3rem; }
h4 { font-size: .95rem; margin: .9rem 0 .3rem; }
.alt { display: block; font-size: .8em; font-weight: normal; color: #4a4a4a; }
h1 .alt, h2 .alt { display: inline; margin-left: .4em; }
h2 .alt::before, h1 .alt::before { content: "· "; }
p, ul, ol { margin: .3rem 0 .6rem; }
.meta { color: #4a4a4a; font-size: .92em; }
a { color: #1a4a94; }
/* A wide table scrolls inside its own box, never the page (a phone, or many councils' columns). */
.table-wrap { overflow-x: auto; max-width: 100%; margin: .3rem 0 .8rem; }
.table-wrap:focus-visible { outline: 3px solid #b34700; outline-offset: 2px; }
table { border-collapse: collapse; width: 100%; margin: 0; font-size: .95em; }
caption { text-align: left; font-weight: 600; padding: .2rem 0; }
th, td { border-bottom: 1px solid #c4c4c4; padding: .25rem .4rem; text-align: left; vertical-align: top; }
thead th { border-bottom: 2px solid #767676; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
thead th.num { white-space: normal; overflow-wrap: anywhere; hyphens: auto; }
th, td { overflow-wrap: anywhere; }
td.share { white-space: nowrap; font-variant-numeric: tabular-nums; }
td.share .n { display: inline-block; min-width: 3.8em; text-align: right; }
td.share .bar { margin-left: .4rem; vertical-align: middle; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
blockquote { margin: .15rem 0 .35rem; padding-left: .6rem; border-left: 3px solid #c4c4c4; }
ul.quotes { list-style: none; padding: 0; margin: 0; }
nav ol { columns: 2; }
.question { break-inside: avoid; }
footer { margin-top: 2.5rem; border-top: 1px solid #c4c4c4; font-size: .9em; color: #333; }
@page { size: A4; margin: 15mm 14mm 16mm; }
@media (max-width: 40rem) {
  body { padding: .75rem; }
  nav ol { columns: 1; }
  td.share .bar { width: 3.5rem; }
}
@media print {
  :root { font-size: 10pt; }
  body { max-width: none; padding: 0; }
  .table-wrap { overflow: visible; }
  a { color: inherit; text-decoration: none; }
  section.theme, section.appendix { break-before: page; }
  h2, h3, h4, caption { break-after: avoid; }
  tr, blockquote { break-inside: avoid; }
  thead { display: table-header-group; }
}
`;
