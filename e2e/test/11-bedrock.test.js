// Bedrock provider: OpenAI chat requests become Converse / ConverseStream calls signed with SigV4; the recorded
// Bedrock answers (JSON, and binary event-stream frames) come back as chat.completion / chat.completion.chunk.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { APIError } from 'openai';
import { bedrockMock, reply, framesFromChunks, exceptionFrame, ACCESS_KEY, SECRET_KEY } from '../lib/mock-bedrock.js';
import { startGateway, CLIENT_KEY } from '../lib/gateway.js';
import { collectChatStream, summarizeChunks, assertOpenAiError } from '../lib/helpers.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures',
  'vercel-ai/packages/amazon-bedrock/src/__fixtures__');
const read = (name) => readFileSync(path.join(FIXTURES, name), 'utf8');
const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
const REGION = 'eu-west-1';

let bedrock;
let gw;
let client;

before(async () => {
  bedrock = await bedrockMock({ region: REGION });
  gw = await startGateway({
    providers: [{
      key: 'aws', provider: 'bedrock', region: REGION, aws_access_key_id: ACCESS_KEY,
      aws_secret_access_key: SECRET_KEY, base_url: bedrock.origin,
    }],
  });
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await bedrock?.stop();
});

beforeEach(() => bedrock.reset());

/** The one Bedrock call, signed as Bedrock checks it. */
function upstreamCall(operation) {
  const calls = bedrock.calls();
  assert.equal(calls.length, 1, `exactly one upstream call, got ${calls.length}`);
  const rec = calls[0];
  assert.equal(rec.auth, 'ok', `SigV4 check: ${rec.auth}`);
  assert.equal(rec.path, `/model/${encodeURIComponent(MODEL)}/${operation}`);
  assert.match(rec.headers.authorization, new RegExp(`^AWS4-HMAC-SHA256 Credential=${ACCESS_KEY}/\\d{8}/${REGION}/bedrock/aws4_request, `));
  assert.ok(!JSON.stringify(rec.headers).includes(CLIENT_KEY), "the client's key must not reach the upstream");
  assert.ok(!JSON.stringify(rec.headers).includes(SECRET_KEY), 'the secret key is never sent');
  return rec;
}

/** The text deltas of a chunks recording, read from the file. */
function recordedText(name) {
  return read(name).split('\n').filter((l) => l.trim())
    .map((l) => JSON.parse(l).contentBlockDelta?.delta?.text ?? '').join('');
}

test('chat: system and messages become Converse blocks; the answer comes back as a chat.completion', async () => {
  const recorded = JSON.parse(read('amazon-bedrock-text.json'));
  bedrock.enqueue(reply.json(JSON.stringify(recorded)));

  const completion = await client.chat.completions.create({
    model: MODEL,
    messages: [
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'How many r in strawberry?' },
    ],
    max_tokens: 100,
    temperature: 0.3,
    stop: ['END'],
  });

  const rec = upstreamCall('converse');
  assert.deepEqual(rec.body, {
    messages: [{ role: 'user', content: [{ text: 'How many r in strawberry?' }] }],
    system: [{ text: 'Be brief.' }],
    inferenceConfig: { maxTokens: 100, temperature: 0.3, stopSequences: ['END'] },
  });
  assert.equal(completion.object, 'chat.completion');
  assert.equal(completion.model, MODEL);
  assert.equal(completion.choices[0].message.content, recorded.output.message.content[0].text);
  assert.equal(completion.choices[0].finish_reason, 'stop');
  assert.equal(completion.usage.prompt_tokens, recorded.usage.inputTokens);
  assert.equal(completion.usage.completion_tokens, recorded.usage.outputTokens);
});

test('stream: binary event-stream frames split across writes become chat.completion.chunk events', async () => {
  bedrock.enqueue(reply.stream(framesFromChunks(read('amazon-bedrock-text.chunks.txt')), 5));

  const stream = await client.chat.completions.create({
    model: MODEL,
    messages: [{ role: 'user', content: 'How many r in strawberry?' }],
    stream: true,
    stream_options: { include_usage: true },
  });
  const chunks = await collectChatStream(stream);

  const rec = upstreamCall('converse-stream');
  assert.equal(rec.headers.accept, 'application/vnd.amazon.eventstream');
  const s = summarizeChunks(chunks);
  assert.equal(s.role, 'assistant');
  assert.equal(s.content, recordedText('amazon-bedrock-text.chunks.txt'));
  assert.equal(s.finishReason, 'stop');
  assert.equal(s.usages.length, 1);
  assert.deepEqual(s.usages[0].choices, []);
  assert.equal(s.usages[0].usage.completion_tokens, 55);
});

