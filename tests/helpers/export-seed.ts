import type { Db } from 'mongodb';
import { createTurnHandler, type TurnHandler } from '../../bot/handle-turn.js';
import type { AnswerValue } from '../../dialogs/answer-value.js';
import type { EngineInput } from '../../dialogs/engine-input.js';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import type { Lang } from '../../dialogs/session-state.js';
import { initialState } from '../../dialogs/session-state.js';
import { collections } from '../../storage/collections.js';
import { importCouncils } from '../../storage/council-repository.js';
import type { AnswerDoc, ParticipantDoc } from '../../storage/documents.js';
import type { Channel, ChannelIdentity } from '../../storage/identity.js';
import { mongoStorage } from '../../storage/mongo-storage.js';
import type { QpvRow } from '../../storage/parse-qpv-csv.js';
import { engineContext } from './engine-context.js';

/** The councils of the sample (tests/helpers/engine-context.ts) that exports are tested on. */
export const seedCouncils: QpvRow[] = [
  {
    code: 'QN05981M',
    name: 'Nouveau Roubaix',
    commune: 'Roubaix',
    communeInsee: '59512',
    department: '59',
    departmentName: 'Nord',
  },
  {
    code: 'QN05983M',
    name: 'Phalempins',
    commune: 'Tourcoing',
    communeInsee: '59599',
    department: '59',
    departmentName: 'Nord',
  },
  {
    code: 'QN00101M',
    name: 'Grande Reyssouze Terre Des Fleurs',
    commune: 'Bourg-en-Bresse',
    communeInsee: '01053',
    department: '01',
    departmentName: 'Ain',
  },
];

/** Invitation codes of the sample councils, as the engine's directory knows them. */
export const inviteOf: Record<string, string> = {
  QN05981M: 'RBX7KQ',
  QN05983M: 'TCG4HW',
  QN00101M: 'BRG2MX',
};

export interface Persona {
  identity: ChannelIdentity;
  councilId: string;
  lang?: Lang;
  /** Typed, in turn, for every free-text question (and after « Autre »). */
  texts: string[];
  /** Tap « Autre » on the first question that offers it, then type this. */
  otherText?: string;
  /** Stop after this many answers (an unfinished participant); the whole questionnaire without. */
  answers?: number;
  /** When each turn happens. */
  at: Date;
}

/**
 * A seeded database: the councils, and a handler whose turns go through the real pipeline
 * (engine, commit, answers, transcripts) on `db`.
 */
export async function seedDatabase(db: Db): Promise<{
  play(persona: Persona): Promise<string>;
  handleTurn: TurnHandler;
  clock: { now: Date };
}> {
  await importCouncils(db, seedCouncils);
  const { consultation, catalog, councils } = engineContext('2017-11-23T10:00:00+01:00');
  const clock = { now: new Date('2017-11-23T09:00:00Z') };
  const handleTurn = createTurnHandler({
    storage: mongoStorage(db),
    engine: { consultation, catalog, councils },
    now: () => clock.now,
  });
  let inbound = 0;
  return {
    handleTurn,
    clock,
    async play(persona) {
      clock.now = persona.at;
      const say = (input: EngineInput) =>
        handleTurn(persona.identity, input, {
          inboundId: `seed:${(inbound += 1)}`,
          lang: persona.lang ?? 'fr',
        });
      let turn = await say({ kind: 'start', payload: inviteOf[persona.councilId] });
      const participantId = turn.participantId ?? '';
      let texts = 0;
      let otherUsed = persona.otherText === undefined;
      let answered = 0;
      const tapped = new Set<string>();
      for (let step = 0; step < 200; step += 1) {
        if (turn.events.some((e) => e.type === 'questionnaire_completed')) break;
        answered += turn.events.filter((e) => e.type === 'answer_recorded').length;
        if (persona.answers !== undefined && answered >= persona.answers) break;
        const reply: EngineReply | undefined =
          turn.replies.findLast((r) => r.promptId !== undefined) ?? turn.replies.at(-1);
        const input = nextSeedInput(
          reply,
          tapped,
          () => {
            if (!otherUsed) {
              otherUsed = true;
              return persona.otherText ?? '';
            }
            const text = persona.texts[texts % persona.texts.length] ?? 'Plus de bus le soir';
            texts += 1;
            return text;
          },
          !otherUsed,
        );
        if (input.kind === 'choice') tapped.add(`${input.promptId}:${input.choiceId}`);
        clock.now = new Date(clock.now.getTime() + 60_000);
        turn = await say(input);
      }
      return participantId;
    },
  };
}

