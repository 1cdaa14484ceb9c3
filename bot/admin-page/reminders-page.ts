import { recordAudit } from '../../storage/audit-log.js';
import { findCoordinatorById } from '../../storage/coordinator-repository.js';
import { coordinatorIdOfCredential } from '../../storage/credentials.js';
import {
  outcomeSchema,
  type TargetStatus,
  type WaveDoc,
  type WaveOrigin,
} from '../../storage/reminder-documents.js';
import { scopeOfUrl } from '../admin-api/scope-request.js';
import { allTargetStatuses, newWave, previewWave } from '../reminders/plan-wave.js';
import { skipReasons } from '../reminders/reminder-policy.js';
import { escapeHtml, formatNumber } from '../synthesis/html-parts.js';
import type { AdminPageDeps } from './admin-page-deps.js';
import { scopedCouncils } from './overview-page.js';
import { actorOf, type PageHandler, type PageRequest } from './page-request.js';
import {
  csrfField,
  forbiddenPage,
  formatDateTime,
  notice,
  redirect,
  showPage,
} from './render-admin-page.js';

/**
 * `GET /admin/reminders`: plan a reminder wave for the councils in scope, then send it after a
 * confirmation (`POST /admin/reminders/plan` shows who it would reach, `POST
 * /admin/reminders/send` creates the wave), and the status of every wave in scope. Waves are
 * the reminders feature's own (bot/reminders/): `concerto serve` sends them, paced, once each.
 */
export function remindersPage(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const { t } = request;
    const scope = await request.scope();
    if (scope.kind === 'forbidden') return forbiddenPage(request, scope.reason);
    const created = request.url.searchParams.get('created');
    const waves = (
      await deps.reminders.repository.listWaves({ consultationId: deps.consultation.id })
    )
      .filter((w) => visible(request, w))
      .reverse();
    const body = `${created === null ? '' : notice(t('admin.reminders.created', { wave: created }))}
<p>${escapeHtml(t('admin.reminders.intro'))}</p>
<h2>${escapeHtml(t('admin.reminders.plan_title'))}</h2>
${await planForm(deps, request)}
<h2>${escapeHtml(t('admin.reminders.waves_title'))}</h2>
${wavesTable(request, waves)}`;
    showPage(request, t('admin.reminders.title'), body);
  };
}

/** `POST /admin/reminders/plan`: who a wave now would reach, per council, and a confirmation. */
export function planReminders(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const { t, lang } = request;
    const asked = await askedOf(deps, request);
    if (asked === undefined) return;
    const preview = await previewWave(
      { councilIds: asked.councilIds, statuses: asked.statuses },
      {
        participants: deps.storage.participants,
        consultation: deps.consultation,
        catalog: deps.catalog,
        now: new Date(),
      },
    );
    const n = (v: number) => formatNumber(v, lang);
    const councils = new Map((await scopedCouncils(deps, asked.councilIds)).map((c) => [c.id, c]));
    const reasons = skipReasons.filter((r) =>
      [...preview.byCouncil.values()].some((m) => m.has(r)),
    );
    const rows = [...preview.byCouncil]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([id, counts]) =>
          `<tr><th scope="row">${escapeHtml(councils.get(id)?.name ?? (id || '—'))} <span class="hint">${escapeHtml(id)}</span></th>${allTargetStatuses.map((s) => `<td class="num">${n(counts.get(s) ?? 0)}</td>`).join('')}${reasons.map((r) => `<td class="num">${n(counts.get(r) ?? 0)}</td>`).join('')}</tr>`,
      )
      .join('');
    const table =
      rows === ''
        ? ''
        : `<div class="scroll" tabindex="0"><table><caption>${escapeHtml(t('admin.reminders.preview_caption'))}</caption><thead><tr><th scope="col">${escapeHtml(t('admin.council'))}</th>${allTargetStatuses.map((s) => `<th scope="col" class="num">${escapeHtml(t(`admin.status.${s}`))}</th>`).join('')}${reasons.map((r) => `<th scope="col" class="num">${escapeHtml(t(`admin.reminders.skip.${r}`))}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div>`;
    const when = preview.later
      ? t('admin.reminders.when_later', { at: formatDateTime(preview.at, lang) })
      : t('admin.reminders.when_now');
    const hidden = [
      ...(asked.named ?? []).map(
        (c) => `<input type="hidden" name="council" value="${escapeHtml(c)}">`,
      ),
      ...asked.statuses.map((s) => `<input type="hidden" name="status" value="${s}">`),
    ].join('');
    const samples = preview.samples
      .map(
        (s) =>
          `<figure><figcaption>${escapeHtml(t('admin.reminders.sample', { lang: t(`admin.lang.${s.lang}`) }))}</figcaption><blockquote lang="${s.lang}"><p>${escapeHtml(s.text).replaceAll('\n', '<br>')}</p></blockquote></figure>`,
      )
      .join('');
    const confirm =
      preview.queued === 0
        ? `<p>${escapeHtml(t('admin.reminders.nobody'))}</p>`
        : `<form method="post" action="/admin/reminders/send">${csrfField(request.session.csrfToken)}${hidden}
