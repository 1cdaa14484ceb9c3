import type { EngineContext, TurnResult } from './engine-context.js';
import type { EngineEvent } from './engine-event.js';
import type { EngineReply } from './engine-reply.js';
import type { SessionState } from './session-state.js';
import { translator, type Translate } from './translate.js';

/** One turn in progress: a private copy of the state, and the replies and events so far. */
export class Turn {
  readonly replies: EngineReply[] = [];
  readonly events: EngineEvent[] = [];
  state: SessionState;

  constructor(
    state: SessionState,
    readonly ctx: EngineContext,
  ) {
    // The engine replaces nested values rather than editing them, except these containers.
    this.state = {
      ...state,
      answers: { ...state.answers },
      completedThemes: [...state.completedThemes],
    };
  }

  /** Translates in the person's current language (it may change during the turn). */
  get t(): Translate {
    return translator(this.ctx.catalog, this.state.lang);
  }

  say(text: string, extra: Omit<EngineReply, 'text'> = {}): void {
    this.replies.push({ text, ...extra });
  }

  emit(event: EngineEvent): void {
    this.events.push(event);
  }

  result(): TurnResult {
    return { state: this.state, replies: this.replies, events: this.events };
  }
}
