import { beforeAll, describe, expect, it } from 'vitest';
import { understand } from '../../bot/handle-turn.js';
import type { AnswerValue } from '../../dialogs/answer-value.js';
import {
  createIntentRecognizer,
  type IntentRecognizer,
} from '../../dialogs/nlu/create-intent-recognizer.js';
import type { EngineInput } from '../../dialogs/engine-input.js';
import { resumeSession } from '../../dialogs/resume-session.js';
import { initialState, type SessionState } from '../../dialogs/session-state.js';
import { engineContext } from '../helpers/engine-context.js';
import { evaluationSets } from './evaluation-items.js';

const items = Object.values(evaluationSets).flat();

const ctx = engineContext('2026-11-25T10:00:00+01:00');

/**
 * One question of each kind a typed answer is read against: a single choice, a multiple
 * choice, a scale and a ranking (with one pick made already, so a number could change it).
 */
const questions: { id: string; answers: Record<string, AnswerValue>; picks?: string[] }[] = [
  { id: 'role', answers: {} },
  { id: 'edu_idees', answers: { role: { kind: 'choice', choiceId: 'tire' } } },
  { id: 'edu_urgence', answers: { role: { kind: 'choice', choiceId: 'tire' } } },
  { id: 'emp_frein', answers: { role: { kind: 'choice', choiceId: 'tire' } }, picks: ['discri'] },
];

function stateAt(question: (typeof questions)[number], lang: 'fr' | 'en'): SessionState {
  return {
    ...initialState(ctx.consultation.id, lang),
    stage: 'questions',
    consented: true,
    greeted: true,
    councilAsked: true,
    current: question.id,
    answers: question.answers,
    ...(question.picks
      ? { pending: { kind: 'picks', questionId: question.id, picks: question.picks } }
      : {}),
  };
}

/** The choices an engine turn took as the answer (or added to a ranking), if any. */
function taken(before: SessionState, after: SessionState, questionId: string): string[] | null {
  const value = after.answers[questionId];
  if (value && value !== before.answers[questionId]) {
    switch (value.kind) {
      case 'choice':
        return [value.choiceId];
      case 'choices':
      case 'ranking':
        return value.choiceIds.filter(
          (id) =>
            !(before.pending && 'picks' in before.pending && before.pending.picks.includes(id)),
        );
      case 'scale':
        return [String(value.value)];
      case 'yesno':
        return [String(value.value)];
      case 'text':
      case 'skipped':
        return [value.kind];
    }
  }
  const picksBefore = before.pending?.kind === 'picks' ? before.pending.picks : [];
  const picksAfter =
    after.pending?.kind === 'picks' && after.pending.questionId === questionId
      ? after.pending.picks
      : picksBefore;
  const added = picksAfter.filter((id) => !picksBefore.includes(id));
  return added.length > 0 ? added : null;
}

/** Each utterance as the channel hands it to the engine: with the NLU's guess. */
const inputs = new Map<(typeof items)[number], EngineInput>();

beforeAll(async () => {
  const recognizer: IntentRecognizer = await createIntentRecognizer();
  for (const item of items)
    inputs.set(
      item,
      await understand({ kind: 'text', text: item.text }, item.lang, (t, l) =>
        recognizer.classify(t, l),
      ),
    );
});

/**
 * Every utterance of the three NLU evaluation sets, typed at a question of each kind, through
 * the NLU and the engine as a channel does it: none may be stored (or added to a ranking) as
 * an answer it does not mean. What an answer does mean is written beside it (`means`).
 */
describe('the evaluation utterances typed at a choice, scale or ranking question', () => {
  it('has questions of each kind', () => {
    expect(questions.length).toBe(4);
    expect(items.length).toBeGreaterThan(1_000);
  });

  it.each(questions)('never store an answer they do not mean at $id', async (question) => {
    const wrong: string[] = [];
    let stored = 0;
    for (const item of items) {
      const state = stateAt(question, item.lang);
      const input = inputs.get(item);
      if (!input) throw new Error(`no input for ${item.text}`);
      const after = resumeSession(state, input, ctx).state;
      const got = taken(state, after, question.id);
      const meant = item.means?.[question.id];
      if (got === null) {
        // What an utterance clearly means must still be taken: the engine is not just mute.
        if (meant) wrong.push(`${item.lang} « ${item.text} » → nothing, meant ${meant.join(', ')}`);
        continue;
      }
      stored++;
      if (!meant || JSON.stringify([...got].sort()) !== JSON.stringify([...meant].sort()))
        wrong.push(`${item.lang} « ${item.text} » → ${got.join(', ')}`);
    }
    console.log(
      `${question.id}: ${stored} utterances stored as an answer, ${wrong.length} wrongly`,
    );
    expect(wrong).toEqual([]);
  });

  it('includes answers that do mean a choice at each question, which must be stored', () => {
    for (const question of questions)
      expect(items.filter((item) => item.means?.[question.id]).length, question.id).toBeGreaterThan(
        1,
      );
  });
});
