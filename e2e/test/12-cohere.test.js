// Cohere provider: OpenAI requests are translated to Cohere's v2 chat and embed APIs and the recorded
// Cohere responses and streams (vercel-ai fixtures) come back as OpenAI answers, through the real gateway.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { APIError } from 'openai';
import { startGateway, CLIENT_KEY } from '../lib/gateway.js';
import { loadSchemas, assertValid } from '../lib/schema.js';
import { collectChatStream, summarizeChunks, assertOpenAiError } from '../lib/helpers.js';
import { cohereMock, cohereReply, cohereFixture } from '../lib/mock-cohere.js';

const KEY = 'co-upstream-key-e2e-31337';
const S = loadSchemas();
let cohere;
let gw;
let client;

/** What the recorded stream says, read from the raw events (not through the gateway's translator). */
function recordedStream(name) {
  const events = cohereFixture(name).split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
  const text = events.filter((e) => e.type === 'content-delta').map((e) => e.delta.message.content.text ?? '').join('');
  const args = {};
  for (const e of events.filter((x) => x.type === 'tool-call-delta')) {
    args[e.index] = (args[e.index] ?? '') + e.delta.message.tool_calls.function.arguments;
  }
  const starts = events.filter((e) => e.type === 'tool-call-start').map((e) => e.delta.message.tool_calls);
  const end = events.find((e) => e.type === 'message-end');
  return { text, starts, args, usage: end.delta.usage };
}

before(async () => {
  cohere = await cohereMock({ key: KEY });
  gw = await startGateway({
    providers: [{ key: 'co', provider: 'cohere', api_key: KEY, base_url: cohere.origin }],
  });
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await cohere?.stop();
});

beforeEach(() => cohere.reset());

function upstreamCall(path) {
  const calls = cohere.calls();
  assert.equal(calls.length, 1, `exactly one upstream call, got ${calls.length}`);
  assert.equal(calls[0].path, path);
  assert.equal(calls[0].headers.authorization, `Bearer ${KEY}`);
  assert.ok(!JSON.stringify(calls[0].headers).includes(CLIENT_KEY), "the client's key must not reach the upstream");
  return calls[0];
}

