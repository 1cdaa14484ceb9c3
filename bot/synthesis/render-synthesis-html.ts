import type { Lang } from '../../dialogs/session-state.js';
import { translator, type Translate } from '../../dialogs/translate.js';
import enStrings from '../../locales/en/synthesis.json' with { type: 'json' };
import frStrings from '../../locales/fr/synthesis.json' with { type: 'json' };
import {
  bar,
  bilingual,
  escapeHtml,
  formatNumber,
  formatPercent,
  reportStyles,
} from './html-parts.js';
import type {
  Bilingual,
  ChoiceQuestionSynthesis,
  NoOpinion,
  QuestionSynthesis,
  ScaleQuestionSynthesis,
  SynthesisReport,
  TextQuestionSynthesis,
  ThemeSynthesis,
} from './synthesis-report.js';

/** The report's own strings (locales/<lang>/synthesis.json). */
export const synthesisCatalog = { fr: frStrings, en: enStrings } as const;

export interface HtmlOptions {
  /** The main language; headings also show the other one. */
  lang?: Lang | undefined;
  /** How many idea clusters each free-text question lists. */
  ideas?: number | undefined;
  /** How many « Autre » texts each question lists. */
  otherTexts?: number | undefined;
}

/**
 * The synthesis as one self-contained HTML page: no script, no external file, charts as
 * inline SVG bars inside the tables that give their numbers (screen readers read the
 * tables), printable on A4 (each theme on a new page), in French with English headings (or
 * the reverse), quotes marked with the language they were written in.
 *
 * @example response.end(renderSynthesisHtml(await buildSynthesis(…), { lang: 'fr' }))
 */
export function renderSynthesisHtml(report: SynthesisReport, options: HtmlOptions = {}): string {
  const lang = options.lang ?? 'fr';
  const other: Lang = lang === 'fr' ? 'en' : 'fr';
  const page: Page = {
    lang,
    other,
    t: translator(synthesisCatalog, lang),
    alt: translator(synthesisCatalog, other),
    ideas: options.ideas ?? 10,
    otherTexts: options.otherTexts ?? 20,
  };
  const { t } = page;
  const title = report.consultation.title[lang];
  const sections = [
    participationSection(page, report),
    urgencySection(page, report),
    ...report.themes.map((theme, i) => themeSection(page, theme, i + 1)),
    councilsSection(page, report),
  ];
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(`${t('synthesis.title')} — ${title}`)}</title>
<style>${reportStyles}</style>
</head>
<body>
<header>
<h1>${heading(page, 'synthesis.title')}</h1>
<p>${escapeHtml(t('synthesis.consultation', { title, version: report.consultation.version }))}</p>
<p class="meta">${escapeHtml(dataLine(page, report))} ${escapeHtml(scopeLine(page, report))}</p>
</header>
<nav aria-labelledby="contents-title">
<h2 id="contents-title">${heading(page, 'synthesis.contents')}</h2>
<ol>
<li><a href="#participation">${escapeHtml(t('synthesis.participation'))}</a></li>
<li><a href="#urgency">${escapeHtml(t('synthesis.urgency'))}</a></li>
${report.themes.map((theme) => `<li><a href="#theme-${theme.id}">${escapeHtml(theme.title[lang])}</a></li>`).join('\n')}
<li><a href="#councils">${escapeHtml(t('synthesis.councils_title'))}</a></li>
</ol>
</nav>
<main>
${sections.join('\n')}
</main>
<footer>
<h2 id="method">${heading(page, 'synthesis.method_title')}</h2>
<p>${escapeHtml(t('synthesis.method_counts'))}</p>
<p>${escapeHtml(t('synthesis.method_ideas'))}</p>
<p>${escapeHtml(t('synthesis.method_privacy'))}</p>
</footer>
</body>
</html>
`;
}

interface Page {
  lang: Lang;
  other: Lang;
  t: Translate;
  alt: Translate;
  ideas: number;
  otherTexts: number;
}

function heading(page: Page, key: string, params?: Record<string, string | number>): string {
  return bilingual(page.t(key, params), page.alt(key, params), page.other);
}

function labelled(page: Page, text: Bilingual): string {
  return bilingual(text[page.lang], text[page.other], page.other);
}

function dataLine(page: Page, report: SynthesisReport): string {
  if (report.dataUpTo === null) return page.t('synthesis.no_data');
  const date = new Intl.DateTimeFormat(page.lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: report.consultation.timeZone,
  }).format(new Date(report.dataUpTo));
  return page.t('synthesis.data_up_to', { date });
}

function scopeLine(page: Page, report: SynthesisReport): string {
  if (report.councilIds === null) return page.t('synthesis.scope_all');
  const names = new Map(report.participation.byCouncil.map((c) => [c.councilId, c.name]));
  const list = report.councilIds.map((id) => names.get(id) ?? id).join(', ');
  return page.t('synthesis.scope_councils', { list });
}

function participationSection(page: Page, report: SynthesisReport): string {
  const { t, lang } = page;
  const p = report.participation;
  const figure = (key: string, count: number) =>
    `<tr><th scope="row">${escapeHtml(t(key))}</th><td class="share"><span class="n">${formatNumber(count, lang)}</span>${bar(p.participants > 0 ? count / p.participants : 0)}</td></tr>`;
  const themeRows = report.themes.map(
    (theme) =>
      `<tr><th scope="row">${escapeHtml(theme.title[lang])}</th>${shareCell(page, theme.participation.started, p.participants)}${shareCell(page, theme.participation.finished, p.participants)}</tr>`,
  );
  const roleRows = p.byRole.map(
    (role) =>
      `<tr><th scope="row">${escapeHtml(role.label?.[lang] ?? t('synthesis.role_none'))}</th><td class="num">${formatNumber(role.participants, lang)}</td>${shareCell(page, role.started, role.participants)}${shareCell(page, role.completed, role.participants)}</tr>`,
  );
  return `<section id="participation" aria-labelledby="participation-title">
