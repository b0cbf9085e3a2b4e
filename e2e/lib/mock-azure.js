// An Azure OpenAI stand-in: a plain node http server on 127.0.0.1 that answers only what Azure would
// answer: /openai/deployments/{deployment}/{chat/completions|completions|embeddings}?api-version=...
// with the resource's api-key header (or an Entra bearer token), in the OpenAI format Azure speaks; wrong
// keys, deployments or versions get Azure's own error bodies.
import http from 'node:http';

const ROUTE = /^\/openai\/deployments\/([^/?]+)\/(chat\/completions|completions|embeddings)\?api-version=([^&]+)$/;

/** `answers`: per operation, (body) => {status, headers, body} in OpenAI's format. */
export async function azureMock({ apiKey, bearer, deployments, apiVersion, answers }) {
  const requests = [];
  const queue = [];
  const server = http.createServer((req, res) => {
    const parts = [];
    req.on('data', (d) => parts.push(d));
    req.on('end', () => {
      const raw = Buffer.concat(parts);
      let body = null;
      try { body = JSON.parse(raw.toString('utf8')); } catch { /* recorded as null */ }
      requests.push({ method: req.method, url: req.url, headers: req.headers, raw, body });
      const send = (status, payload, headers = { 'content-type': 'application/json' }) => {
        res.writeHead(status, headers);
        res.end(typeof payload === 'string' ? payload : JSON.stringify(payload));
      };
      const authorized = (apiKey && req.headers['api-key'] === apiKey) || (bearer && req.headers.authorization === `Bearer ${bearer}`);
      if (!authorized) {
        return send(401, { error: { code: '401', message: 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.' } });
      }
      const m = ROUTE.exec(req.url);
      if (!m || !deployments.includes(decodeURIComponent(m[1]))) {
        return send(404, { error: { code: 'DeploymentNotFound', message: 'The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.' } });
      }
      if (decodeURIComponent(m[3]) !== apiVersion) {
        return send(404, { error: { code: '404', message: 'Resource not found' } });
      }
      const queued = queue.shift();
      const a = queued ? queued(body) : answers[m[2]](body);
      send(a.status ?? 200, a.body, a.headers ?? { 'content-type': 'application/json' });
    });
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    calls: () => requests,
    reset: () => { requests.length = 0; queue.length = 0; },
    next: (answer) => queue.push(answer),
    stop: () => new Promise((r) => { server.closeAllConnections?.(); server.close(r); }),
  };
}
