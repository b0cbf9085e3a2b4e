// Small assertion helpers shared by the test files.
import assert from 'node:assert/strict';
import { loadSchemas, assertValid } from './schema.js';

/** `{"error":{"message","type","param","code"}}`, the OpenAI error envelope. */
export function assertOpenAiError(json, { code, type } = {}) {
  assert.ok(json && typeof json === 'object', `error body is not JSON: ${JSON.stringify(json)}`);
  assert.ok(json.error && typeof json.error === 'object', `no "error" object in ${JSON.stringify(json)}`);
  for (const k of ['message', 'type', 'param', 'code']) {
    assert.ok(k in json.error, `error.${k} missing in ${JSON.stringify(json)}`);
  }
  assert.equal(typeof json.error.message, 'string');
  assert.ok(json.error.message.length > 0, 'error.message is empty');
  if (code !== undefined) assert.equal(json.error.code, code, `error.code in ${JSON.stringify(json)}`);
  if (type !== undefined) assert.equal(json.error.type, type, `error.type in ${JSON.stringify(json)}`);
}

/**
 * Iterates an openai-client Stream, validating every chunk against CreateChatCompletionStreamResponse.
 * Returns the chunks; an error thrown mid-stream is rethrown with the chunks attached (err.chunks).
 */
export async function collectChatStream(stream) {
  const { chatChunk } = loadSchemas();
  const chunks = [];
  try {
    for await (const c of stream) {
      assertValid(chatChunk, c, `stream chunk #${chunks.length}`);
      chunks.push(c);
    }
  } catch (e) {
    e.chunks = chunks;
    throw e;
  }
  return chunks;
}

/** Text, finish reason, usage and tool calls accumulated from chat.completion.chunk objects. */
export function summarizeChunks(chunks) {
  let content = '';
  let finishReason = null;
  let role = null;
  const usages = [];
  const toolCalls = [];
  for (const c of chunks) {
    if (c.usage) usages.push({ usage: c.usage, choices: c.choices });
    for (const ch of c.choices) {
      if (ch.delta?.role) role = ch.delta.role;
      if (ch.delta?.content) content += ch.delta.content;
      if (ch.finish_reason) finishReason = ch.finish_reason;
      for (const tc of ch.delta?.tool_calls ?? []) {
        const t = (toolCalls[tc.index] ??= { id: null, type: null, name: '', arguments: '' });
        if (tc.id) t.id = tc.id;
        if (tc.type) t.type = tc.type;
        if (tc.function?.name) t.name += tc.function.name;
        if (tc.function?.arguments) t.arguments += tc.function.arguments;
      }
    }
  }
  return { content, finishReason, role, usages, toolCalls };
}

/** Anthropic message content may be a string or an array of blocks; returns the concatenated text. */
export function anthropicContentText(content) {
  if (typeof content === 'string') return content;
  return content.filter((b) => b.type === 'text').map((b) => b.text).join('');
}

/** Parses an SSE body into its `data:` payloads (strings). */
export function sseDataLines(text) {
  return text
    .split(/\r?\n\r?\n/)
    .map((ev) => ev.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).join('\n'))
    .filter((d) => d !== '');
}

/** Rejects if `promise` does not settle within `ms` (used to turn hangs into failures). */
export async function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, rej) => {
    timer = setTimeout(() => rej(new Error(`${what}: nothing within ${ms} ms (hang)`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
