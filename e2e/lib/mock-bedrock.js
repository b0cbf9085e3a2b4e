// A stand-in for AWS Bedrock Runtime: Converse (JSON), ConverseStream (binary application/vnd.amazon.eventstream
// frames, written in small pieces so frames straddle TCP writes) and AWS-style errors (a {"message"} body and an
// x-amzn-ErrorType header). Like Bedrock, it refuses a request whose SigV4 signature it cannot reproduce.
import http from 'node:http';
import crypto from 'node:crypto';
import zlib from 'node:zlib';

export const ACCESS_KEY = 'AKIDEXAMPLE';
export const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

const PATH = /^\/model\/([^/]+)\/(converse|converse-stream|invoke)$/;
const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([a-z0-9-]+)\/([a-z0-9-]+)\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/;

const sha256 = (data) => crypto.createHash('sha256').update(data).digest('hex');
const hmac = (key, data) => crypto.createHmac('sha256', key).update(data, 'utf8').digest();

/** One event-stream message: prelude (total, headers length, CRC32), string headers, payload, message CRC32. */
export function frame(headers, payload) {
  const parts = [];
  for (const [name, value] of Object.entries(headers)) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(value, 'utf8');
    const h = Buffer.alloc(1 + n.length + 1 + 2 + v.length);
    h.writeUInt8(n.length, 0);
    n.copy(h, 1);
    h.writeUInt8(7, 1 + n.length); // string
    h.writeUInt16BE(v.length, 2 + n.length);
    v.copy(h, 4 + n.length);
    parts.push(h);
  }
  const headerBytes = Buffer.concat(parts);
  const body = Buffer.from(payload, 'utf8');
  const total = 12 + headerBytes.length + body.length + 4;
  const out = Buffer.alloc(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headerBytes.length, 4);
  out.writeUInt32BE(zlib.crc32(out.subarray(0, 8)), 8);
  headerBytes.copy(out, 12);
  body.copy(out, 12 + headerBytes.length);
  out.writeUInt32BE(zlib.crc32(out.subarray(0, total - 4)), total - 4);
  return out;
}

export const eventFrame = (type, payload) =>
  frame({ ':event-type': type, ':content-type': 'application/json', ':message-type': 'event' }, payload);
export const exceptionFrame = (type, payload) =>
  frame({ ':exception-type': type, ':content-type': 'application/json', ':message-type': 'exception' }, payload);

/** The events of a vercel `*.chunks.txt` recording (`{"<event>": payload}` per line) as binary frames. */
export function framesFromChunks(text) {
  return Buffer.concat(text.split('\n').filter((l) => l.trim()).map((line) => {
    const [[type, payload]] = Object.entries(JSON.parse(line));
    return eventFrame(type, JSON.stringify(payload));
  }));
}

export const reply = {
  json: (body) => ({ status: 200, headers: { 'content-type': 'application/json' }, body }),
  error: (status, type, message) => ({
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': `${type}:http://internal.amazon.com/coral/com.amazon.bedrock/` },
    body: JSON.stringify({ message }),
  }),
  stream: (frames, step = 7) => ({ status: 200, headers: { 'content-type': 'application/vnd.amazon.eventstream' }, frames, step }),
};

/** "ok" when the SigV4 signature is reproduced from what arrived, else why not. */
function verify(req, body, region) {
  const m = AUTH.exec(req.headers.authorization ?? '');
  if (!m) return `not a SigV4 Authorization header: ${req.headers.authorization}`;
  const [, akid, day, scopeRegion, service, signedHeaders, signature] = m;
  const date = req.headers['x-amz-date'] ?? '';
  if (akid !== ACCESS_KEY || !date.startsWith(day) || scopeRegion !== region || service !== 'bedrock') {
    return `wrong credential scope ${akid}/${day}/${scopeRegion}/${service}`;
  }
  const signed = signedHeaders.split(';');
  for (const h of ['host', 'x-amz-date', 'content-type']) {
    if (!signed.includes(h)) return `${h} is not signed`;
  }
  // Non-S3 services sign the path with its escapes escaped once more.
  const canonical = ['POST', req.url.replace(/%/g, '%25'), '',
    ...signed.map((h) => `${h}:${String(req.headers[h]).trim()}`), '', signedHeaders, sha256(body)].join('\n');
  const scope = `${day}/${region}/bedrock/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  let key = hmac(`AWS4${SECRET_KEY}`, day);
  for (const part of [region, 'bedrock', 'aws4_request']) key = hmac(key, part);
  return hmac(key, toSign).toString('hex') === signature ? 'ok' : 'signature mismatch';
}

export async function bedrockMock({ region = 'us-east-1' } = {}) {
  let calls = [];
  let script = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const match = PATH.exec(req.url);
      const auth = verify(req, raw, region);
      let body;
      try { body = JSON.parse(raw.toString('utf8')); } catch { body = undefined; }
      calls.push({ path: req.url, operation: match?.[2], headers: req.headers, body, auth });
      const r = !match ? reply.error(404, 'UnknownOperationException', 'no such operation')
        : auth !== 'ok' ? reply.error(403, 'InvalidSignatureException', auth)
          : script.shift() ?? reply.error(500, 'InternalServerException', 'no reply scripted');
      res.writeHead(r.status, { 'x-amzn-requestid': 'mock-request-id', ...r.headers });
      if (!r.frames) {
        res.end(r.body);
        return;
      }
      let i = 0;
      const next = () => {
        if (i >= r.frames.length) return res.end();
        res.write(r.frames.subarray(i, i + r.step));
        i += r.step;
        setImmediate(next);
      };
      next();
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    calls: () => calls,
    enqueue(r) { script.push(r); return this; }, // not "then": the mock object must not be a thenable
    reset() { calls = []; script = []; },
    stop: () => new Promise((resolve) => { server.closeAllConnections?.(); server.close(resolve); }),
  };
}
