// Gemini (AI Studio) provider: OpenAI chat and embeddings requests are translated to generateContent /
// streamGenerateContent / batchEmbedContents, and the recorded Gemini answers, streams and errors come
// back as OpenAI answers, chunks and errors, through the official openai client.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimitError } from 'openai';
import { geminiMock, googleFixture, googleChunksToSse } from '../lib/mock-gemini.js';
import { startGateway, CLIENT_KEY } from '../lib/gateway.js';

const KEY = 'AIzaSy-e2e-upstream-key-0123456789';
let gemini;
let gw;
let client;

before(async () => {
  gemini = await geminiMock();
  gw = await startGateway({
    providers: [{ key: 'gem', provider: 'gemini', api_key: KEY, base_url: gemini.origin }],
    strategy: { mode: 'single' },
    targets: [{ virtual_key: 'gem' }],
  });
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await gemini?.stop();
});

beforeEach(() => gemini.reset());

/** The one recorded upstream call, with Gemini's auth checked: the key in the header, never the URL. */
function upstreamCall(method) {
  const calls = gemini.calls();
  assert.equal(calls.length, 1, `exactly one upstream call, got ${calls.length}`);
  const rec = calls[0];
  assert.equal(rec.method, 'POST');
  assert.match(rec.path, new RegExp(`^/v1beta/models/[^/]+:${method}$`));
  assert.equal(rec.headers['x-goog-api-key'], KEY);
  assert.ok(!rec.query.includes('key='), 'the API key must not be in the query string');
  assert.equal(rec.headers.authorization, undefined);
  assert.ok(!JSON.stringify(rec.headers).includes(CLIENT_KEY), "the client's key must not reach the upstream");
  return rec;
}

/** The text parts of a recorded response's first candidate, joined. */
function candidateText(response) {
  return response.candidates[0].content.parts.filter((p) => !p.thought && typeof p.text === 'string')
    .map((p) => p.text).join('');
}

test('chat: system and messages translated, the recorded answer comes back as a chat.completion', async () => {
  const recorded = googleFixture('google-text.json');
  gemini.json('generateContent', recorded);
  const expected = JSON.parse(recorded);

  const completion = await client.chat.completions.create({
    model: 'gemini-2.5-flash',
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'How many r in strawberry?' },
    ],
    temperature: 0.2,
    max_tokens: 64,
  });

  const rec = upstreamCall('generateContent');
  assert.equal(rec.path, '/v1beta/models/gemini-2.5-flash:generateContent');
  assert.deepEqual(rec.body.systemInstruction, { parts: [{ text: 'Be brief.' }] });
  assert.deepEqual(rec.body.contents, [{ role: 'user', parts: [{ text: 'How many r in strawberry?' }] }]);
  assert.equal(rec.body.generationConfig.temperature, 0.2);
  assert.equal(rec.body.generationConfig.maxOutputTokens, 64);

  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.choices[0].message.role, 'assistant');
  assert.equal(completion.choices[0].message.content, candidateText(expected));
  assert.equal(completion.choices[0].finish_reason, 'stop');
  const u = expected.usageMetadata;
  assert.equal(completion.usage.prompt_tokens, u.promptTokenCount);
  assert.equal(completion.usage.completion_tokens, u.candidatesTokenCount + u.thoughtsTokenCount);
  assert.equal(completion.usage.completion_tokens_details.reasoning_tokens, u.thoughtsTokenCount);
});

