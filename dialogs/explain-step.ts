import { askCurrent } from './ask-current.js';
import { choiceCandidates } from './choice-candidates.js';
import { formatChoices } from './format-answer.js';
import { matchChoice } from './nlu/match-choice.js';
import type { QuestionBack } from './nlu/question-back-of.js';
import type { Question } from './questionnaire-schema.js';
import { findQuestion } from './questionnaire-walk.js';
import { pendingOf } from './pending-of.js';
import type { Turn } from './turn.js';

/**
 * A question back (« pourquoi ? », « c'est quoi ? », « ça veut dire quoi … ? ») gets an
 * explanation of the step on screen, then that step again. Never an answer, never a consent.
 *
 * @example explainStep(turn, { kind: 'why', about: '' }) // at consent: what is kept and why
 */
export function explainStep(turn: Turn, back: QuestionBack | undefined): void {
  turn.say(explanationOf(turn, back).join('\n'));
  askCurrent(turn);
}

/** The lines that explain the step on screen (also the start of « aide »). */
export function explanationOf(turn: Turn, back: QuestionBack | undefined): string[] {
  const { state, ctx, t } = turn;
  const pending = state.pending;
  switch (pending?.kind) {
    case 'confirm_delete':
      return [t('explain.delete')];
    case 'language':
      return [t('explain.language')];
    case 'switch_council':
      return [t('explain.switch_council')];
    case 'review_theme':
      return [t('explain.review_theme')];
    case 'workshop_contact':
      return [t('explain.workshop_contact')];
    case 'workshop_gender':
      return [t('explain.workshop_gender')];
    default:
      break;
  }
  switch (state.stage) {
    case 'consent':
      return [t('explain.consent')];
    case 'council':
      return [t('explain.council')];
    case 'review':
      return [t('explain.review')];
    case 'done':
      return [t('explain.done')];
    case 'questions': {
      const question = state.current ? findQuestion(ctx.consultation, state.current) : undefined;
      return question ? explainQuestion(turn, question, back) : [t('explain.review')];
    }
  }
}

/**
 * The choice asked about when it has a meaning to give (« les codes du monde du travail »),
 * else why the question is asked (« pourquoi ? ») and its help, then how to answer it.
 */
function explainQuestion(turn: Turn, question: Question, back: QuestionBack | undefined): string[] {
  const { state, ctx, t } = turn;
  const pending = pendingOf(state.pending, question);
  if (pending?.kind === 'confirm') {
    const answer = formatChoices(question, pending.choiceIds, ctx.catalog, state.lang);
    return [t('explain.confirm', { answer })];
  }
  if (pending?.kind === 'other') return [t('explain.other')];
  const asked = back?.about ? choiceAskedAbout(turn, question, back.about) : undefined;
  if (asked) return [asked];
  const lines: string[] = [];
  if (back?.kind === 'why') lines.push(t('explain.why_question'));
  if (question.help) lines.push(t(question.help));
  lines.push(howToAnswer(turn, question));
  if ('noOpinion' in question && question.noOpinion) lines.push(t('explain.no_opinion'));
  return lines;
}

function choiceAskedAbout(turn: Turn, question: Question, about: string): string | undefined {
  if (!('choices' in question)) return undefined;
  const { ctx, state, t } = turn;
  const candidates = choiceCandidates(question, ctx.catalog, state.lang);
  const match = matchChoice(about, candidates);
  if (match.kind !== 'one') return undefined;
  const choice = question.choices.find((c) => c.id === match.id);
  const label = candidates.find((c) => c.id === match.id)?.label ?? match.id;
  return choice?.help
    ? `${t('explain.choice_title', { label })}\n${t(choice.help)}`
    : t('explain.choice_plain', { label });
}

function howToAnswer(turn: Turn, question: Question): string {
  const { t, ctx, state } = turn;
  switch (question.type) {
    case 'single':
      return t('explain.how.single');
    case 'multiple':
      return t('explain.how.multiple', { max: question.max });
    case 'ranking':
      return t('explain.how.ranking', { top: question.top });
    case 'scale': {
      const labels = choiceCandidates(question, ctx.catalog, state.lang);
      return t('explain.how.scale', {
        low: labels[0]?.label ?? '1',
        high: labels[4]?.label ?? '5',
      });
    }
    case 'yesno':
      return t('explain.how.yesno');
    case 'text':
      return t(question.required ? 'explain.how.text' : 'explain.how.text_optional');
  }
}
