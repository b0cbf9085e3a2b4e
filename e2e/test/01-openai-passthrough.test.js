// OpenAI provider = passthrough: request bodies reach the upstream unchanged (only `model` may be
// rewritten), the upstream gets the configured key, and responses come back byte-equivalent.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { APIError } from 'openai';
import { openaiMock, reply } from '../lib/mocks.js';
import { startGateway, postJson, CLIENT_KEY } from '../lib/gateway.js';
import { loadSchemas, assertValid } from '../lib/schema.js';
import { collectChatStream, summarizeChunks, assertOpenAiError } from '../lib/helpers.js';
import * as fx from '../lib/fixtures.js';

let oai;
let gw;
let client;
const S = loadSchemas();

before(async () => {
  oai = await openaiMock();
  gw = await startGateway({
    providers: [{ key: 'oai', provider: 'openai', api_key: 'sk-test-oai', base_url: `${oai.origin}/v1` }],
    strategy: { mode: 'single' },
    targets: [{ virtual_key: 'oai' }],
  });
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await oai?.stop();
});

beforeEach(() => oai.reset());

function assertUpstreamAuth(rec) {
  assert.equal(rec.headers.authorization, 'Bearer sk-test-oai', 'upstream must get the configured key');
  assert.ok(!JSON.stringify(rec.headers).includes(CLIENT_KEY), "the client's key must not reach the upstream");
}

test('chat non-stream: unknown fields pass through unchanged, configured key upstream, response equals upstream body', async () => {
  const request = {
    model: 'gpt-4.1-nano',
    messages: [
      { role: 'system', content: 'You are a holiday inventor.' },
      { role: 'user', content: 'Invent a new holiday and describe its traditions.' },
    ],
    temperature: 0.3,
    some_future_param: { x: 1 },
    metadata: { suite: 'e2e' },
  };
  const { data, response } = await client.chat.completions.create(request).withResponse();

  const calls = oai.calls();
  assert.equal(calls.length, 1, 'exactly one upstream call');
  const rec = calls[0];
  assert.equal(rec.method, 'POST');
  assert.equal(rec.path, '/v1/chat/completions');
  assert.deepEqual(rec.body, request, 'upstream body must equal the client body (passthrough)');
  assertUpstreamAuth(rec);

  assertValid(S.chatCompletion, data, 'chat.completion');
  assert.deepEqual(data, fx.openaiChatJson, 'response must equal what the upstream sent');
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('x-switchboard-provider'), 'openai');
  assert.equal(response.headers.get('x-switchboard-target'), 'oai');
  assert.equal(response.headers.get('x-switchboard-attempts'), '1');
  assert.ok(response.headers.get('x-request-id'), 'x-request-id must be generated');
});

test('chat stream: every chunk validates, text and usage equal the recorded stream', async () => {
  const { data: stream, response } = await client.chat.completions
    .create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: "What's the weather like in SF?" }],
      stream: true,
      stream_options: { include_usage: true },
    })
    .withResponse();
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(response.headers.get('x-switchboard-target'), 'oai');
  const chunks = await collectChatStream(stream);

  const expected = fx.openaiChatSseSummary;
  assert.equal(chunks.length, expected.chunks.length, 'same number of chunks as the upstream sent');
  assert.deepEqual(chunks, expected.chunks, 'chunks equal the upstream chunks (passthrough)');
  const got = summarizeChunks(chunks);
  assert.equal(got.content, expected.content);
  assert.equal(got.finishReason, 'stop');
  assert.deepEqual(got.usages.at(-1)?.usage, expected.usage);

  assert.equal(oai.calls().length, 1);
  const rec = oai.calls()[0];
  assert.equal(rec.body.stream, true);
  assert.deepEqual(rec.body.stream_options, { include_usage: true });
  assertUpstreamAuth(rec);
});

test('chat stream with tool calls: tool-call deltas pass through', async () => {
  oai.next(reply.sse(fx.openaiToolSse));
  const stream = await client.chat.completions.create({
    model: 'gpt-4o',
    messages: [{ role: 'user', content: "What's the weather like in Edinburgh?" }],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }],
    stream: true,
  });
  const chunks = await collectChatStream(stream);
  const got = summarizeChunks(chunks);
  const want = summarizeChunks(fx.sseData(fx.openaiToolSse));
  assert.equal(got.finishReason, 'tool_calls');
  assert.deepEqual(got.toolCalls, want.toolCalls);
  assert.equal(got.toolCalls[0].name, 'get_weather');
  assert.doesNotThrow(() => JSON.parse(got.toolCalls[0].arguments));
});

test('upstream OpenAI error (400) keeps its status and body, not retried', async () => {
  oai.next(reply.json(400, fx.openaiError400Text));
  await assert.rejects(
    client.chat.completions.create({ model: 'o3-mini', messages: [{ role: 'user', content: 'hi' }], max_tokens: 10 }),
    (err) => {
      assert.ok(err instanceof APIError, `expected APIError, got ${err}`);
      assert.equal(err.status, 400);
      assert.equal(err.code, fx.openaiError400.error.code);
      assert.equal(err.param, fx.openaiError400.error.param);
      assert.equal(err.message.includes(fx.openaiError400.error.message), true, err.message);
      return true;
    },
  );
  assert.equal(oai.calls().length, 1);
  assert.equal(oai.calls()[0].body.max_tokens, 10, 'max_tokens passed through as sent');
});

