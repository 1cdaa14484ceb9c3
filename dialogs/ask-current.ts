import type { AnswerValue } from './answer-value.js';
import { choiceCandidates } from './choice-candidates.js';
import { formatAnswer } from './format-answer.js';
import { DONE, OTHER } from './parse-answer.js';
import type { Question } from './questionnaire-schema.js';
import { findQuestion, progressOf } from './questionnaire-walk.js';
import { promptReview, promptReviewTheme } from './review-step.js';
import type { Turn } from './turn.js';

/** Prompt ids of the steps that are not questions; a button carries one of these or a question id. */
export const PROMPT = {
  consent: '_consent',
  council: '_council',
  review: '_review',
  done: '_done',
  language: '_lang',
  delete: '_delete',
} as const;

export const SKIP = '_skip';

/** Shows again whatever the person is expected to answer now. */
export function askCurrent(turn: Turn): void {
  const { state } = turn;
  const pending = state.pending;
  if (pending?.kind === 'confirm_delete') return promptDelete(turn);
  if (pending?.kind === 'language') return promptLanguage(turn);
  if (pending?.kind === 'review_theme') return promptReviewTheme(turn, pending.themeId);
  switch (state.stage) {
    case 'consent':
      return promptConsent(turn, pending?.kind === 'consent_details');
    case 'council':
      return pending?.kind === 'councils' ? promptCouncilCandidates(turn) : promptCouncil(turn);
    case 'questions': {
      const question = state.current
        ? findQuestion(turn.ctx.consultation, state.current)
        : undefined;
      return question ? promptQuestion(turn, question) : promptReview(turn);
    }
    case 'review':
      return promptReview(turn);
    case 'done':
      return promptDone(turn);
  }
}

export function promptConsent(turn: Turn, details = false): void {
  const { t } = turn;
  const consent = turn.ctx.consultation.consent;
  const choices = [
    { id: 'yes', label: t('consent.accept') },
    { id: 'no', label: t('consent.refuse') },
  ];
  if (!details) choices.push({ id: 'more', label: t('consent.more') });
  turn.say(t(details ? consent.details : consent.summary), { choices, promptId: PROMPT.consent });
}

export function promptCouncil(turn: Turn): void {
  turn.say(turn.t('council.ask'), {
    choices: [{ id: SKIP, label: turn.t('council.unknown') }],
    promptId: PROMPT.council,
  });
}

function promptCouncilCandidates(turn: Turn): void {
  const { t, state } = turn;
  const candidates = state.pending?.kind === 'councils' ? state.pending.candidates : [];
  turn.say(t('council.candidates'), {
    choices: [
      ...candidates.map((c) => ({ id: c.id, label: `${c.name} (${c.commune})` })),
      { id: 'none', label: t('council.none') },
    ],
    promptId: PROMPT.council,
  });
}

/** A question with its hint, its buttons and, when it was answered before, the current answer. */
export function promptQuestion(turn: Turn, question: Question): void {
  const { t, state, ctx } = turn;
  const pending =
    state.pending && 'questionId' in state.pending && state.pending.questionId === question.id
      ? state.pending
      : undefined;
  if (pending?.kind === 'other') {
    turn.say(t('other.ask'), { promptId: question.id });
    return;
  }
  const picks =
    pending?.kind === 'picks' ? pending.picks : previousPicks(question, state.answers[question.id]);
  const lines = [t(question.text)];
  const previous = state.answers[question.id];
  if (previous)
    lines.push(
      t('question.current_answer', {
        answer: formatAnswer(question, previous, ctx.catalog, state.lang),
      }),
    );
  const candidates = choiceCandidates(question, ctx.catalog, state.lang);
  let choices = candidates.map((c) => ({ id: c.id, label: c.label }));
  if (question.type === 'multiple') {
    lines.push(t('question.multiple_hint', { max: question.max }));
    choices = choices.map((c) => ({
      id: c.id,
      label: picks.includes(c.id) ? `✓ ${c.label}` : c.label,
    }));
    choices.push({ id: DONE, label: t('choice.done') });
  }
  if (question.type === 'ranking') {
    const labels = new Map(candidates.map((c) => [c.id, c.label]));
    const other = pending?.kind === 'picks' ? pending.other : undefined;
    const ranked = picks.map(
      (id, i) => `${i + 1}. ${labels.get(id) ?? id}${id === OTHER && other ? ` (${other})` : ''}`,
    );
    if (ranked.length > 0) lines.push(t('question.ranking_so_far', { list: ranked.join(' ; ') }));
    lines.push(t('question.ranking_hint', { n: picks.length + 1, top: question.top }));
    choices = choices.filter((c) => !picks.includes(c.id));
    if (picks.length > 0) choices.push({ id: DONE, label: t('choice.ranking_done') });
  }
  if (question.type === 'text')
    lines.push(t(question.required ? 'question.text_hint' : 'question.text_hint_optional'));
  if (!question.required) choices.push({ id: SKIP, label: t('choice.skip') });
  turn.say(lines.join('\n'), {
    promptId: question.id,
    ...(choices.length > 0 ? { choices } : {}),
    ...(question.type === 'multiple' ? { multiSelect: true } : {}),
    ...withProgress(turn, question.id),
  });
}

export function promptLanguage(turn: Turn): void {
  turn.say(turn.t('language.ask'), {
    choices: [
      { id: 'fr', label: 'Français' },
      { id: 'en', label: 'English' },
    ],
    promptId: PROMPT.language,
  });
}

export function promptDelete(turn: Turn): void {
  const { t } = turn;
  turn.say(t('delete.confirm'), {
    choices: [
      { id: 'yes', label: t('delete.yes') },
      { id: 'no', label: t('delete.no') },
    ],
    promptId: PROMPT.delete,
  });
}

function promptDone(turn: Turn): void {
  const { t, ctx } = turn;
  const closesAt = ctx.consultation.closesAt;
  const text = closesAt
    ? t('done.already_until', {
        date: formatDate(closesAt, ctx.consultation.timeZone, turn.state.lang),
      })
    : t('done.already');
  turn.say(text, { choices: [{ id: 'summary', label: t('done.review') }], promptId: PROMPT.done });
}

/** "5 décembre 2017" in the consultation's time zone. */
export function formatDate(iso: string, timeZone: string, lang: string): string {
  return new Intl.DateTimeFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', {
    dateStyle: 'long',
    timeZone,
  }).format(Date.parse(iso));
}

/** Boxes already ticked when a multiple-choice answer is changed. */
export function previousPicks(question: Question, previous: AnswerValue | undefined): string[] {
  return question.type === 'multiple' && previous?.kind === 'choices' ? previous.choiceIds : [];
}

function withProgress(turn: Turn, questionId: string) {
  const progress = progressOf(turn.ctx.consultation, turn.state.answers, questionId);
  return progress ? { progress } : {};
}