<h2 id="participation-title">${heading(page, 'synthesis.participation')}</h2>
<div class="table-wrap" tabindex="0"><table>
<caption>${escapeHtml(t('synthesis.figures_caption'))}</caption>
<thead><tr><th scope="col">${escapeHtml(t('synthesis.figure'))}</th><th scope="col">${escapeHtml(t('synthesis.count'))}</th></tr></thead>
<tbody>
${figure('synthesis.participants', p.participants)}
${figure('synthesis.started', p.started)}
${figure('synthesis.completed', p.completed)}
</tbody>
</table></div>
<div class="table-wrap" tabindex="0"><table>
<caption>${escapeHtml(t('synthesis.by_theme'))}</caption>
<thead><tr><th scope="col">${escapeHtml(t('synthesis.theme'))}</th><th scope="col">${escapeHtml(t('synthesis.theme_started'))}</th><th scope="col">${escapeHtml(t('synthesis.theme_finished'))}</th></tr></thead>
<tbody>
${themeRows.join('\n')}
</tbody>
</table></div>
<div class="table-wrap" tabindex="0"><table>
<caption>${escapeHtml(t('synthesis.by_role'))}</caption>
<thead><tr><th scope="col">${escapeHtml(t('synthesis.role'))}</th><th scope="col" class="num">${escapeHtml(t('synthesis.participants'))}</th><th scope="col">${escapeHtml(t('synthesis.started'))}</th><th scope="col">${escapeHtml(t('synthesis.completed'))}</th></tr></thead>
<tbody>
${roleRows.join('\n')}
</tbody>
</table></div>
</section>`;
}

function urgencySection(page: Page, report: SynthesisReport): string {
  const { t, lang } = page;
  const titles = new Map(report.themes.map((theme) => [theme.id, theme.title[lang]]));
  const rows = report.urgency.map(
    (u) =>
      `<tr><th scope="row">${escapeHtml(titles.get(u.themeId) ?? u.themeId)}</th><td class="share">${u.mean === null ? escapeHtml(t('synthesis.none')) : `<span class="n">${formatNumber(u.mean, lang)}</span>${bar(u.mean / 5)}`}</td><td class="num">${formatNumber(u.opinions, lang)}</td></tr>`,
  );
  return `<section id="urgency" aria-labelledby="urgency-title">
<h2 id="urgency-title">${heading(page, 'synthesis.urgency')}</h2>
<p class="meta">${escapeHtml(t('synthesis.urgency_note'))}</p>
<div class="table-wrap" tabindex="0"><table>
<caption>${escapeHtml(t('synthesis.urgency'))}</caption>
<thead><tr><th scope="col">${escapeHtml(t('synthesis.theme'))}</th><th scope="col">${escapeHtml(t('synthesis.mean'))}</th><th scope="col" class="num">${escapeHtml(t('synthesis.opinions'))}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
</section>`;
}

function themeSection(page: Page, theme: ThemeSynthesis, n: number): string {
  const { t, lang } = page;
  const id = `theme-${theme.id}`;
  const title = `${escapeHtml(t('synthesis.theme_heading', { n, title: theme.title[lang] }))} <span class="alt" lang="${page.other}">${escapeHtml(theme.title[page.other])}</span>`;
  const summary = t('synthesis.theme_summary', {
    started: formatNumber(theme.participation.started, lang),
    finished: formatNumber(theme.participation.finished, lang),
  });
  return `<section class="theme" id="${id}" aria-labelledby="${id}-title">
