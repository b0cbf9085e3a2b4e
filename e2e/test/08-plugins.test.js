// The reference guide's plugin blocks, verbatim (rate-limit, response-cache, request-logger), with a budget,
// all in one gateway, driven with the official openai client: cache hits and SSE replays, a budget that
// runs out (402), the rate limit (429 with Retry-After), and one request-log row per request after SIGTERM.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import OpenAI, { RateLimitError, APIError } from 'openai';
import { openaiMock } from '../lib/mocks.js';
import { startGateway, postJson, CLIENT_KEY } from '../lib/gateway.js';
import { loadSchemas, assertValid } from '../lib/schema.js';
import { assertOpenAiError, collectChatStream, summarizeChunks } from '../lib/helpers.js';
import * as fx from '../lib/fixtures.js';

const GUIDE = path.join(path.dirname(fileURLToPath(import.meta.url)), '../../src/test/resources/reference/ferro-migrate-from-litellm.md');
const S = loadSchemas();

/** The "After" part of each of the guide's plugin blocks, parsed: its single plugin entry. */
function guidePlugins() {
  const blocks = [...readFileSync(GUIDE, 'utf8').matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]);
  return blocks
    .filter((b) => /^plugins:/m.test(b))
    .map((b) => YAML.parse(b.slice(b.search(/^plugins:/m))).plugins)
    .map((list) => {
      assert.equal(list.length, 1);
      return list[0];
    });
}

let oai;
let gw;
let client;
const sent = []; // every request sent to the gateway: { id, status }

before(async () => {
  oai = await openaiMock();
  const plugins = guidePlugins();
  assert.deepEqual(plugins.map((p) => p.name), ['rate-limit', 'response-cache', 'request-logger']);
  plugins.push({ name: 'budget', type: 'budget', stage: 'before_request', enabled: true,
    config: { spend_limit_usd: 0.000001, period: 'daily' } });
  gw = await startGateway({
    virtual_keys: [{ key: 'oai', provider: 'openai', api_key: 'sk-test-oai', base_url: `${oai.origin}/v1` }],
    strategy: { mode: 'single' },
    plugins,
  }, { cwdInConfigDir: true }); // the guide's dsn, ferrogw-requests.db, is relative
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await oai?.stop();
});

const messages = [{ role: 'user', content: 'Hello from the plugin suite' }];
const remember = (response) => sent.push({ id: response.headers.get('x-request-id'), status: response.status });

test('response-cache: the second identical request is a hit, the upstream is called once', async () => {
  // A budget key of its own: the budget below is per key, and this key spends once (the hit costs nothing).
  const cached = new OpenAI({ apiKey: 'sk-cache-key', baseURL: gw.baseURL, maxRetries: 0, timeout: 15_000 });
  const first = await cached.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
  remember(first.response);
  const second = await cached.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
  remember(second.response);
  assert.equal(first.response.headers.get('x-switchboard-cache'), 'miss');
  assert.equal(second.response.headers.get('x-switchboard-cache'), 'hit');
  assert.equal(oai.calls('/v1/chat/completions').length, 1);
  assertValid(S.chatCompletion, second.data, 'cached chat.completion');
  assert.deepEqual(second.data, first.data);
  assert.equal(second.data.choices[0].message.content, fx.openaiChatJson.choices[0].message.content);
  // The guide's limit: a burst of 20, refilled at 1.67 per second.
  assert.equal(first.response.headers.get('x-ratelimit-limit-requests'), '20');
});

test('response-cache: a cached answer serves a streaming request as an SSE replay', async () => {
  const cached = new OpenAI({ apiKey: 'sk-cache-key', baseURL: gw.baseURL, maxRetries: 0, timeout: 15_000 });
  const { data: stream, response } = await cached.chat.completions
    .create({ model: 'gpt-4o', messages, stream: true, stream_options: { include_usage: true } }).withResponse();
  remember(response);
  assert.equal(response.headers.get('x-switchboard-cache'), 'hit');
  const chunks = await collectChatStream(stream); // each chunk validated against the OpenAI schema
  const summary = summarizeChunks(chunks);
  assert.equal(summary.content, fx.openaiChatJson.choices[0].message.content);
  assert.equal(summary.role, 'assistant');
  assert.equal(summary.usages.length, 1);
  assert.equal(oai.calls('/v1/chat/completions').length, 1);
});

