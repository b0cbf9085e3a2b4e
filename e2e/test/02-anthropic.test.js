// Anthropic provider: OpenAI chat requests are translated to the Messages API and the (recorded) Anthropic
// responses and streams are translated back to chat.completion / chat.completion.chunk.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { APIError } from 'openai';
import { anthropicMock, reply } from '../lib/mocks.js';
import { startGateway, postJson, CLIENT_KEY } from '../lib/gateway.js';
import { loadSchemas, assertValid } from '../lib/schema.js';
import { collectChatStream, summarizeChunks, assertOpenAiError, anthropicContentText, sseDataLines, withTimeout } from '../lib/helpers.js';
import * as fx from '../lib/fixtures.js';

let claude;
let gw;
let client;
const S = loadSchemas();
const MODEL = 'claude-3-5-haiku-latest';

before(async () => {
  claude = await anthropicMock();
  gw = await startGateway({
    providers: [{ key: 'claude', provider: 'anthropic', api_key: 'sk-ant-test', base_url: claude.origin }],
    strategy: { mode: 'single' },
    targets: [{ virtual_key: 'claude' }],
  });
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await claude?.stop();
});

beforeEach(() => claude.reset());

/** The one recorded /v1/messages call, with the Anthropic headers checked. */
function upstreamCall() {
  const calls = claude.calls();
  assert.equal(calls.length, 1, `exactly one upstream call, got ${calls.length}`);
  const rec = calls[0];
  assert.equal(rec.method, 'POST');
  assert.equal(rec.path, '/v1/messages');
  assert.equal(rec.headers['x-api-key'], 'sk-ant-test');
  assert.equal(rec.headers['anthropic-version'], '2023-06-01');
  assert.ok(!JSON.stringify(rec.headers).includes(CLIENT_KEY), "the client's key must not reach the upstream");
  return rec;
}

function assertAlternating(messages) {
  assert.ok(messages.length > 0);
  assert.equal(messages[0].role, 'user', 'first message must be user');
  messages.forEach((m, i) => {
    assert.ok(m.role === 'user' || m.role === 'assistant', `role ${m.role} not allowed in Anthropic messages`);
    if (i > 0) assert.notEqual(m.role, messages[i - 1].role, `messages must alternate (at #${i})`);
  });
}

function systemText(system) {
  if (typeof system === 'string') return system;
  assert.ok(Array.isArray(system), `system must be a string or blocks, got ${JSON.stringify(system)}`);
  return system.map((b) => b.text).join('');
}

test('claude non-stream: request translated (system, max_tokens, stop, user), response translated back', async () => {
  const { data, response } = await client.chat.completions
    .create({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You are a friendly assistant.' },
        { role: 'user', content: 'Hello!' },
        { role: 'assistant', content: 'Hi! How can I help?' },
        { role: 'user', content: 'How are you doing?' },
      ],
      temperature: 0.5,
      stop: ['END'],
      user: 'user-42',
    })
    .withResponse();

  const rec = upstreamCall();
  const b = rec.body;
  assert.equal(b.model, MODEL);
  assert.equal(systemText(b.system), 'You are a friendly assistant.', 'system moved to top-level');
  assert.ok(Number.isInteger(b.max_tokens) && b.max_tokens > 0, `max_tokens defaulted, got ${b.max_tokens}`);
  assertAlternating(b.messages);
  assert.deepEqual(
    b.messages.map((m) => [m.role, anthropicContentText(m.content)]),
    [
      ['user', 'Hello!'],
      ['assistant', 'Hi! How can I help?'],
      ['user', 'How are you doing?'],
    ],
  );
  assert.deepEqual(b.stop_sequences, ['END']);
  assert.equal(b.stop, undefined, 'OpenAI `stop` must not be sent to Anthropic');
  assert.equal(b.metadata?.user_id, 'user-42');
  assert.equal(b.user, undefined);
  assert.equal(b.temperature, 0.5);
  assert.ok(!b.stream, 'non-stream request');

  assertValid(S.chatCompletion, data, 'chat.completion');
  assert.equal(response.headers.get('x-switchboard-provider'), 'anthropic');
  assert.equal(response.headers.get('x-switchboard-target'), 'claude');
  assert.equal(response.headers.get('x-switchboard-attempts'), '1');
  assert.equal(data.object, 'chat.completion');
  assert.equal(data.choices.length, 1);
  assert.equal(data.choices[0].message.role, 'assistant');
  assert.equal(data.choices[0].message.content, fx.anthropicText(fx.anthropicTextJson));
  assert.equal(data.choices[0].finish_reason, 'stop');
  const u = fx.anthropicTextJson.usage;
  assert.equal(data.usage.prompt_tokens, u.input_tokens);
  assert.equal(data.usage.completion_tokens, u.output_tokens);
  assert.equal(data.usage.total_tokens, u.input_tokens + u.output_tokens);
});