<p><button type="submit">${escapeHtml(t('admin.reminders.confirm', { count: preview.queued }))}</button> <a href="/admin/reminders">${escapeHtml(t('admin.reminders.cancel'))}</a></p>
</form>`;
    const body = `<p role="status">${escapeHtml(t('admin.reminders.preview_summary', { queued: n(preview.queued), skipped: n(preview.skipped) }))} ${escapeHtml(when)}</p>
${table}
${samples}
${confirm}`;
    showPage(request, t('admin.reminders.confirm_title'), body);
  };
}

/** `POST /admin/reminders/send`: creates the wave (confirmed); a running server sends it. */
export function sendReminders(deps: AdminPageDeps): PageHandler {
  return async (request) => {
    const asked = await askedOf(deps, request);
    if (asked === undefined) return;
    const { principal } = request;
    const wave = newWave(
      {
        origin: await originOf(deps, request),
        statuses: asked.statuses,
        ...(asked.councilIds === undefined ? {} : { councilIds: asked.councilIds }),
      },
      deps.consultation,
      new Date(),
    );
    await deps.reminders.repository.createWave(wave);
    deps.reminders.nudge();
    await recordAudit(deps.db, {
      actor: actorOf(principal),
      action: 'reminder_wave_created',
      details: { wave: wave._id, councils: asked.councilIds ?? ['all'], statuses: asked.statuses },
      outcome: 'done',
    });
    redirect(request.res, `/admin/reminders?created=${encodeURIComponent(wave._id)}`);
  };
}

/**
 * Who asked for a wave. A coordinator whose credential names their coordinator record, once
 * linked to Telegram, is told there how it went when it is done, as after `/remind`.
 */
async function originOf(deps: AdminPageDeps, request: PageRequest): Promise<WaveOrigin> {
  const { principal } = request;
  if (principal.role === 'admin')
    return { kind: 'admin', by: `${principal.credentialId} (${principal.name})` };
  const coordinatorId = await coordinatorIdOfCredential(deps.db, principal.credentialId);
  const coordinator =
    coordinatorId === undefined ? null : await findCoordinatorById(deps.db, coordinatorId);
  if (coordinator?.telegramUserId === undefined)
    return { kind: 'coordinator', coordinatorId: `credential:${principal.credentialId}` };
  return {
    kind: 'coordinator',
    coordinatorId: coordinator._id,
    telegramUserId: coordinator.telegramUserId,
    lang: request.lang,
  };
}

interface Asked {
  /** The councils named in the form (undefined: none named). */
  named: string[] | undefined;
  /** The wave's councils once scoped: a coordinator's always; undefined for an admin's "all". */
  councilIds: string[] | undefined;
  statuses: TargetStatus[];
}

/** The councils and statuses of a plan or send form, scoped as the API scopes a URL. */
async function askedOf(deps: AdminPageDeps, request: PageRequest): Promise<Asked | undefined> {
  const named = request.form
    .getAll('council')
    .flatMap((c) => c.split(','))
    .map((c) => c.trim().toUpperCase())
    .filter((c) => c !== '');
  const url = new URL('/admin/reminders', 'http://localhost');
  for (const c of named) url.searchParams.append('council', c);
  const scope = await scopeOfUrl(deps.db, request.principal, url);
  if (scope.kind === 'forbidden') {
    forbiddenPage(request, scope.reason);
    return undefined;
  }
  const statuses = allTargetStatuses.filter((s) => request.form.getAll('status').includes(s));
  return {
    named: named.length > 0 ? named : undefined,
    councilIds: scope.councilIds,
    statuses: statuses.length > 0 ? statuses : [...allTargetStatuses],
  };
}

/** A coordinator sees the waves of their councils only; an admin sees every wave. */
function visible(request: PageRequest, wave: WaveDoc): boolean {
  const { principal } = request;
  if (principal.role === 'admin') return true;
  return (
    wave.councilIds !== undefined &&
    wave.councilIds.every((id) => principal.councilIds.includes(id))
  );
}

async function planForm(deps: AdminPageDeps, request: PageRequest): Promise<string> {
  const { t, principal } = request;
  const preset = request.url.searchParams.getAll('council').map((c) => c.toUpperCase());
  const councilField =
    principal.role === 'coordinator'
      ? `<fieldset><legend>${escapeHtml(t('admin.exports.councils'))}</legend><p class="hint">${escapeHtml(t('admin.exports.councils_mine'))}</p>${(
          await scopedCouncils(deps, principal.councilIds)
        )
          .map(
            (c) =>
              `<label class="check"><input type="checkbox" name="council" value="${c.id}"${preset.includes(c.id) ? ' checked' : ''}> ${escapeHtml(`${c.name} (${c.commune})`)}</label>`,
          )
          .join('')}</fieldset>`
      : `<label for="remind-council">${escapeHtml(t('admin.exports.council_codes'))}</label><p class="hint" id="remind-council-hint">${escapeHtml(t('admin.reminders.council_hint'))}</p><input id="remind-council" name="council" value="${escapeHtml(preset.join(','))}" aria-describedby="remind-council-hint">`;
  return `<form method="post" action="/admin/reminders/plan">${csrfField(request.session.csrfToken)}
