// Issue 15's differential proof, config half: every file of fixtures/ferro/corpus goes through
// `ferrogw validate FILE` (Ferro 1.5.9, the reference) and `switchboard validate --config FILE` under one
// environment, and the verdicts (exit 0 or not) must agree, except where fixtures/ferro/divergences.yaml
// lists the file with its reason. The list is checked both ways: an entry that no longer diverges fails.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FERRO_DIR, divergences, ferroBinary, ferroValidate, switchboardValidate } from '../lib/ferro.js';

const CORPUS = path.join(FERRO_DIR, 'corpus');
const files = ['upstream', 'variations'].flatMap((d) => readdirSync(path.join(CORPUS, d)).sort().map((f) => `${d}/${f}`));

// A Ferro user with every provider of config.example.yaml set up: Switchboard registers providers from these
// variables, ferrogw validate reads none of them. The values are fake and must never be printed.
const CREDENTIALS = Object.fromEntries(
  [
    'OPENAI_API_KEY', 'ANTHROPIC_API_KEY', 'XAI_API_KEY', 'GEMINI_API_KEY', 'MISTRAL_API_KEY', 'GROQ_API_KEY',
    'TOGETHER_API_KEY', 'COHERE_API_KEY', 'DEEPSEEK_API_KEY', 'PERPLEXITY_API_KEY', 'FIREWORKS_API_KEY',
    'AI21_API_KEY', 'REPLICATE_API_TOKEN', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AZURE_OPENAI_API_KEY',
    'AZURE_FOUNDRY_API_KEY', 'VERTEX_AI_API_KEY', 'HUGGING_FACE_API_KEY', 'OLLAMA_API_KEY', 'CEREBRAS_API_KEY',
    'CLOUDFLARE_API_KEY', 'DATABRICKS_TOKEN', 'DEEPINFRA_API_KEY', 'MOONSHOT_API_KEY', 'NOVITA_API_KEY',
    'NVIDIA_NIM_API_KEY', 'OPENROUTER_API_KEY', 'QWEN_API_KEY', 'SAMBANOVA_API_KEY',
  ].map((name) => [name, `fake-${name.toLowerCase().replace(/_/g, '-')}-do-not-print`]),
);
const ENV = {
  ...CREDENTIALS,
  AWS_REGION: 'us-east-1',
  AZURE_OPENAI_ENDPOINT: 'https://example-resource.openai.azure.com',
  AZURE_OPENAI_DEPLOYMENT: 'gpt-4o-mini',
  AZURE_OPENAI_API_VERSION: '2024-10-21',
  AZURE_FOUNDRY_ENDPOINT: 'https://example-foundry.services.ai.azure.com',
  VERTEX_AI_PROJECT_ID: 'example-project',
  VERTEX_AI_REGION: 'us-central1',
  OLLAMA_HOST: 'http://127.0.0.1:11434',
  CLOUDFLARE_ACCOUNT_ID: 'example-account',
  DATABRICKS_HOST: 'https://example.cloud.databricks.com',
  // used by corpus/variations/env-var-set.yaml; FERRO_DIFF_UNSET_* stay unset on purpose
  FERRO_DIFF_BLOCKED_WORD: 'secret',
};

const verdict = (code) => (code === 0 ? 'accepts' : 'refuses');
const clip = (s) => (s.length > 2500 ? `${s.slice(0, 2500)}…` : s);

/** Runs `fn` over `items` with at most `n` in flight (the machine is small; validate is a JVM start). */
async function pool(items, n, fn) {
  const out = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
  return out;
}

const ferro = ferroBinary();

test('the divergence list names only corpus files, each with a reason', () => {
  const listed = divergences().validate ?? {};
  for (const [file, entry] of Object.entries(listed)) {
    assert.ok(files.includes(file), `divergences.yaml validate["${file}"]: no such corpus file`);
    assert.ok(['accepts', 'refuses'].includes(entry?.ferro), `divergences.yaml validate["${file}"].ferro: expected accepts or refuses`);
    assert.match(entry.reason ?? '', /^(not implemented yet \(issue 15\)|deliberate): \S/, `divergences.yaml validate["${file}"].reason`);
  }
});

test('ferrogw validate and switchboard validate agree on every corpus file', { skip: ferro.unavailable ?? false }, async (t) => {
  const listed = divergences().validate ?? {};
  const cwd = mkdtempSync(path.join(tmpdir(), 'ferro-diff-validate-'));
  const env = { PATH: process.env.PATH, HOME: cwd, ...ENV };
  const cds = path.join(cwd, 'switchboard.jsa');
  const check = async (file) => {
    const abs = path.join(CORPUS, file);
    const [f, s] = [await ferroValidate(ferro.bin, abs, { env, cwd }), await switchboardValidate(abs, { env, cwd, cds })];
    return { file, ferro: f, switchboard: s };
  };
  try {
    const first = await check(files[0]); // alone: it writes the class-data archive the others map
    const results = [first, ...(await pool(files.slice(1), 2, check))];
    const agree = results.filter((r) => verdict(r.ferro.code) === verdict(r.switchboard.code)).length;
    t.diagnostic(`same verdict on ${agree} of ${results.length} corpus files (${results.filter((r) => r.file.startsWith('upstream/') && verdict(r.ferro.code) === verdict(r.switchboard.code)).length} of ${files.filter((f) => f.startsWith('upstream/')).length} from Ferro's repository)`);
    for (const r of results) {
      await t.test(r.file, () => {
        for (const secret of Object.values(CREDENTIALS)) {
          assert.ok(!r.switchboard.output.includes(secret), `${r.file}: switchboard validate printed a credential\n${r.switchboard.output}`);
        }
        const fv = verdict(r.ferro.code);
        const sv = verdict(r.switchboard.code);
        const entry = listed[r.file];
        const both = `--- ferrogw validate (exit ${r.ferro.code}) ---\n${clip(r.ferro.output)}\n--- switchboard validate (exit ${r.switchboard.code}) ---\n${clip(r.switchboard.output)}`;
        if (fv === sv) {
          assert.ok(!entry, `${r.file}: both gateways now ${fv === 'accepts' ? 'accept' : 'refuse'} it, but divergences.yaml lists it ("${entry?.reason}"): remove it from the list\n${both}`);
          return;
        }
        assert.ok(entry, `${r.file}: Ferro ${fv} it, Switchboard ${sv} it, and divergences.yaml does not list it\n${both}`);
        assert.equal(entry.ferro, fv, `${r.file}: divergences.yaml says Ferro ${entry.ferro} it, but Ferro ${fv} it\n${both}`);
      });
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
