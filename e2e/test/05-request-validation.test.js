// Requests the gateway must reject itself, before any upstream call.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { BadRequestError } from 'openai';
import { openaiMock } from '../lib/mocks.js';
import { startGateway, postJson } from '../lib/gateway.js';
import { assertOpenAiError } from '../lib/helpers.js';

let oai;
let gw;
let client;

before(async () => {
  oai = await openaiMock();
  gw = await startGateway({
    providers: [{ key: 'oai', provider: 'openai', api_key: 'sk-test-oai', base_url: `${oai.origin}/v1` }],
    targets: [{ virtual_key: 'oai' }],
  });
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await oai?.stop();
});

beforeEach(() => oai.reset());

test('malformed JSON -> 400 OpenAI error, no upstream call', async () => {
  for (const p of ['/v1/chat/completions', '/chat/completions', '/v1/embeddings', '/v1/completions']) {
    const r = await postJson(gw, p, '{"model": "gpt-4o", "messages": [');
    assert.equal(r.status, 400, `${p}: ${r.text}`);
    assertOpenAiError(r.json, { type: 'invalid_request_error' });
  }
  assert.equal(oai.calls().length, 0);
});

test('JSON that is not an object -> 400', async () => {
  const r = await postJson(gw, '/v1/chat/completions', '[1,2,3]');
  assert.equal(r.status, 400, r.text);
  assertOpenAiError(r.json);
  assert.equal(oai.calls().length, 0);
});

test('missing messages -> 400 (client and raw)', async () => {
  await assert.rejects(client.chat.completions.create({ model: 'gpt-4o-mini' }), (err) => {
    assert.ok(err instanceof BadRequestError, `expected BadRequestError, got ${err}`);
    return true;
  });
  const r = await postJson(gw, '/v1/chat/completions', { model: 'gpt-4o-mini' });
  assert.equal(r.status, 400);
  assertOpenAiError(r.json, { type: 'invalid_request_error' });
  assert.match(r.json.error.message, /messages/);
  assert.equal(oai.calls().length, 0);
});

test('missing model -> 400', async () => {
  const r = await postJson(gw, '/v1/chat/completions', { messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(r.status, 400);
  assertOpenAiError(r.json, { type: 'invalid_request_error' });
  assert.match(r.json.error.message, /model/);
  assert.equal(oai.calls().length, 0);
});

/** POSTs `size` bytes with node:http, tolerating the server answering (and closing) before the upload ends. */
function postLarge(port, path, size) {
  return new Promise((resolve, reject) => {
    const head = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"';
    const tail = '"}]}';
    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers: { 'content-type': 'application/json', 'content-length': size } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
      res.on('error', () => resolve({ status: res.statusCode, text }));
    });
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => reject(e));
    req.write(head);
    const filler = Buffer.alloc(size - head.length - tail.length, 'a');
    req.write(filler);
    req.end(tail);
  });
}

test('body over 10 MiB -> 413, no upstream call', async () => {
  const r = await postLarge(gw.port, '/v1/chat/completions', 10 * 1024 * 1024 + 1024);
  assert.equal(r.status, 413, r.text.slice(0, 500));
  if (r.text) assertOpenAiError(JSON.parse(r.text));
  assert.equal(oai.calls().length, 0);
});

test('a body just under 10 MiB is accepted and forwarded', async () => {
  const r = await postLarge(gw.port, '/v1/chat/completions', 10 * 1024 * 1024 - 1024);
  assert.equal(r.status, 200, r.text.slice(0, 500));
  assert.equal(oai.calls().length, 1);
  assert.equal(oai.calls()[0].rawBody.length, 10 * 1024 * 1024 - 1024, 'body forwarded intact');
});

test('unknown route -> 404 in the OpenAI error shape', async () => {
  const r = await postJson(gw, '/v1/no-such-endpoint', { model: 'gpt-4o-mini' });
  assert.equal(r.status, 404);
  assertOpenAiError(r.json);
  assert.equal(oai.calls().length, 0);
});

test('chunked body (no content-length) over 10 MiB -> 413, no upstream call', async () => {
  const r = await new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port: gw.port, path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode, text }));
      res.on('error', () => resolve({ status: res.statusCode, text }));
    });
    req.setTimeout(15_000, () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.write('{"model":"gpt-4o-mini","messages":[{"role":"user","content":"');
    const mb = Buffer.alloc(1024 * 1024, 'a');
    let sent = 0;
    const pump = () => {
      while (sent < 11) {
        sent++;
        if (!req.write(mb)) return req.once('drain', pump);
      }
      req.end('"}]}');
    };
    pump();
  });
  assert.equal(r.status, 413, r.text.slice(0, 300));
  assert.equal(oai.calls().length, 0);
});

test('GET on a POST route -> 405', async () => {
  const r = await gw.fetch('/v1/chat/completions');
  await r.arrayBuffer();
  assert.equal(r.status, 405);
});
