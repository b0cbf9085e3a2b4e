// Retry, fallback across targets and providers, model_map, and streams failing before / after the first byte.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { APIError, BadRequestError } from 'openai';
import { openaiMock, anthropicMock, reply } from '../lib/mocks.js';
import { startGateway, postJson } from '../lib/gateway.js';
import { loadSchemas, assertValid } from '../lib/schema.js';
import { collectChatStream, summarizeChunks, assertOpenAiError, sseDataLines, withTimeout } from '../lib/helpers.js';
import * as fx from '../lib/fixtures.js';

let a; // first OpenAI-format upstream
let b; // second OpenAI-format upstream
let c; // Anthropic upstream
let gw;
let client;
const S = loadSchemas();
const unavailable = () => reply.openaiError(503, { error: { message: 'The server is overloaded', type: 'server_error', param: null, code: null } });

before(async () => {
  a = await openaiMock('a');
  b = await openaiMock('b');
  c = await anthropicMock('c');
  gw = await startGateway({
    providers: [
      { key: 'oai-a', provider: 'openai', api_key: 'sk-test-a', base_url: `${a.origin}/v1`, timeout: '1500ms' },
      { key: 'oai-b', provider: 'openai', api_key: 'sk-test-b', base_url: `${b.origin}/v1` },
      { key: 'claude', provider: 'anthropic', api_key: 'sk-ant-test', base_url: c.origin },
    ],
    strategy: { mode: 'fallback' },
    targets: [
      { virtual_key: 'oai-a', retry: { attempts: 3, retry_on_status: [429, 502, 503, 504], initial_backoff_ms: 10 } },
      { virtual_key: 'oai-b' },
      { virtual_key: 'claude', model_map: { 'gpt-4o': 'claude-3-5-haiku-latest' } },
    ],
  });
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await Promise.all([a, b, c].map((m) => m?.stop()));
});

beforeEach(() => [a, b, c].forEach((m) => m.reset()));

const chat = (model, extra = {}) => ({ model, messages: [{ role: 'user', content: 'Hello' }], ...extra });

test('fallback: first target 503 on all 3 attempts -> second target answers', async () => {
  a.always(unavailable());
  const { data, response } = await client.chat.completions.create(chat('gpt-4o-mini')).withResponse();
  assert.equal(a.calls().length, 3, 'target 1: 3 attempts (retry.attempts counts every try)');
  assert.equal(b.calls().length, 1, 'target 2: one call');
  assert.equal(c.calls().length, 0, 'target 3 (claude, no model_map for gpt-4o-mini) untouched');
  assert.equal(b.calls()[0].headers.authorization, 'Bearer sk-test-b', "second target gets its own key");
  assert.equal(b.calls()[0].body.model, 'gpt-4o-mini');
  assert.equal(response.headers.get('x-switchboard-attempts'), '4');
  assert.equal(response.headers.get('x-switchboard-target'), 'oai-b');
  assert.equal(response.headers.get('x-switchboard-provider'), 'openai');
  assertValid(S.chatCompletion, data, 'chat.completion');
  assert.deepEqual(data, fx.openaiChatJson);
});

test('retry: 429 with Retry-After: 1 then success on the same target', async () => {
  a.next(reply.openaiError(429, { error: { message: 'Rate limit reached', type: 'requests', param: null, code: 'rate_limit_exceeded' } }, { 'retry-after': '1' }));
  const t0 = Date.now();
  const { data, response } = await client.chat.completions.create(chat('gpt-4o-mini')).withResponse();
  assert.equal(a.calls().length, 2, 'same target retried once');
  assert.equal(b.calls().length, 0, 'no fallback needed');
  const gap = a.calls()[1].at - a.calls()[0].at;
  assert.ok(gap >= 900, `Retry-After: 1 must be honoured (gap between attempts was ${gap} ms)`);
  assert.ok(Date.now() - t0 < 5000);
  assert.equal(response.headers.get('x-switchboard-attempts'), '2');
  assert.equal(response.headers.get('x-switchboard-target'), 'oai-a');
  assert.deepEqual(data, fx.openaiChatJson);
});

test('400 from the first target is neither retried nor failed over', async () => {
  a.next(reply.json(400, fx.openaiError400Text));
  const raw = await postJson(gw, '/v1/chat/completions', chat('gpt-4o-mini', { max_tokens: 5 }));
  assert.equal(raw.status, 400);
  assert.deepEqual(raw.json, fx.openaiError400);
  assert.equal(a.calls().length, 1);
  assert.equal(b.calls().length, 0);
  assert.equal(raw.headers.get('x-switchboard-attempts'), '1');
});

test('transport error (connection dropped) on the first target falls back', async () => {
  a.always(reply.destroy());
  const { data, response } = await client.chat.completions.create(chat('gpt-4o-mini')).withResponse();
  assert.ok(a.calls().length >= 1);
  assert.equal(b.calls().length, 1);
  assert.equal(response.headers.get('x-switchboard-target'), 'oai-b');
  assert.equal(response.headers.get('x-switchboard-attempts'), String(a.calls().length + 1));
  assert.deepEqual(data, fx.openaiChatJson);
});

