import { describe, expect, it } from 'vitest';
import { CouncilIndex } from '../../bot/council-index.js';
import type { EngineInput } from '../../dialogs/engine-input.js';
import { allQuestions } from '../../dialogs/questionnaire-walk.js';
import { resumeSession } from '../../dialogs/resume-session.js';
import { initialState, type SessionState } from '../../dialogs/session-state.js';
import { engineContext } from '../helpers/engine-context.js';

const ctx = engineContext('2026-11-25T10:00:00+01:00');
const withoutCouncils = { ...ctx, councils: new CouncilIndex([]) };

/** Someone who agreed and finished while there was no council to choose from. */
function finishedWithoutCouncil(): SessionState {
  const answers: SessionState['answers'] = {};
  for (const question of allQuestions(ctx.consultation))
    answers[question.id] =
      question.type === 'yesno' ? { kind: 'yesno', value: false } : { kind: 'skipped' };
  return {
    ...initialState(ctx.consultation.id, 'fr'),
    stage: 'done',
    consented: true,
    completed: true,
    greeted: true,
    answers,
  };
}

function send(state: SessionState, input: EngineInput, context = ctx) {
  return resumeSession(state, input, context);
}

describe('a participant who agreed before councils existed', () => {
  it('is asked for their council at their next message once councils exist, then goes back', () => {
    const asked = send(finishedWithoutCouncil(), { kind: 'text', text: 'merci' });
    expect(asked.replies.map((r) => r.text).join('\n')).toMatch(/Une question de plus/);
    expect(asked.state.stage).toBe('council');
    const found = send(asked.state, { kind: 'text', text: 'Roubaix' });
    expect(found.replies.at(-1)?.choices?.[0]).toEqual({
      id: 'QN05981M',
      label: 'Nouveau Roubaix (Roubaix, 59)',
    });
    const chosen = send(found.state, {
      kind: 'choice',
      promptId: '_council',
      choiceId: 'QN05981M',
    });
    expect(chosen.events).toEqual([{ type: 'council_selected', councilId: 'QN05981M' }]);
    expect(chosen.state.stage).toBe('done');
    expect(chosen.state.answers).toEqual(finishedWithoutCouncil().answers);
  });

  it('is asked once only: « Je ne sais pas » is an answer', () => {
    const asked = send(finishedWithoutCouncil(), { kind: 'text', text: 'merci' });
    const skipped = send(asked.state, { kind: 'choice', promptId: '_council', choiceId: '_skip' });
    expect(skipped.state.stage).toBe('done');
    const later = send(skipped.state, { kind: 'text', text: 'merci' });
    expect(later.state.stage).toBe('done');
    expect(later.replies.map((r) => r.text).join('\n')).not.toMatch(/Une question de plus/);
  });

  it('is not asked while there are still no councils', () => {
    const later = send(finishedWithoutCouncil(), { kind: 'text', text: 'merci' }, withoutCouncils);
    expect(later.state.stage).toBe('done');
    expect(later.state.councilAsked).toBeUndefined();
  });
});
