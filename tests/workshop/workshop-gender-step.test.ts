import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../../dialogs/load-consultation.js';
import { resumeSession } from '../../dialogs/resume-session.js';
import { initialState, type SessionState } from '../../dialogs/session-state.js';
import { readWorkshopGender } from '../../dialogs/workshop-gender.js';
import { engineContext } from '../helpers/engine-context.js';

describe('reading a typed gender (only a clear match)', () => {
  it.each([
    ['Une femme', 'fr', 'woman'],
    ['une femme.', 'fr', 'woman'],
    ['FEMME', 'fr', 'woman'],
    ['Je suis un homme', 'fr', 'man'],
    ['homme', 'fr', 'man'],
    ['autre', 'fr', 'other'],
    ['Je préfère ne pas le dire', 'fr', 'unsaid'],
    ['non merci', 'fr', 'unsaid'],
    ['A woman', 'en', 'woman'],
    ["I'm a man", 'en', 'man'],
    ['prefer not to say', 'en', 'unsaid'],
    // Either language is understood, as for the other answers.
    ['woman', 'fr', 'woman'],
    ['un homme', 'en', 'man'],
  ] as const)('« %s » (%s) is %s', (text, lang, reply) => {
    expect(readWorkshopGender(text, defaultCatalog, lang)).toBe(reply);
  });

  it.each([
    'femme ?',
    'plutôt femme',
    'je crois homme',
    'je sais pas',
    'hommes',
    'fem',
    'h',
    'f',
    'une femme et un homme',
    'oui',
    '',
    'femme mais bon',
  ])('« %s » is no answer (asked again)', (text) => {
    expect(readWorkshopGender(text, defaultCatalog, 'fr')).toBeUndefined();
  });
});

/** A volunteer on the last question. */
function atVolunteerQuestion(): SessionState {
  return {
    ...initialState('cc2017', 'fr'),
    consented: true,
    greeted: true,
    stage: 'questions',
    current: 'atelier',
  };
}

const yes = { kind: 'choice', promptId: 'atelier', choiceId: 'yes' } as const;