test('upstream timeout (provider timeout 1500ms, upstream never answers) falls back', async () => {
  a.always(reply.hang());
  const t0 = Date.now();
  const { data, response } = await client.chat.completions.create(chat('gpt-4o-mini'), { timeout: 12_000 }).withResponse();
  const elapsed = Date.now() - t0;
  assert.ok(a.calls().length >= 1);
  assert.equal(b.calls().length, 1);
  assert.ok(elapsed >= 1400, `the timeout must have been waited for (${elapsed} ms)`);
  assert.ok(elapsed < 10_000, `fell back in ${elapsed} ms`);
  assert.equal(response.headers.get('x-switchboard-target'), 'oai-b');
  assert.equal(response.headers.get('x-switchboard-attempts'), String(a.calls().length + 1));
  assert.deepEqual(data, fx.openaiChatJson);
});

test('model_map fallback across providers: gpt-4o -> claude target as claude-3-5-haiku-latest', async () => {
  a.always(unavailable());
  b.always(unavailable());
  const { data, response } = await client.chat.completions.create(chat('gpt-4o', { max_tokens: 50 })).withResponse();
  assert.equal(a.calls().length, 3);
  assert.equal(b.calls().length, 1);
  assert.equal(c.calls().length, 1);
  assert.equal(c.calls()[0].path, '/v1/messages');
  assert.equal(c.calls()[0].body.model, 'claude-3-5-haiku-latest');
  assert.equal(c.calls()[0].body.max_tokens, 50);
  assert.equal(c.calls()[0].headers['x-api-key'], 'sk-ant-test');
  assert.equal(response.headers.get('x-switchboard-provider'), 'anthropic');
  assert.equal(response.headers.get('x-switchboard-target'), 'claude');
  assert.equal(response.headers.get('x-switchboard-attempts'), '5');
  assertValid(S.chatCompletion, data, 'chat.completion');
  assert.equal(data.choices[0].message.content, fx.anthropicText(fx.anthropicTextJson));
});

test('all targets fail -> the last upstream status is returned as an OpenAI error', async () => {
  a.always(unavailable());
  b.always(unavailable());
  const raw = await postJson(gw, '/v1/chat/completions', chat('gpt-4o-mini'));
  assert.equal(raw.status, 503);
  assertOpenAiError(raw.json);
  assert.equal(a.calls().length, 3);
  assert.equal(b.calls().length, 1);
  assert.equal(c.calls().length, 0);
  assert.equal(raw.headers.get('x-switchboard-attempts'), '4');
});

test('stream fails over before the first byte: 503s on target 1, target 2 streams', async () => {
  a.always(unavailable());
  const { data: stream, response } = await client.chat.completions
    .create(chat('gpt-4o-mini', { stream: true, stream_options: { include_usage: true } }))
    .withResponse();
  assert.equal(response.headers.get('x-switchboard-target'), 'oai-b');
  assert.equal(response.headers.get('x-switchboard-attempts'), '4');
  const chunks = await collectChatStream(stream);
  assert.equal(summarizeChunks(chunks).content, fx.openaiChatSseSummary.content);
  assert.equal(a.calls().length, 3);
  assert.equal(b.calls().length, 1);
  assert.equal(b.calls()[0].body.stream, true);
});

test('stream cut mid-way by the upstream -> the openai client throws within seconds, no fail over', async () => {
  a.next(reply.sse(fx.openaiChatSse, { cutAfterEvents: 3 }));
  const stream = await client.chat.completions.create(chat('gpt-4o-mini', { stream: true }));
  const err = await withTimeout(
    collectChatStream(stream).then(
      (chunks) => new Error(`stream ended without error after ${chunks.length} chunks`),
      (e) => e,
    ),
    8000,
    'stream after upstream cut',
  );
  assert.ok(err.chunks, `expected the stream to throw, got: ${err.message}`);
  assert.equal(err.chunks.length, 3, 'the 3 chunks sent before the cut were delivered');
  assert.deepEqual(err.chunks, fx.openaiChatSseSummary.chunks.slice(0, 3));
  assert.equal(a.calls().length, 1, 'no retry after bytes reached the client');
  assert.equal(b.calls().length, 0, 'no fail over after bytes reached the client');
});

