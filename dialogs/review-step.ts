import { PROMPT, askCurrent, promptQuestion } from './ask-current.js';
import { formatAnswer } from './format-answer.js';
import { matchChoice } from './nlu/match-choice.js';
import { findQuestion, nextQuestion, visibleQuestions } from './questionnaire-walk.js';
import type { Question } from './questionnaire-schema.js';
import type { Turn } from './turn.js';

const CONFIRM = 'confirm';
const BACK = '_back';
const THEME_PREFIX = 't_';

/** The summary: every answer numbered, one button per theme to change it, one to confirm. */
export function promptReview(turn: Turn): void {
  const { t, state, ctx } = turn;
  const numbered = visibleQuestions(ctx.consultation, state.answers);
  const lines = [t('review.title')];
  lines.push(...answerLines(turn, numbered));
  lines.push(t('review.instructions'));
  const choices = [
    { id: CONFIRM, label: t(state.completed ? 'review.close' : 'review.confirm') },
    ...ctx.consultation.themes.map((theme) => ({
      id: THEME_PREFIX + theme.id,
      label: t('review.change_theme', { title: t(theme.title) }),
    })),
  ];
  turn.say(lines.join('\n'), { choices, promptId: PROMPT.review });
}

/** The questions of one theme, to pick the one to change. */
export function promptReviewTheme(turn: Turn, themeId: string): void {
  const { t, ctx } = turn;
  const theme = ctx.consultation.themes.find((th) => th.id === themeId);
  const questions = themeQuestions(turn, themeId);
  const lines = [t('review.theme', { title: theme ? t(theme.title) : themeId })];
  lines.push(...answerLines(turn, questions));
  const choices = [
    ...questions.map((q, index) => ({
      id: q.id,
      label: t('review.change_question', { n: index + 1 }),
    })),
    { id: BACK, label: t('review.back') },
  ];
  turn.say(lines.join('\n'), { choices, promptId: PROMPT.review });
}

/** A button or typed number on the summary (or on one theme of it). */
export function answerReview(turn: Turn, input: { choiceId?: string; text?: string }): void {
  const { state, ctx } = turn;
  const themeId = state.pending?.kind === 'review_theme' ? state.pending.themeId : undefined;
  const listed = themeId
    ? themeQuestions(turn, themeId)
    : visibleQuestions(ctx.consultation, state.answers);
  const choiceId = input.choiceId ?? typedChoice(turn, input.text ?? '', listed);
  if (choiceId === CONFIRM) return confirm(turn);
  if (choiceId === BACK) {
    state.pending = undefined;
    return promptReview(turn);
  }
  if (choiceId?.startsWith(THEME_PREFIX)) {
    state.pending = { kind: 'review_theme', themeId: choiceId.slice(THEME_PREFIX.length) };
    return askCurrent(turn);
  }
  const question = choiceId ? findQuestion(ctx.consultation, choiceId) : undefined;
  if (!question) {
    turn.say(turn.t('review.not_understood'));
    return askCurrent(turn);
  }
  state.pending = undefined;
  state.stage = 'questions';
  state.current = question.id;
  state.editing = true;
  promptQuestion(turn, question);
}

function confirm(turn: Turn): void {
  const { state, ctx, t } = turn;
  const missing = nextQuestion(ctx.consultation, state.answers, undefined);
  if (missing) {
    turn.say(t('review.missing'));
    state.stage = 'questions';
    state.current = missing.id;
    return promptQuestion(turn, missing);
  }
  state.stage = 'done';
  state.pending = undefined;
  if (!state.completed) {
    state.completed = true;
    turn.emit({ type: 'questionnaire_completed' });
    turn.say(t(ctx.consultation.closing));
  } else {
    turn.say(t('review.saved'));
  }
}

function themeQuestions(turn: Turn, themeId: string): Question[] {
  const theme = turn.ctx.consultation.themes.find((th) => th.id === themeId);
  return visibleQuestions(turn.ctx.consultation, turn.state.answers).filter((q) =>
    theme?.questions.includes(q),
  );
}

/** "3" picks the third listed question; "confirmer" or a theme name picks that button. */
function typedChoice(turn: Turn, text: string, listed: Question[]): string | undefined {
  const number = /^\s*(\d{1,3})\s*$/.exec(text);
  if (number) return listed[Number(number[1]) - 1]?.id;
  const { t, ctx } = turn;
  const buttons = [
    {
      id: CONFIRM,
      label: t('review.confirm'),
      synonyms: t('review.confirm.syn')
        .split('|')
        .map((s) => s.trim()),
    },
    ...ctx.consultation.themes.map((th) => ({ id: THEME_PREFIX + th.id, label: t(th.title) })),
  ];
  const match = matchChoice(text, buttons);
  return match.kind === 'one' ? match.id : undefined;
}

/** "3. The question\n   → the answer", numbered as listed. */
function answerLines(turn: Turn, questions: readonly Question[]): string[] {
  const { t, state, ctx } = turn;
  return questions.map((question, index) => {
    const value = state.answers[question.id];
    const answer = value
      ? formatAnswer(question, value, ctx.catalog, state.lang)
      : t('review.unanswered');
    return `${index + 1}. ${t(question.text)}\n   → ${answer}`;
  });
}