test('completions (legacy) non-stream and stream', async () => {
  const req = { model: 'gpt-3.5-turbo-instruct', prompt: 'Invent a new holiday', max_tokens: 16, echo_future: 'y' };
  const data = await client.completions.create(req);
  assertValid(S.completion, data, 'text_completion');
  assert.deepEqual(data, fx.openaiCompletionJson);
  assert.equal(oai.calls('/v1/completions').length, 1);
  assert.deepEqual(oai.calls('/v1/completions')[0].body, req);

  const stream = await client.completions.create({ ...req, stream: true });
  let text = '';
  for await (const c of stream) text += c.choices.map((ch) => ch.text).join('');
  const want = fx.sseData(fx.openaiCompletionSse).map((c) => c.choices.map((ch) => ch.text).join('')).join('');
  assert.equal(text, want);
  assert.equal(oai.calls('/v1/completions').length, 2);
});

test('embeddings via the client (default encoding_format base64) return the recorded vectors', async () => {
  const input = ['sunny day at the beach', 'rainy day in the city'];
  const { data, response } = await client.embeddings.create({ model: 'text-embedding-3-small', input }).withResponse();
  assert.equal(response.status, 200);
  assert.equal(oai.calls('/v1/embeddings').length, 1);
  const rec = oai.calls('/v1/embeddings')[0];
  assert.equal(rec.body.encoding_format, 'base64', 'the official client asks for base64; it must reach the upstream');
  assert.deepEqual(rec.body.input, input);
  assert.equal(rec.body.model, 'text-embedding-3-small');
  assertUpstreamAuth(rec);

  assert.equal(data.data.length, fx.openaiEmbedding.data.length);
  data.data.forEach((d, i) => {
    const want = fx.openaiEmbedding.data[i].embedding.map(Math.fround);
    assert.deepEqual(Array.from(d.embedding), want, `embedding #${i}`);
    assert.equal(d.index, i);
  });
  assert.deepEqual(data.usage, fx.openaiEmbedding.usage);
  assertValid(S.embedding, data, 'decoded embedding response');

  // float encoding through raw fetch: exact recorded numbers, schema-valid body
  const raw = await postJson(gw, '/v1/embeddings', { model: 'text-embedding-3-small', input, encoding_format: 'float' });
  assert.equal(raw.status, 200, raw.text);
  assertValid(S.embedding, raw.json, 'embedding response');
  assert.deepEqual(raw.json, fx.openaiEmbedding);
});

test('GET /v1/models lists models (schema-valid)', async () => {
  const r = await gw.fetch('/v1/models', { headers: { authorization: `Bearer ${CLIENT_KEY}` } });
  assert.equal(r.status, 200);
  const json = await r.json();
  assertValid(S.models, json, 'models list');
  assert.ok(json.data.length > 0, 'at least one model listed');

  const ids = [];
  for await (const m of client.models.list()) ids.push(m.id);
  assert.ok(ids.length > 0);
  assert.ok(ids.every((id) => typeof id === 'string' && id.length > 0));
});

test('routes without the /v1 prefix work the same', async () => {
  const body = { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }], other_field: [1, 2] };
  const r = await postJson(gw, '/chat/completions', body);
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, fx.openaiChatJson);
  assertValid(S.chatCompletion, r.json, 'chat.completion');
  assert.equal(oai.calls().length, 1);
  assert.equal(oai.calls()[0].path, '/v1/chat/completions');
  assert.deepEqual(oai.calls()[0].body, body);

  const e = await postJson(gw, '/embeddings', { model: 'text-embedding-3-small', input: ['a', 'b'], encoding_format: 'float' });
  assert.equal(e.status, 200, e.text);
  assert.deepEqual(e.json, fx.openaiEmbedding);

  const c = await postJson(gw, '/completions', { model: 'gpt-3.5-turbo-instruct', prompt: 'x' });
  assert.equal(c.status, 200, c.text);
  assert.deepEqual(c.json, fx.openaiCompletionJson);

  const m = await gw.fetch('/models');
  assert.equal(m.status, 200);
  assertValid(S.models, await m.json(), 'models list');
});

test('x-request-id is echoed when sent, generated (and unique) otherwise', async () => {
  const body = { model: 'gpt-4.1-nano', messages: [{ role: 'user', content: 'hi' }] };
  const a = await postJson(gw, '/v1/chat/completions', body, { 'x-request-id': 'e2e-req-12345' });
  assert.equal(a.status, 200, a.text);
  assert.equal(a.headers.get('x-request-id'), 'e2e-req-12345');

  const b = await postJson(gw, '/v1/chat/completions', body);
  const c = await postJson(gw, '/v1/chat/completions', body);
  const idB = b.headers.get('x-request-id');
  const idC = c.headers.get('x-request-id');
  assert.ok(idB && idC, 'generated x-request-id');
  assert.notEqual(idB, idC);

  // also on errors
  const bad = await postJson(gw, '/v1/chat/completions', '{not json', { 'x-request-id': 'e2e-req-bad' });
  assert.equal(bad.status, 400);
  assert.equal(bad.headers.get('x-request-id'), 'e2e-req-bad');
});

test('health endpoints answer 200', async () => {
  for (const p of ['/health', '/livez', '/readyz']) {
    const r = await gw.fetch(p);
    await r.arrayBuffer();
    assert.equal(r.status, 200, p);
  }
  assert.equal(oai.calls().length, 0, 'health checks do not call the upstream');
});
