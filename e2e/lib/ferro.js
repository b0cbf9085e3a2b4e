// The reference: Ferro Labs AI Gateway 1.5.9 (`ferrogw`, from the npm package
// @ferro-labs-ai/gateway-linux-x64, an optional dependency: it ships a linux-x64 binary only).
// Runs `validate` on both gateways, and starts `ferrogw serve` the way lib/gateway.js starts the jar.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import YAML from 'yaml';
import { JAR, JAVA, freePort, waitReady } from './gateway.js';

const e2eDir = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
export const FERRO_DIR = path.join(e2eDir, 'fixtures', 'ferro');
export const FERRO_VERSION = '1.5.9';
const PACKAGE = '@ferro-labs-ai/gateway-linux-x64';

/** { bin } when the reference binary is runnable here, else { unavailable: why } (a sentence for the skip). */
export function ferroBinary() {
  const platform = `${process.platform}-${process.arch}`;
  if (platform !== 'linux-x64') {
    return { unavailable: `Ferro ${FERRO_VERSION} reference unavailable: ${PACKAGE} ships a linux-x64 binary only, this is ${platform}` };
  }
  let pkgFile;
  try {
    pkgFile = createRequire(import.meta.url).resolve(`${PACKAGE}/package.json`);
  } catch {
    // On linux-x64 `npm ci` installs it; its absence is a broken install, not a platform limit.
    throw new Error(`${PACKAGE} is not installed: run \`npm ci\` in e2e/`);
  }
  const { version } = JSON.parse(readFileSync(pkgFile, 'utf8'));
  if (version !== FERRO_VERSION) throw new Error(`${PACKAGE} is ${version}, the suite is written against ${FERRO_VERSION}`);
  return { bin: path.join(path.dirname(pkgFile), 'ferrogw') };
}

/** Runs a command to completion: { code, output } (stdout + stderr, in arrival order). */
export function run(cmd, args, { env, cwd, timeoutMs = 30_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code: code ?? `signal ${signal}`, output: output.trim() });
    });
  });
}

export const ferroValidate = (bin, file, opts) => run(bin, ['validate', file], opts);
/**
 * `switchboard validate --config FILE`. The JVM flags change start-up time, not behaviour: C1 only, and a
 * class-data archive (`cds`, a file path) the first run writes and later runs map (the JDK rebuilds it when
 * the jar changes).
 */
export function switchboardValidate(file, { cds, ...opts } = {}) {
  const jvm = ['-XX:TieredStopAtLevel=1', ...(cds ? ['-XX:+AutoCreateSharedArchive', `-XX:SharedArchiveFile=${cds}`, '-Xlog:cds=off', '-Xlog:cds+dynamic=off'] : [])];
  return run(JAVA, [...jvm, '-jar', JAR, 'validate', '--config', file], opts);
}

/** The one list of expected divergences (fixtures/ferro/divergences.yaml). */
export function divergences() {
  return YAML.parse(readFileSync(path.join(FERRO_DIR, 'divergences.yaml'), 'utf8'));
}

/**
 * Writes `config` (an object) as YAML and runs `ferrogw serve` with GATEWAY_CONFIG and PORT, in a temp
 * working directory, unauthenticated, without the remote model catalog or the global rate limit.
 * Resolves once GET /readyz answers 200 (30 s); rejects with the output if it exits first.
 */
export async function startFerro(bin, config, { env = {}, readyTimeoutMs = 30_000 } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'ferro-e2e-'));
  const configFile = path.join(dir, 'ferro.yaml');
  writeFileSync(configFile, YAML.stringify(config));
  const port = await freePort();
  const child = spawn(bin, ['serve'], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      GATEWAY_CONFIG: configFile,
      PORT: String(port),
      FERRO_MODEL_CATALOG_TIMEOUT: '0',
      RATE_LIMIT_RPS: '0',
      ALLOW_UNAUTHENTICATED_PROXY: 'true',
      ...env,
    },
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  let exited = null;
  const exitPromise = new Promise((r) => child.on('exit', (code, signal) => r((exited = { code, signal }))));
  const origin = `http://127.0.0.1:${port}`;
  const describe = () => `--- config ---\n${YAML.stringify(config)}--- output ---\n${output.slice(-6000)}`;
  await waitReady('ferrogw', origin, child, () => exited, describe, readyTimeoutMs);
  return {
    port,
    origin,
    output: describe,
    fetch(p, init = {}) {
      return fetch(origin + p, { signal: AbortSignal.timeout(15_000), ...init });
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

