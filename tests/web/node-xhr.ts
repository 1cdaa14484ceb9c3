import WebSocket from 'ws';

/**
 * Just enough XMLHttpRequest, over fetch, for rxjs 5's `Observable.ajax` (which
 * botframework-directlinejs uses): open, headers, send, readyState 4, status, response.
 */
class FetchXhr {
  readyState = 0;
  status = 0;
  responseType = '';
  response: unknown = null;
  responseText = '';
  timeout = 0;
  withCredentials = false;
  onreadystatechange: ((this: FetchXhr, event: unknown) => void) | null = null;
  onerror: ((this: FetchXhr, event: unknown) => void) | null = null;
  ontimeout: ((this: FetchXhr, event: unknown) => void) | null = null;
  private method = 'GET';
  private url = '';
  private readonly headers: Record<string, string> = {};
  private responseHeaders = new Headers();
  private readonly controller = new AbortController();

  open(method: string, url: string): void {
    this.method = method;
    this.url = url;
    this.readyState = 1;
  }

  setRequestHeader(name: string, value: string): void {
    this.headers[name] = value;
  }

  getResponseHeader(name: string): string | null {
    return this.responseHeaders.get(name);
  }

  abort(): void {
    this.controller.abort();
  }

  send(body?: string): void {
    const init: RequestInit = {
      method: this.method,
      headers: this.headers,
      signal: this.controller.signal,
    };
    if (body !== undefined) init.body = body;
    fetch(this.url, init)
      .then(async (res) => {
        this.status = res.status;
        this.responseHeaders = res.headers;
        this.responseText = await res.text();
        this.response = this.responseType === 'json' ? parse(this.responseText) : this.responseText;
        this.readyState = 4;
        this.onreadystatechange?.call(this, {});
      })
      .catch((error: unknown) => {
        if (this.controller.signal.aborted) return;
        this.readyState = 4;
        this.status = 0;
        this.onerror?.call(this, error);
      });
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** Every WebSocket the client opened, so a test can drop one. */
export const openedSockets: WebSocket[] = [];

class TrackedWebSocket extends WebSocket {
  constructor(url: string) {
    super(url);
    openedSockets.push(this);
  }
}

/** Gives Node the browser globals the Direct Line client expects. */
export function installBrowserGlobals(): void {
  Object.defineProperty(globalThis, 'XMLHttpRequest', {
    value: FetchXhr,
    configurable: true,
    writable: true,
  });
  Object.defineProperty(globalThis, 'WebSocket', {
    value: TrackedWebSocket,
    configurable: true,
    writable: true,
  });
}