test('stream with include_usage: chunks carry the text, then a usage chunk', async () => {
  const lines = googleFixture('google-text.chunks.txt');
  gemini.sse('streamGenerateContent', googleChunksToSse(lines));
  const events = lines.trim().split('\n').map((l) => JSON.parse(l));

  const stream = await client.chat.completions.create({
    model: 'gemini-3-pro-preview',
    messages: [{ role: 'user', content: 'How many r in strawberry?' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = [];
  for await (const chunk of stream) chunks.push(chunk);

  const rec = upstreamCall('streamGenerateContent');
  assert.equal(rec.query, '?alt=sse');
  assert.equal(chunks[0].choices[0].delta.role, 'assistant');
  const text = chunks.flatMap((c) => c.choices).map((c) => c.delta.content ?? '').join('');
  assert.equal(text, events.map((e) => candidateText(e)).join(''));
  const finishes = chunks.flatMap((c) => c.choices).map((c) => c.finish_reason).filter(Boolean);
  assert.deepEqual(finishes, ['stop']);
  const last = chunks.at(-1);
  assert.deepEqual(last.choices, []);
  const u = events.at(-1).usageMetadata;
  assert.equal(last.usage.prompt_tokens, u.promptTokenCount);
  assert.equal(last.usage.total_tokens, u.totalTokenCount);
});

test('tool call: tools become function declarations, the call comes back as tool_calls', async () => {
  const recorded = googleFixture('google-tool-call.json');
  gemini.json('generateContent', recorded);
  const call = JSON.parse(recorded).candidates[0].content.parts[0].functionCall;

  const completion = await client.chat.completions.create({
    model: 'gemini-3-pro-preview',
    messages: [{ role: 'user', content: 'Weather in San Francisco?' }],
    tools: [{
      type: 'function',
      function: {
        name: 'weather',
        description: 'Weather in a city',
        parameters: {
          $schema: 'http://json-schema.org/draft-07/schema#',
          type: 'object',
          additionalProperties: false,
          properties: { location: { type: 'string' } },
          required: ['location'],
        },
      },
    }],
    tool_choice: 'required',
  });

  const rec = upstreamCall('generateContent');
  const declaration = rec.body.tools[0].functionDeclarations[0];
  assert.equal(declaration.name, 'weather');
  assert.deepEqual(declaration.parameters, {
    type: 'OBJECT', properties: { location: { type: 'STRING' } }, required: ['location'],
  });
  assert.deepEqual(rec.body.toolConfig, { functionCallingConfig: { mode: 'ANY' } });

  const choice = completion.choices[0];
  assert.equal(choice.finish_reason, 'tool_calls');
  assert.equal(choice.message.tool_calls.length, 1);
  const toolCall = choice.message.tool_calls[0];
  assert.equal(toolCall.type, 'function');
  assert.ok(toolCall.id, 'a tool call has an id');
  assert.equal(toolCall.function.name, call.name);
  assert.deepEqual(JSON.parse(toolCall.function.arguments), call.args);
});

test('streamed tool-call arguments arrive as tool_calls deltas with indexes', async () => {
  gemini.sse('streamGenerateContent', googleChunksToSse(googleFixture('google-stream-tool-call-arguments.chunks.txt')));

  const stream = await client.chat.completions.create({
    model: 'gemini-3.1-pro-preview',
    messages: [{ role: 'user', content: 'Weather in Boston and San Francisco?' }],
    tools: [{ type: 'function', function: { name: 'getWeather', parameters: { type: 'object', properties: { location: { type: 'string' } } } } }],
    stream: true,
  });
  const calls = new Map();
  let finish = null;
  for await (const chunk of stream) {
    for (const choice of chunk.choices) {
      for (const d of choice.delta.tool_calls ?? []) {
        const acc = calls.get(d.index) ?? { id: null, name: null, args: '' };
        if (d.id) acc.id = d.id;
        if (d.function?.name) acc.name = d.function.name;
        acc.args += d.function?.arguments ?? '';
        calls.set(d.index, acc);
      }
      finish = choice.finish_reason ?? finish;
    }
  }
  assert.deepEqual([...calls.keys()], [0, 1]);
  assert.deepEqual([...calls.values()].map((c) => c.name), ['getWeather', 'getWeather']);
  assert.deepEqual([...calls.values()].map((c) => JSON.parse(c.args).location), ['Boston', 'San Francisco']);
  assert.equal(finish, 'tool_calls');
});

test('embeddings: input list and dimensions go to batchEmbedContents', async () => {
  gemini.json('batchEmbedContents', JSON.stringify({ embeddings: [{ values: [0.5, -0.25] }, { values: [0, 1] }] }));

  const response = await client.embeddings.create({
    model: 'gemini-embedding-001', input: ['one', 'two'], dimensions: 2, encoding_format: 'float',
  });

  const rec = upstreamCall('batchEmbedContents');
  assert.deepEqual(rec.body.requests.map((r) => r.content.parts[0].text), ['one', 'two']);
  assert.deepEqual(rec.body.requests.map((r) => r.outputDimensionality), [2, 2]);
  assert.equal(response.object, 'list');
  assert.deepEqual(response.data.map((d) => d.embedding), [[0.5, -0.25], [0, 1]]);
});

test('embeddings in the client\'s default base64 encoding decode to the same floats', async () => {
  gemini.json('batchEmbedContents', JSON.stringify({ embeddings: [{ values: [0.5, -0.25, 1] }] }));

  const response = await client.embeddings.create({ model: 'gemini-embedding-001', input: 'one' });

  const rec = upstreamCall('batchEmbedContents');
  assert.deepEqual(rec.body.requests.map((r) => r.content.parts[0].text), ['one']);
  assert.deepEqual(response.data[0].embedding, [0.5, -0.25, 1]);
});

// Last: the gateway then parks the target for the Retry-After it learned.
test('429 from Gemini reaches the client as a RateLimitError with Retry-After', async () => {
  const recorded = googleFixture('google-429-retry-info.json');
  gemini.failNext(429, recorded);
  const expected = JSON.parse(recorded).error;

  await assert.rejects(
    client.chat.completions.create({ model: 'gemini-2.5-flash', messages: [{ role: 'user', content: 'hi' }] }),
    (err) => {
      assert.ok(err instanceof RateLimitError, `expected RateLimitError, got ${err?.constructor?.name}`);
      assert.equal(err.status, 429);
      assert.equal(err.error.message, expected.message);
      assert.equal(err.error.type, 'rate_limit_error');
      assert.equal(err.headers.get('retry-after'), '35'); // RetryInfo's 34.4s, rounded up
      assert.ok(!JSON.stringify(err.error).includes(KEY));
      return true;
    },
  );
});
