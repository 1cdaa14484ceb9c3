import type { AnswerValue } from './answer-value.js';
import { choiceCandidates } from './choice-candidates.js';
import type { CommandName } from './engine-input.js';
import type { Progress } from './engine-reply.js';
import { formatAnswer, formatChoices, rankOf } from './format-answer.js';
import { DONE, NO_OPINION_BUTTON, OTHER, OTHER_TEXT_MAX } from './parse-answer.js';
import { NO_OPINION, type Question } from './questionnaire-schema.js';
import { findQuestion, progressOf } from './questionnaire-walk.js';
import { promptReview, promptReviewTheme } from './review-step.js';
import { promptCouncil, promptCouncilCandidates, promptSwitchCouncil } from './council-step.js';
import { pendingOf } from './pending-of.js';
import type { Turn } from './turn.js';
import { promptWorkshopContact } from './workshop-contact-step.js';
import { promptWorkshopGender } from './workshop-gender-step.js';

/** Prompt ids of the steps that are not questions; a button carries one of these or a question id. */
export const PROMPT = {
  consent: '_consent',
  council: '_council',
  review: '_review',
  done: '_done',
  language: '_lang',
  delete: '_delete',
  pause: '_pause',
  switchCouncil: '_switch',
  workshopContact: '_contact',
  workshopGender: '_gender',
} as const;

export const SKIP = '_skip';

/** A button that gives a command (« Reprendre »): valid whatever the prompt on screen. */
export function commandChoice(command: CommandName): string {
  return `/${command}`;
}

/** Lists this long tell people they may type the numbers: channels number the buttons. */
const NUMBERED_FROM = 5;

/** Shows again whatever the person is expected to answer now. */
export function askCurrent(turn: Turn): void {
  const { state } = turn;
  const pending = state.pending;
  if (pending?.kind === 'confirm_delete') return promptDelete(turn);
  if (pending?.kind === 'language') return promptLanguage(turn);
  if (pending?.kind === 'review_theme') return promptReviewTheme(turn, pending.themeId);
  if (pending?.kind === 'switch_council') return promptSwitchCouncil(turn, pending.councilId);
  if (pending?.kind === 'workshop_contact') return promptWorkshopContact(turn);
  if (pending?.kind === 'workshop_gender') return promptWorkshopGender(turn);
  switch (state.stage) {
    case 'consent':
      // In full for someone who has not seen it yet (they started by changing the language).
      return promptConsent(turn, state.greeted === false ? 'full' : 'short');
    case 'council':
      return pending?.kind === 'councils' ? promptCouncilCandidates(turn) : promptCouncil(turn);
    case 'questions': {
      const question = state.current
        ? findQuestion(turn.ctx.consultation, state.current)
        : undefined;
      return question ? promptQuestion(turn, question) : promptReview(turn, 'short');
    }
    case 'review':
      return promptReview(turn, 'short');
    case 'done':
      return promptDone(turn);
  }
}

/**
 * The consent question: in full when someone arrives, its details behind « En savoir plus »,
 * and in one line when it is asked again (the full text was shown just before).
 */
export function promptConsent(turn: Turn, mode: 'full' | 'short' | 'details'): void {
  const { t } = turn;
  const consent = turn.ctx.consultation.consent;
  const choices = [
    { id: 'yes', label: t('consent.accept') },
    { id: 'no', label: t('consent.refuse') },
  ];
  if (mode !== 'details') choices.push({ id: 'more', label: t('consent.more') });
  const text =
    mode === 'full'
      ? t(consent.summary)
      : mode === 'details'
        ? t(consent.details)
        : t('consent.ask');
  turn.state.greeted = true;
  turn.say(text, { choices, promptId: PROMPT.consent });
}

/** A question with its hint, its buttons and, when it was answered before, the current answer. */
export function promptQuestion(turn: Turn, question: Question): void {
  const { t, state, ctx } = turn;
  const pending = pendingOf(state.pending, question);
  if (pending?.kind === 'other') {
    turn.say(t('other.ask'), { promptId: question.id, textLimit: OTHER_TEXT_MAX });
    return;
  }
  if (pending?.kind === 'confirm') {
    const answer = formatChoices(question, pending.choiceIds, ctx.catalog, state.lang);
    const noOpinion = pending.choiceIds.length === 1 && pending.choiceIds[0] === NO_OPINION;
    turn.say(t(noOpinion ? 'confirm.no_opinion' : 'confirm.ask', { answer }), {
      choices: [
        { id: '_yes', label: t('choice.yes') },
        { id: '_no', label: t('choice.no') },
      ],
      promptId: question.id,
    });
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
  let choices = candidates.map((c) => ({
    id: c.id === NO_OPINION ? NO_OPINION_BUTTON : c.id,
    label: c.label,
  }));
  const numbered =
    question.type === 'multiple' ||
    question.type === 'ranking' ||
    question.type === 'scale' ||
    (question.type === 'single' && question.choices.length >= NUMBERED_FROM);
  if (question.type === 'single' && numbered) lines.push(t('question.single_hint'));
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
      (id, i) =>
        `${rankOf(i + 1, t)} ${labels.get(id) ?? id}${id === OTHER && other ? ` (${other})` : ''}`,
    );
    if (ranked.length > 0) lines.push(t('question.ranking_so_far', { list: ranked.join(' ; ') }));
    lines.push(t('question.ranking_hint', { n: picks.length + 1, top: question.top }));
    if (picks.length > 0) lines.push(t('question.ranking_untick'));
    // The list stays as it was: « 3 » names the same option before and after picks.
    choices = choices.map((c) => {
      const place = picks.indexOf(c.id);
      return place < 0 ? c : { id: c.id, label: `✓ ${rankOf(place + 1, t)} ${c.label}` };
    });
    if (picks.length > 0) choices.push({ id: DONE, label: t('choice.ranking_done') });
  }
  if (question.type === 'text')
    lines.push(t(question.required ? 'question.text_hint' : 'question.text_hint_optional'));
  if (!question.required) choices.push({ id: SKIP, label: t('choice.skip') });
  turn.say(lines.join('\n'), {
    promptId: question.id,
    ...(choices.length > 0 ? { choices } : {}),
    ...(question.type === 'multiple' ? { multiSelect: true } : {}),
    ...(numbered ? { numbered: true } : {}),
    ...(question.type === 'text' ? { textLimit: question.maxLength } : {}),
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
  turn.say(text, {
    choices: [{ id: commandChoice('summary'), label: t('done.review') }],
    promptId: PROMPT.done,
    progress: completeProgress(turn),
  });
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

/** The progress of the last question of the last theme, marked complete: 100 %. */
export function completeProgress(turn: Turn): Progress | undefined {
  const { consultation } = turn.ctx;
  const theme = consultation.themes.at(-1);
  const last = theme?.questions.at(-1);
  const progress = last ? progressOf(consultation, turn.state.answers, last.id) : undefined;
  return progress ? { ...progress, question: progress.questions, percent: 100 } : undefined;
}

function withProgress(turn: Turn, questionId: string) {
  const progress = progressOf(turn.ctx.consultation, turn.state.answers, questionId);
  return progress ? { progress } : {};
}
