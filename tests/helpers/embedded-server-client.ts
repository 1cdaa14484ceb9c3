// A stand-in for a `concerto` process that uses the embedded server, run by tests as
// `node --import tsx tests/helpers/embedded-server-client.ts DATA_DIR`. It prints one JSON line
// per fact ({"uri","port"} once ready, {"event":"lost"|"restored"} from the supervisor) and stops
// on a "stop" line on stdin; an open stdin keeps it alive.
import { createInterface } from 'node:readline';
import { startEmbeddedServer } from '../../storage/embedded-server.js';

const dataDir = process.argv[2];
if (!dataDir) throw new Error('usage: embedded-server-client.ts DATA_DIR');
const say = (fact: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(fact)}\n`);
};
const server = await startEmbeddedServer({ dataDir, log: () => undefined });
server.events.on('lost', (reason) => say({ event: 'lost', reason }));
server.events.on('restored', (how) => say({ event: 'restored', how }));
say({ uri: server.uri, port: server.port });
createInterface({ input: process.stdin }).on('line', (line) => {
  if (line !== 'stop') return;
  void server.stop().then(() => {
    say({ stopped: true });
    process.exit(0);
  });
});
