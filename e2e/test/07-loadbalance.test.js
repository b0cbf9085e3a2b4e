// strategy.mode: loadbalance -> requests spread over targets by weight; weight 0 targets only as standby.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { openaiMock, reply } from '../lib/mocks.js';
import { startGateway } from '../lib/gateway.js';
import * as fx from '../lib/fixtures.js';

let a;
let b;
let standby;
let gw;
let client;

before(async () => {
  [a, b, standby] = await Promise.all([openaiMock('a'), openaiMock('b'), openaiMock('standby')]);
  gw = await startGateway({
    providers: [
      { key: 'lb-a', provider: 'openai', api_key: 'sk-a', base_url: `${a.origin}/v1` },
      { key: 'lb-b', provider: 'openai', api_key: 'sk-b', base_url: `${b.origin}/v1` },
      { key: 'lb-standby', provider: 'openai', api_key: 'sk-s', base_url: `${standby.origin}/v1` },
    ],
    strategy: { mode: 'loadbalance' },
    targets: [
      { virtual_key: 'lb-a', weight: 1 },
      { virtual_key: 'lb-b', weight: 1 },
      { virtual_key: 'lb-standby', weight: 0 },
    ],
  });
  client = gw.client();
});

after(async () => {
  await gw?.stop();
  await Promise.all([a, b, standby].map((m) => m?.stop()));
});

beforeEach(() => [a, b, standby].forEach((m) => m.reset()));

const ask = () => client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] }).withResponse();

test('40 requests are spread over both weighted targets, none to the weight-0 target', async () => {
  const targets = {};
  for (let i = 0; i < 40; i++) {
    const { data, response } = await ask();
    assert.deepEqual(data, fx.openaiChatJson);
    const t = response.headers.get('x-switchboard-target');
    targets[t] = (targets[t] ?? 0) + 1;
  }
  assert.equal(a.calls().length + b.calls().length, 40);
  assert.ok(a.calls().length > 0 && b.calls().length > 0, `both weighted targets used: a=${a.calls().length} b=${b.calls().length}`);
  assert.equal(standby.calls().length, 0);
  assert.deepEqual(targets, { 'lb-a': a.calls().length, 'lb-b': b.calls().length });
});

test('when the weighted targets fail, the weight-0 standby answers', async () => {
  a.always(reply.openaiError(503));
  b.always(reply.openaiError(503));
  const { data, response } = await ask();
  assert.equal(a.calls().length, 1);
  assert.equal(b.calls().length, 1);
  assert.equal(standby.calls().length, 1);
  assert.equal(standby.calls()[0].headers.authorization, 'Bearer sk-s');
  assert.equal(response.headers.get('x-switchboard-target'), 'lb-standby');
  assert.equal(response.headers.get('x-switchboard-attempts'), '3');
  assert.deepEqual(data, fx.openaiChatJson);
});
