// Loads the official OpenAI OpenAPI description (schemas/openai/openapi.yaml, copied verbatim from
// openai/openai-openapi, see schemas/openai/SOURCE) and compiles validators for the response shapes the
// gateway must produce.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import YAML from 'yaml';
import Ajv2020 from 'ajv/dist/2020.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const SPEC = path.join(here, '..', 'schemas', 'openai', 'openapi.yaml');
const SPEC_ID = 'https://switchboard.test/openai-openapi.json';

// Minimal preprocessing, needed because OpenAPI 3.x schemas are not plain JSON Schema:
//  * `nullable` (an OpenAPI 3.0 keyword the spec still uses) is converted to JSON Schema:
//    - on a node WITHOUT `type` (e.g. CreateChatCompletionStreamResponse.usage, a `$ref` with
//      `nullable: true`) Ajv refuses to compile; it becomes `anyOf: [<node>, {type: "null"}]`;
//    - on a node with `type` (and maybe `enum`), `type` gets "null" added and `enum` gets null added
//      (Ajv's own `nullable` support does not extend `enum`, so the real stream chunks with
//      `finish_reason: null` would be rejected).
//    `nullable: false` is simply dropped.
//  * `discriminator` is dropped: it is an OpenAPI annotation, Ajv only understands it with an option that
//    imposes restrictions the spec does not follow; oneOf/anyOf still do the actual validation.
// Nothing else is changed; unknown formats (unixtime, float, ...) are registered as no-ops.
function preprocess(node) {
  if (Array.isArray(node)) return node.map(preprocess);
  if (!node || typeof node !== 'object') return node;
  const out = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'discriminator') continue;
    out[k] = preprocess(v);
  }
  if (!('nullable' in out)) return out;
  const { nullable, ...rest } = out;
  if (nullable !== true) return rest;
  if (!('type' in rest)) return { anyOf: [rest, { type: 'null' }] };
  const types = Array.isArray(rest.type) ? rest.type : [rest.type];
  if (!types.includes('null')) rest.type = [...types, 'null'];
  if (Array.isArray(rest.enum) && !rest.enum.includes(null)) rest.enum = [...rest.enum, null];
  return rest;
}

let cache;

export function loadSchemas() {
  if (cache) return cache;
  const doc = YAML.parse(readFileSync(SPEC, 'utf8'));
  const ajv = new Ajv2020({ strict: false, allErrors: true, logger: false });
  for (const f of ['unixtime', 'float', 'double', 'int32', 'int64', 'uri', 'date', 'date-time', 'binary', 'byte', 'email', 'uuid']) {
    ajv.addFormat(f, true);
  }
  ajv.addSchema({ $id: SPEC_ID, components: preprocess(doc.components) });
  const get = (name) => ajv.getSchema(`${SPEC_ID}#/components/schemas/${name}`);
  cache = {
    chatCompletion: get('CreateChatCompletionResponse'),
    chatChunk: get('CreateChatCompletionStreamResponse'),
    embedding: get('CreateEmbeddingResponse'),
    models: get('ListModelsResponse'),
    completion: get('CreateCompletionResponse'),
  };
  return cache;
}

/** Throws an assertion-style error listing the schema violations. */
export function assertValid(validator, data, what = 'value') {
  if (!validator(data)) {
    const errs = validator.errors.slice(0, 15).map((e) => `${e.instancePath || '/'} ${e.message} ${JSON.stringify(e.params)}`);
    throw new Error(`${what} does not match the OpenAI schema:\n  ${errs.join('\n  ')}\n  value: ${JSON.stringify(data).slice(0, 2000)}`);
  }
}