<h2 id="${id}-title">${title}</h2>
<p>${escapeHtml(summary)}</p>
${theme.questions.map((question) => questionBlock(page, question)).join('\n')}
</section>`;
}

function questionBlock(page: Page, question: QuestionSynthesis): string {
  const { t, lang } = page;
  const id = `q-${question.id}`;
  const meta = [
    t(question.type === 'text' ? 'synthesis.proposals_count' : 'synthesis.respondents', {
      count: formatNumber(question.respondents, lang),
    }),
    ...(question.skipped > 0
      ? [t('synthesis.skipped', { count: formatNumber(question.skipped, lang) })]
      : []),
  ].join(' · ');
  const body =
    question.respondents === 0
      ? `<p>${escapeHtml(t('synthesis.nobody'))}</p>`
      : question.type === 'text'
        ? ideasTable(page, question)
        : question.type === 'scale'
          ? scaleTable(page, question)
          : choiceTable(page, question);
  return `<section class="question" id="${id}" aria-labelledby="${id}-title">
<h3 id="${id}-title">${labelled(page, question.text)}</h3>
<p class="meta">${escapeHtml(meta)}</p>
${body}
</section>`;
}

function choiceTable(page: Page, question: ChoiceQuestionSynthesis): string {
  const { t, lang } = page;
  const ranking = question.type === 'ranking';
  const rows = question.choices.map(
    (choice) =>
      `<tr><th scope="row">${escapeHtml(choice.label[lang])}</th><td class="num">${formatNumber(choice.count, lang)}</td>${ranking ? `<td class="num">${formatNumber(choice.ranks?.[0] ?? 0, lang)}</td>` : ''}<td class="share"><span class="n">${formatPercent(choice.percent, lang)}</span>${bar(choice.percent / 100)}</td></tr>`,
  );
  const notes = [
    ...(question.type === 'multiple' ? [t('synthesis.note_multiple')] : []),
    ...(ranking ? [t('synthesis.note_ranking')] : []),
    ...noOpinionNote(page, question.noOpinion),
  ];
  return `<div class="table-wrap" tabindex="0"><table>
<caption class="visually-hidden">${escapeHtml(t('synthesis.caption', { question: question.text[lang] }))}</caption>
<thead><tr><th scope="col">${escapeHtml(t('synthesis.answer'))}</th><th scope="col" class="num">${escapeHtml(t('synthesis.count'))}</th>${ranking ? `<th scope="col" class="num">${escapeHtml(t('synthesis.first_place'))}</th>` : ''}<th scope="col">${escapeHtml(t('synthesis.percent_of_opinions'))}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
${notes.map((note) => `<p class="meta">${escapeHtml(note)}</p>`).join('\n')}
${otherTexts(page, question)}`;
}

/** « Sans avis », shown apart from the opinions (none: no line). */
function noOpinionNote(page: Page, noOpinion: NoOpinion | null): string[] {
  if (!noOpinion || noOpinion.count === 0) return [];
  const { t, lang } = page;
  return [
    t('synthesis.no_opinion', {
      count: formatNumber(noOpinion.count, lang),
      percent: formatPercent(noOpinion.percent, lang),
    }),
  ];
}

function otherTexts(page: Page, question: ChoiceQuestionSynthesis): string {
  const texts = question.other?.texts ?? [];
  if (texts.length === 0) return '';
  const { t, lang } = page;
  const shown = texts.slice(0, page.otherTexts);
  const more = texts.slice(page.otherTexts).reduce((sum, text) => sum + text.count, 0);
  return `<h4>${escapeHtml(t('synthesis.other_title'))}</h4>
