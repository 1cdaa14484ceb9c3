import { codePointLength, sliceCodePoints } from './code-points.js';
import type { AnswerValue } from './answer-value.js';
import { askCurrent, completeProgress, PROMPT, promptQuestion } from './ask-current.js';
import { changeCouncil, describeCouncil } from './council-step.js';
import { formatAnswer } from './format-answer.js';
import { matchChoice, type ChoiceCandidate } from './nlu/match-choice.js';
import { findQuestion, isVisible, nextQuestion, visibleQuestions } from './questionnaire-walk.js';
import type { Question } from './questionnaire-schema.js';
import type { Turn } from './turn.js';

const CONFIRM = 'confirm';
const CONTINUE = '_continue';
const FULL = '_full';
const BACK = '_back';
const COUNCIL = '_council';
const THEME_PREFIX = 't_';
/** The profile questions (« votre place dans le conseil »), opened like a theme. */
const PROFILE = '_profile';

/** How long one answer, and one choice of a list, may be on its theme's line. */
const SHORT_ANSWER = 24;
const SHORT_CHOICE = 18;

/**
 * The review: one line per theme with its answers shortened, the profile and the council;
 * a button per theme to open it, and one to confirm (or, while questions remain, to go on).
 * `short` asks again without the list (after a change, or an input it did not understand).
 */
export function promptReview(turn: Turn, mode: 'full' | 'short' | 'changed' = 'full'): void {
  const { t, state, ctx } = turn;
  const left = remaining(turn);
  const lines: string[] = [];
  if (mode === 'full') {
    lines.push(t('review.title'));
    const profile = ctx.consultation.profile.filter((q) => isVisible(q, state.answers));
    if (profile.length > 0)
      lines.push(
        t('review.profile_line', {
          answers: profile.map((q) => shortAnswer(turn, q)).join(' · '),
        }),
      );
    for (const [index, theme] of ctx.consultation.themes.entries()) {
      const answers = themeQuestions(turn, theme.id).map((q) => shortAnswer(turn, q));
      lines.push(
        t('review.theme_line', {
          n: index + 1,
          title: t(theme.title),
          answers: answers.join(' · '),
        }),
      );
    }
    if (ctx.councils.size > 0) {
      const council = state.councilId ? ctx.councils.byId(state.councilId) : undefined;
      lines.push(
        t('review.council_line', {
          council: council ? describeCouncil(turn, council) : t('review.council_unknown'),
        }),
      );
    }
    lines.push(
      left > 0 ? t('review.instructions_unfinished', { n: left }) : t('review.instructions'),
    );
  } else {
    const key = mode === 'changed' ? 'review.changed' : 'review.short';
    lines.push(t(left > 0 ? `${key}_unfinished` : key, { n: left }));
  }
  const choices = [
    left > 0
      ? { id: CONTINUE, label: t('review.continue') }
      : { id: CONFIRM, label: t(state.completed ? 'review.close' : 'review.confirm') },
    ...ctx.consultation.themes.map((theme, index) => ({
      id: THEME_PREFIX + theme.id,
      label: t('review.open_theme', { n: index + 1, title: t(theme.title) }),
    })),
    ...(ctx.consultation.profile.length > 0
      ? [{ id: THEME_PREFIX + PROFILE, label: t('review.profile') }]
      : []),
    ...(ctx.councils.size > 0 ? [{ id: COUNCIL, label: t('review.council') }] : []),
    ...(mode === 'full' ? [] : [{ id: FULL, label: t('review.full') }]),
  ];
  const progress = left === 0 ? completeProgress(turn) : undefined;
  turn.say(lines.join('\n'), {
    choices,
    promptId: PROMPT.review,
    ...(progress ? { progress } : {}),
  });
}

/** The questions of one theme, in full, to pick the one to change. */
export function promptReviewTheme(turn: Turn, themeId: string): void {
  const { t, ctx, state } = turn;
  const theme = ctx.consultation.themes.find((th) => th.id === themeId);
  const questions = themeQuestions(turn, themeId);
  const title = theme ? t(theme.title) : t('review.profile');
  const lines = [t('review.theme', { title })];
  for (const [index, question] of questions.entries()) {
    const value = state.answers[question.id];
    const answer = value
      ? formatAnswer(question, value, ctx.catalog, state.lang)
      : t('review.unanswered');
    lines.push(`${index + 1}. ${t(question.text)}\n   → ${answer}`);
  }
  const choices = [
    ...questions.map((q, index) => ({
      id: q.id,
      label: t('review.change_question', { n: index + 1 }),
    })),
    { id: BACK, label: t('review.back') },
  ];
  turn.say(lines.join('\n'), { choices, promptId: PROMPT.review });
}

/**
 * A button or typed word on the review. Numbers mean one thing per screen: a theme on the
 * review, a question on one theme's page.
 */
export function answerReview(turn: Turn, input: { choiceId?: string; text?: string }): void {
  const { state, ctx, t } = turn;
  const themeId = state.pending?.kind === 'review_theme' ? state.pending.themeId : undefined;
  const choiceId = input.choiceId ?? typedReviewChoice(turn, input.text ?? '');
  if (choiceId === CONFIRM) return confirm(turn);
  if (choiceId === CONTINUE) {
    if (!continueQuestionnaire(turn)) promptReview(turn, 'short');
    return;
  }
  if (choiceId === FULL || choiceId === BACK) {
    state.pending = undefined;
    return promptReview(turn, 'full');
  }
  if (choiceId === COUNCIL && ctx.councils.size > 0) return changeCouncil(turn);
  if (choiceId?.startsWith(THEME_PREFIX)) {
    state.pending = { kind: 'review_theme', themeId: choiceId.slice(THEME_PREFIX.length) };
    return askCurrent(turn);
  }
  const question = choiceId ? findQuestion(ctx.consultation, choiceId) : undefined;
  const listed = themeId ? themeQuestions(turn, themeId) : [];
  if (!question || (themeId && !listed.includes(question))) {
    turn.emit({ type: 'input_rejected', reason: 'no_match' });
    turn.say(
      t(themeId ? 'review.theme_not_understood' : 'review.not_understood', {
        n: themeId ? listed.length : ctx.consultation.themes.length,
      }),
    );
    if (themeId) return askCurrent(turn);
    return promptReview(turn, 'short');
  }
  state.pending = undefined;
  state.stage = 'questions';
  state.current = question.id;
  state.editing = true;
  promptQuestion(turn, question);
}