test('budget: a key whose spend reached its limit gets 402 before the upstream is called', async () => {
  const spender = new OpenAI({ apiKey: 'sk-budget-key', baseURL: gw.baseURL, maxRetries: 0, timeout: 15_000 });
  const ok = await spender.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'spend' }] })
    .withResponse();
  remember(ok.response);
  const calls = oai.calls('/v1/chat/completions').length;
  let denied;
  for (let i = 0; i < 50 && !denied; i++) {  // the spend is recorded once the answer is sent
    try {
      const r = await spender.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: `again ${i}` }] })
        .withResponse();
      remember(r.response);
      await new Promise((res) => setTimeout(res, 20));
    } catch (e) {
      denied = e;
    }
  }
  assert.ok(denied instanceof APIError, `expected an APIError, got ${denied}`);
  assert.equal(denied.status, 402);
  sent.push({ id: denied.headers?.get?.('x-request-id') ?? denied.headers?.['x-request-id'], status: 402 });
  assertOpenAiError({ error: denied.error }, { type: 'insufficient_quota', code: 'insufficient_quota' });
  assert.match(denied.error.message, /request rejected by budget \(before_request\): budget exceeded/);
  assert.ok(!denied.error.message.includes('sk-budget-key'), 'the key itself is never quoted');
  assert.ok(oai.calls('/v1/chat/completions').length <= calls + 1, 'the denied request did not reach the upstream');
});

test('rate-limit: past the burst of 20 the gateway answers 429 with Retry-After', async () => {
  let limited;
  for (let i = 0; i < 60 && !limited; i++) {
    const r = await postJson(gw, '/v1/chat/completions', { model: 'gpt-4o', messages: [{ role: 'user', content: `n${i}` }] },
      { authorization: `Bearer sk-rate-${i}` }); // a key each: the budget is per key, the rate limit global
    sent.push({ id: r.headers.get('x-request-id'), status: r.status });
    if (r.status === 429) limited = r;
    else assert.equal(r.status, 200, r.text);
  }
  assert.ok(limited, 'no 429 within 60 requests');
  assertOpenAiError(limited.json, { type: 'rate_limit_error', code: 'rate_limit_exceeded' });
  assert.ok(Number(limited.headers.get('retry-after')) >= 1);
  assert.equal(limited.headers.get('x-ratelimit-remaining-requests'), '0');
  // The official client surfaces it as a RateLimitError. The bucket refills a token every 0.6 s, so on a loaded
  // machine a call may find one; it then spends it, and the next call is limited again.
  let rejected;
  for (let i = 0; i < 5 && !rejected; i++) {
    try {
      const r = await client.chat.completions.create({ model: 'gpt-4o', messages }).withResponse();
      remember(r.response);
    } catch (e) {
      sent.push({ id: e.headers?.get?.('x-request-id'), status: e.status });
      rejected = e;
    }
  }
  assert.ok(rejected instanceof RateLimitError && rejected.status === 429, `expected a RateLimitError, got ${rejected}`);
});

test('request-logger: after SIGTERM every request has its row, denied ones included, and no key is stored', async () => {
  const exit = await gw.terminate();
  assert.ok(exit.code === 143 || exit.code === 0 || exit.signal === 'SIGTERM', `exit ${JSON.stringify(exit)}`);
  const db = path.join(gw.dir, 'ferrogw-requests.db');
  const query = (sql) => execFileSync('sqlite3', ['-json', db, sql], { encoding: 'utf8' });
  const rows = JSON.parse(query('SELECT request_id, status, key_id, model_requested, cost_usd, request_body FROM switchboard_request_log') || '[]');
  const byId = new Map(rows.map((r) => [r.request_id, r]));
  for (const s of sent) {
    assert.ok(s.id, 'every answer carries x-request-id');
    assert.ok(byId.has(s.id), `no row for ${s.id} (status ${s.status})`);
    assert.equal(byId.get(s.id).status, s.status, `status of ${s.id}`);
  }
  assert.equal(rows.length, sent.length, 'one row per request');
  const statuses = new Set(rows.map((r) => r.status));
  for (const st of [200, 402, 429]) assert.ok(statuses.has(st), `a ${st} row`);
  const dump = query('SELECT * FROM switchboard_request_log');
  for (const secret of [CLIENT_KEY, 'sk-budget-key', 'sk-cache-key', 'sk-test-oai']) {
    assert.ok(!dump.includes(secret), `${secret} stored in the request log`);
  }
  assert.ok(rows.some((r) => r.status === 200 && r.cost_usd > 0), 'answered rows carry a cost');
});