<ul>
${shown.map((text) => `<li><q lang="${text.lang}">${escapeHtml(text.text)}</q>${text.count > 1 ? ` <span class="meta">${escapeHtml(t('synthesis.other_times', { count: formatNumber(text.count, lang) }))}</span>` : ''}</li>`).join('\n')}
</ul>
${more > 0 ? `<p class="meta">${escapeHtml(t('synthesis.other_more', { count: formatNumber(more, lang) }))}</p>` : ''}`;
}

function scaleTable(page: Page, question: ScaleQuestionSynthesis): string {
  const { t, lang } = page;
  const rows = question.distribution.map(
    (point) =>
      `<tr><th scope="row">${point.value} – ${escapeHtml(point.label[lang])}</th><td class="num">${formatNumber(point.count, lang)}</td><td class="share"><span class="n">${formatPercent(point.percent, lang)}</span>${bar(point.percent / 100)}</td></tr>`,
  );
  const notes = [
    ...(question.mean === null
      ? []
      : [
          t('synthesis.scale_mean', {
            mean: formatNumber(question.mean, lang),
            opinions: formatNumber(question.opinions, lang),
          }),
        ]),
    ...noOpinionNote(page, question.noOpinion),
  ];
  return `<div class="table-wrap" tabindex="0"><table>
<caption class="visually-hidden">${escapeHtml(t('synthesis.caption', { question: question.text[lang] }))}</caption>
<thead><tr><th scope="col">${escapeHtml(t('synthesis.scale_point'))}</th><th scope="col" class="num">${escapeHtml(t('synthesis.count'))}</th><th scope="col">${escapeHtml(t('synthesis.percent_of_opinions'))}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
${notes.map((note) => `<p class="meta">${escapeHtml(note)}</p>`).join('\n')}`;
}

function ideasTable(page: Page, question: TextQuestionSynthesis): string {
  const { t, lang } = page;
  const shared = question.clusters.filter((cluster) => cluster.size > 1);
  const shown = shared.slice(0, page.ideas);
  const rest = t('synthesis.ideas_rest', {
    singletons: formatNumber(question.singletons, lang),
    empty: formatNumber(question.withoutWords, lang),
  });
  if (shown.length === 0)
    return `<p>${escapeHtml(t('synthesis.ideas_none'))}</p>\n<p class="meta">${escapeHtml(rest)}</p>`;
  const rows = shown.map(
    (cluster) =>
      `<tr><th scope="row">${escapeHtml(cluster.keywords.join(' · '))}</th><td class="share"><span class="n">${formatNumber(cluster.size, lang)}</span>${bar(cluster.size / question.respondents)}</td><td><ul class="quotes">${cluster.quotes.map((quote) => `<li><blockquote lang="${quote.lang}">${escapeHtml(quote.text)}</blockquote></li>`).join('')}</ul></td></tr>`,
  );
  return `<h4>${escapeHtml(t('synthesis.ideas_title'))}</h4>
<div class="table-wrap" tabindex="0"><table>
<caption class="visually-hidden">${escapeHtml(t('synthesis.ideas_caption', { question: question.text[lang] }))}</caption>
<thead><tr><th scope="col">${escapeHtml(t('synthesis.idea'))}</th><th scope="col">${escapeHtml(t('synthesis.proposals'))}</th><th scope="col">${escapeHtml(t('synthesis.quotes'))}</th></tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
<p class="meta">${escapeHtml(rest)}</p>`;
}

function councilsSection(page: Page, report: SynthesisReport): string {
  const { t, lang } = page;
  const themes = report.themes;
  const rows = report.participation.byCouncil.map((council) => {
    const name =
      council.councilId === null
        ? t('synthesis.council_none')
        : council.name
          ? `${council.name} (${council.commune ?? ''}) · ${council.councilId}`
          : council.councilId;
    return `<tr><th scope="row">${escapeHtml(name)}</th><td class="num">${formatNumber(council.participants, lang)}</td><td class="num">${formatNumber(council.completed, lang)}</td>${themes.map((theme) => `<td class="num">${formatNumber(council.themesFinished[theme.id] ?? 0, lang)}</td>`).join('')}</tr>`;
  });
  return `<section class="appendix" id="councils" aria-labelledby="councils-title">
<h2 id="councils-title">${heading(page, 'synthesis.councils_title')}</h2>
<div class="table-wrap" tabindex="0"><table>
<caption>${escapeHtml(t('synthesis.councils_title'))}</caption>
<thead><tr><th scope="col">${escapeHtml(t('synthesis.council'))}</th><th scope="col" class="num">${escapeHtml(t('synthesis.participants'))}</th><th scope="col" class="num">${escapeHtml(t('synthesis.completed'))}</th>${themes.map((theme) => `<th scope="col" class="num">${escapeHtml(t('synthesis.finished_short', { theme: theme.title[lang] }))}</th>`).join('')}</tr></thead>
<tbody>
${rows.join('\n')}
</tbody>
</table></div>
</section>`;
}

function shareCell(page: Page, count: number, of: number): string {
  return `<td class="share"><span class="n">${formatNumber(count, page.lang)}</span>${bar(of > 0 ? count / of : 0)}</td>`;
}
