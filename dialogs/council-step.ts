import { sliceCodePoints } from './code-points.js';
import { askCurrent, PROMPT, SKIP } from './ask-current.js';
import { advance } from './answer-step.js';
import { matchChoice } from './nlu/match-choice.js';
import { nextQuestion } from './questionnaire-walk.js';
import { promptReview } from './review-step.js';
import type { CouncilRef } from './session-state.js';
import type { Turn } from './turn.js';
import { yesNoOf } from './yes-no-of.js';

/** Councils shown at once; more behind « Voir plus ». */
const PAGE = 5;
const NONE = '_none';
const MORE = '_more';
const KEEP = '_keep';
const SWITCH = '_switch';
const STAY = '_stay';

/** Right after consent: use the invitation code if there was one, else ask for the council. */
export function enterCouncilStep(turn: Turn): void {
  const { state, ctx } = turn;
  state.stage = 'council';
  const code = state.invitation;
  state.invitation = undefined;
  if (state.councilId || ctx.councils.size === 0) return leaveCouncilStep(turn);
  state.councilAsked = true;
  if (code) {
    const council = ctx.councils.byInvitationCode(code);
    if (council) return selectCouncil(turn, council);
    turn.say(turn.t('council.invitation_unknown', { code }));
  }
  promptCouncil(turn);
}

/**
 * Asks once for the council of someone who agreed while there were none to choose from.
 * True when it did (the turn then waits for the answer).
 */
export function askCouncilIfMissing(turn: Turn): boolean {
  const { state, ctx } = turn;
  if (!state.consented || state.councilId || state.councilAsked || ctx.councils.size === 0)
    return false;
  state.councilAsked = true;
  state.stage = 'council';
  state.pending = undefined;
  turn.say(turn.t('council.ask_late'));
  promptCouncil(turn);
  return true;
}

/** From the review: show the council and let the person change it. */
export function changeCouncil(turn: Turn): void {
  const { state } = turn;
  state.stage = 'council';
  state.pending = undefined;
  state.councilAsked = true;
  state.editing = true;
  promptCouncil(turn);
}

export function promptCouncil(turn: Turn): void {
  const { t, state, ctx } = turn;
  const current = state.councilId ? ctx.councils.byId(state.councilId) : undefined;
  if (current) {
    turn.say(t('council.change', { council: describeCouncil(turn, current) }), {
      choices: [{ id: KEEP, label: t('council.keep') }],
      promptId: PROMPT.council,
    });
    return;
  }
  turn.say(t('council.ask'), {
    choices: [{ id: SKIP, label: t('council.unknown') }],
    promptId: PROMPT.council,
  });
}

/** The councils found, with their département, and « Voir plus » when more matched. */
export function promptCouncilCandidates(turn: Turn): void {
  const { t, state } = turn;
  const pending = state.pending?.kind === 'councils' ? state.pending : undefined;
  const candidates = pending?.candidates ?? [];
  const offset = pending?.offset ?? 0;
  const shown = offset + candidates.length;
  const total = pending?.total ?? candidates.length;
  const more = total > shown;
  const key =
    offset > 0
      ? 'council.candidates_next'
      : more
        ? 'council.candidates_more'
        : 'council.candidates';
  turn.say(t(key, { shown: candidates.length, from: offset + 1, to: shown, total }), {
    choices: [
      ...candidates.map((c) => ({ id: c.id, label: describeCouncil(turn, c) })),
      ...(more ? [{ id: MORE, label: t('council.more') }] : []),
      { id: NONE, label: t('council.none') },
    ],
    promptId: PROMPT.council,
  });
}

/** An invitation code, a commune or neighbourhood name, or a tap on one of the councils found. */
export function answerCouncil(turn: Turn, input: { choiceId?: string; text?: string }): void {
  const { state, ctx, t } = turn;
  const pending = state.pending?.kind === 'councils' ? state.pending : undefined;
  const candidates = pending?.candidates ?? [];
  if (input.choiceId === SKIP) return skipCouncil(turn);
  if (input.choiceId === KEEP) {
    state.pending = undefined;
    return leaveCouncilStep(turn);
  }
  if (input.choiceId === NONE || (input.choiceId === 'none' && pending)) {
    state.pending = undefined;
    turn.say(t('council.try_again'));
    return promptCouncil(turn);
  }
  if (pending?.query && (input.choiceId === MORE || saysMore(turn, input.text))) {
    return showCouncils(turn, pending.query, (pending.offset ?? 0) + candidates.length);
  }
  // A council's button stays valid after « Voir plus » showed the next ones.
  const picked = input.choiceId
    ? (candidates.find((c) => c.id === input.choiceId) ?? ctx.councils.byId(input.choiceId))
    : pickTyped(input.text ?? '', candidates);
  if (picked) return selectCouncil(turn, picked);
  if (input.text === undefined) {
    turn.say(t('reject.stale_button'));
    return askCurrent(turn);
  }
  const text = input.text.trim();
  const invited = ctx.councils.byInvitationCode(text);
  if (invited) return selectCouncil(turn, invited);
  showCouncils(turn, text, 0);
}

