/** `concerto admin --help`, and each action's own. */
export const adminUsage = `Usage: concerto admin ACTION [options]

Actions:
  create-credential --role admin|coordinator [--council CODE…] [--name NAME] [--coordinator ID]
                 a credential for the admin API (/admin/api/…, "Authorization: Bearer …"),
                 printed once: only its hash is kept. A coordinator sees only their
                 councils' data on every route; --coordinator ID takes the name and
                 councils of a coordinator made with "admin coordinator".
  list           every credential: id, role, name, councils, made, revoked
  revoke ID      revokes a credential at once (running servers included)
  audit [--since DATE] [--json]
                 who exported what (kind, filters, raw or masked, rows) and when, who made
                 or revoked credentials, reminder waves queued by coordinators
  coordinator --name NAME --council CODE [--council CODE…]
                 a coordinator's one-time Telegram link code (/coordinator CODE in Telegram)

ADMIN_TOKEN, while set, is accepted as an admin credential: use it to make the first one,
then unset it.
`;

export const actionUsage: Record<string, string> = {
  'create-credential': `Usage: concerto admin create-credential --role admin|coordinator [options]

  --role admin|coordinator   an admin sees everything; a coordinator only their councils
  --council CODE             a coordinator's council (repeat, or separate with commas)
  --name NAME                who it is for (shown in the audit log)
  --coordinator ID           a coordinator made with "concerto admin coordinator": takes
                             their name and councils unless given here

The credential is printed once; keep it like a password. Revoke with "concerto admin revoke ID".
`,
  list: `Usage: concerto admin list

Every credential, oldest first: id, role, name, councils, when made, when revoked.
`,
  revoke: `Usage: concerto admin revoke ID

Revokes the credential ID (see "concerto admin list"); it is refused at once everywhere.
`,
  audit: `Usage: concerto admin audit [--since DATE] [--json]

  --since DATE   from this day (2017-11-29, Paris time) or instant (ISO 8601)
  --json         one JSON object per line instead of a table
`,
  coordinator: `Usage: concerto admin coordinator --name NAME --council CODE [--council CODE…]

Makes a council coordinator and prints their one-time link code; in Telegram they type
/coordinator CODE to get /stats and /remind for their councils.
`,
};