test('stream cut mid-way (raw): the SSE body ends with a data: {"error":{...}} event', async () => {
  a.next(reply.sse(fx.openaiChatSse, { cutAfterEvents: 3 }));
  const t0 = Date.now();
  const r = await gw.fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(chat('gpt-4o-mini', { stream: true })),
    signal: AbortSignal.timeout(8000),
  });
  assert.equal(r.status, 200);
  let text;
  try {
    text = await r.text();
  } catch (e) {
    assert.fail(`the gateway dropped the client connection instead of ending the stream with an error event: ${e.cause ?? e}`);
  }
  assert.ok(Date.now() - t0 < 8000);
  const data = sseDataLines(text);
  assert.equal(data.length, 4, `3 chunks + 1 error event expected, got ${JSON.stringify(data)}`);
  data.slice(0, 3).forEach((d, i) => assertValid(S.chatChunk, JSON.parse(d), `chunk ${i}`));
  const last = JSON.parse(data[3]);
  assert.ok(last.error && typeof last.error.message === 'string', `last event must be an error: ${data[3]}`);
  assert.ok(!text.includes('[DONE]'), 'a failed stream must not claim [DONE]');
});

test('upstream hangs up before any byte of a stream on every target -> error response, no hang', async () => {
  a.always(reply.destroy());
  b.always(reply.destroy());
  const err = await withTimeout(
    client.chat.completions.create(chat('gpt-4o-mini', { stream: true })).then(
      async (s) => {
        for await (const _ of s);
        return new Error('stream succeeded');
      },
      (e) => e,
    ),
    10_000,
    'stream with dead upstreams',
  );
  assert.ok(err instanceof APIError, `expected APIError, got ${err}`);
  assert.ok(err.status >= 500, `expected a 5xx, got ${err.status}`);
  assert.equal(b.calls().length, 1);
  assert.equal(c.calls().length, 0);
});

test('stream request answered 400 before any byte -> plain JSON 400 error, no fail over', async () => {
  a.next(reply.json(400, fx.openaiError400Text));
  await assert.rejects(client.chat.completions.create(chat('gpt-4o-mini', { stream: true, max_tokens: 5 })), (err) => {
    assert.ok(err instanceof BadRequestError, `expected BadRequestError, got ${err}`);
    assert.equal(err.code, fx.openaiError400.error.code);
    return true;
  });
  a.next(reply.json(400, fx.openaiError400Text));
  const raw = await postJson(gw, '/v1/chat/completions', chat('gpt-4o-mini', { stream: true, max_tokens: 5 }));
  assert.equal(raw.status, 400);
  assert.match(raw.headers.get('content-type') ?? '', /application\/json/);
  assert.deepEqual(raw.json, fx.openaiError400);
  assert.equal(a.calls().length, 2);
  assert.equal(b.calls().length, 0);
});

test('stream fails over across providers via model_map: gpt-4o -> anthropic stream, translated', async () => {
  a.always(unavailable());
  b.always(unavailable());
  const { data: stream, response } = await client.chat.completions.create(chat('gpt-4o', { stream: true })).withResponse();
  assert.equal(response.headers.get('x-switchboard-provider'), 'anthropic');
  assert.equal(response.headers.get('x-switchboard-attempts'), '5');
  const chunks = await collectChatStream(stream);
  const got = summarizeChunks(chunks);
  assert.equal(got.content, fx.anthropicBasicSseSummary.content);
  assert.equal(got.finishReason, 'stop');
  assert.equal(c.calls().length, 1);
  assert.equal(c.calls()[0].body.model, 'claude-3-5-haiku-latest');
  assert.equal(c.calls()[0].body.stream, true);
});

test('client disconnect mid-stream closes the upstream request', async () => {
  a.next(reply.sse(fx.openaiChatSse, { delayMs: 200 })); // ~7 s of streaming if nobody stops it
  const ctrl = new AbortController();
  const r = await gw.fetch('/v1/chat/completions', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(chat('gpt-4o-mini', { stream: true })),
    signal: ctrl.signal,
  });
  const reader = r.body.getReader();
  const first = await reader.read();
  assert.ok(!first.done && first.value.length > 0, 'got a first chunk');
  const abortedAt = Date.now();
  ctrl.abort();
  await reader.cancel().catch(() => {});
  const rec = a.calls()[0];
  for (let i = 0; i < 40 && rec.closedAt === null; i++) await new Promise((res) => setTimeout(res, 100));
  assert.ok(rec.closedAt !== null, 'the upstream connection must be closed within 4 s of the client leaving');
  assert.equal(rec.finished, false, 'the upstream response must not have been read to the end');
  assert.ok(rec.closedAt - abortedAt < 4000);
});

test('20 concurrent requests (10 streams, 10 non-stream) all succeed', async () => {
  const jobs = [];
  for (let i = 0; i < 10; i++) {
    jobs.push(client.chat.completions.create(chat('gpt-4o-mini')).then((d) => d.choices[0].message.content));
    jobs.push(
      client.chat.completions.create(chat('gpt-4o-mini', { stream: true })).then(async (s) => summarizeChunks(await collectChatStream(s)).content),
    );
  }
  const results = await Promise.all(jobs);
  results.forEach((text, i) => assert.equal(text, i % 2 === 0 ? fx.openaiChatJson.choices[0].message.content : fx.openaiChatSseSummary.content));
  assert.equal(a.calls().length, 20);
  assert.equal(b.calls().length, 0);
});
