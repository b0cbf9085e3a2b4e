// Issue 15's differential proof, request half: Ferro 1.5.9 and Switchboard run the same config against the
// same two OpenAI-format mocks, one behind OPENAI_BASE_URL and one behind GROQ_BASE_URL (so the mock that is
// asked names the target that was picked), take the same requests, and must answer alike: status, which mock
// was asked with which model, the error type/code, the body's kind and text, and the `model` it reports.
// Expected differences are listed, with their reasons, in fixtures/ferro/divergences.yaml (`requests`).
import { test, before, after } from 'node:test';
import { createHash } from 'node:crypto';
import assert from 'node:assert/strict';
import { openaiMock, reply } from '../lib/mocks.js';
import { startGateway, postJson } from '../lib/gateway.js';
import { divergences, ferroBinary, startFerro } from '../lib/ferro.js';
import { sseDataLines } from '../lib/helpers.js';

const ask = (model, content = 'Hello', extra = {}) => ({ model, messages: [{ role: 'user', content }], ...extra });
// Upstream failures in OpenAI's documented error shape.
const UPSTREAM_ERRORS = {
  500: { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } },
  429: { error: { message: 'Rate limit reached for gpt-4o-mini on requests per min (RPM): Limit 3, Used 3, Requested 1.', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
};
const fail = (mock, status) => ({ mock, status });
// The answer's text, short enough to print and exact enough to compare.
const digest = (text) => (text == null ? null : `${JSON.stringify(text.slice(0, 32))}… (${text.length} chars, sha1 ${createHash('sha1').update(text).digest('hex').slice(0, 12)})`);

// Each scenario starts both gateways once; its requests run in order (failures last, as a gateway's health
// state may remember them).
const SCENARIOS = [
  {
    name: 'fallback',
    config: {
      strategy: { mode: 'fallback' },
      targets: [{ virtual_key: 'openai' }, { virtual_key: 'groq', models: ['gpt-4o-mini'] }],
      aliases: { fast: 'gpt-4o-mini' },
    },
    requests: [
      { name: 'chat', body: ask('gpt-4o-mini') },
      { name: 'stream', body: ask('gpt-4o-mini', 'Hello', { stream: true }) },
      { name: 'alias', body: ask('fast') },
      { name: 'a model only the second target serves', body: ask('llama-3.1-8b-instant') },
      { name: 'a model no target serves', body: ask('no-such-model-xyz') },
      { name: 'first target answers 500', body: ask('gpt-4o-mini'), fail: fail('openai', 500) },
      { name: 'first target answers 429', body: ask('gpt-4o-mini'), fail: fail('openai', 429) },
    ],
  },
  {
    // its own gateways: after two failures both gateways stop asking the first target for a while
    name: 'fallback, streaming',
    config: { strategy: { mode: 'fallback' }, targets: [{ virtual_key: 'openai' }, { virtual_key: 'groq', models: ['gpt-4o-mini'] }] },
    requests: [{ name: 'first target answers 500', body: ask('gpt-4o-mini', 'Hello', { stream: true }), fail: fail('openai', 500) }],
  },
  {
    name: 'single',
    config: { strategy: { mode: 'single' }, targets: [{ virtual_key: 'openai' }] },
    requests: [
      { name: 'chat', body: ask('gpt-4o-mini') },
      { name: 'a model no target serves', body: ask('no-such-model-xyz') },
      { name: 'upstream 500', body: ask('gpt-4o-mini'), fail: fail('openai', 500) },
      { name: 'upstream 429', body: ask('gpt-4o-mini'), fail: fail('openai', 429) },
    ],
  },
  {
    name: 'loadbalance, all weight on one target',
    config: { strategy: { mode: 'loadbalance' }, targets: [{ virtual_key: 'openai', weight: 1 }, { virtual_key: 'groq', weight: 0, models: ['gpt-4o-mini'] }] },
    requests: [
      { name: 'chat', body: ask('gpt-4o-mini') },
      { name: 'stream', body: ask('gpt-4o-mini', 'Hello', { stream: true }) },
    ],
  },
  {
    name: 'word-filter (Ferro spelling)',
    config: {
      strategy: { mode: 'single' },
      targets: [{ virtual_key: 'openai' }],
      plugins: [{ name: 'word-filter', type: 'guardrail', stage: 'before_request', enabled: true, config: { blocked_words: ['password'] } }],
    },
    requests: [
      { name: 'a clean prompt', body: ask('gpt-4o-mini', 'Hello') },
      { name: 'a blocked word', body: ask('gpt-4o-mini', 'my password is hunter2') },
    ],
  },
  {
    name: 'conditional (Ferro spelling)',
    config: {
      strategy: { mode: 'conditional', conditions: [{ key: 'model_prefix', value: 'llama', target_key: 'groq' }] },
      targets: [{ virtual_key: 'openai' }, { virtual_key: 'groq' }],
    },
    requests: [
      { name: 'a rule matches', body: ask('llama-3.1-8b-instant') },
      { name: 'no rule matches: the first target', body: ask('gpt-4o-mini') },
    ],
  },
  {
    name: 'content-based (Ferro spelling)',
    config: {
      strategy: { mode: 'content-based', content_conditions: [{ type: 'prompt_contains', value: 'translate', target_key: 'groq' }] },
      targets: [{ virtual_key: 'openai' }, { virtual_key: 'groq' }],
    },
    requests: [
      { name: 'a rule matches', body: ask('llama-3.1-8b-instant', 'please translate this') },
      { name: 'a rule matches a target that does not serve the model', body: ask('gpt-4o-mini', 'please translate this') },
      { name: 'no rule matches: the first target', body: ask('gpt-4o-mini') },
      { name: 'no rule matches, the first target does not serve the model', body: ask('llama-3.1-8b-instant') },
    ],
  },
  {
    name: 'ab-test (Ferro spelling), all weight on one variant',
    config: {
      strategy: {
        mode: 'ab-test',
        ab_variants: [{ target_key: 'openai', weight: 100, label: 'control' }, { target_key: 'groq', weight: 0, label: 'challenger' }],
      },
      targets: [{ virtual_key: 'openai' }, { virtual_key: 'groq', models: ['gpt-4o-mini'] }],
    },
    requests: [{ name: 'chat', body: ask('gpt-4o-mini') }],
  },
];

const ferro = ferroBinary();
const mocks = {};

before(async () => {
  mocks.openai = await openaiMock('openai');
  mocks.groq = await openaiMock('groq');
});

after(async () => {
  for (const m of Object.values(mocks)) await m?.stop();
});

const env = () => ({
  OPENAI_API_KEY: 'sk-ferro-diff-openai',
  OPENAI_BASE_URL: `${mocks.openai.origin}/v1`,
  GROQ_API_KEY: 'gsk-ferro-diff-groq',
  GROQ_BASE_URL: `${mocks.groq.origin}/v1`,
});

/** What a client (and the mocks) saw of one request, in fields both gateways must agree on. */
async function observe(gw, request) {
  for (const m of Object.values(mocks)) m.reset();
  if (request.fail) mocks[request.fail.mock].always(reply.openaiError(request.fail.status, UPSTREAM_ERRORS[request.fail.status]));
  const r = await postJson(gw, '/v1/chat/completions', request.body);
  const asked = Object.values(mocks)
    .flatMap((m) => m.calls('/v1/chat/completions').map((c) => ({ at: c.at, who: `${m.name}:${c.body?.model}` })))
    .sort((a, b) => a.at - b.at)
    .map((c) => c.who);
  let body;
  let model = null;
  if (r.json?.error) body = { kind: 'error' };
  else if (r.json?.object === 'chat.completion') {
    body = { kind: 'chat.completion', text: digest(r.json.choices?.[0]?.message?.content) };
    model = r.json.model;
  } else if ((r.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
    const data = sseDataLines(r.text);
    const chunks = data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d));
    body = { kind: 'stream', text: digest(chunks.map((c) => c.choices?.[0]?.delta?.content ?? '').join('')), done: data.at(-1) === '[DONE]' };
    model = chunks[0]?.model ?? null;
  } else body = { kind: 'other', text: digest(r.text) };
  return {
    status: r.status,
    asked,
    error: r.json?.error ? { type: r.json.error.type ?? null, code: r.json.error.code ?? null } : null,
    body,
    model,
  };
}

