import { readFileSync } from 'node:fs';
import type { Lang } from '../../dialogs/nlu/intent-name.js';
import { translator, type Catalog } from '../../dialogs/translate.js';

/** The operator's pages, at the addresses the footer of the chat links to. */
export const documentPages = [
  { page: 'legal', path: '/mentions-legales' },
  { page: 'privacy', path: '/confidentialite' },
  { page: 'a11y', path: '/accessibilite' },
] as const;

export type DocumentPage = (typeof documentPages)[number]['page'];

/** What the pages state as facts: the contact and the retention periods actually applied. */
export interface DocumentFacts {
  /** An e-mail address or a web address (PRIVACY_CONTACT); unset: the pages say so. */
  contact?: string | undefined;
  transcriptDays: number;
  directLineDays: number;
  codeMinutes: number;
}

const template = readFileSync(new URL('./static/document.html', import.meta.url), 'utf8');

/**
 * A legal notice, privacy or accessibility page: plain HTML, French first then English, each
 * section `web.doc.<page>.<n>.title` / `.text` of the locales (lines starting with "• " are a list).
 */
export function renderDocumentPage(
  page: DocumentPage,
  catalog: Catalog,
  facts: DocumentFacts,
  cssUrl: string,
): string {
  const part = (lang: Lang) => {
    const t = translator(catalog, lang);
    const params = {
      transcriptDays: facts.transcriptDays,
      directLineDays: facts.directLineDays,
      codeMinutes: facts.codeMinutes,
    };
    const contact = contactHtml(facts.contact, t('web.doc.contact_missing'));
    const sections: string[] = [];
    for (let n = 1; catalog.fr[`web.doc.${page}.${n}.title`] !== undefined; n += 1) {
      const text = textHtml(t(`web.doc.${page}.${n}.text`, params)).replaceAll(
        '{contact}',
        contact,
      );
      sections.push(`<h3>${escapeHtml(t(`web.doc.${page}.${n}.title`))}</h3>\n${text}`);
    }
    return sections.join('\n');
  };
  const fr = translator(catalog, 'fr');
  const en = translator(catalog, 'en');
  const body = [
    `<h1>${escapeHtml(fr(`web.doc.${page}.title`))} <span lang="en">· ${escapeHtml(en(`web.doc.${page}.title`))}</span></h1>`,
    bilingual(
      fr('web.doc.language_heading'),
      part('fr'),
      en('web.doc.language_heading'),
      part('en'),
    ),
  ].join('\n');
  return fill({
    lang: 'fr',
    title: `${fr(`web.doc.${page}.title`)} · ${en(`web.doc.${page}.title`)} – ${fr('web.title')}`,
    css: cssUrl,
    back: fr('web.doc.back'),
    jump: `<a href="#en" lang="en">${escapeHtml(en('web.doc.jump'))}</a>`,
    body,
    footer: footerHtml(catalog, page),
  });
}

/**
 * A short page instead of an error (an unknown invitation code, a missing page): what happened
 * and a link to the chat, in French then English. Keys `web.<kind>.title|text|after|action`.
 */
export function renderNoticePage(
  kind: 'unknown_code' | 'not_found',
  catalog: Catalog,
  params: Record<string, string>,
  cssUrl: string,
): string {
  const part = (lang: Lang) => {
    const t = translator(catalog, lang);
    const lines = [t(`web.${kind}.text`, params)];
    if (catalog.fr[`web.${kind}.after`] !== undefined) lines.push(t(`web.${kind}.after`));
    return `${textHtml(lines.join('\n'))}\n<p><a class="action" href="/">${escapeHtml(t(`web.${kind}.action`))}</a></p>`;
  };
  const fr = translator(catalog, 'fr');
  const en = translator(catalog, 'en');
  return fill({
    lang: 'fr',
    title: `${fr(`web.${kind}.title`)} · ${en(`web.${kind}.title`)} – ${fr('web.title')}`,
    css: cssUrl,
    back: fr('web.doc.back'),
    jump: `<a href="#en" lang="en">${escapeHtml(en('web.doc.jump'))}</a>`,
    body: [
      `<h1>${escapeHtml(fr(`web.${kind}.title`))} <span lang="en">· ${escapeHtml(en(`web.${kind}.title`))}</span></h1>`,
      bilingual(
        fr('web.doc.language_heading'),
        part('fr'),
        en('web.doc.language_heading'),
        part('en'),
      ),
    ].join('\n'),
    footer: footerHtml(catalog),
  });
}

function bilingual(frHeading: string, frBody: string, enHeading: string, enBody: string): string {
  return [
    `<section id="fr" aria-labelledby="fr-heading">\n<h2 id="fr-heading">${escapeHtml(frHeading)}</h2>\n${frBody}\n</section>`,
    `<section id="en" lang="en" aria-labelledby="en-heading">\n<h2 id="en-heading">${escapeHtml(enHeading)}</h2>\n${enBody}\n</section>`,
  ].join('\n');
}

/** The three pages, each named in both languages. */
function footerHtml(catalog: Catalog, current?: DocumentPage): string {
  const fr = translator(catalog, 'fr');
  const en = translator(catalog, 'en');
  const links = documentPages.map(({ page, path }) => {
    const here = page === current ? ' aria-current="page"' : '';
    const key = `web.footer.${page}`;
    return `<li><a href="${path}"${here}>${escapeHtml(fr(key))} <span lang="en">/ ${escapeHtml(en(key))}</span></a></li>`;
  });
  return `<nav aria-label="${escapeHtml(fr('web.footer_label'))}"><ul>${links.join('')}</ul></nav>`;
}

/** Lines become paragraphs; runs of "• " lines become one list. */
function textHtml(text: string): string {
  const out: string[] = [];
  let items: string[] = [];
  const flush = () => {
    if (items.length > 0) out.push(`<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>`);
    items = [];
  };
  for (const line of text.split('\n')) {
    if (line.startsWith('• ')) {
      items.push(escapeHtml(line.slice(2)));
      continue;
    }
    flush();
    if (line.trim() !== '') out.push(`<p>${escapeHtml(line)}</p>`);
  }
  flush();
  return out.join('\n');
}

function contactHtml(contact: string | undefined, missing: string): string {
  if (!contact) return escapeHtml(missing);
  const href = /^https?:\/\//i.test(contact) ? contact : `mailto:${contact}`;
  return `<a href="${escapeHtml(href)}">${escapeHtml(contact)}</a>`;
}

function fill(values: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    // Only the page's own markup is raw HTML; every other value is text.
    return name === 'body' || name === 'footer' || name === 'jump' ? value : escapeHtml(value);
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
