// A Gemini API stand-in: a plain node http server on 127.0.0.1 answering generateContent,
// streamGenerateContent (?alt=sse) and batchEmbedContents with recorded Google traffic
// (fixtures/vercel-ai/packages/google). Every request is recorded with its query string; replies are
// scripted per method, and an error can be scripted for the next request.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures',
  'vercel-ai', 'packages', 'google', 'src', '__fixtures__');

/** A recorded Google fixture's text, byte for byte. */
export function googleFixture(name) {
  return readFileSync(path.join(FIXTURES, name), 'utf8');
}

/** `*.chunks.txt` (one GenerateContentResponse per line) -> the SSE text Google sends with alt=sse. */
export function googleChunksToSse(lines) {
  return lines.trim().split('\n').map((l) => `data: ${l}\r\n\r\n`).join('');
}

/**
 * Starts the mock. `replies` maps a method (generateContent, streamGenerateContent, batchEmbedContents)
 * to [status, body text, content type]; `failNext(status, body)` answers the next request with an error.
 */
export async function geminiMock() {
  const calls = [];
  const replies = new Map();
  let nextFailure = null;
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url, 'http://mock');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body = null;
      try {
        body = raw ? JSON.parse(raw) : null;
      } catch {
        body = raw;
      }
      calls.push({ method: req.method, path: url.pathname, query: url.search, headers: req.headers, body });
      if (nextFailure) {
        const [status, text] = nextFailure;
        nextFailure = null;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(text);
        return;
      }
      const match = /^\/v1beta\/models\/([^/:]+):(\w+)$/.exec(url.pathname);
      const reply = match && replies.get(match[2]);
      if (!reply) {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ error: { code: 404, message: `no reply for ${url.pathname}`, status: 'NOT_FOUND' } }));
        return;
      }
      const [status, text, type] = reply;
      res.writeHead(status, { 'content-type': type });
      res.end(text);
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    calls: () => calls.slice(),
    reset() {
      calls.length = 0;
      nextFailure = null;
    },
    json(method, text) {
      replies.set(method, [200, text, 'application/json']);
    },
    sse(method, text) {
      replies.set(method, [200, text, 'text/event-stream']);
    },
    failNext(status, text) {
      nextFailure = [status, text];
    },
    stop: () => new Promise((r) => {
      server.closeAllConnections?.();
      server.close(() => r());
    }),
  };
}
