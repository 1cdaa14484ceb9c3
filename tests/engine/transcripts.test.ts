import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { describe, expect, it, beforeAll } from 'vitest';
import {
  commandNames,
  type CommandName,
  type EngineInput,
  type MediaKind,
} from '../../dialogs/engine-input.js';
import type { EngineReply } from '../../dialogs/engine-reply.js';
import type { EngineEvent } from '../../dialogs/engine-event.js';
import {
  createIntentRecognizer,
  type IntentRecognizer,
} from '../../dialogs/nlu/create-intent-recognizer.js';
import { resumeSession, startSession } from '../../dialogs/resume-session.js';
import type { SessionState } from '../../dialogs/session-state.js';
import { engineContext } from '../helpers/engine-context.js';
import { understand } from '../../bot/handle-turn.js';
import { CouncilIndex } from '../../bot/council-index.js';

/**
 * Engine transcripts: each file in tests/transcripts/ lists inputs and the replies and events
 * they must produce. `UPDATE_TRANSCRIPTS=1 npx vitest run tests/engine` rewrites the expected
 * part from what the engine does now; review the diff before committing it.
 */
const folder = new URL('../transcripts/', import.meta.url);
const update = process.env['UPDATE_TRANSCRIPTS'] === '1';

type StepInput =
  | string
  | { tap: string }
  | { stale: { promptId: string; choiceId: string } }
  | { command: string }
  | { media: MediaKind }
  | { start: string | null }
  | { longText: number };

interface Step {
  in: StepInput;
  out?: string[];
  events?: string[];
}

interface Fixture {
  description: string;
  lang: 'fr' | 'en';
  now: string;
  opensAt?: string;
  closesAt?: string;
  /** There are no councils before this step (they are imported while people answer). */
  councilsFrom?: number;
  /** The channel's reach (`none`: the web, where a volunteer is asked for a contact). */
  reach?: 'chat' | 'none';
  steps: Step[];
}

let recognizer: IntentRecognizer;
beforeAll(async () => {
  recognizer = await createIntentRecognizer();
});

const files = readdirSync(folder)
  .filter((f) => f.endsWith('.json'))
  .sort();

describe('engine transcripts', () => {
  it('has fixtures', () => expect(files.length).toBeGreaterThanOrEqual(5));
  for (const file of files) {
    it(file, async () => {
      const url = new URL(file, folder);
      const fixture: Fixture = JSON.parse(readFileSync(url, 'utf8'));
      const ctx = engineContext(fixture.now, {
        opensAt: fixture.opensAt,
        closesAt: fixture.closesAt,
      });
      if (fixture.reach) ctx.reach = fixture.reach;
      const noCouncils = { ...ctx, councils: new CouncilIndex([]) };
      let state: SessionState | undefined;
      let promptId = '';
      for (const [index, step] of fixture.steps.entries()) {
        const input = await toInput(step.in, promptId, state?.lang ?? fixture.lang);
        const stepCtx = index < (fixture.councilsFrom ?? 0) ? noCouncils : ctx;
        const result = state
          ? resumeSession(state, input, stepCtx)
          : startSession(input, fixture.lang, stepCtx);
        state = result.state;
        promptId = [...result.replies].reverse().find((r) => r.promptId)?.promptId ?? promptId;
        const out = result.replies.map(describeReply);
        const events = result.events.map(describeEvent);
        if (update) {
          step.out = out;
          step.events = events;
        } else {
          expect({ step: index, in: step.in, out, events }).toEqual({
            step: index,
            in: step.in,
            out: step.out,
            events: step.events,
          });
        }
      }
      if (update) writeFileSync(url, `${JSON.stringify(fixture, null, 2)}\n`);
    });
  }
});

async function toInput(step: StepInput, promptId: string, lang: 'fr' | 'en'): Promise<EngineInput> {
  if (typeof step === 'string')
    return understand({ kind: 'text', text: step }, lang, (t, l) => recognizer.classify(t, l));
  if ('tap' in step) return { kind: 'choice', promptId, choiceId: step.tap };
  if ('stale' in step) return { kind: 'choice', ...step.stale };
  if ('media' in step) return { kind: 'media', media: step.media };
  if ('start' in step) return { kind: 'start', payload: step.start ?? undefined };
  if ('longText' in step) return { kind: 'text', text: 'x'.repeat(step.longText) };
  const command = step.command;
  if (!isCommand(command)) throw new Error(`unknown command ${command}`);
  return { kind: 'command', command };
}

function isCommand(name: string): name is CommandName {
  return commandNames.some((command) => command === name);
}

/**
 * A reply on one line, as a reviewer reads it: text, then [id=label | …], the presentation
 * flags (#numbered, #multi, #limit=600) and the progress (theme · question · percent).
 */
function describeReply(reply: EngineReply): string {
  const parts = [reply.text];
  if (reply.choices)
    parts.push(
      `[${reply.promptId}: ${reply.choices.map((c) => `${c.id}=${c.label}`).join(' | ')}]`,
    );
  else if (reply.promptId && reply.textLimit) parts.push(`[${reply.promptId}]`);
  if (reply.numbered) parts.push('#numbered');
  if (reply.multiSelect) parts.push('#multi');
  if (reply.textLimit) parts.push(`#limit=${reply.textLimit}`);
  if (reply.progress) {
    const p = reply.progress;
    const percent = p.percent === undefined ? '' : ` · ${p.percent} %`;
    parts.push(`(${p.theme}/${p.themes} · ${p.question}/${p.questions}${percent})`);
  }
  return parts.join(' ');
}

function describeEvent(event: EngineEvent): string {
  switch (event.type) {
    case 'answer_recorded':
    case 'answer_changed':
      return `${event.type} ${event.questionId} ${JSON.stringify(event.value)}`;
    case 'theme_completed':
      return `${event.type} ${event.themeId}`;
    case 'council_selected':
      return `${event.type} ${event.councilId}`;
    case 'language_changed':
      return `${event.type} ${event.lang}`;
    case 'input_rejected':
      return `${event.type} ${event.reason}`;
    default:
      return event.type;
  }
}