describe('the gender question of the workshop', () => {
  const now = '2017-11-25T10:00:00+01:00';

  it('is asked on Telegram right after « yes », with its purpose, and nothing after « no »', () => {
    const ctx = { ...engineContext(now), reach: 'chat' as const };
    const asked = resumeSession(atVolunteerQuestion(), yes, ctx);
    expect(asked.state.pending).toEqual({ kind: 'workshop_gender' });
    const prompt = asked.replies.at(-1);
    expect(prompt?.promptId).toBe('_gender');
    expect(prompt?.text).toMatch(/autant de femmes que d'hommes/);
    expect(prompt?.choices?.map((c) => c.label)).toEqual([
      'Une femme',
      'Un homme',
      'Autre',
      'Je préfère ne pas le dire',
    ]);
    const no = resumeSession(
      atVolunteerQuestion(),
      { kind: 'choice', promptId: 'atelier', choiceId: 'no' },
      ctx,
    );
    expect(no.state.pending).toBeUndefined();
    expect(no.replies.map((r) => r.promptId)).not.toContain('_gender');
  });

  it('is asked on the web after the contact step (« non merci » too)', () => {
    const ctx = { ...engineContext(now), reach: 'none' as const };
    const contact = resumeSession(atVolunteerQuestion(), yes, ctx);
    expect(contact.state.pending).toEqual({ kind: 'workshop_contact' });
    const declined = resumeSession(
      contact.state,
      { kind: 'choice', promptId: '_contact', choiceId: 'none' },
      ctx,
    );
    expect(declined.state.pending).toEqual({ kind: 'workshop_gender' });
    expect(declined.replies.at(-1)?.promptId).toBe('_gender');
  });

  it('keeps a tap as an event only (the state says « given », never which)', () => {
    const ctx = { ...engineContext(now), reach: 'chat' as const };
    const asked = resumeSession(atVolunteerQuestion(), yes, ctx);
    const given = resumeSession(
      asked.state,
      { kind: 'choice', promptId: '_gender', choiceId: 'man' },
      ctx,
    );
    expect(given.events).toContainEqual({ type: 'workshop_gender_given', gender: 'man' });
    expect(given.state.workshopGender).toBe('given');
    expect(JSON.stringify(given.state)).not.toMatch(/"man"/);
    expect(given.state.pending).toBeUndefined();
    // Then the conversation goes on (here: the council question this state never answered).
    expect(given.replies.at(-1)?.promptId).toBe('_council');
  });

  it('asks again after a hesitant word, and lets them skip with « passer »', () => {
    const ctx = { ...engineContext(now), reach: 'chat' as const };
    const asked = resumeSession(atVolunteerQuestion(), yes, ctx);
    const hesitant = resumeSession(asked.state, { kind: 'text', text: 'femme ?' }, ctx);
    expect(hesitant.events).toEqual([{ type: 'input_rejected', reason: 'no_match' }]);
    expect(hesitant.state.pending).toEqual({ kind: 'workshop_gender' });
    expect(hesitant.replies.at(-1)?.promptId).toBe('_gender');
    const skipped = resumeSession(hesitant.state, { kind: 'text', text: 'passer' }, ctx);
    expect(skipped.events).toContainEqual({ type: 'workshop_gender_declined' });
    expect(skipped.events.some((e) => e.type === 'workshop_gender_given')).toBe(false);
    expect(skipped.state.workshopGender).toBe('declined');
  });

  it('is not asked again once answered, and a « no » to the workshop forgets it', () => {
    const ctx = { ...engineContext(now), reach: 'chat' as const };
    const given = resumeSession(
      resumeSession(atVolunteerQuestion(), yes, ctx).state,
      { kind: 'choice', promptId: '_gender', choiceId: 'woman' },
      ctx,
    );
    const again = resumeSession(
      { ...given.state, stage: 'questions', current: 'atelier' },
      yes,
      ctx,
    );
    expect(again.replies.map((r) => r.promptId)).not.toContain('_gender');
    const no = resumeSession(
      { ...given.state, stage: 'questions', current: 'atelier' },
      { kind: 'choice', promptId: 'atelier', choiceId: 'no' },
      ctx,
    );
    expect(no.events).toContainEqual({ type: 'workshop_contact_withdrawn' });
    expect(no.state.workshopGender).toBeUndefined();
  });

  it('is not asked when the consultation says so, nor after the workshop', () => {
    const ctx = { ...engineContext(now), reach: 'chat' as const };
    for (const workshop of [
      { volunteerQuestion: 'atelier', askGender: false },
      { volunteerQuestion: 'atelier', deleteAfter: '2017-11-20T00:00:00+01:00' },
    ]) {
      const consultation = { ...ctx.consultation, workshop };
      const result = resumeSession(atVolunteerQuestion(), yes, { ...ctx, consultation });
      expect(result.state.pending).toBeUndefined();
      expect(result.replies.map((r) => r.promptId)).not.toContain('_gender');
    }
  });

  it('goes back to the volunteer question on « retour », and explains itself on « pourquoi ? »', () => {
    const ctx = { ...engineContext(now), reach: 'chat' as const };
    const asked = resumeSession(atVolunteerQuestion(), yes, ctx);
    const why = resumeSession(asked.state, { kind: 'text', text: 'pourquoi ?' }, ctx);
    expect(why.replies[0]?.text).toMatch(/aucun export des réponses/);
    expect(why.state.pending).toEqual({ kind: 'workshop_gender' });
    const back = resumeSession(asked.state, { kind: 'command', command: 'back' }, ctx);
    expect(back.state.pending).toBeUndefined();
    expect(back.replies.at(-1)?.promptId).toBe('atelier');
  });
});
