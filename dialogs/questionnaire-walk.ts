import type { AnswerValue } from './answer-value.js';
import type { Consultation, Question, Theme } from './questionnaire-schema.js';
import type { Progress } from './engine-reply.js';

type Answers = Readonly<Record<string, AnswerValue>>;

/** Every question in asking order: the profile first, then the themes. */
export function allQuestions(consultation: Consultation): readonly Question[] {
  return indexOf(consultation).questions;
}

export function findQuestion(consultation: Consultation, id: string): Question | undefined {
  return indexOf(consultation).byId.get(id);
}

export function themeOf(consultation: Consultation, questionId: string): Theme | undefined {
  return indexOf(consultation).themeById.get(questionId);
}

interface ConsultationIndex {
  questions: readonly Question[];
  byId: ReadonlyMap<string, Question>;
  themeById: ReadonlyMap<string, Theme>;
}

/** A consultation never changes once loaded: index it once. */
const indexes = new WeakMap<Consultation, ConsultationIndex>();

function indexOf(consultation: Consultation): ConsultationIndex {
  const known = indexes.get(consultation);
  if (known) return known;
  const questions = [
    ...consultation.profile,
    ...consultation.themes.flatMap((theme) => theme.questions),
  ];
  const themeById = new Map(
    consultation.themes.flatMap((theme) => theme.questions.map((q) => [q.id, theme] as const)),
  );
  const index = { questions, byId: new Map(questions.map((q) => [q.id, q])), themeById };
  indexes.set(consultation, index);
  return index;
}

/** A question is asked when it has no condition or the earlier answer is one of `anyOf`. */
export function isVisible(question: Question, answers: Answers): boolean {
  if (!question.when) return true;
  const answer = answers[question.when.question];
  if (!answer) return false;
  const allowed = question.when.anyOf;
  switch (answer.kind) {
    case 'choice':
      return allowed.includes(answer.choiceId);
    case 'choices':
    case 'ranking':
      return answer.choiceIds.some((id) => allowed.includes(id));
    case 'scale':
    case 'yesno':
      return allowed.includes(answer.value);
    case 'text':
    case 'skipped':
      return false;
  }
}

export function visibleQuestions(consultation: Consultation, answers: Answers): Question[] {
  return allQuestions(consultation).filter((question) => isVisible(question, answers));
}

/**
 * The next question to ask after `currentId`: the first unanswered visible question after it,
 * else the first unanswered one anywhere (after "back"), else none (time for the summary).
 */
export function nextQuestion(
  consultation: Consultation,
  answers: Answers,
  currentId: string | undefined,
): Question | undefined {
  const questions = visibleQuestions(consultation, answers);
  const index = currentId ? questions.findIndex((q) => q.id === currentId) : -1;
  const unanswered = (q: Question) => answers[q.id] === undefined;
  return questions.slice(index + 1).find(unanswered) ?? questions.find(unanswered);
}

/** "Thème 2/6 · question 3/5" for a question inside a theme; none for profile questions. */
export function progressOf(
  consultation: Consultation,
  answers: Answers,
  questionId: string,
): Progress | undefined {
  const theme = themeOf(consultation, questionId);
  if (!theme) return undefined;
  const shown = theme.questions.filter((q) => isVisible(q, answers));
  return {
    theme: consultation.themes.indexOf(theme) + 1,
    themes: consultation.themes.length,
    question: shown.findIndex((q) => q.id === questionId) + 1,
    questions: shown.length,
  };
}

/** Themes whose visible questions all have an answer (skips count) and not yet reported. */
export function newlyCompletedThemes(
  consultation: Consultation,
  answers: Answers,
  alreadyCompleted: readonly string[],
): Theme[] {
  return consultation.themes.filter(
    (theme) =>
      !alreadyCompleted.includes(theme.id) &&
      theme.questions.every((q) => !isVisible(q, answers) || answers[q.id] !== undefined),
  );
}
