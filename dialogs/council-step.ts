import { askCurrent, promptCouncil, SKIP } from './ask-current.js';
import { advance } from './answer-step.js';
import { matchChoice } from './nlu/match-choice.js';
import type { CouncilRef } from './session-state.js';
import type { Turn } from './turn.js';

const MAX_CANDIDATES = 6;
const NONE = 'none';

/** Right after consent: use the invitation code if there was one, else ask for the council. */
export function enterCouncilStep(turn: Turn): void {
  const { state, ctx } = turn;
  state.stage = 'council';
  const code = state.invitation;
  state.invitation = undefined;
  if (state.councilId || ctx.councils.size === 0) return advance(turn, undefined);
  if (code) {
    const council = ctx.councils.byInvitationCode(code);
    if (council) return selectCouncil(turn, council);
    turn.say(turn.t('council.invitation_unknown', { code }));
  }
  promptCouncil(turn);
}

/** An invitation code, a commune or neighbourhood name, or a tap on one of the councils found. */
export function answerCouncil(turn: Turn, input: { choiceId?: string; text?: string }): void {
  const { state, ctx, t } = turn;
  const candidates = state.pending?.kind === 'councils' ? state.pending.candidates : [];
  if (input.choiceId === SKIP) return skipCouncil(turn);
  if (input.choiceId === NONE) {
    state.pending = undefined;
    turn.say(t('council.try_again'));
    return promptCouncil(turn);
  }
  const picked = input.choiceId
    ? candidates.find((c) => c.id === input.choiceId)
    : pickTyped(input.text ?? '', candidates);
  if (picked) return selectCouncil(turn, picked);
  if (input.text === undefined) {
    turn.say(t('reject.stale_button'));
    return askCurrent(turn);
  }
  const text = input.text.trim();
  const invited = ctx.councils.byInvitationCode(text);
  if (invited) return selectCouncil(turn, invited);
  const found = ctx.councils.search(text, MAX_CANDIDATES).councils;
  if (found.length === 0) {
    state.failures += 1;
    turn.emit({ type: 'input_rejected', reason: 'no_match' });
    turn.say(t('council.not_found', { text: text.slice(0, 60) }));
    return promptCouncil(turn);
  }
  state.failures = 0;
  state.pending = { kind: 'councils', candidates: found };
  askCurrent(turn);
}

export function skipCouncil(turn: Turn): void {
  turn.state.pending = undefined;
  turn.say(turn.t('council.skipped'));
  advance(turn, undefined);
}

function selectCouncil(turn: Turn, council: CouncilRef): void {
  const { state } = turn;
  state.councilId = council.id;
  state.pending = undefined;
  state.failures = 0;
  turn.emit({ type: 'council_selected', councilId: council.id });
  turn.say(turn.t('council.selected', { name: council.name, commune: council.commune }));
  advance(turn, undefined);
}

function pickTyped(text: string, candidates: readonly CouncilRef[]): CouncilRef | undefined {
  if (candidates.length === 0) return undefined;
  const match = matchChoice(
    text,
    candidates.map((c) => ({ id: c.id, label: `${c.name} ${c.commune}`, synonyms: [c.name] })),
  );
  return match.kind === 'one' ? candidates.find((c) => c.id === match.id) : undefined;
}
