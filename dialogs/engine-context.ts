import type { EngineEvent } from './engine-event.js';
import type { EngineReply } from './engine-reply.js';
import type { Consultation } from './questionnaire-schema.js';
import type { CouncilRef, SessionState } from './session-state.js';
import type { Catalog } from './translate.js';

/** Councils the engine may attach a participant to; an in-memory index built by the caller. */
export interface CouncilDirectory {
  /** How many councils there are; with none, the council step is not asked. */
  readonly size: number;
  byInvitationCode(code: string): CouncilRef | undefined;
  byId(id: string): CouncilRef | undefined;
  /**
   * Councils matching a neighbourhood or commune name, a postcode, an INSEE code or a
   * département, best first: `limit` of them from `offset`, and how many match in all
   * (so the engine can offer « voir plus »).
   */
  search(text: string, limit: number, offset?: number): CouncilSearch;
}

export interface CouncilSearch {
  councils: CouncilRef[];
  total: number;
}

/** What the engine is given besides the state and the input: it reads no clock of its own. */
export interface EngineContext {
  now: Date;
  consultation: Consultation;
  catalog: Catalog;
  councils: CouncilDirectory;
  /** A fresh code for « code » (`ABCD-EFGH`), drawn by the caller: the engine has no randomness. */
  newContinuationCode: string;
  /**
   * Whether the channel can write to this person later by itself (`chat`: Telegram keeps
   * the chat) or not (`none`: the web page, so a volunteer for the workshop is asked how to
   * reach them). Absent: nothing is asked.
   */
  reach?: 'chat' | 'none' | undefined;
}

export interface TurnResult {
  state: SessionState;
  replies: EngineReply[];
  events: EngineEvent[];
}
