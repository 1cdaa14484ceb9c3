/** Where the person is: "thème 2/6 · question 3/5". */
export interface Progress {
  theme: number;
  themes: number;
  question: number;
  questions: number;
}

export interface ReplyChoice {
  id: string;
  label: string;
}

/**
 * A channel-neutral message. `promptId` names what the choices answer, so a button pressed
 * later can be recognised as stale.
 */
export interface EngineReply {
  text: string;
  choices?: ReplyChoice[];
  promptId?: string;
  progress?: Progress;
  /** Several choices may be ticked before confirming (rendered as toggles). */
  multiSelect?: boolean;
  /** The text asks people to type numbers: channels show each choice's number on its button. */
  numbered?: boolean;
  /** The prompt expects free text of at most this many characters (shown before typing). */
  textLimit?: number;
}