/** Whether a typed text names a button of the review screen on display. */
export function typedReviewChoice(turn: Turn, text: string): string | undefined {
  const { t, ctx, state } = turn;
  const themeId = state.pending?.kind === 'review_theme' ? state.pending.themeId : undefined;
  const numbered: ChoiceCandidate[] = themeId
    ? themeQuestions(turn, themeId).map((q, index) => ({
        id: q.id,
        label: t('review.change_question', { n: index + 1 }),
      }))
    : ctx.consultation.themes.map((th) => ({ id: THEME_PREFIX + th.id, label: t(th.title) }));
  const synonyms = (key: string) =>
    t(key)
      .split('|')
      .map((s) => s.trim());
  const buttons: ChoiceCandidate[] = [
    ...numbered,
    ...(themeId
      ? [{ id: BACK, label: t('review.back'), unnumbered: true }]
      : [
          {
            id: remaining(turn) > 0 ? CONTINUE : CONFIRM,
            label: t(remaining(turn) > 0 ? 'review.continue' : 'review.confirm'),
            synonyms: synonyms(remaining(turn) > 0 ? 'review.continue.syn' : 'review.confirm.syn'),
            unnumbered: true,
          },
          {
            id: THEME_PREFIX + PROFILE,
            label: t('review.profile'),
            synonyms: synonyms('review.profile.syn'),
            unnumbered: true,
          },
          ...(ctx.councils.size > 0
            ? [
                {
                  id: COUNCIL,
                  label: t('review.council'),
                  synonyms: synonyms('review.council.syn'),
                  unnumbered: true,
                },
              ]
            : []),
        ]),
  ];
  const match = matchChoice(text, buttons);
  return match.kind === 'one' && match.sure ? match.id : undefined;
}

/** Back to the first question still unanswered (« on continue » from the review). */
export function continueQuestionnaire(turn: Turn): boolean {
  const { state, ctx } = turn;
  const current = state.current ? findQuestion(ctx.consultation, state.current) : undefined;
  const missing =
    current && state.answers[current.id] === undefined && isVisible(current, state.answers)
      ? current
      : nextQuestion(ctx.consultation, state.answers, undefined);
  if (!missing) return false;
  state.pending = undefined;
  state.stage = 'questions';
  state.current = missing.id;
  state.editing = false;
  promptQuestion(turn, missing);
  return true;
}

function confirm(turn: Turn): void {
  const { state, ctx, t } = turn;
  if (remaining(turn) > 0) {
    turn.say(t('review.missing'));
    continueQuestionnaire(turn);
    return;
  }
  state.stage = 'done';
  state.pending = undefined;
  const progress = completeProgress(turn);
  const extra = progress ? { progress } : {};
  if (!state.completed) {
    state.completed = true;
    turn.emit({ type: 'questionnaire_completed' });
    turn.say(t(ctx.consultation.closing), extra);
  } else {
    turn.say(t('review.saved'), extra);
  }
}

/** How many visible questions have no answer yet. */
function remaining(turn: Turn): number {
  const { state, ctx } = turn;
  return visibleQuestions(ctx.consultation, state.answers).filter(
    (q) => state.answers[q.id] === undefined,
  ).length;
}

function themeQuestions(turn: Turn, themeId: string): Question[] {
  const { consultation } = turn.ctx;
  const theme = consultation.themes.find((th) => th.id === themeId);
  const questions = themeId === PROFILE ? consultation.profile : (theme?.questions ?? []);
  return questions.filter((q) => isVisible(q, turn.state.answers));
}

/** « 4/5 », « Aide aux devoirs…, Plus de liens… +1 », « passée »: an answer in a few words. */
function shortAnswer(turn: Turn, question: Question): string {
  const { t, state, ctx } = turn;
  const value: AnswerValue | undefined = state.answers[question.id];
  if (!value) return t('review.unanswered_short');
  switch (value.kind) {
    case 'skipped':
      return t('review.skipped_short');
    case 'scale':
      return `${value.value}/5`;
    case 'text':
      return t('answer.text', { text: shorten(value.text, SHORT_ANSWER) });
    case 'choices':
    case 'ranking': {
      const labels = value.choiceIds.map((id) =>
        formatAnswer(question, { kind: 'choice', choiceId: id }, ctx.catalog, state.lang),
      );
      const shown = labels.slice(0, 2).map((label) => shorten(label, SHORT_CHOICE));
      const more = labels.length - shown.length;
      return `${shown.join(', ')}${more > 0 ? ` +${more}` : ''}`;
    }
    default:
      return shorten(formatAnswer(question, value, ctx.catalog, state.lang), SHORT_ANSWER);
  }
}

/** The first words of a text, within `max` characters, and « … » when some were left out. */
function shorten(text: string, max: number): string {
  if (codePointLength(text) <= max) return text;
  const cut = sliceCodePoints(text, max - 1);
  const space = cut.lastIndexOf(' ');
  const words = space >= 6 ? cut.slice(0, space) : cut;
  return `${words.replace(/[\s,;:'’-]+$/u, '')}…`;
}