test('chat: request translated to v2 chat, recorded answer translated back', async () => {
  const recorded = JSON.parse(cohereFixture('cohere-text.json'));
  const completion = await client.chat.completions.create({
    model: 'command-a-03-2025',
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of France?' }],
    max_tokens: 40, top_p: 0.8, stop: ['END'], seed: 11,
  });
  assertValid(S.chatCompletion, completion, 'chat.completion');
  assert.equal(completion.choices[0].message.content, recorded.message.content[0].text);
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.usage.prompt_tokens, recorded.usage.tokens.input_tokens);
  assert.equal(completion.usage.completion_tokens, recorded.usage.tokens.output_tokens);
  assert.equal(completion.usage.prompt_tokens_details.cached_tokens, recorded.usage.cached_tokens);

  const { body } = upstreamCall('/v2/chat');
  assert.equal(body.model, 'command-a-03-2025');
  assert.deepEqual(body.messages, [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Capital of France?' }]);
  assert.equal(body.max_tokens, 40);
  assert.equal(body.p, 0.8);
  assert.deepEqual(body.stop_sequences, ['END']);
  assert.equal(body.seed, 11);
  assert.equal(body.top_p, undefined);
  assert.equal(body.stop, undefined);
});

test('stream: content deltas, finish_reason and a usage chunk when asked for', async () => {
  const recorded = recordedStream('cohere-text.chunks.txt');
  const stream = await client.chat.completions.create({
    model: 'command-r', messages: [{ role: 'user', content: 'Capital?' }], stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = await collectChatStream(stream);
  const s = summarizeChunks(chunks);
  assert.equal(s.role, 'assistant');
  assert.equal(s.content, recorded.text);
  assert.equal(s.finishReason, 'stop');
  assert.equal(s.usages.length, 1);
  assert.deepEqual(s.usages[0].choices, []);
  assert.equal(s.usages[0].usage.completion_tokens, recorded.usage.tokens.output_tokens);
  assert.equal(upstreamCall('/v2/chat').body.stream, true);
});

test('tool calls: tools sent in Cohere form, calls come back whole and streamed', async () => {
  const tools = [
    { type: 'function', function: { name: 'weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } },
    { type: 'function', function: { name: 'cityAttractions', parameters: { type: 'object', properties: { city: { type: 'string' } } } } },
  ];
  const messages = [{ role: 'user', content: 'Weather and attractions in SF?' }];
  const recorded = JSON.parse(cohereFixture('cohere-tool-call.json'));
  const completion = await client.chat.completions.create({ model: 'command-a-03-2025', messages, tools, tool_choice: 'required' });
  assertValid(S.chatCompletion, completion, 'chat.completion');
  const calls = completion.choices[0].message.tool_calls;
  assert.deepEqual(calls.map((c) => [c.id, c.function.name, c.function.arguments]),
    recorded.message.tool_calls.map((c) => [c.id, c.function.name, c.function.arguments]));
  assert.equal(completion.choices[0].finish_reason, 'tool_calls');
  const sent = upstreamCall('/v2/chat').body;
  assert.equal(sent.tool_choice, 'REQUIRED');
  assert.deepEqual(sent.tools, tools);

  cohere.reset();
  const wire = recordedStream('cohere-tool-call.chunks.txt');
  const s = summarizeChunks(await collectChatStream(await client.chat.completions.create({ model: 'command-a-03-2025', messages, tools, stream: true })));
  assert.deepEqual(s.toolCalls.map((t) => [t.id, t.name, t.arguments]),
    wire.starts.map((c, i) => [c.id, c.function.name, wire.args[i]]));
  assert.equal(s.finishReason, 'tool_calls');
});

test('a follow-up turn sends the assistant tool calls and the tool result in Cohere form', async () => {
  await client.chat.completions.create({
    model: 'command-a-03-2025',
    messages: [
      { role: 'user', content: 'Weather?' },
      { role: 'assistant', content: null, tool_calls: [{ id: 'weather_1', type: 'function', function: { name: 'weather', arguments: '{"location":"SF"}' } }] },
      { role: 'tool', tool_call_id: 'weather_1', content: '18C and sunny' },
    ],
  });
  const { body } = upstreamCall('/v2/chat');
  assert.deepEqual(body.messages.slice(1), [
    { role: 'assistant', tool_calls: [{ id: 'weather_1', type: 'function', function: { name: 'weather', arguments: '{"location":"SF"}' } }] },
    { role: 'tool', tool_call_id: 'weather_1', content: '18C and sunny' },
  ]);
});

test('a stream cut before message-end ends with an error, not a silent stop', async () => {
  cohere.next(cohereReply.sse('cohere-text.chunks.txt', { cutBefore: 'message-end' }));
  const stream = await client.chat.completions.create({ model: 'command-r', messages: [{ role: 'user', content: 'x' }], stream: true });
  await assert.rejects(collectChatStream(stream), (e) => {
    assert.ok(e.chunks.length > 0, 'some chunks arrived before the error');
    assert.ok(!e.chunks.some((c) => c.choices.some((ch) => ch.finish_reason)), 'no finish_reason was invented');
    return true;
  });
});

test('429 from Cohere is a 429 rate_limit_error in the OpenAI shape', async () => {
  // A gateway of its own: a 429 parks the provider for a while, and the shared one must stay usable for the
  // tests after this one however fast they come.
  const gw2 = await startGateway({
    providers: [{ key: 'co', provider: 'cohere', api_key: KEY, base_url: cohere.origin }],
  });
  try {
    cohere.next(cohereReply.error(429, 'You are using a Trial key, which is limited to 20 API calls / minute.'));
    const r = await gw2.fetch('/v1/chat/completions', {
      method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
      body: JSON.stringify({ model: 'command-r', messages: [{ role: 'user', content: 'x' }] }),
    });
    assert.equal(r.status, 429);
    const json = await r.json();
    assertOpenAiError(json, { type: 'rate_limit_error', code: 'rate_limit_exceeded' });
    assert.match(json.error.message, /Trial key/);
  } finally {
    await gw2.stop();
  }
});

test('an unsupported parameter is named in a 400 under reject, and a named tool_choice too', async () => {
  const gw2 = await startGateway({
    providers: [{ key: 'co', provider: 'cohere', api_key: KEY, base_url: cohere.origin }],
    compatibility: { on_unsupported_param: 'reject' },
  });
  try {
    await assert.rejects(gw2.client().chat.completions.create({
      model: 'command-r', messages: [{ role: 'user', content: 'x' }], logit_bias: { 1: 1 },
    }), (e) => e instanceof APIError && e.status === 400 && e.error?.param === 'logit_bias');
    await assert.rejects(gw2.client().chat.completions.create({
      model: 'command-r', messages: [{ role: 'user', content: 'x' }],
      tools: [{ type: 'function', function: { name: 'f', parameters: { type: 'object' } } }],
      tool_choice: { type: 'function', function: { name: 'f' } },
    }), (e) => e instanceof APIError && e.status === 400 && e.error?.param === 'tool_choice');
    assert.equal(cohere.calls().length, 0, 'rejected requests never reach Cohere');
  } finally {
    await gw2.stop();
  }
});

test('embeddings: v2 embed with input_type, answered as floats and as the SDK default base64', async () => {
  const recorded = JSON.parse(cohereFixture('cohere-embedding.json'));
  const input = recorded.texts;
  const floats = await client.embeddings.create({ model: 'embed-english-v3.0', input, encoding_format: 'float' });
  assertValid(S.embedding, floats, 'embedding response');
  assert.deepEqual(floats.data.map((d) => d.embedding), recorded.embeddings.float);
  assert.equal(floats.usage.prompt_tokens, recorded.meta.billed_units.input_tokens);
  const sent = upstreamCall('/v2/embed').body;
  assert.deepEqual(sent, { model: 'embed-english-v3.0', texts: input, input_type: 'search_document', embedding_types: ['float'] });

  cohere.reset();
  // The openai npm client asks for base64 by default and decodes it to float32s.
  const decoded = await client.embeddings.create({ model: 'embed-english-v3.0', input, dimensions: 5, input_type: 'search_query' });
  decoded.data.forEach((d, i) => d.embedding.forEach((v, j) => assert.equal(v, Math.fround(recorded.embeddings.float[i][j]))));
  const sent2 = upstreamCall('/v2/embed').body;
  assert.equal(sent2.input_type, 'search_query');
  assert.equal(sent2.output_dimension, 5);
});