${councilField}
<fieldset><legend>${escapeHtml(t('admin.reminders.who'))}</legend>${allTargetStatuses
    .map(
      (s) =>
        `<label class="check"><input type="checkbox" name="status" value="${s}" checked> ${escapeHtml(t(`admin.status.${s}`))}</label>`,
    )
    .join('')}</fieldset>
<p><button type="submit">${escapeHtml(t('admin.reminders.plan'))}</button></p>
</form>`;
}

function wavesTable(request: PageRequest, waves: WaveDoc[]): string {
  const { t, lang } = request;
  if (waves.length === 0) return `<p>${escapeHtml(t('admin.reminders.no_wave'))}</p>`;
  const n = (v: number) => formatNumber(v, lang);
  const rows = waves
    .map((w) => {
      const totals = Object.fromEntries(outcomeSchema.options.map((o) => [o, 0]));
      for (const outcomes of Object.values(w.counts))
        for (const o of outcomeSchema.options) totals[o] = (totals[o] ?? 0) + (outcomes[o] ?? 0);
      const origin =
        w.origin.kind === 'schedule'
          ? t('admin.reminders.origin.schedule', { days: w.origin.daysBefore })
          : t(`admin.reminders.origin.${w.origin.kind}`);
      return `<tr><td>${escapeHtml(formatDateTime(w.createdAt, lang))}</td><td>${escapeHtml(origin)}</td><td>${escapeHtml(w.councilIds?.join(', ') ?? t('admin.reminders.all_councils'))}</td><td>${escapeHtml(t(`admin.reminders.state.${w.state}`))}</td><td class="num">${n(w.planned)}</td>${outcomeSchema.options.map((o) => `<td class="num">${n(totals[o] ?? 0)}</td>`).join('')}</tr>`;
    })
    .join('');
  return `<div class="scroll" tabindex="0"><table><caption>${escapeHtml(t('admin.reminders.waves_caption', { count: waves.length }))}</caption><thead><tr><th scope="col">${escapeHtml(t('admin.reminders.created_at'))}</th><th scope="col">${escapeHtml(t('admin.reminders.origin'))}</th><th scope="col">${escapeHtml(t('admin.exports.councils'))}</th><th scope="col">${escapeHtml(t('admin.reminders.state'))}</th><th scope="col" class="num">${escapeHtml(t('admin.reminders.planned'))}</th>${outcomeSchema.options.map((o) => `<th scope="col" class="num">${escapeHtml(t(`admin.reminders.outcome.${o}`))}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table></div>`;
}
