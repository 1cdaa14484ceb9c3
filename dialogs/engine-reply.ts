/** Where the person is: "thème 2/6 · question 3/5". */
export interface Progress {
  theme: number;
  themes: number;
  question: number;
  questions: number;
  /**
   * 100 on the review and closing replies once every question is answered (theme and
   * question are then the last ones), so a progress bar can reach its end. Absent before.
   */
  percent?: number;
}

export interface ReplyChoice {
  id: string;
  label: string;
}

/**
 * A channel-neutral message. `promptId` names what the choices answer, so a button pressed
 * later can be recognised as stale. A choice id starting with "/" is a command
 * (`/resume`): valid whatever the prompt on screen.
 */
export interface EngineReply {
  text: string;
  choices?: ReplyChoice[];
  promptId?: string;
  progress?: Progress;
  /** Several choices may be ticked before confirming (rendered as toggles). */
  multiSelect?: boolean;
  /**
   * The text asks people to type numbers: channels show each choice's number on its button.
   * The choice at index i is number i + 1; the ones whose id starts with "_" (Valider,
   * Passer, Sans avis) come last and take no number.
   */
  numbered?: boolean;
  /** The prompt expects free text of at most this many characters (shown before typing). */
  textLimit?: number;
}
