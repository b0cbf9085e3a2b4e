// Azure OpenAI provider: the client's request goes byte-for-byte to the deployment URL of the resource,
// with api-version and the api-key header (or an Entra bearer token); the recorded OpenAI answers, which
// Azure's are, come back unchanged.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { APIError } from 'openai';
import { startGateway, CLIENT_KEY } from '../lib/gateway.js';
import { loadSchemas, assertValid } from '../lib/schema.js';
import { collectChatStream, summarizeChunks, assertOpenAiError } from '../lib/helpers.js';
import { azureMock } from '../lib/mock-azure.js';
import * as fx from '../lib/fixtures.js';

const KEY = 'az-upstream-key-e2e-2718';
const VERSION = '2024-10-21';
const S = loadSchemas();
let azure;
let gw;
let client;

const answers = {
  'chat/completions': (body) => (body?.stream
    ? { headers: { 'content-type': 'text/event-stream' }, body: fx.openaiChatSse }
    : { body: fx.openaiChatJsonText }),
  completions: () => ({ body: fx.openaiCompletionJsonText }),
  embeddings: () => ({ body: JSON.stringify(fx.openaiEmbedding) }),
};

before(async () => {
  azure = await azureMock({ apiKey: KEY, deployments: ['prod-4o', 'prod-embed'], apiVersion: VERSION, answers });
  gw = await startGateway({
    providers: [{ key: 'az', provider: 'azure', api_key: KEY, base_url: azure.origin, api_version: VERSION }],
    targets: [{ virtual_key: 'az', model_map: { 'gpt-4o': 'prod-4o', 'text-embedding-3-small': 'prod-embed' } }],
  });
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await azure?.stop();
});

beforeEach(() => azure.reset());

function upstreamCall() {
  const calls = azure.calls();
  assert.equal(calls.length, 1, `exactly one upstream call, got ${calls.length}`);
  assert.equal(calls[0].headers['api-key'], KEY);
  assert.equal(calls[0].headers.authorization, undefined);
  assert.ok(!JSON.stringify(calls[0].headers).includes(CLIENT_KEY), "the client's key must not reach the upstream");
  return calls[0];
}

test('chat goes to the deployment URL with api-version and api-key; the answer is relayed unchanged', async () => {
  const raw = await gw.fetch('/v1/chat/completions', {
    method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}` },
    body: JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hello' }], logit_bias: { 50256: -100 } }),
  });
  assert.equal(raw.status, 200);
  const body = await raw.json();
  assertValid(S.chatCompletion, body, 'chat.completion');
  assert.deepEqual(body, fx.openaiChatJson);
  const call = upstreamCall();
  assert.equal(call.url, `/openai/deployments/prod-4o/chat/completions?api-version=${VERSION}`);
  // Untouched passthrough: parameters OpenAI has and Azure takes arrive as sent; only the model is the deployment.
  assert.deepEqual(call.body.logit_bias, { 50256: -100 });
  assert.equal(call.body.model, 'prod-4o');
});

test('streaming is relayed chunk for chunk', async () => {
  const stream = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream: true });
  const s = summarizeChunks(await collectChatStream(stream));
  assert.equal(s.content, fx.openaiChatSseSummary.content);
  assert.equal(upstreamCall().url, `/openai/deployments/prod-4o/chat/completions?api-version=${VERSION}`);
});

test('embeddings and legacy completions use their deployment paths', async () => {
  const e = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello', encoding_format: 'float' });
  assert.deepEqual(e.data[0].embedding, fx.openaiEmbedding.data[0].embedding);
  assert.equal(upstreamCall().url, `/openai/deployments/prod-embed/embeddings?api-version=${VERSION}`);
  azure.reset();
  const c = await client.completions.create({ model: 'gpt-4o', prompt: 'Say hi' });
  assert.equal(c.id, fx.openaiCompletionJson.id);
  assert.equal(upstreamCall().url, `/openai/deployments/prod-4o/completions?api-version=${VERSION}`);
});

test("a content-filter refusal keeps Azure's code and innererror", async () => {
  azure.next(() => ({ status: 400, body: {
    error: {
      message: "The response was filtered due to the prompt triggering Azure OpenAI's content management policy.",
      type: null, param: 'prompt', code: 'content_filter', status: 400,
      innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: {
        hate: { filtered: false, severity: 'safe' }, violence: { filtered: true, severity: 'medium' } } },
    },
  } }));
  await assert.rejects(client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), (e) => {
    assert.ok(e instanceof APIError);
    assert.equal(e.status, 400);
    assertOpenAiError({ error: e.error }, { code: 'content_filter' });
    assert.equal(e.error.innererror.code, 'ResponsibleAIPolicyViolation');
    assert.equal(e.error.innererror.content_filter_result.violence.filtered, true);
    return true;
  });
});

test('an Entra token is sent as a bearer token instead of the api-key header', async () => {
  const entra = await azureMock({ bearer: 'eyJ-entra-e2e', deployments: ['prod-4o'], apiVersion: '2025-04-01-preview', answers });
  const gw2 = await startGateway({
    providers: [{ key: 'az', provider: 'azure', azure_ad_token: 'eyJ-entra-e2e', base_url: entra.origin, api_version: '2025-04-01-preview' }],
    targets: [{ virtual_key: 'az', model_map: { 'gpt-4o': 'prod-4o' } }],
  });
  try {
    const completion = await gw2.client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(completion.id, fx.openaiChatJson.id);
    const [call] = entra.calls();
    assert.equal(call.headers.authorization, 'Bearer eyJ-entra-e2e');
    assert.equal(call.headers['api-key'], undefined);
    assert.equal(call.url, '/openai/deployments/prod-4o/chat/completions?api-version=2025-04-01-preview');
  } finally {
    await gw2.stop();
    await entra.stop();
  }
});

test("a wrong key is a 401 with Azure's message and without the key", async () => {
  const gw3 = await startGateway({
    providers: [{ key: 'az', provider: 'azure', api_key: 'wrong-key-0000000', base_url: azure.origin, api_version: VERSION }],
    targets: [{ virtual_key: 'az', model_map: { 'gpt-4o': 'prod-4o' } }],
  });
  try {
    await assert.rejects(gw3.client().chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }), (e) => {
      assert.equal(e.status, 401);
      assert.match(e.error.message, /Access denied/);
      assert.ok(!JSON.stringify(e.error).includes('wrong-key-0000000'));
      return true;
    });
  } finally {
    await gw3.stop();
  }
});
