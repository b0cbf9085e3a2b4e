// compatibility.on_unsupported_param: reject -> a parameter the target provider cannot honour is a 400.
import { test, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { anthropicMock } from '../lib/mocks.js';
import { startGateway, postJson } from '../lib/gateway.js';
import { assertOpenAiError } from '../lib/helpers.js';

let claude;
let gw;

before(async () => {
  claude = await anthropicMock();
  gw = await startGateway({
    providers: [{ key: 'claude', provider: 'anthropic', api_key: 'sk-ant-test', base_url: claude.origin }],
    strategy: { mode: 'single' },
    targets: [{ virtual_key: 'claude' }],
    compatibility: { on_unsupported_param: 'reject' },
  });
});

after(async () => {
  await gw?.stop();
  await claude?.stop();
});

beforeEach(() => claude.reset());

test('on_unsupported_param reject: 400 naming the parameter, nothing sent upstream', async () => {
  const r = await postJson(gw, '/v1/chat/completions', { model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }], logprobs: true });
  assert.equal(r.status, 400, r.text);
  assertOpenAiError(r.json, { type: 'invalid_request_error' });
  assert.equal(r.json.error.param, 'logprobs');
  assert.equal(claude.calls().length, 0);
});

test('on_unsupported_param reject: supported parameters still pass', async () => {
  const r = await postJson(gw, '/v1/chat/completions', { model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'hi' }], temperature: 0.1, stop: 'x' });
  assert.equal(r.status, 200, r.text);
  assert.equal(claude.calls().length, 1);
});
