import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { parseRequestUrl } from '../http/parse-request-url.js';
import type { Logger } from '../logger.js';
import type { ConversationTokenCheck } from './conversation-token.js';
import { directLineQuotas } from './directline-quotas.js';
import type { DirectLineStore } from './directline-store.js';

const streamPath = /^\/v3\/directline\/conversations\/([A-Za-z0-9_-]{1,64})\/stream$/;
/** Another process may have written to a conversation: look at their seqs this often. */
const pollMs = 3000;
/** A socket that has not answered a ping for this long is dropped (a phone gone away). */
const pingMs = 30_000;
const pageSize = 100;
const statusLines = {
  401: '401 Unauthorized',
  403: '403 Forbidden',
  404: '404 Not Found',
} as const;

export interface StreamOptions {
  /** Checks the stream URL's token for the conversation (conversation-token.ts). */
  authorize(token: string, conversationId: string): Promise<ConversationTokenCheck>;
  /** The address a request came from (per-address quota). */
  addressOf(req: IncomingMessage): string;
  log: Logger;
  /** Counts a refused socket (web-metrics.ts). */
  countLimited?: () => void;
}

interface Watcher {
  ws: WebSocket;
  address: string;
  wake(seq: number): void;
}

/**
 * The Direct Line WebSocket stream: each socket is sent `{ activities, watermark }` groups,
 * first everything after its watermark, then what is appended. A write of this process
 * `publish`es the new seq and the sockets read exactly those activities (one `$in` by `_id`);
 * every 3 s one query reads the seqs of all watched conversations (by `_id`) for writes of
 * other processes. At most two sockets per conversation (a third closes the oldest) and a
 * quota per address.
 */
export function createDirectLineStream(repo: DirectLineStore, options: StreamOptions) {
  const { log } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 4096 });
  const watchers = new Map<string, Watcher[]>();
  const perAddress = new Map<string, number>();

  function attach(ws: WebSocket, conversationId: string, from: number, address: string): Watcher {
    let mark = from;
    let target = from;
    let pulling = false;
    let alive = true;
    const run = async (): Promise<void> => {
      pulling = true;
      try {
        while (mark < target && ws.readyState === ws.OPEN) {
          const upTo = Math.min(target, mark + pageSize);
          const items = await repo.activitiesBetween(conversationId, mark, upTo, new Date());
          mark = upTo;
          if (items.length === 0) continue;
          ws.send(
            JSON.stringify({
              activities: items.map((item) => item.activity),
              watermark: String(mark),
            }),
          );
        }
      } catch (error) {
        log.warn({ err: error, conversationId }, 'Direct Line stream could not read activities');
      } finally {
        pulling = false;
      }
    };
    const watcher: Watcher = {
      ws,
      address,
      wake(seq) {
        target = Math.max(target, seq);
        if (!pulling && mark < target) void run();
      },
    };
    const list = watchers.get(conversationId) ?? [];
    // A phone that reconnects opens a new socket before the old one is known to be dead.
    while (list.length >= directLineQuotas.socketsPerConversation) list.shift()?.ws.terminate();
    list.push(watcher);
    watchers.set(conversationId, list);
    perAddress.set(address, (perAddress.get(address) ?? 0) + 1);
    ws.on('message', () => undefined); // the client's keep-alive pings carry nothing
    ws.on('pong', () => {
      alive = true;
    });
    const heartbeat = setInterval(() => {
      if (!alive) return void ws.terminate();
      alive = false;
      ws.ping();
    }, pingMs);
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      clearInterval(heartbeat);
      const left = (watchers.get(conversationId) ?? []).filter((w) => w !== watcher);
      if (left.length === 0) watchers.delete(conversationId);
      else watchers.set(conversationId, left);
      const count = (perAddress.get(address) ?? 1) - 1;
      if (count <= 0) perAddress.delete(address);
      else perAddress.set(address, count);
    });
    return watcher;
  }

  /** Other processes' writes: one read of the watched conversations' seqs, by `_id`. */
  const poller = setInterval(() => {
    const ids = [...watchers.keys()];
    if (ids.length === 0) return;
    repo
      .conversationSeqs(ids)
      .then((seqs) => {
        for (const id of ids) {
          const seq = seqs.get(id);
          for (const watcher of watchers.get(id) ?? []) {
            // Gone (erased, expired): its sockets close.
            if (seq === undefined) watcher.ws.close(1000, 'conversation ended');
            else watcher.wake(seq);
          }
        }
      })
      .catch((error: unknown) =>
        log.warn({ err: error }, 'Direct Line stream could not read conversations'),
      );
  }, pollMs);
  poller.unref();

  const refuse = (socket: Duplex, status: string, headers = '') => {
    socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\n${headers}\r\n`);
  };

  return {
    /** Tells this process's sockets on the conversation that activities up to `seq` are readable. */
    publish(conversationId: string, seq: number): void {
      for (const watcher of watchers.get(conversationId) ?? []) watcher.wake(seq);
    },
    /** Handles an HTTP upgrade for a stream URL; false when the path is not ours. */
    upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
      const url = parseRequestUrl(req.url);
      const match = url ? streamPath.exec(url.pathname) : null;
      if (!url || !match?.[1]) return false;
      const conversationId = match[1];
      const token = url.searchParams.get('t') ?? '';
      const watermark = Number.parseInt(url.searchParams.get('watermark') ?? '', 10);
      socket.on('error', () => socket.destroy());
      const address = options.addressOf(req);
      const open = async () => {
        const check = await options.authorize(token, conversationId);
        if (!check.ok) {
          return refuse(socket, statusLines[check.status]);
        }
        if ((perAddress.get(address) ?? 0) >= directLineQuotas.socketsPerAddress) {
          options.countLimited?.();
          return refuse(socket, '429 Too Many Requests', 'Retry-After: 30\r\n');
        }
        const { seq } = check.conversation;
        const from = Number.isFinite(watermark) && watermark >= 0 ? Math.min(watermark, seq) : 0;
        wss.handleUpgrade(req, socket, head, (ws) =>
          attach(ws, conversationId, from, address).wake(seq),
        );
      };
      open().catch((error: unknown) => {
        log.warn({ err: error, conversationId }, 'Direct Line stream could not open');
        refuse(socket, '503 Service Unavailable');
      });
      return true;
    },
    async close(): Promise<void> {
      clearInterval(poller);
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