test('claude max_tokens from the client is kept', async () => {
  await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 77 });
  assert.equal(upstreamCall().body.max_tokens, 77);
});

test('claude stream: chunks validate, text and finish_reason match the recorded stream, no usage unless asked', async () => {
  const { data: stream, response } = await client.chat.completions
    .create({ model: MODEL, messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }], stream: true })
    .withResponse();
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  assert.equal(response.headers.get('x-switchboard-provider'), 'anthropic');
  const chunks = await collectChatStream(stream);
  const got = summarizeChunks(chunks);
  assert.equal(got.content, fx.anthropicBasicSseSummary.content);
  assert.equal(got.role, 'assistant');
  assert.equal(got.finishReason, 'stop');
  assert.deepEqual(got.usages, [], 'no usage chunk without stream_options.include_usage');
  assert.ok(chunks.every((c) => c.object === 'chat.completion.chunk'));
  assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'all chunks share one id');

  const rec = upstreamCall();
  assert.equal(rec.body.stream, true);
  assert.equal(systemText(rec.body.system), 'Be brief.');
  assert.ok(Number.isInteger(rec.body.max_tokens) && rec.body.max_tokens > 0);
  assertAlternating(rec.body.messages);
});

test('claude stream with include_usage: final usage chunk with the recorded token counts', async () => {
  claude.next(reply.sse(fx.anthropicTextSse));
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'Hello, how are you?' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = await collectChatStream(stream);
  const got = summarizeChunks(chunks);
  const want = fx.anthropicTextSseSummary;
  assert.equal(got.content, want.content);
  assert.equal(got.finishReason, 'stop');
  assert.equal(got.usages.length, 1, 'exactly one chunk carries usage');
  const last = chunks.at(-1);
  assert.ok(last.usage, 'the usage chunk is the last chunk');
  assert.deepEqual(last.choices, [], 'the usage chunk has an empty choices array (OpenAI semantics)');
  assert.equal(last.usage.prompt_tokens, want.inputTokens);
  assert.equal(last.usage.completion_tokens, want.outputTokens);
  assert.equal(last.usage.total_tokens, want.inputTokens + want.outputTokens);
  assert.ok(!('stream_options' in upstreamCall().body), 'stream_options is not an Anthropic field');
});

test('claude non-stream tool use: tools translated, tool_use -> tool_calls', async () => {
  claude.next(reply.json(200, fx.anthropicToolJsonText));
  const params = { type: 'object', properties: {}, required: [] };
  const data = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'Update the issue list' }],
    tools: [{ type: 'function', function: { name: 'updateIssueList', description: 'Refresh the issue list', parameters: params } }],
    tool_choice: 'auto',
  });
  const b = upstreamCall().body;
  assert.equal(b.tools.length, 1);
  assert.equal(b.tools[0].name, 'updateIssueList');
  assert.equal(b.tools[0].description, 'Refresh the issue list');
  assert.deepEqual(b.tools[0].input_schema, params);
  assert.equal(b.tool_choice?.type, 'auto');

  assertValid(S.chatCompletion, data, 'chat.completion');
  const msg = data.choices[0].message;
  const toolBlock = fx.anthropicToolJson.content.find((c) => c.type === 'tool_use');
  assert.equal(data.choices[0].finish_reason, 'tool_calls');
  assert.equal(msg.content, fx.anthropicText(fx.anthropicToolJson));
  assert.equal(msg.tool_calls.length, 1);
  assert.equal(msg.tool_calls[0].id, toolBlock.id);
  assert.equal(msg.tool_calls[0].type, 'function');
  assert.equal(msg.tool_calls[0].function.name, toolBlock.name);
  assert.deepEqual(JSON.parse(msg.tool_calls[0].function.arguments), toolBlock.input);
  assert.equal(data.usage.prompt_tokens, fx.anthropicToolJson.usage.input_tokens);
  assert.equal(data.usage.completion_tokens, fx.anthropicToolJson.usage.output_tokens);
});

