// Starts the real gateway jar as a child process with a generated YAML config.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync, existsSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import OpenAI from 'openai';

const e2eDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');

export const JAR = path.resolve(e2eDir, process.env.SWITCHBOARD_JAR || '../target/switchboard.jar');
export const JAVA = process.env.JAVA_HOME ? path.join(process.env.JAVA_HOME, 'bin', 'java') : '/usr/lib/jvm/temurin-25-jdk-amd64/bin/java';

/** The API key the client presents to the gateway; it must never reach an upstream. */
export const CLIENT_KEY = 'sk-client-key-must-not-leak';

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.unref();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Polls {@code origin}/readyz until it answers 200; throws, with {@code describe()}, when the process exits first
 * or {@code readyTimeoutMs} passes (the process is then killed). Shared by Switchboard's and Ferro's starters.
 */
export async function waitReady(name, origin, child, exited, describe, readyTimeoutMs) {
  const deadline = Date.now() + readyTimeoutMs;
  for (;;) {
    if (exited()) throw new Error(`${name} exited (${JSON.stringify(exited())}) before becoming ready\n${describe()}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} not ready within ${readyTimeoutMs} ms\n${describe()}`);
    }
    try {
      const r = await fetch(`${origin}/readyz`, { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      if (r.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(100);
  }
}

/**
 * Writes `config` (an object) as YAML and runs `java -jar switchboard.jar serve --config F --port P`.
 * Resolves once GET /readyz answers 200 (30 s timeout); rejects with the gateway's output if it dies.
 */
export async function startGateway(config, { readyTimeoutMs = 30_000, cwdInConfigDir = false, env = {} } = {}) {
  if (!existsSync(JAR)) throw new Error(`gateway jar not found: ${JAR} (build it, or set SWITCHBOARD_JAR)`);
  const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-e2e-'));
  const configFile = path.join(dir, 'switchboard.yaml');
  writeFileSync(configFile, YAML.stringify(config));
  const port = await freePort();
  const child = spawn(JAVA, ['-jar', JAR, 'serve', '--config', configFile, '--port', String(port)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    cwd: cwdInConfigDir ? dir : undefined, // relative paths in the config (a SQLite dsn) land in the temp dir
    env: { ...process.env, ...env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  let exited = null;
  const exitPromise = new Promise((r) => child.on('exit', (code, signal) => r((exited = { code, signal }))));

  const origin = `http://127.0.0.1:${port}`;
  const output = () => `--- config ---\n${YAML.stringify(config)}--- stdout ---\n${stdout.slice(-4000)}\n--- stderr ---\n${stderr.slice(-8000)}`;
  await waitReady('gateway', origin, child, () => exited, output, readyTimeoutMs);

  return {
    port,
    origin,
    baseURL: `${origin}/v1`,
    configFile,
    dir,
    output,
    /** Raw fetch against the gateway (path relative to the origin, e.g. '/v1/chat/completions'). */
    fetch(p, init = {}) {
      return fetch(origin + p, { signal: AbortSignal.timeout(15_000), ...init });
    },
    /** An official OpenAI client pointed at the gateway; no client-side retries. */
    client(opts = {}) {
      return new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${origin}/v1`, maxRetries: 0, timeout: 15_000, ...opts });
    },
    /** Stops with SIGTERM and waits for the exit, keeping the temp dir (the request log) for inspection. */
    async terminate() {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 30_000);
        await exitPromise;
        clearTimeout(t);
      }
      return exited;
    },
    async stop() {
      if (!exited) {
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exitPromise;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** POST JSON through raw fetch; returns { status, headers, text, json }. */
export async function postJson(gw, p, body, headers = {}) {
  const r = await gw.fetch(p, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${CLIENT_KEY}`, ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await r.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: r.status, headers: r.headers, text, json };
}
