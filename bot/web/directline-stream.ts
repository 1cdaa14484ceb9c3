import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseRequestUrl } from '../http/parse-request-url.js';
import type { Logger } from '../logger.js';
import type { TokenSigner } from './directline-token.js';
import type { DirectLineStore } from './directline-store.js';

const streamPath = /^\/v3\/directline\/conversations\/([A-Za-z0-9_-]{1,64})\/stream$/;
/** Another process may have written to the conversation: look again this often. */
const pollMs = 3000;
const pageSize = 100;

/**
 * The Direct Line WebSocket stream: each socket is sent `{ activities, watermark }` groups,
 * first everything after its watermark, then each new activity. `publish` wakes the sockets
 * of this process at once; a slow poll covers activities written by other processes.
 */
export function createDirectLineStream(repo: DirectLineStore, tokens: TokenSigner, log: Logger) {
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const listeners = new Map<string, Set<() => void>>();

  function attach(ws: WebSocket, conversationId: string, watermark: number): void {
    let mark = watermark;
    let pulling = false;
    let again = false;
    const pull = async (): Promise<void> => {
      if (pulling) {
        again = true;
        return;
      }
      pulling = true;
      try {
        do {
          again = false;
          const items = await repo.listAfter(conversationId, mark, pageSize);
          const last = items.at(-1);
          if (!last || ws.readyState !== ws.OPEN) continue;
          mark = last.seq;
          ws.send(
            JSON.stringify({
              activities: items.map((item) => item.activity),
              watermark: String(mark),
            }),
          );
          if (items.length === pageSize) again = true;
        } while (again);
      } catch (error) {
        log.warn({ err: error, conversationId }, 'Direct Line stream could not read activities');
      } finally {
        pulling = false;
      }
    };
    const wake = () => void pull();
    const set = listeners.get(conversationId) ?? new Set();
    set.add(wake);
    listeners.set(conversationId, set);
    const timer = setInterval(wake, pollMs);
    ws.on('message', () => undefined); // the client's keep-alive pings carry nothing
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearInterval(timer);
      set.delete(wake);
      if (set.size === 0) listeners.delete(conversationId);
    });
    wake();
  }

  return {
    /** Tells this process's sockets on the conversation that something was appended. */
    publish(conversationId: string): void {
      for (const wake of listeners.get(conversationId) ?? []) wake();
    },
    /** Handles an HTTP upgrade for a stream URL; false when the path is not ours. */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const url = parseRequestUrl(req.url);
      const match = url ? streamPath.exec(url.pathname) : null;
      if (!url || !match?.[1]) return false;
      const conversationId = match[1];
      const check = tokens.verify(url.searchParams.get('t') ?? '', new Date());
      if (!check.ok || check.claims.conversationId !== conversationId) {
        socket.end(
          `HTTP/1.1 ${check.ok || check.reason === 'expired' ? '403 Forbidden' : '401 Unauthorized'}\r\n\r\n`,
        );
        return true;
      }
      const watermark = Number.parseInt(url.searchParams.get('watermark') ?? '', 10);
      wss.handleUpgrade(req, socket, head, (ws) =>
        attach(ws, conversationId, Number.isFinite(watermark) ? watermark : 0),
      );
      return true;
    },
    async close(): Promise<void> {
      // 1001 "going away": the page reconnects (to another process) from its watermark.
      for (const client of wss.clients) client.close(1001, 'server stopping');
      const closed = new Promise<void>((resolve) => wss.close(() => resolve()));
      const patience = new Promise((resolve) => setTimeout(resolve, 500).unref());
      await Promise.race([closed, patience]);
      for (const client of wss.clients) client.terminate();
      await closed;
    },
  };
}

export type DirectLineStream = ReturnType<typeof createDirectLineStream>;