test('tool call: tools go out as toolSpecs, toolUse comes back as tool_calls (whole and streamed)', async () => {
  const recorded = JSON.parse(read('amazon-bedrock-tool-call.1.json'));
  bedrock.enqueue(reply.json(JSON.stringify(recorded)));
  const tools = [{
    type: 'function',
    function: { name: 'bash', description: 'Run a command', parameters: { type: 'object', properties: { command: { type: 'string' } } } },
  }];

  const completion = await client.chat.completions.create({
    model: MODEL, messages: [{ role: 'user', content: 'List files' }], tools, tool_choice: 'required',
  });
  const rec = upstreamCall('converse');
  assert.deepEqual(rec.body.toolConfig, {
    tools: [{ toolSpec: { name: 'bash', description: 'Run a command', inputSchema: { json: tools[0].function.parameters } } }],
    toolChoice: { any: {} },
  });
  const call = completion.choices[0].message.tool_calls[0];
  const use = recorded.output.message.content[0].toolUse;
  assert.equal(call.id, use.toolUseId);
  assert.equal(call.function.name, use.name);
  assert.deepEqual(JSON.parse(call.function.arguments), use.input);
  assert.equal(completion.choices[0].finish_reason, 'tool_calls');

  bedrock.reset();
  bedrock.enqueue(reply.stream(framesFromChunks(read('amazon-bedrock-tool-call.1.chunks.txt')), 3));
  const chunks = await collectChatStream(await client.chat.completions.create({
    model: MODEL, messages: [{ role: 'user', content: 'Name a holiday' }], tools, stream: true,
  }));
  const s = summarizeChunks(chunks);
  assert.equal(s.toolCalls.length, 1);
  assert.equal(s.toolCalls[0].id, 'tool-use-id');
  assert.equal(s.toolCalls[0].name, 'test-tool');
  assert.deepEqual(JSON.parse(s.toolCalls[0].arguments), { value: 'Sparkle Day' });
  assert.equal(s.finishReason, 'tool_calls');
});

test('errors: ValidationException is a 400, ThrottlingException a 429 rate_limit_error, in the OpenAI shape', async () => {
  bedrock.enqueue(reply.error(400, 'ValidationException', 'The model returned the following errors: bad input'));
  await assert.rejects(
    client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }),
    (e) => {
      assert.ok(e instanceof APIError);
      assert.equal(e.status, 400);
      assertOpenAiError({ error: e.error }, { type: 'invalid_request_error', code: 'ValidationException' });
      assert.match(e.message, /bad input/);
      return true;
    },
  );

  // Last in this file: a 429 parks the only provider for a while, as it should.
  bedrock.reset();
  bedrock.enqueue(reply.error(429, 'ThrottlingException', 'Too many requests, please wait before trying again.'));
  await assert.rejects(
    client.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }] }),
    (e) => {
      assert.equal(e.status, 429);
      assertOpenAiError({ error: e.error }, { type: 'rate_limit_error', code: 'ThrottlingException' });
      assert.match(e.message, /Too many requests/);
      return true;
    },
  );
  assert.equal(bedrock.calls().length, 1);
});

test('errors: a throttlingException frame inside ConverseStream fails the request with 429', async () => {
  const own = await bedrockMock({ region: REGION });
  const ownGw = await startGateway({
    providers: [{
      key: 'aws', provider: 'bedrock', region: REGION, aws_access_key_id: ACCESS_KEY,
      aws_secret_access_key: SECRET_KEY, base_url: own.origin,
    }],
  });
  try {
    own.enqueue(reply.stream(exceptionFrame('throttlingException', JSON.stringify({ message: 'Rate exceeded' })), 4));
    await assert.rejects(
      (async () => collectChatStream(await ownGw.client().chat.completions.create({
        model: MODEL, messages: [{ role: 'user', content: 'Hi' }], stream: true,
      })))(),
      (e) => {
        assert.equal(e.status, 429);
        assertOpenAiError({ error: e.error }, { type: 'rate_limit_error', code: 'ThrottlingException' });
        assert.match(e.message, /Rate exceeded/);
        return true;
      },
    );
    assert.equal(own.calls()[0].auth, 'ok');
  } finally {
    await ownGw.stop();
    await own.stop();
  }
});