function nextSeedInput(
  reply: EngineReply | undefined,
  tapped: ReadonlySet<string>,
  nextText: () => string,
  wantOther: boolean,
): EngineInput {
  const choices = reply?.choices ?? [];
  const promptId = reply?.promptId;
  const tap = (choiceId: string): EngineInput => ({
    kind: 'choice',
    promptId: promptId ?? '',
    choiceId,
  });
  const has = (id: string) => choices.some((c) => c.id === id);
  if (promptId === undefined) return { kind: 'text', text: nextText() };
  if (promptId === '_consent' && has('yes')) return tap('yes');
  if (has('confirm')) return tap('confirm');
  if (wantOther && has('other') && !tapped.has(`${promptId}:other`)) return tap('other');
  const ticked = reply?.multiSelect ? choices.some((c) => c.label.startsWith('✓')) : false;
  if (has('_done') && ticked) return tap('_done');
  const first = choices.find(
    (c) => !c.id.startsWith('_') && c.id !== 'other' && !tapped.has(`${promptId}:${c.id}`),
  );
  if (first) return tap(first.id);
  if (has('_done')) return tap('_done');
  return { kind: 'text', text: nextText() };
}

/**
 * A consented participant document written directly (for volume: the bench, big tests), with
 * the fields a turn would have given it.
 */
export function generatedParticipant(
  participantId: string,
  options: {
    councilId: string;
    status: 'not_started' | 'in_progress' | 'completed';
    answered: number;
    at: Date;
    channel?: Channel;
    lang?: Lang;
  },
): ParticipantDoc {
  const channel = options.channel ?? 'telegram';
  return {
    _id: participantId,
    version: options.answered + 3,
    identities: [{ channel, externalId: `gen-${participantId}` }],
    consultationId: 'cc2017',
    councilId: options.councilId,
    role: 'tire',
    lang: options.lang ?? 'fr',
    consent: { at: options.at, textVersion: '2017-11-22' },
    status: options.status,
    progress: { answered: options.answered, themesCompleted: [], themesLeft: 6 },
    remindersOff: false,
    unreachable: false,
    reminders: { received: 0 },
    createdAt: options.at,
    updatedAt: options.at,
    lastActivityAt: options.at,
    ...(options.status === 'completed' ? { completedAt: options.at } : {}),
    state: {
      ...initialState('cc2017', options.lang ?? 'fr'),
      consented: true,
      councilId: options.councilId,
    },
    recentInboundIds: [],
    lastTurn: { version: options.answered + 3, at: options.at, channel, replies: [], answers: [] },
  };
}

/** An answer document as a turn would have written it. */
export function generatedAnswer(
  participantId: string,
  questionId: string,
  value: AnswerValue,
  at: Date,
  channel: Channel = 'telegram',
): AnswerDoc {
  return {
    _id: `${participantId}:${questionId}`,
    participantId,
    questionId,
    consultationId: 'cc2017',
    value,
    ...(value.kind === 'text' ? { text: value.text } : {}),
    questionnaireVersion: '2017-11-22.2',
    channel,
    answeredAt: at,
    updatedAt: at,
    turn: 2,
    history: [],
  };
}

/** Inserts generated documents, a thousand at a time. */
export async function insertGenerated(
  db: Db,
  participants: ParticipantDoc[],
  answers: AnswerDoc[],
): Promise<void> {
  const c = collections(db);
  for (let i = 0; i < participants.length; i += 1000)
    await c.participants.insertMany(participants.slice(i, i + 1000), { ordered: false });
  for (let i = 0; i < answers.length; i += 1000)
    await c.answers.insertMany(answers.slice(i, i + 1000), { ordered: false });
}
