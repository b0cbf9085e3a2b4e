// Stand-ins for two OpenAI-compatible presets' servers. Each records its requests and answers in OpenAI format
// (a chat.completion, or an SSE stream when asked). The Mistral one is as strict as Mistral's published schema
// (ChatCompletionRequest has additionalProperties: false): a field outside it gets a 422, as the real API does.
import http from 'node:http';

// From mistralai/platform-docs-public openapi.yaml, components.schemas.ChatCompletionRequest.properties.
export const MISTRAL_FIELDS = new Set(['frequency_penalty', 'guardrails', 'max_tokens', 'messages', 'metadata',
  'model', 'n', 'parallel_tool_calls', 'prediction', 'presence_penalty', 'prompt_cache_key', 'prompt_mode',
  'random_seed', 'reasoning_effort', 'response_format', 'safe_prompt', 'stop', 'stream', 'temperature',
  'tool_choice', 'tools', 'top_p']);

function completion(model, text) {
  return {
    id: 'chatcmpl-preset', object: 'chat.completion', created: 1, model,
    choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 5, completion_tokens: 3, total_tokens: 8 },
  };
}

function streamEvents(model, text) {
  const base = { id: 'chatcmpl-preset', object: 'chat.completion.chunk', created: 1, model };
  return [
    { ...base, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] },
    ...text.split(/(?<= )/).map((w) => ({ ...base, choices: [{ index: 0, delta: { content: w }, finish_reason: null }] })),
    { ...base, choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] },
  ];
}

export async function presetMock(name, { allowedFields = null } = {}) {
  const calls = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (d) => (raw += d));
    req.on('end', () => {
      const body = raw ? JSON.parse(raw) : null;
      calls.push({ method: req.method, path: req.url, headers: req.headers, body });
      if (allowedFields && body) {
        const extra = Object.keys(body).filter((k) => !allowedFields.has(k));
        if (extra.length) {
          res.writeHead(422, { 'content-type': 'application/json' });
          res.end(JSON.stringify({ object: 'error', message: `Extra inputs are not permitted: ${extra.join(', ')}`,
            type: 'invalid_request_error', param: extra[0], code: null }));
          return;
        }
      }
      const text = `hello from ${name}`;
      if (body?.stream) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        for (const e of streamEvents(body.model, text)) res.write(`data: ${JSON.stringify(e)}\n\n`);
        res.end('data: [DONE]\n\n');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(completion(body.model, text)));
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    calls: () => calls,
    reset: () => calls.splice(0),
    stop: () => new Promise((r) => server.close(r)),
  };
}