test('claude stream tool use: tool-call deltas with the right name/arguments', async () => {
  claude.next(reply.sse(fx.anthropicToolSse));
  const stream = await client.chat.completions.create({
    model: 'claude-sonnet-4-20250514',
    messages: [{ role: 'user', content: "What's the weather in Paris?" }],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
    stream: true,
  });
  const chunks = await collectChatStream(stream);
  const got = summarizeChunks(chunks);
  const want = fx.anthropicToolSseSummary;
  assert.equal(got.content, want.content);
  assert.equal(got.finishReason, 'tool_calls');
  assert.equal(got.toolCalls.length, 1);
  assert.equal(got.toolCalls[0].id, want.tools[0].id);
  assert.equal(got.toolCalls[0].type, 'function');
  assert.equal(got.toolCalls[0].name, 'get_weather');
  assert.deepEqual(JSON.parse(got.toolCalls[0].arguments), JSON.parse(want.tools[0].arguments));
  assert.equal(upstreamCall().body.tools[0].name, 'get_weather');
});

test('claude tool history: assistant tool_calls -> tool_use, tool messages -> tool_result', async () => {
  await client.chat.completions.create({
    model: MODEL,
    messages: [
      { role: 'user', content: "What's the weather in Paris?" },
      {
        role: 'assistant',
        content: null,
        tool_calls: [{ id: 'toolu_abc', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'toolu_abc', content: '18C and sunny' },
    ],
    tools: [{ type: 'function', function: { name: 'get_weather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
  });
  const b = upstreamCall().body;
  assertAlternating(b.messages);
  assert.equal(b.messages.length, 3);
  const assistantBlocks = b.messages[1].content;
  assert.ok(Array.isArray(assistantBlocks));
  const toolUse = assistantBlocks.find((x) => x.type === 'tool_use');
  assert.deepEqual(toolUse, { type: 'tool_use', id: 'toolu_abc', name: 'get_weather', input: { location: 'Paris' } });
  assert.equal(b.messages[2].role, 'user');
  const result = b.messages[2].content.find((x) => x.type === 'tool_result');
  assert.equal(result.tool_use_id, 'toolu_abc');
  assert.equal(anthropicContentText(result.content), '18C and sunny');
});

test('Anthropic 529 overloaded -> OpenAI-shaped error with status 529', async () => {
  claude.always(reply.anthropicError(529, 'overloaded_error', 'Overloaded'));
  await assert.rejects(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }] }), (err) => {
    assert.ok(err instanceof APIError, `expected APIError, got ${err}`);
    assert.equal(err.status, 529);
    assert.match(err.error?.message ?? '', /Overloaded/);
    return true;
  });
  assert.equal(claude.calls().length, 1, 'no retry configured: one attempt');

  const raw = await postJson(gw, '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(raw.status, 529);
  assertOpenAiError(raw.json);
  assert.match(raw.json.error.message, /Overloaded/);
});

test('Anthropic 400 invalid_request_error -> OpenAI-shaped 400', async () => {
  const message = 'max_tokens: 100000 > 8192, which is the maximum allowed number of output tokens for claude-3-5-haiku-latest';
  claude.next(reply.anthropicError(400, 'invalid_request_error', message));
  const raw = await postJson(gw, '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 100000 });
  assert.equal(raw.status, 400);
  assertOpenAiError(raw.json, { type: 'invalid_request_error' });
  assert.ok(raw.json.error.message.includes(message), raw.json.error.message);
  assert.equal(claude.calls().length, 1);

  claude.next(reply.anthropicError(400, 'invalid_request_error', message));
  await assert.rejects(
    client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], max_tokens: 100000 }),
    (err) => err instanceof APIError && err.status === 400,
  );
});

