// A Cohere v2 stand-in: a plain node http server on 127.0.0.1 speaking Cohere's wire format (bearer auth,
// POST /v2/chat as JSON or as an SSE stream of typed events, POST /v2/embed, {"id","message"} errors),
// replaying the recorded vercel-ai fixtures. Every request is recorded; a test may queue a reply.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/vercel-ai/packages/cohere/src/__fixtures__');

export const cohereFixture = (name) => readFileSync(path.join(DIR, name), 'utf8');

/** A recorded *.chunks.txt as Cohere sends it: `event: <type>` and `data: <json>` per event. */
export function cohereSse(chunksName) {
  return cohereFixture(chunksName).split('\n').filter((l) => l.trim())
    .map((l) => `event: ${JSON.parse(l).type}\ndata: ${l}\n\n`).join('');
}

export const cohereReply = {
  json: (status, body) => (req, res) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  },
  error: (status, message, headers = {}) => (req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ id: 'mock-error-id', message }));
  },
  /** Writes each event separately; `cutBefore` drops every event from that type on and ends the body. */
  sse: (chunksName, { cutBefore } = {}) => (req, res) => {
    res.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const event of cohereSse(chunksName).split('\n\n').filter(Boolean)) {
      if (cutBefore && event.startsWith(`event: ${cutBefore}\n`)) break;
      res.write(event + '\n\n');
    }
    res.end();
  },
};

/** Starts the mock; `key` is the API key it accepts. */
export async function cohereMock({ key }) {
  const requests = [];
  const queue = [];
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      const raw = Buffer.concat(parts).toString('utf8');
      let body = null;
      try { body = JSON.parse(raw); } catch { /* recorded as null */ }
      requests.push({ method: req.method, path: req.url, headers: req.headers, body });
      if (req.headers.authorization !== `Bearer ${key}`) return cohereReply.error(401, 'invalid api token')(req, res);
      const queued = queue.shift();
      if (queued) return queued(req, res);
      if (req.method === 'POST' && req.url === '/v2/embed') {
        if (!body?.input_type || !Array.isArray(body.texts)) return cohereReply.error(400, 'invalid request: input_type is required')(req, res);
        return cohereReply.json(200, cohereFixture('cohere-embedding.json'))(req, res);
      }
      if (req.method !== 'POST' || req.url !== '/v2/chat') return cohereReply.error(404, `no route ${req.url}`)(req, res);
      if (!body?.model || !Array.isArray(body.messages)) return cohereReply.error(400, 'invalid request: model and messages are required')(req, res);
      const tools = Array.isArray(body.tools) && body.tools.length > 0;
      if (body.stream) return cohereReply.sse(tools ? 'cohere-tool-call.chunks.txt' : 'cohere-text.chunks.txt')(req, res);
      return cohereReply.json(200, cohereFixture(tools ? 'cohere-tool-call.json' : 'cohere-text.json'))(req, res);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    calls: () => requests,
    reset: () => { requests.length = 0; queue.length = 0; },
    next: (responder) => queue.push(responder),
    stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
