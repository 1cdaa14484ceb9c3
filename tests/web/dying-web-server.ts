// A web server (the real runtime and web channel) that kills itself with SIGKILL at an exact
// point of the n-th turn, the crash of issue 13: DIE_AT=turn right after the turn is committed,
// before Direct Line stores its replies; DIE_AT=replies after the replies are written, before
// the conversation's seq moves past them. Started by tests/web/web-server-process.ts.
import { parseConfig } from '../../bot/config.js';
import type { TurnHandler } from '../../bot/handle-turn.js';
import { createLogger } from '../../bot/logger.js';
import { startServer } from '../../bot/serve-command.js';
import { startRuntime } from '../../bot/start-runtime.js';
import { createWebChannel } from '../../bot/web/create-web-channel.js';
import type { DirectLineStore } from '../../bot/web/directline-store.js';

const parsed = parseConfig(process.env);
if (!parsed.ok) throw new Error(parsed.problems.join('\n'));
const runtime = await startRuntime(parsed.config, createLogger(parsed.config.LOG_LEVEL));
const dieAfter = Number(process.env.DIE_AFTER_TURN ?? 0);
const point = process.env.DIE_AT === 'replies' ? 'replies' : 'turn';
let turns = 0;
const die = () => process.kill(process.pid, 'SIGKILL');
const handleTurn: TurnHandler = async (identity, input, meta) => {
  const turn = await runtime.handleTurn(identity, input, meta);
  turns += 1;
  if (point === 'turn' && turns === dieAfter) die();
  return turn;
};
const repo = runtime.directLine;
const directLine: DirectLineStore = {
  createConversation: (...a) => repo.createConversation(...a),
  findConversation: (...a) => repo.findConversation(...a),
  conversationSeqs: (...a) => repo.conversationSeqs(...a),
  activitiesBetween: (...a) => repo.activitiesBetween(...a),
  insertFrom: (...a) => repo.insertFrom(...a),
  // The last write of a turn: its replies are stored, not yet visible.
  advance: async (id, seq, now, update) => {
    if (point === 'replies' && turns === dieAfter && update?.lastClientActivityId) die();
    return repo.advance(id, seq, now, update);
  },
  append: (...a) => repo.append(...a),
  repairLag: (...a) => repo.repairLag(...a),
  claimClientActivity: (...a) => repo.claimClientActivity(...a),
  deleteActivities: (...a) => repo.deleteActivities(...a),
  endConversation: (...a) => repo.endConversation(...a),
  nextTokenGeneration: (...a) => repo.nextTokenGeneration(...a),
  getOrCreateSetting: (...a) => repo.getOrCreateSetting(...a),
};
const { port } = await startServer({ ...runtime, handleTurn, directLine }, [createWebChannel]);
process.stderr.write(`web chat at http://127.0.0.1:${port}/\n`);
