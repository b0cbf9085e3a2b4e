// OpenAI-compatible presets through the gateway with the official openai client: groq (bearer key, passthrough)
// and mistral (a quirk: max_completion_tokens and seed renamed, stream_options and logit_bias taken out, against a
// mock as strict as Mistral's schema), and models.list() with capabilities and context windows.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { presetMock, MISTRAL_FIELDS } from '../lib/mock-presets.js';
import { startGateway, CLIENT_KEY } from '../lib/gateway.js';
import { collectChatStream, summarizeChunks } from '../lib/helpers.js';

let groq;
let mistral;
let gw;
let client;

before(async () => {
  groq = await presetMock('groq');
  mistral = await presetMock('mistral', { allowedFields: MISTRAL_FIELDS });
  gw = await startGateway({
    // mistral serves its model families only; groq, listed after it, serves any other model.
    providers: [
      { key: 'mistral', provider: 'mistral', api_key: 'ms-test', base_url: `${mistral.origin}/v1` },
      { key: 'groq', provider: 'groq', api_key: 'gsk-test', base_url: `${groq.origin}/openai/v1` },
    ],
  });
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await groq?.stop();
  await mistral?.stop();
});

beforeEach(() => {
  groq.reset();
  mistral.reset();
});

const messages = [{ role: 'user', content: 'Say hi' }];

test('groq: the key goes as a bearer token to the preset base URL and the answer comes back', async () => {
  const r = await client.chat.completions.create({ model: 'llama-3.3-70b-versatile', messages, max_completion_tokens: 8 });
  assert.equal(r.choices[0].message.content, 'hello from groq');
  assert.equal(groq.calls().length, 1);
  const call = groq.calls()[0];
  assert.equal(call.path, '/openai/v1/chat/completions');
  assert.equal(call.headers.authorization, 'Bearer gsk-test');
  assert.ok(!JSON.stringify(call.headers).includes(CLIENT_KEY), "the client's key must not reach the upstream");
  assert.equal(call.body.model, 'llama-3.3-70b-versatile');
  assert.equal(call.body.max_completion_tokens, 8, 'groq takes max_completion_tokens as sent');
  assert.equal(mistral.calls().length, 0);
});

test('mistral: renamed and unsupported params are rewritten so the strict server accepts the request', async () => {
  const r = await client.chat.completions.create({
    model: 'mistral-small-latest', messages, max_completion_tokens: 16, seed: 42, logit_bias: { 1: 1 }, user: 'u1',
  });
  assert.equal(r.choices[0].message.content, 'hello from mistral');
  const call = mistral.calls()[0];
  assert.equal(call.path, '/v1/chat/completions');
  assert.equal(call.headers.authorization, 'Bearer ms-test');
  assert.equal(call.body.max_tokens, 16);
  assert.equal(call.body.random_seed, 42);
  for (const gone of ['max_completion_tokens', 'seed', 'logit_bias', 'user']) assert.ok(!(gone in call.body), gone);
  assert.equal(groq.calls().length, 0, 'mistral-* is in the mistral family and reaches mistral only');
});

test('mistral: a stream with stream_options works, the option is taken out', async () => {
  const stream = await client.chat.completions.create({
    model: 'mistral-small-latest', messages, stream: true, stream_options: { include_usage: true },
  });
  const { content, finishReason, usages } = summarizeChunks(await collectChatStream(stream));
  assert.equal(content, 'hello from mistral');
  assert.equal(finishReason, 'stop');
  assert.equal(usages.length, 0, 'mistral takes no stream_options, so no usage chunk is asked for');
  const call = mistral.calls()[0];
  assert.equal(call.body.stream, true);
  assert.ok(!('stream_options' in call.body));
});

test('models.list() lists each preset\'s known models with capabilities and context windows', async () => {
  const models = [];
  for await (const m of client.models.list()) models.push(m);
  const byId = Object.fromEntries(models.map((m) => [m.id, m]));
  for (const m of models) {
    assert.equal(m.object, 'model');
    assert.equal(typeof m.owned_by, 'string');
  }
  const llama = byId['llama-3.3-70b-versatile'];
  assert.equal(llama.owned_by, 'groq');
  assert.equal(llama.context_window, 131072);
  assert.deepEqual(llama.capabilities, { chat: true, streaming: true, tools: true, vision: false, embeddings: false });
  const embed = byId['mistral-embed'];
  assert.equal(embed.owned_by, 'mistral');
  assert.equal(embed.capabilities.embeddings, true);
  assert.equal(embed.capabilities.chat, false);
  assert.equal(byId['mistral-large-latest'].capabilities.vision, true);
  const one = await client.models.retrieve('mistral-large-latest');
  assert.equal(one.owned_by, 'mistral');
});
