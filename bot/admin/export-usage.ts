/** `concerto export --help`. */
export const exportUsage = `Usage: concerto export KIND [options]

Kinds:
  answers        one row per answer (one per choice picked, ranked for a ranking);
                 with --wide, one row per participant and one column per question
  participants   one row per participant: council, role, language, channels, status,
                 progress, consent time and version, reminders (pseudonymised)
  transcripts    every message in and out, per conversation in order (pseudonymised)
  codebook       every question with its text in French and English, type, conditions
                 and every code with its labels: read any export without the source

Output:
  --format csv|ndjson|json|xlsx   default csv (RFC 4180, CRLF)
  --excel        CSV for French Excel: ";" between cells, UTF-8 byte order mark
  --out FILE     write to FILE (default: standard output; xlsx needs --out on a terminal)
  --labels fr|en language of question texts and labels (default fr)
  --wide         answers only: one row per participant, one column per question
  --raw          free text as typed: phone numbers, e-mails and postal addresses are
                 masked otherwise. Recorded in the audit log, like every export.

Filters (repeat a flag or separate values with commas):
  --council CODE        councils (QPV codes, e.g. QN05981M)
  --department CODE     départements (59, 2A, 974…)
  --theme ID            themes: profile, education, emploi, formation, mobilite,
                        parentalite, culture (answers and codebook)
  --status STATUS       not_started, in_progress, completed (default: everyone who
                        consented; the status column says which)
  --completed           only those who finished (same as --status completed)
  --since DATE          from this day (2017-11-29, Paris time) or instant (ISO 8601)
  --until DATE          to the end of this day, or to this instant
                        (answers: when given; transcripts: each message; participants:
                        took part during the range)
  --lang fr|en          participants' language
  --channel telegram|web|console
                        answers and transcripts: what came through it; participants:
                        who used it

Participants are pseudonymised (HMAC of their id with PSEUDONYM_SECRET); erased participants
appear in no export. A progress bar is shown on standard error when it is a terminal.
Exports stream: on a server short of memory, cap Node's heap and it stays near 200 MB
(NODE_OPTIONS=--max-old-space-size=128 concerto export …); uncapped, it may grow to 600 MB.

Examples:
  concerto export answers --council QN05981M --excel --out roubaix.csv
  concerto export answers --wide --completed --format xlsx --out answers.xlsx
  concerto export codebook --format xlsx --out codebook.xlsx
  concerto export transcripts --since 2017-12-01 --format ndjson > transcripts.ndjson
`;