export function skipCouncil(turn: Turn): void {
  turn.state.pending = undefined;
  turn.say(turn.t('council.skipped'));
  leaveCouncilStep(turn);
}

/** An invitation link opened by someone who agreed already: attach, or ask to switch. */
export function applyInvitation(turn: Turn, code: string): void {
  const { state, ctx } = turn;
  const council = ctx.councils.byInvitationCode(code);
  if (!council || council.id === state.councilId) return;
  if (!state.councilId) {
    state.councilId = council.id;
    state.councilAsked = true;
    turn.emit({ type: 'council_selected', councilId: council.id });
    turn.say(turn.t('council.selected', { council: describeCouncil(turn, council) }));
    if (state.stage === 'council') {
      // They were being asked for it: on to the question they had reached, or the review.
      state.pending = undefined;
      state.current = nextQuestion(ctx.consultation, state.answers, undefined)?.id;
      state.stage = state.current ? 'questions' : 'review';
    }
    return;
  }
  state.pending = { kind: 'switch_council', councilId: council.id };
}

export function promptSwitchCouncil(turn: Turn, councilId: string): void {
  const { t, state, ctx } = turn;
  const next = ctx.councils.byId(councilId);
  const current = state.councilId ? ctx.councils.byId(state.councilId) : undefined;
  turn.say(
    t('council.switch', {
      next: next ? describeCouncil(turn, next) : councilId,
      current: current ? describeCouncil(turn, current) : (state.councilId ?? ''),
    }),
    {
      choices: [
        { id: SWITCH, label: t('council.switch_yes') },
        { id: STAY, label: t('council.switch_no') },
      ],
      promptId: PROMPT.switchCouncil,
    },
  );
}

/** « Oui, changer » or « Non, garder » after an invitation link of another council. */
export function answerSwitchCouncil(
  turn: Turn,
  input: { kind: 'choice'; choiceId: string } | { kind: 'text'; text: string },
): void {
  const { state, ctx, t } = turn;
  const pending = state.pending?.kind === 'switch_council' ? state.pending : undefined;
  state.pending = undefined;
  const said = yesNoOf(turn, input, { yes: SWITCH, no: STAY });
  const council = pending ? ctx.councils.byId(pending.councilId) : undefined;
  if (said === 'yes' && council) {
    state.councilId = council.id;
    turn.emit({ type: 'council_selected', councilId: council.id });
    turn.say(t('council.selected', { council: describeCouncil(turn, council) }));
  } else {
    turn.say(t(said === 'no' ? 'council.kept' : 'council.switch_not_understood'));
  }
  askCurrent(turn);
}

/** "Franc Moisin - Cosmonautes (Saint-Denis, 93)". */
export function describeCouncil(turn: Turn, council: CouncilRef): string {
  const { name, commune, department } = council;
  return department
    ? turn.t('council.label_department', { name, commune, department })
    : turn.t('council.label', { name, commune });
}

function showCouncils(turn: Turn, query: string, offset: number): void {
  const { state, ctx, t } = turn;
  const found = ctx.councils.search(query, PAGE, offset);
  if (found.councils.length === 0) {
    state.failures += 1;
    state.pending = undefined;
    turn.emit({ type: 'input_rejected', reason: 'no_match' });
    turn.say(t('council.not_found', { text: sliceCodePoints(query, 60) }));
    return promptCouncil(turn);
  }
  state.failures = 0;
  state.pending = {
    kind: 'councils',
    candidates: found.councils,
    query: sliceCodePoints(query, 100),
    offset,
    total: found.total,
  };
  promptCouncilCandidates(turn);
}

function selectCouncil(turn: Turn, council: CouncilRef): void {
  const { state } = turn;
  const changed = state.councilId !== council.id;
  state.councilId = council.id;
  state.pending = undefined;
  state.failures = 0;
  if (changed) turn.emit({ type: 'council_selected', councilId: council.id });
  turn.say(turn.t('council.selected', { council: describeCouncil(turn, council) }));
  leaveCouncilStep(turn);
}

/** Back to where the person was: the review after a change from it, else the questions. */
function leaveCouncilStep(turn: Turn): void {
  const { state, ctx } = turn;
  if (state.editing) {
    state.editing = false;
    state.stage = 'review';
    return promptReview(turn, 'short');
  }
  if (state.completed && !nextQuestion(ctx.consultation, state.answers, undefined)) {
    state.stage = 'done';
    return askCurrent(turn);
  }
  advance(turn, undefined);
}

function saysMore(turn: Turn, text: string | undefined): boolean {
  if (text === undefined) return false;
  const match = matchChoice(text, [
    {
      id: MORE,
      label: turn.t('council.more'),
      synonyms: turn.t('council.more.syn').split('|'),
      unnumbered: true,
    },
  ]);
  return match.kind === 'one' && match.sure;
}

function pickTyped(text: string, candidates: readonly CouncilRef[]): CouncilRef | undefined {
  if (candidates.length === 0) return undefined;
  const match = matchChoice(
    text,
    candidates.map((c) => ({ id: c.id, label: `${c.name} ${c.commune}`, synonyms: [c.name] })),
  );
  return match.kind === 'one' && match.sure ? candidates.find((c) => c.id === match.id) : undefined;
}
