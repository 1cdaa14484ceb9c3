import { describe, expect, it } from 'vitest';
import { resumeSession } from '../../dialogs/resume-session.js';
import { initialState, type SessionState } from '../../dialogs/session-state.js';
import { maskContact, readWorkshopContact } from '../../dialogs/workshop-contact.js';
import { engineContext } from '../helpers/engine-context.js';

describe('reading a contact left for the workshop', () => {
  it.each([
    ['jean.dupont@exemple.fr', { email: 'jean.dupont@exemple.fr' }],
    ["mon mail c'est Jean.Dupont @ Exemple.FR merci", { email: 'jean.dupont@exemple.fr' }],
    ['06 12 34 56 78', { phone: '+33612345678' }],
    ['0612345678', { phone: '+33612345678' }],
    ['06.12.34.56.78 le soir', { phone: '+33612345678' }],
    ['+33 (0)6 12 34 56 78', { phone: '+33612345678' }],
    ['+44 20 7946 0958', { phone: '+442079460958' }],
    ['0033 6 12 34 56 78', { phone: '+33612345678' }],
    ['a@b.fr ou 07 11 22 33 44', { email: 'a@b.fr', phone: '+33711223344' }],
  ])('finds it in « %s »', (text, contact) => {
    expect(readWorkshopContact(text)).toEqual(contact);
  });

  it.each([
    'oui',
    'je sais pas',
    'le 12 décembre 2017',
    'jean at gmail',
    '12 34 56',
    'bus 123 456',
    'jean@localhost',
    '01 23 45',
  ])('finds none in « %s » (nothing unclear is kept)', (text) => {
    expect(readWorkshopContact(text)).toBeUndefined();
  });

  it('shows it back masked: the domain and the last digits only', () => {
    expect(maskContact({ email: 'jean.dupont@exemple.fr' })).toBe('j•••@exemple.fr');
    expect(maskContact({ phone: '+33612345678' })).toBe('06 •• •• •• 78');
    expect(maskContact({ phone: '+442079460958' })).toBe('+44••••••••58');
    expect(maskContact({ email: 'a@b.fr', phone: '+33711223344' })).toBe(
      'a•••@b.fr, 07 •• •• •• 44',
    );
  });
});

/** Someone on the last question (the volunteer one), the rest answered or not. */
function atVolunteerQuestion(): SessionState {
  return {
    ...initialState('cc2017', 'fr'),
    consented: true,
    greeted: true,
    stage: 'questions',
    current: 'atelier',
  };
}

describe('the contact step', () => {
  const now = '2017-11-25T10:00:00+01:00';

  it('is not offered on Telegram, which keeps the chat, nor where the channel says nothing', () => {
    for (const reach of ['chat', undefined] as const) {
      const ctx = { ...engineContext(now), reach };
      const result = resumeSession(
        atVolunteerQuestion(),
        { kind: 'choice', promptId: 'atelier', choiceId: 'yes' },
        ctx,
      );
      expect(result.state.pending?.kind).not.toBe('workshop_contact');
      expect(result.replies.map((r) => r.promptId)).not.toContain('_contact');
    }
  });

  it('is offered on the web after a « yes », not after a « no »', () => {
    const ctx = { ...engineContext(now), reach: 'none' as const };
    const yes = resumeSession(
      atVolunteerQuestion(),
      { kind: 'choice', promptId: 'atelier', choiceId: 'yes' },
      ctx,
    );
    expect(yes.state.pending).toEqual({ kind: 'workshop_contact' });
    expect(yes.replies.at(-1)?.choices).toEqual([{ id: 'none', label: 'Non merci' }]);
    const no = resumeSession(
      atVolunteerQuestion(),
      { kind: 'choice', promptId: 'atelier', choiceId: 'no' },
      ctx,
    );
    expect(no.state.pending).toBeUndefined();
  });

  it('is no longer offered once the contacts are to be deleted (after the workshop)', () => {
    const ctx = engineContext(now);
    const consultation = {
      ...ctx.consultation,
      workshop: { volunteerQuestion: 'atelier', deleteAfter: '2017-11-20T00:00:00+01:00' },
    };
    const result = resumeSession(
      atVolunteerQuestion(),
      { kind: 'choice', promptId: 'atelier', choiceId: 'yes' },
      { ...ctx, consultation, reach: 'none' },
    );
    expect(result.state.pending).toBeUndefined();
  });

  it('keeps a typed phone number, says it back masked, and moves on', () => {
    const ctx = { ...engineContext(now), reach: 'none' as const };
    const asked = resumeSession(
      atVolunteerQuestion(),
      { kind: 'choice', promptId: 'atelier', choiceId: 'yes' },
      ctx,
    );
    const given = resumeSession(asked.state, { kind: 'text', text: '06 12 34 56 78' }, ctx);
    expect(given.events).toContainEqual({
      type: 'workshop_contact_given',
      contact: { phone: '+33612345678' },
    });
    expect(given.replies[0]?.text).toContain('06 •• •• •• 78');
    expect(JSON.stringify(given)).not.toContain('12 34 56');
    expect(given.state.workshopContact).toBe('given');
    // Then the optional gender question of the workshop's balance.
    expect(given.state.pending).toEqual({ kind: 'workshop_gender' });
    // The state never holds the contact itself.
    expect(JSON.stringify(given.state)).not.toContain('612345678');
  });

  it('takes « non merci » typed as a no, and keeps nothing from a text that is no contact', () => {
    const ctx = { ...engineContext(now), reach: 'none' as const };
    const asked = resumeSession(
      atVolunteerQuestion(),
      { kind: 'choice', promptId: 'atelier', choiceId: 'yes' },
      ctx,
    );
    const unclear = resumeSession(asked.state, { kind: 'text', text: 'le mardi plutôt' }, ctx);
    expect(unclear.events).toEqual([{ type: 'input_rejected', reason: 'no_match' }]);
    expect(unclear.state.pending).toEqual({ kind: 'workshop_contact' });
    const declined = resumeSession(unclear.state, { kind: 'text', text: 'non merci' }, ctx);
    expect(declined.events).toContainEqual({ type: 'workshop_contact_declined' });
    expect(declined.state.workshopContact).toBe('declined');
  });
});
