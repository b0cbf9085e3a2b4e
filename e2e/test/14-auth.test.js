// Client authentication with the master key, through the official openai client, and the browser guards.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { AuthenticationError } from 'openai';
import { openaiMock } from '../lib/mocks.js';
import { startGateway } from '../lib/gateway.js';
import { assertOpenAiError } from '../lib/helpers.js';

const MASTER_KEY = 'sk-e2e-master-key-0123456789abcdef';
let oai;
let gw;

before(async () => {
  oai = await openaiMock();
  gw = await startGateway({
    providers: [{ key: 'oai', provider: 'openai', api_key: 'sk-test-oai', base_url: `${oai.origin}/v1` }],
  }, { env: { MASTER_KEY } });
});

after(async () => {
  await gw?.stop();
  await oai?.stop();
});

beforeEach(() => oai.reset());

const hello = { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hello' }] };

test('the master key lets the official client in; the upstream sees its own key, never the client\'s', async () => {
  const completion = await gw.client({ apiKey: MASTER_KEY }).chat.completions.create(hello);
  assert.equal(completion.object, 'chat.completion');
  assert.equal(oai.calls().length, 1);
  assert.equal(oai.calls()[0].headers.authorization, 'Bearer sk-test-oai');
  assert.ok(!JSON.stringify(oai.calls()[0].headers).includes(MASTER_KEY));
});

test('a wrong key is a 401 AuthenticationError that does not echo the key, and no upstream call', async () => {
  const wrong = 'sk-wrong-key-that-must-not-be-echoed';
  await assert.rejects(gw.client({ apiKey: wrong }).chat.completions.create(hello), (err) => {
    assert.ok(err instanceof AuthenticationError, `expected AuthenticationError, got ${err}`);
    assert.equal(err.status, 401);
    assert.equal(err.code, 'invalid_api_key');
    assert.ok(!JSON.stringify(err.error).includes(wrong));
    return true;
  });
  await assert.rejects(gw.client({ apiKey: MASTER_KEY }).models.list({ headers: { authorization: null } }));
  assert.equal(oai.calls().length, 0);
});

test('x-api-key (the Anthropic SDK\'s header) is accepted; health routes need no key', async () => {
  const r = await gw.fetch('/v1/chat/completions', {
    method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': MASTER_KEY }, body: JSON.stringify(hello),
  });
  assert.equal(r.status, 200, await r.text());
  for (const p of ['/health', '/livez', '/readyz']) {
    assert.equal((await gw.fetch(p)).status, 200, p);
  }
});

test('a page on another origin is refused before any upstream call, key or not', async () => {
  for (const headers of [
    { 'content-type': 'text/plain', origin: 'https://evil.example' },
    { 'content-type': 'application/json', origin: 'https://evil.example', authorization: `Bearer ${MASTER_KEY}` },
  ]) {
    const r = await gw.fetch('/v1/chat/completions', { method: 'POST', headers, body: JSON.stringify(hello) });
    assert.equal(r.status, 403);
    assertOpenAiError(await r.json());
    assert.equal(r.headers.get('access-control-allow-origin'), null);
  }
  const plain = await gw.fetch('/v1/chat/completions', {
    method: 'POST', headers: { 'content-type': 'text/plain', authorization: `Bearer ${MASTER_KEY}` }, body: JSON.stringify(hello),
  });
  assert.equal(plain.status, 415);
  assert.equal(oai.calls().length, 0);
});