test('Anthropic 500 api_error -> OpenAI-shaped 500', async () => {
  claude.always(reply.anthropicError(500, 'api_error', 'Internal server error'));
  const raw = await postJson(gw, '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(raw.status, 500);
  assertOpenAiError(raw.json);
  assert.equal(claude.calls().length, 1);
});

test('Anthropic stream cut mid-way -> the client gets an error, no hang', async () => {
  // message_start, content_block_start, ping, first text delta... then the connection dies
  claude.next(reply.sse(fx.anthropicBasicSse, { cutAfterEvents: 4 }));
  const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true });
  const err = await withTimeout(
    collectChatStream(stream).then(
      (chunks) => new Error(`stream ended without error after ${chunks.length} chunks: ${JSON.stringify(chunks).slice(0, 500)}`),
      (e) => e,
    ),
    8000,
    'stream after upstream cut',
  );
  assert.ok(err.chunks, `expected the stream to throw, got: ${err.message}`);
  assert.equal(summarizeChunks(err.chunks).content, 'Hello', 'the text delivered before the cut arrived');
});

test('claude: consecutive same-role messages are merged so roles alternate; several system messages all kept', async () => {
  await client.chat.completions.create({
    model: MODEL,
    messages: [
      { role: 'system', content: 'Rule A.' },
      { role: 'system', content: 'Rule B.' },
      { role: 'user', content: 'one' },
      { role: 'user', content: [{ type: 'text', text: 'two' }] },
      { role: 'assistant', content: 'ok' },
      { role: 'user', content: 'three' },
    ],
  });
  const b = upstreamCall().body;
  assertAlternating(b.messages);
  assert.equal(b.messages.length, 3);
  const first = anthropicContentText(b.messages[0].content);
  assert.ok(first.includes('one') && first.includes('two') && first.indexOf('one') < first.indexOf('two'), `merged user turn: ${first}`);
  assert.equal(anthropicContentText(b.messages[1].content), 'ok');
  assert.equal(anthropicContentText(b.messages[2].content), 'three');
  const sys = systemText(b.system);
  assert.ok(sys.includes('Rule A.') && sys.includes('Rule B.'), `system: ${sys}`);
});

