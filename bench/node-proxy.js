// Baseline for the benchmark: a naive Node.js pipe proxy (keep-alive agent, no parsing), the floor any
// gateway should beat. Usage: node bench/node-proxy.js LISTEN_PORT UPSTREAM_PORT
const http = require('http');
const [listenPort, upstreamPort] = process.argv.slice(2).map(Number);
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
http.createServer((req, res) => {
  const up = http.request({ host: '127.0.0.1', port: upstreamPort, path: req.url, method: req.method,
    headers: req.headers, agent }, (ur) => {
    res.writeHead(ur.statusCode, ur.headers);
    ur.pipe(res);
  });
  up.on('error', () => { res.statusCode = 502; res.end(); });
  req.pipe(up);
}).listen(listenPort, '127.0.0.1');
