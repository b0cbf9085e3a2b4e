// Routing by model: built-in families, `models` lists, aliases, provider/model addressing, unknown models.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { NotFoundError } from 'openai';
import { openaiMock, anthropicMock } from '../lib/mocks.js';
import { startGateway, postJson } from '../lib/gateway.js';
import { loadSchemas, assertValid } from '../lib/schema.js';
import { assertOpenAiError } from '../lib/helpers.js';
import * as fx from '../lib/fixtures.js';

let oai;
let claude;
let gw;
let client;
const S = loadSchemas();

before(async () => {
  oai = await openaiMock();
  claude = await anthropicMock();
  gw = await startGateway({
    virtual_keys: [
      { key: 'oai', provider: 'openai', api_key: 'sk-test-oai', base_url: `${oai.origin}/v1` },
      { key: 'claude', provider: 'anthropic', api_key: 'sk-ant-test', base_url: claude.origin },
    ],
    strategy: { mode: 'fallback' },
    targets: [{ virtual_key: 'oai', models: ['extra-model-id'] }, { virtual_key: 'claude' }],
    aliases: { fast: 'gpt-4o-mini', smart: 'claude-3-5-haiku-latest' },
  });
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await oai?.stop();
  await claude?.stop();
});

beforeEach(() => {
  oai.reset();
  claude.reset();
});

const ask = (model) => client.chat.completions.create({ model, messages: [{ role: 'user', content: 'Hello' }] }).withResponse();

async function expectOpenAi(model, upstreamModel) {
  const { data, response } = await ask(model);
  assert.equal(claude.calls().length, 0, `${model}: anthropic must not be called`);
  assert.equal(oai.calls().length, 1, `${model}: openai called once`);
  assert.equal(oai.calls()[0].body.model, upstreamModel, `${model}: model sent upstream`);
  assert.equal(response.headers.get('x-switchboard-provider'), 'openai');
  assert.equal(response.headers.get('x-switchboard-target'), 'oai');
  assertValid(S.chatCompletion, data, 'chat.completion');
  assert.equal(data.choices[0].message.content, fx.openaiChatJson.choices[0].message.content);
}

async function expectAnthropic(model, upstreamModel) {
  const { data, response } = await ask(model);
  assert.equal(oai.calls().length, 0, `${model}: openai must not be called`);
  assert.equal(claude.calls().length, 1, `${model}: anthropic called once`);
  assert.equal(claude.calls()[0].body.model, upstreamModel, `${model}: model sent upstream`);
  assert.equal(response.headers.get('x-switchboard-provider'), 'anthropic');
  assert.equal(response.headers.get('x-switchboard-target'), 'claude');
  assertValid(S.chatCompletion, data, 'chat.completion');
  assert.equal(data.choices[0].message.content, fx.anthropicText(fx.anthropicTextJson));
}

test('gpt-* goes to the openai target only', () => expectOpenAi('gpt-4o-mini', 'gpt-4o-mini'));

test('o-series (o3-mini) goes to the openai target', () => expectOpenAi('o3-mini', 'o3-mini'));

test('claude-* skips the openai target and goes to the anthropic target', () =>
  expectAnthropic('claude-3-5-haiku-latest', 'claude-3-5-haiku-latest'));

test('a model listed in the target `models` is served by that target', () => expectOpenAi('extra-model-id', 'extra-model-id'));

test('alias -> openai model', () => expectOpenAi('fast', 'gpt-4o-mini'));

test('alias -> anthropic model', () => expectAnthropic('smart', 'claude-3-5-haiku-latest'));

test('provider-type addressing: anthropic/claude-3-5-haiku-latest', () =>
  expectAnthropic('anthropic/claude-3-5-haiku-latest', 'claude-3-5-haiku-latest'));

test('provider-key addressing: claude/claude-3-5-haiku-latest', () =>
  expectAnthropic('claude/claude-3-5-haiku-latest', 'claude-3-5-haiku-latest'));

test('provider-type addressing: openai/gpt-4o-mini', () => expectOpenAi('openai/gpt-4o-mini', 'gpt-4o-mini'));

test('provider-key addressing of a model outside the built-in families: oai/my-finetune', () =>
  expectOpenAi('oai/my-finetune', 'my-finetune'));

test('unknown model -> 404 model_not_found, no upstream called', async () => {
  await assert.rejects(ask('no-such-model-xyz'), (err) => {
    assert.ok(err instanceof NotFoundError, `expected NotFoundError, got ${err}`);
    assert.equal(err.status, 404);
    assert.equal(err.code, 'model_not_found');
    return true;
  });
  const raw = await postJson(gw, '/v1/chat/completions', { model: 'no-such-model-xyz', messages: [{ role: 'user', content: 'hi' }] });
  assert.equal(raw.status, 404);
  assertOpenAiError(raw.json, { code: 'model_not_found' });
  assert.equal(oai.calls().length + claude.calls().length, 0);
});

test('stream routed to anthropic by alias', async () => {
  const stream = await client.chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'hi' }], stream: true });
  let text = '';
  for await (const c of stream) {
    assertValid(S.chatChunk, c, 'chunk');
    text += c.choices[0]?.delta?.content ?? '';
  }
  assert.equal(text, fx.anthropicBasicSseSummary.content);
  assert.equal(claude.calls().length, 1);
  assert.equal(claude.calls()[0].body.model, 'claude-3-5-haiku-latest');
  assert.equal(oai.calls().length, 0);
});

test('alias on the passthrough provider: only `model` is rewritten, every other field reaches the upstream unchanged', async () => {
  const request = {
    model: 'fast',
    messages: [{ role: 'user', content: 'Hello' }],
    seed: 7,
    logit_bias: { 50256: -100 },
    future_flag: [true, { deep: null }],
  };
  await client.chat.completions.create(request);
  assert.equal(oai.calls().length, 1);
  assert.deepEqual(oai.calls()[0].body, { ...request, model: 'gpt-4o-mini' });
});