test('claude: a user message after a tool result stays in the same (user) turn', async () => {
  await client.chat.completions.create({
    model: MODEL,
    messages: [
      { role: 'user', content: 'Weather in Paris and Rome?' },
      {
        role: 'assistant',
        content: 'Checking both.',
        tool_calls: [
          { id: 'toolu_p', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Paris"}' } },
          { id: 'toolu_r', type: 'function', function: { name: 'get_weather', arguments: '{"location":"Rome"}' } },
        ],
      },
      { role: 'tool', tool_call_id: 'toolu_p', content: '18C' },
      { role: 'tool', tool_call_id: 'toolu_r', content: '25C' },
      { role: 'user', content: 'Which is warmer?' },
    ],
  });
  const b = upstreamCall().body;
  assertAlternating(b.messages);
  assert.equal(b.messages.length, 3);
  const asst = b.messages[1].content;
  assert.equal(anthropicContentText(asst), 'Checking both.');
  assert.deepEqual(asst.filter((x) => x.type === 'tool_use').map((x) => [x.id, x.input.location]), [['toolu_p', 'Paris'], ['toolu_r', 'Rome']]);
  const last = b.messages[2].content;
  assert.deepEqual(last.filter((x) => x.type === 'tool_result').map((x) => [x.tool_use_id, anthropicContentText(x.content)]), [['toolu_p', '18C'], ['toolu_r', '25C']]);
  const results = last.findIndex((x) => x.type === 'tool_result');
  const text = last.findIndex((x) => x.type === 'text');
  assert.ok(results >= 0 && text > results, 'tool_result blocks come first, then the user text');
  assert.equal(last[text].text, 'Which is warmer?');
});

test('claude stream include_usage when only message_start has input_tokens (raw Anthropic SSE)', async () => {
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'hi' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = await collectChatStream(stream);
  const want = fx.anthropicBasicSseSummary;
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  assert.equal(last.usage.prompt_tokens, want.inputTokens);
  assert.equal(last.usage.completion_tokens, want.outputTokens);
  assert.equal(last.usage.total_tokens, want.inputTokens + want.outputTokens);
});

test('Anthropic `event: error` mid-stream -> the client gets an APIError carrying the message', async () => {
  const events = fx.sseEvents(fx.anthropicBasicSse).slice(0, 4);
  const errorEvent = `event: error\ndata: ${JSON.stringify(fx.anthropicErrorBody('overloaded_error', 'Overloaded'))}`;
  claude.next(reply.sse([...events, errorEvent].join('\n\n') + '\n\n'));
  const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true });
  const err = await withTimeout(
    collectChatStream(stream).then(
      (chunks) => new Error(`stream ended without error after ${chunks.length} chunks`),
      (e) => e,
    ),
    8000,
    'stream with an upstream error event',
  );
  assert.ok(err.chunks, `expected the stream to throw, got: ${err.message}`);
  assert.ok(err instanceof APIError, `expected APIError from a data: {"error":...} event, got ${err}`);
  assert.match(err.message, /Overloaded/);
  assert.equal(summarizeChunks(err.chunks).content, 'Hello');
});

test('on_unsupported_param warn (default): a parameter Anthropic lacks is dropped, the request succeeds', async () => {
  const data = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], logprobs: true, presence_penalty: 0.5 });
  const b = upstreamCall().body;
  assert.equal(b.logprobs, undefined);
  assert.equal(b.presence_penalty, undefined);
  assert.equal(data.choices[0].message.content, fx.anthropicText(fx.anthropicTextJson));
});

test('Anthropic refusal (non-stream) -> finish_reason content_filter, schema-valid', async () => {
  claude.next(reply.json(200, fx.anthropicRefusalJsonText));
  const data = await client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'something refused' }] });
  assertValid(S.chatCompletion, data, 'chat.completion');
  assert.equal(data.choices[0].finish_reason, 'content_filter');
  assert.ok(!data.choices[0].message.content, 'no text content');
  assert.equal(data.usage.prompt_tokens, fx.anthropicRefusalJson.usage.input_tokens);
  assert.equal(data.usage.completion_tokens, fx.anthropicRefusalJson.usage.output_tokens);
});

test('Anthropic refusal (stream, no content blocks at all) -> chunks end with content_filter and usage', async () => {
  claude.next(reply.sse(fx.anthropicRefusalSse));
  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'something refused' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = await collectChatStream(stream);
  const got = summarizeChunks(chunks);
  assert.equal(got.content, '');
  assert.equal(got.finishReason, 'content_filter');
  assert.equal(got.usages.length, 1);
  assert.equal(chunks.at(-1).usage.prompt_tokens, fx.anthropicRefusalJson.usage.input_tokens);
  assert.equal(chunks.at(-1).usage.completion_tokens, fx.anthropicRefusalJson.usage.output_tokens);
});

test('Anthropic 529 on a stream request (before any byte) -> APIError 529, not an SSE body', async () => {
  claude.next(reply.anthropicError(529, 'overloaded_error', 'Overloaded'));
  await assert.rejects(client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'hi' }], stream: true }), (err) => {
    assert.ok(err instanceof APIError, `expected APIError, got ${err}`);
    assert.equal(err.status, 529);
    assert.match(err.message, /Overloaded/);
    return true;
  });
  assert.equal(claude.calls().length, 1);
});
