// Mock upstream providers: plain node http servers on 127.0.0.1 speaking the real OpenAI / Anthropic
// wire formats, replaying recorded fixtures. Every request is recorded; behaviour is scriptable per test.
import http from 'node:http';
import * as fx from './fixtures.js';

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// ---- responders: (req, res, record) => Promise|void -----------------------------------------------

export const reply = {
  /** JSON body (object, or a string sent byte-for-byte). */
  json(status, body, headers = {}) {
    return (req, res) => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(text);
    };
  },

  /**
   * Raw SSE wire text. Options: cutAfterEvents (send that many events, then destroy the socket
   * mid-stream), delayMs (between events), headers.
   */
  sse(text, { cutAfterEvents, delayMs = 0, headers = {} } = {}) {
    return async (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', ...headers });
      res.flushHeaders();
      const events = fx.sseEvents(text);
      const n = cutAfterEvents ?? events.length;
      for (let i = 0; i < n && i < events.length; i++) {
        if (res.destroyed) return;
        res.write(events[i] + '\n\n');
        if (delayMs) await sleep(delayMs);
      }
      if (cutAfterEvents != null) {
        await sleep(100);
        res.socket?.destroy(); // abrupt: no terminating chunk, no [DONE]
        return;
      }
      res.end();
    };
  },

  /** Accept the request, then close the connection without any response. */
  destroy() {
    return (req, res) => {
      res.socket?.destroy();
    };
  },

  /** Never answer (for timeout tests); the socket is closed when the mock stops. */
  hang() {
    return () => {};
  },

  /** An OpenAI-shaped error ({"error":{...}}). */
  openaiError(status, body = { error: { message: `mock upstream error ${status}`, type: 'server_error', param: null, code: null } }, headers = {}) {
    return reply.json(status, body, headers);
  },

  /** An Anthropic-shaped error ({"type":"error","error":{"type","message"}}). */
  anthropicError(status, type, message, headers = {}) {
    return reply.json(status, fx.anthropicErrorBody(type, message), headers);
  },
};

// ---- the server ----------------------------------------------------------------------------------

export class MockUpstream {
  constructor(name, defaultRoute) {
    this.name = name;
    this.defaultRoute = defaultRoute; // (record) => responder
    this.requests = [];
    this.queue = [];
    this.fallbackResponder = null;
    this.sockets = new Set();
    this.server = http.createServer((req, res) => this.#handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
  }

  async start() {
    await new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(0, '127.0.0.1', resolve);
    });
    this.port = this.server.address().port;
    this.origin = `http://127.0.0.1:${this.port}`;
    return this;
  }

  async stop() {
    for (const s of this.sockets) s.destroy();
    await new Promise((r) => this.server.close(() => r()));
  }

  /** Forget recorded requests and scripted behaviour. */
  reset() {
    this.requests = [];
    this.queue = [];
    this.fallbackResponder = null;
  }

  /**
   * Script the next `times` matching requests (FIFO). `path` (optional) restricts which requests the
   * entry applies to (e.g. '/v1/chat/completions'); GETs never consume entries unless `path` names them.
   */
  next(responder, { times = 1, path } = {}) {
    for (let i = 0; i < times; i++) this.queue.push({ responder, path });
    return this;
  }

  /** Answer every request (that no queued entry takes) with this responder until reset(). */
  always(responder) {
    this.fallbackResponder = responder;
    return this;
  }

  /** Recorded requests, optionally only those for `path`. */
  calls(path) {
    return path ? this.requests.filter((r) => r.path === path) : this.requests;
  }

  async #handle(req, res) {
    res.on('error', () => {});
    req.on('error', () => {});
    const chunks = [];
    for await (const c of req) chunks.push(c);
    const rawBody = Buffer.concat(chunks).toString('utf8');
    let body = null;
    try {
      body = rawBody ? JSON.parse(rawBody) : null;
    } catch {
      body = undefined; // not JSON
    }
    const url = new URL(req.url, 'http://mock');
    const record = { method: req.method, path: url.pathname, url: req.url, headers: { ...req.headers }, rawBody, body, at: Date.now() };
    // finished: the whole response was written; closedAt: when the connection/response closed
    // (a close with finished === false means the gateway went away mid-response).
    record.finished = false;
    record.closedAt = null;
    res.on('finish', () => (record.finished = true));
    res.on('close', () => (record.closedAt = Date.now()));
    this.requests.push(record);

    let responder;
    const idx = this.queue.findIndex((q) => (q.path ? q.path === record.path : req.method !== 'GET'));
    if (idx >= 0) responder = this.queue.splice(idx, 1)[0].responder;
    else if (this.fallbackResponder) responder = this.fallbackResponder;
    else responder = this.defaultRoute(record);
    try {
      await responder(req, res, record);
    } catch (e) {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`mock failure: ${e.stack}`);
    }
  }
}

/** Float32 little-endian base64, what OpenAI returns for `encoding_format: "base64"`. */
export function toBase64Float32(vec) {
  const buf = Buffer.alloc(vec.length * 4);
  vec.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

function openaiRoutes(r) {
  if (r.method === 'POST' && r.path === '/v1/chat/completions') {
    return r.body?.stream ? reply.sse(fx.openaiChatSse) : reply.json(200, fx.openaiChatJsonText);
  }
  if (r.method === 'POST' && r.path === '/v1/completions') {
    return r.body?.stream ? reply.sse(fx.openaiCompletionSse) : reply.json(200, fx.openaiCompletionJsonText);
  }
  if (r.method === 'POST' && r.path === '/v1/embeddings') {
    const body = structuredClone(fx.openaiEmbedding);
    if (r.body?.encoding_format === 'base64') {
      for (const d of body.data) d.embedding = toBase64Float32(d.embedding);
    }
    return reply.json(200, body);
  }
  if (r.method === 'GET' && r.path === '/v1/models') {
    // No recorded /v1/models body in the shared fixtures; the ids are the recorded fixtures' models.
    return reply.json(200, {
      object: 'list',
      data: [fx.openaiChatJson.model, fx.openaiEmbedding.model].map((id) => ({ id, object: 'model', created: 1770933883, owned_by: 'system' })),
    });
  }
  return reply.openaiError(404, { error: { message: `mock: no route ${r.method} ${r.path}`, type: 'invalid_request_error', param: null, code: 'unknown_url' } });
}

function anthropicRoutes(r) {
  if (r.method === 'POST' && r.path === '/v1/messages') {
    return r.body?.stream ? reply.sse(fx.anthropicBasicSse) : reply.json(200, fx.anthropicTextJsonText);
  }
  return reply.anthropicError(404, 'not_found_error', `mock: no route ${r.method} ${r.path}`);
}

export const openaiMock = (name = 'openai') => new MockUpstream(name, openaiRoutes).start();
export const anthropicMock = (name = 'anthropic') => new MockUpstream(name, anthropicRoutes).start();
