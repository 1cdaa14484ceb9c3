import type { Lang } from '../../dialogs/session-state.js';
import { escapeHtml, formatNumber } from '../synthesis/html-parts.js';

/**
 * Server-rendered SVG charts for the admin page: no script, no library. Each chart is a
 * <figure> whose drawing is hidden from screen readers and whose numbers are a real table
 * right under it (for the line chart, whose table is long, a table visible to screen readers
 * only, with a summary line under the drawing for everyone).
 */
export interface ChartText {
  /** The figure's caption (also the table's). */
  caption: string;
  lang: Lang;
}

export interface LineSeries {
  label: string;
  values: readonly number[];
}

/** Two series (or more) drawn over the same days, cumulative counts for example. */
export function lineChart(
  text: ChartText & { xLabel: string; summary: string },
  xLabels: readonly string[],
  series: readonly LineSeries[],
): string {
  const width = 640;
  const height = 240;
  const left = 48;
  const right = 28;
  const top = 12;
  const bottom = 36;
  const max = niceMax(Math.max(1, ...series.flatMap((s) => s.values)));
  const n = Math.max(1, xLabels.length - 1);
  const x = (i: number) => left + ((width - left - right) * i) / n;
  const y = (v: number) => top + (height - top - bottom) * (1 - v / max);
  const grid = (max <= 2 ? [0, 0.5, 1] : [0, 0.2, 0.4, 0.6, 0.8, 1])
    .map((f) => {
      const value = Math.round(max * f);
      return `<line x1="${left}" x2="${width - right}" y1="${y(value)}" y2="${y(value)}" stroke="#d0d0d0"/><text x="${left - 6}" y="${y(value) + 4}" text-anchor="end" font-size="11" fill="#333">${formatNumber(value, text.lang)}</text>`;
    })
    .join('');
  const ticks = tickIndexes(xLabels.length)
    .map(
      (i) =>
        `<text x="${x(i)}" y="${height - bottom + 16}" text-anchor="middle" font-size="11" fill="#333">${escapeHtml(xLabels[i] ?? '')}</text>`,
    )
    .join('');
  const lines = series
    .map((s, k) => {
      const style = seriesStyles[k % seriesStyles.length] ?? seriesStyles[0];
      const points =
        s.values.length === 1
          ? `${x(0)},${y(s.values[0] ?? 0)} ${x(1)},${y(s.values[0] ?? 0)}`
          : s.values.map((v, i) => `${x(i)},${y(v)}`).join(' ');
      return `<polyline fill="none" stroke="${style.color}" stroke-width="2.5" stroke-dasharray="${style.dash}" points="${points}"/>`;
    })
    .join('');
  let legendX = left;
  const legend = series
    .map((s, k) => {
      const style = seriesStyles[k % seriesStyles.length] ?? seriesStyles[0];
      const item = `<g transform="translate(${legendX},${height - 8})"><line x1="0" x2="24" y1="-4" y2="-4" stroke="${style.color}" stroke-width="2.5" stroke-dasharray="${style.dash}"/><text x="30" y="0" font-size="12" fill="#1a1a1a">${escapeHtml(s.label)}</text></g>`;
      legendX += 50 + s.label.length * 7;
      return item;
    })
    .join('');
  const rows = xLabels
    .map(
      (label, i) =>
        `<tr><th scope="row">${escapeHtml(label)}</th>${series.map((s) => `<td class="num">${formatNumber(s.values[i] ?? 0, text.lang)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `<figure>
<figcaption>${escapeHtml(text.caption)}</figcaption>
<svg viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" aria-hidden="true" focusable="false">${grid}${lines}${ticks}${legend}</svg>
<p>${escapeHtml(text.summary)}</p>
<div class="sr-only"><table><caption>${escapeHtml(text.caption)}</caption><thead><tr><th scope="col">${escapeHtml(text.xLabel)}</th>${series.map((s) => `<th scope="col" class="num">${escapeHtml(s.label)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div>
</figure>`;
}

export interface Bar {
  label: string;
  value: number;
  /** What the value is out of (for the percentage column); the largest value without it. */
  of?: number | undefined;
}

/**
 * Horizontal bars, one per row of the table that gives their numbers: the drawing sits in
 * the table's cells (hidden from screen readers), so the numbers and bars cannot disagree.
 * `funnel` centres the bars, each a step of a path where people fall away.
 */
export function barChart(
  text: ChartText & { labelHeader: string; valueHeader: string; percentHeader?: string },
  bars: readonly Bar[],
  options: { funnel?: boolean } = {},
): string {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const rows = bars
    .map((b) => {
      const of = b.of ?? max;
      const fraction = of > 0 ? Math.min(1, b.value / of) : 0;
      const percent =
        text.percentHeader === undefined
          ? ''
          : `<td class="num">${of > 0 ? `${formatNumber(Math.round(fraction * 1000) / 10, text.lang)}${text.lang === 'fr' ? '\u202f%' : '%'}` : '—'}</td>`;
      return `<tr><th scope="row">${escapeHtml(b.label)}</th><td class="num">${formatNumber(b.value, text.lang)}</td>${percent}<td>${barSvg(fraction, options.funnel === true)}</td></tr>`;
    })
    .join('');
  return `<figure>
<div class="scroll" tabindex="0"><table><caption>${escapeHtml(text.caption)}</caption><thead><tr><th scope="col">${escapeHtml(text.labelHeader)}</th><th scope="col" class="num">${escapeHtml(text.valueHeader)}</th>${text.percentHeader === undefined ? '' : `<th scope="col" class="num">${escapeHtml(text.percentHeader)}</th>`}<td></td></tr></thead><tbody>${rows}</tbody></table></div>
</figure>`;
}

function barSvg(fraction: number, centred: boolean): string {
  const width = Math.max(0, Math.min(200, Math.round(fraction * 2000) / 10));
  const x = centred ? (200 - width) / 2 : 0;
  return `<svg viewBox="0 0 200 14" width="200" height="14" aria-hidden="true" focusable="false"><rect width="200" height="14" fill="#ececec"/><rect x="${x}" width="${width}" height="14" fill="#1f4e8c"/></svg>`;
}

/** Colours apart by 4.5:1 from white, and dashes, so the lines differ without colour too. */
const seriesStyles = [
  { color: '#1f4e8c', dash: 'none' },
  { color: '#a33b00', dash: '7 4' },
  { color: '#1f6b2c', dash: '2 3' },
] as const;

/** A round upper bound for the axis: 1, 2, 5 × a power of ten. */
function niceMax(value: number): number {
  const power = 10 ** Math.floor(Math.log10(value));
  for (const step of [1, 2, 5, 10]) if (step * power >= value) return step * power;
  return 10 * power;
}

/** At most 6 labelled days on the axis, the first and the last among them. */
function tickIndexes(count: number): number[] {
  if (count <= 6) return [...Array(count).keys()];
  const step = Math.ceil((count - 1) / 5);
  const indexes = [];
  for (let i = 0; i < count - 1; i += step) indexes.push(i);
  indexes.push(count - 1);
  return indexes;
}
