import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AnswerValue } from '../../dialogs/answer-value.js';
import { commandNames, type EngineInput } from '../../dialogs/engine-input.js';
import { resumeSession, startSession } from '../../dialogs/resume-session.js';
import { sessionStateSchema, type SessionState } from '../../dialogs/session-state.js';
import { engineContext } from '../helpers/engine-context.js';

const ctx = engineContext('2026-11-25T10:00:00+01:00');

/** Inputs a person could send: buttons of the current prompt (or stale ones), words, commands, media. */
const inputArbitrary: fc.Arbitrary<(promptIds: string[], choiceIds: string[]) => EngineInput> =
  fc.oneof(
    fc
      .record({ pick: fc.nat(), stale: fc.boolean(), promptPick: fc.nat() })
      .map(
        ({ pick, stale, promptPick }) =>
          (promptIds: string[], choiceIds: string[]): EngineInput => ({
            kind: 'choice',
            promptId:
              (stale ? promptIds[promptPick % Math.max(promptIds.length, 1)] : promptIds.at(-1)) ??
              '_x',
            choiceId: choiceIds[pick % Math.max(choiceIds.length, 1)] ?? 'nothing',
          }),
      ),
    fc
      .constantFrom(
        'oui',
        'non',
        '1',
        '2, 3',
        '7',
        '',
        '🙂',
        'Roubaix',
        'RBX7KQ',
        "c'est tout",
        'Des bus le soir',
        'x'.repeat(700),
        'pourquoi ?',
        'jsp',
        'bof',
        'pas trop',
        'on continue',
        'bonjour',
        'saint-denis',
        'voir plus',
      )
      .map((text) => (): EngineInput => ({ kind: 'text', text })),
    fc
      .constantFrom('RBX7KQ', 'STD3RV', 'NOPE00', undefined)
      .map((payload) => (): EngineInput => ({ kind: 'start', payload })),
    fc.string({ maxLength: 30 }).map((text) => (): EngineInput => ({ kind: 'text', text })),
    fc
      .constantFrom(...commandNames)
      .map((command) => (): EngineInput => ({ kind: 'command', command })),
    fc
      .constantFrom('photo', 'voice', 'sticker')
      .map((media) => (): EngineInput => ({ kind: 'media', media })),
  );

function run(makers: ((p: string[], c: string[]) => EngineInput)[]) {
  let result = startSession({ kind: 'start', payload: undefined }, 'fr', ctx);
  const log = [result];
  const promptIds: string[] = [];
  for (const make of makers) {
    const last = [...result.replies].reverse().find((r) => r.choices);
    if (last?.promptId) promptIds.push(last.promptId);
    const input = make(promptIds, last?.choices?.map((c) => c.id) ?? []);
    result = resumeSession(result.state, input, ctx);
    log.push(result);
  }
  return log;
}

describe('engine properties', () => {
  it('never throws, always replies, and always leaves a valid state', () => {
    fc.assert(
      fc.property(fc.array(inputArbitrary, { maxLength: 60 }), (makers) => {
        for (const turn of run(makers)) {
          expect(sessionStateSchema.safeParse(turn.state).success).toBe(true);
          // A typed code is answered once the caller redeemed it (a second engine call).
          const codeOnly = turn.events.some((e) => e.type === 'continuation_code_entered');
          if (!codeOnly) expect(turn.replies.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('loses and duplicates no answer: the events replayed give exactly the stored answers', () => {
    fc.assert(
      fc.property(fc.array(inputArbitrary, { maxLength: 80 }), (makers) => {
        let replayed = new Map<string, AnswerValue>();
        let state: SessionState | undefined;
        for (const turn of run(makers)) {
          for (const event of turn.events) {
            if (event.type === 'data_deletion_requested') replayed = new Map();
            if (event.type === 'answer_recorded') {
              expect(replayed.has(event.questionId)).toBe(false);
              replayed.set(event.questionId, event.value);
            }
            if (event.type === 'answer_changed') {
              expect(replayed.get(event.questionId)).toEqual(event.previous);
              replayed.set(event.questionId, event.value);
            }
          }
          state = turn.state;
        }
        expect(Object.fromEntries(replayed)).toEqual(state?.answers);
      }),
      { numRuns: 300 },
    );
  });

  it('never takes a question back for an answer or a consent', () => {
    fc.assert(
      fc.property(
        fc.array(inputArbitrary, { maxLength: 40 }),
        fc.constantFrom('pourquoi ?', "c'est quoi ce truc", 'ça veut dire quoi ?', 'why?'),
        (makers, text) => {
          const state = run(makers).at(-1)?.state;
          if (!state) return;
          const after = resumeSession(state, { kind: 'text', text }, ctx);
          const taken = after.events.filter(
            (e) => e.type.startsWith('answer_') || e.type === 'consent_given',
          );
          expect(taken).toEqual([]);
          expect(after.state.answers).toEqual(state.answers);
          expect(after.replies.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('resume, help and back change no answer', () => {
    fc.assert(
      fc.property(
        fc.array(inputArbitrary, { maxLength: 40 }),
        fc.constantFrom('resume', 'help', 'back' as const),
        (makers, command) => {
          const state = run(makers).at(-1)?.state;
          if (!state) return;
          const after = resumeSession(state, { kind: 'command', command }, ctx);
          expect(after.state.answers).toEqual(state.answers);
          expect(after.events.filter((e) => e.type.startsWith('answer_'))).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });
});
