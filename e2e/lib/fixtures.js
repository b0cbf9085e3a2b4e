// Recorded real provider traffic (copied from /work/shared/fixtures with each source's SOURCE and LICENSE,
// see fixtures/<source>/SOURCE). The mocks replay these bytes; the expected values tests assert on are
// derived from the same files here, never typed in by hand.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'fixtures');
const read = (rel) => readFileSync(path.join(root, rel), 'utf8');

const VERCEL_OPENAI = 'vercel-ai/packages/openai/src';
const VERCEL_ANTHROPIC = 'vercel-ai/packages/anthropic/src/__fixtures__';

/** Splits raw SSE wire text into events (each without the trailing blank line). */
export function sseEvents(text) {
  return text.split(/\r?\n\r?\n/).filter((e) => e.trim() !== '');
}

/** Data payloads of an SSE text, JSON-parsed (the `[DONE]` sentinel is skipped). */
export function sseData(text) {
  const out = [];
  for (const ev of sseEvents(text)) {
    const data = ev.split(/\r?\n/).filter((l) => l.startsWith('data:')).map((l) => l.slice(5).replace(/^ /, '')).join('\n');
    if (data === '' || data === '[DONE]') continue;
    out.push(JSON.parse(data));
  }
  return out;
}

/** `*.chunks.txt` (one event JSON per line) -> OpenAI SSE wire text, ending with `data: [DONE]`. */
export function openaiChunksToSse(lines) {
  return lines.trim().split('\n').map((l) => `data: ${l}\n\n`).join('') + 'data: [DONE]\n\n';
}

/** `*.chunks.txt` (one event JSON per line) -> Anthropic SSE wire text (`event: <type>` + `data:`). */
export function anthropicChunksToSse(lines) {
  return lines.trim().split('\n').map((l) => `event: ${JSON.parse(l).type}\ndata: ${l}\n\n`).join('');
}

function summarizeOpenAiStream(text) {
  const chunks = sseData(text);
  let content = '';
  let finishReason = null;
  let usage = null;
  for (const c of chunks) {
    for (const ch of c.choices) {
      if (ch.delta?.content) content += ch.delta.content;
      if (ch.finish_reason) finishReason = ch.finish_reason;
    }
    if (c.usage) usage = c.usage;
  }
  return { chunks, content, finishReason, usage };
}

function summarizeAnthropicStream(text) {
  const events = sseData(text);
  let content = '';
  const tools = [];
  let stopReason = null;
  let inputTokens = 0;
  let outputTokens = 0;
  for (const e of events) {
    if (e.type === 'message_start') {
      inputTokens = e.message.usage.input_tokens;
      outputTokens = e.message.usage.output_tokens;
    } else if (e.type === 'content_block_start' && e.content_block.type === 'tool_use') {
      tools.push({ id: e.content_block.id, name: e.content_block.name, arguments: '' });
    } else if (e.type === 'content_block_delta' && e.delta.type === 'text_delta') {
      content += e.delta.text;
    } else if (e.type === 'content_block_delta' && e.delta.type === 'input_json_delta') {
      tools[tools.length - 1].arguments += e.delta.partial_json;
    } else if (e.type === 'message_delta') {
      stopReason = e.delta.stop_reason;
      if (e.usage?.output_tokens != null) outputTokens = e.usage.output_tokens;
      if (e.usage?.input_tokens != null) inputTokens = e.usage.input_tokens;
    }
  }
  return { events, content, tools, stopReason, inputTokens, outputTokens };
}

// ---- OpenAI ---------------------------------------------------------------------------------------

/** Non-stream chat.completion body (gpt-4.1-nano), raw bytes as recorded. */
export const openaiChatJsonText = read(`${VERCEL_OPENAI}/chat/__fixtures__/openai-text.json`);
export const openaiChatJson = JSON.parse(openaiChatJsonText);