for (const scenario of SCENARIOS) {
  test(`same config, same answers: ${scenario.name}`, { skip: ferro.unavailable ?? false }, async (t) => {
    const listed = divergences().requests ?? {};
    const startEntry = listed[scenario.name];
    const ref = await startFerro(ferro.bin, scenario.config, { env: env() });
    let sb;
    try {
      try {
        sb = await startGateway(scenario.config, { env: env() });
      } catch (e) {
        assert.ok(startEntry?.switchboard === 'does not start', `${scenario.name}: Ferro serves this config, Switchboard does not start, and divergences.yaml does not list it\n${e.message}`);
        for (const rq of scenario.requests) {
          assert.ok(!listed[`${scenario.name} / ${rq.name}`], `divergences.yaml lists "${scenario.name} / ${rq.name}", but Switchboard does not start on "${scenario.name}"`);
        }
        return;
      }
      assert.ok(!startEntry, `${scenario.name}: Switchboard now starts, but divergences.yaml says it does not ("${startEntry?.reason}"): remove it from the list`);
      for (const rq of scenario.requests) {
        await t.test(rq.name, async () => {
          const key = `${scenario.name} / ${rq.name}`;
          const f = await observe(ref, rq);
          const s = await observe(sb, rq);
          if (rq.fail) {
            // guards the scenario itself: a failure that the reference never met tests nothing
            assert.ok(f.asked.some((a) => a.startsWith(`${rq.fail.mock}:`)), `${key}: Ferro never asked the failing ${rq.fail.mock} mock; the scenario no longer tests what it says\nFerro: ${JSON.stringify(f)}`);
          }
          const differs = Object.keys(f).filter((k) => JSON.stringify(f[k]) !== JSON.stringify(s[k]));
          const both = `Ferro:       ${JSON.stringify(f)}\nSwitchboard: ${JSON.stringify(s)}`;
          const expected = listed[key]?.differs ?? [];
          if (differs.length && !listed[key]) assert.fail(`${key}: the answers differ in ${differs.join(', ')}, and divergences.yaml does not list it\n${both}`);
          if (!differs.length && listed[key]) assert.fail(`${key}: both gateways now answer alike, but divergences.yaml lists it ("${listed[key].reason}"): remove it from the list\n${both}`);
          assert.deepEqual(differs.sort(), [...expected].sort(), `${key}: the fields that differ are not the listed ones\n${both}`);
        });
      }
    } finally {
      await sb?.stop();
      await ref.stop();
    }
  });
}

test('the divergence list names only scenarios and requests of this file, each with a reason', () => {
  const known = new Set(SCENARIOS.flatMap((s) => [s.name, ...s.requests.map((r) => `${s.name} / ${r.name}`)]));
  for (const [key, entry] of Object.entries(divergences().requests ?? {})) {
    assert.ok(known.has(key), `divergences.yaml requests["${key}"]: no such scenario or request`);
    assert.match(entry?.reason ?? '', /^(not implemented yet \(issue 15\)|deliberate): \S/, `divergences.yaml requests["${key}"].reason`);
    if (key.includes(' / ')) assert.ok(Array.isArray(entry.differs) && entry.differs.length, `divergences.yaml requests["${key}"].differs: expected a list of fields`);
    else assert.equal(entry.switchboard, 'does not start', `divergences.yaml requests["${key}"].switchboard`);
  }
});