/** Raw OpenAI SSE: plain text answer, with a final usage chunk (stream_options.include_usage). */
export const openaiChatSse = read('openai-python-inline-snapshot/e2aad469b71d1d4894ff833ea147020a9d875eb7ce644a0ff355581690a4cbfd.bin');
export const openaiChatSseSummary = summarizeOpenAiStream(openaiChatSse);

/** Raw OpenAI SSE: a get_weather tool call. */
export const openaiToolSse = read('openai-python-inline-snapshot/a247c49c5fcd492bfb7a02a3306ad615ed8d8f649888ebfddfbc3ee151f44d46.bin');

/** A real OpenAI 400 error body (unsupported_parameter). */
export const openaiError400Text = read(`${VERCEL_OPENAI}/chat/__fixtures__/reasoning-model-legacy-parameter-error.json`);
export const openaiError400 = JSON.parse(openaiError400Text);

export const openaiEmbedding = JSON.parse(read(`${VERCEL_OPENAI}/embedding/__fixtures__/openai-embedding.json`));

export const openaiCompletionJsonText = read(`${VERCEL_OPENAI}/completion/__fixtures__/openai-completion-text.json`);
export const openaiCompletionJson = JSON.parse(openaiCompletionJsonText);
export const openaiCompletionSse = openaiChunksToSse(read(`${VERCEL_OPENAI}/completion/__fixtures__/openai-completion-text.chunks.txt`));

// ---- Anthropic ------------------------------------------------------------------------------------

/** Non-stream Messages API body: one text block, end_turn. */
export const anthropicTextJsonText = read(`${VERCEL_ANTHROPIC}/anthropic-text.json`);
export const anthropicTextJson = JSON.parse(anthropicTextJsonText);

/** Non-stream Messages API body: a text block then a tool_use block with empty input, stop_reason tool_use. */
export const anthropicToolJsonText = read(`${VERCEL_ANTHROPIC}/anthropic-tool-no-args.json`);
export const anthropicToolJson = JSON.parse(anthropicToolJsonText);

/** Raw Anthropic SSE, plain text ("Hello there!"), with a ping event. */
export const anthropicBasicSse = read('anthropic-sdk-python/basic_response.txt');
export const anthropicBasicSseSummary = summarizeAnthropicStream(anthropicBasicSse);

/** Raw Anthropic SSE: text block then a get_weather tool_use block streamed as input_json_delta. */
export const anthropicToolSse = read('anthropic-sdk-python/tool_use_response.txt');
export const anthropicToolSseSummary = summarizeAnthropicStream(anthropicToolSse);

/** Anthropic SSE built from vercel-ai's recorded event lines (message_delta carries input_tokens too). */
export const anthropicTextSse = anthropicChunksToSse(read(`${VERCEL_ANTHROPIC}/anthropic-text.chunks.txt`));
export const anthropicTextSseSummary = summarizeAnthropicStream(anthropicTextSse);

/** Text of all text blocks of an Anthropic Messages body. */
export function anthropicText(msg) {
  return msg.content.filter((b) => b.type === 'text').map((b) => b.text).join('');
}

/**
 * Anthropic's documented error envelope (ErrorResponse in the Anthropic OpenAPI spec:
 * {"type":"error","error":{"type":..., "message":...}}). No recorded error body exists in the shared
 * fixtures, so this one is built from the spec's shape.
 */
export function anthropicErrorBody(type, message) {
  return { type: 'error', error: { type, message } };
}

/** A refusal: no content blocks, stop_reason "refusal" (non-stream body and stream events). */
export const anthropicRefusalJsonText = read(`${VERCEL_ANTHROPIC}/anthropic-refusal.json`);
export const anthropicRefusalJson = JSON.parse(anthropicRefusalJsonText);
export const anthropicRefusalSse = anthropicChunksToSse(read(`${VERCEL_ANTHROPIC}/anthropic-refusal.chunks.txt`));
