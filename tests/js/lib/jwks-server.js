// A JWKS / metadata server on 127.0.0.1 for the JwksCache tests: real node:http, port 0.
// Each path answers with a handler that the test can swap at any time (rotation, outage,
// slowness, garbage); every request is recorded in `hits`. `stop()` closes the port (the IdP
// is down: connection refused) and `start()` brings it back on the same port.
import { createServer } from 'node:http';

/**
 * @returns {Promise<{ base: string, hits: string[], route: (path: string, handler: Function | null) => void,
 *   stop: () => Promise<void>, start: () => Promise<void>, close: () => Promise<void> }>}
 */
export async function startJwksServer() {
  const routes = new Map();
  const hits = [];
  const server = createServer((req, res) => {
    hits.push(req.url);
    const handler = routes.get(req.url);
    if (handler) handler(req, res);
    else {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end('{"error":"not_found"}');
    }
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  const stop = () => new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections(); // hung requests too
  });
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    route: (path, handler) => (handler ? routes.set(path, handler) : routes.delete(path)),
    stop,
    start: () => new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    }),
    close: () => (server.listening ? stop() : Promise.resolve()),
  };
}

/** 200 with a JSON body (an object is serialised) and extra headers. */
export function json(body, headers = {}) {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(text);
  };
}

/** 200 with raw bytes. */
export function bytes(buf, headers = {}) {
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json', ...headers });
    res.end(buf);
  };
}

/** Any status, empty body (or a Location for redirects). */
export function status(code, headers = {}) {
  return (req, res) => {
    res.writeHead(code, headers);
    res.end();
  };
}

/** Never answers (until the server stops). */
export function hang() {
  return () => {};
}

/** Sends the headers and the first byte of the body, then nothing more. */
export function stall() {
  return (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.write('{');
  };
}

/**
 * A body of `total` bytes — spaces, then a valid JWKS, so that only its size is wrong —
 * written in `chunk`-byte pieces `pauseMs` apart, stopping when the client goes away.
 * `stats.written` counts what was written; `stats.closed` resolves when the connection closes.
 */
export function streamed(total, jwks, { chunk = 8192, pauseMs = 5, declareLength = false } = {}) {
  const tail = Buffer.from(JSON.stringify(jwks));
  const body = Buffer.concat([Buffer.alloc(Math.max(0, total - tail.length), 0x20), tail]);
  const stats = { written: 0, closed: null };
  const handler = (req, res) => {
    let gone = false;
    stats.closed = new Promise((resolve) => res.on('close', () => {
      gone = true;
      resolve(stats.written);
    }));
    res.writeHead(200, { 'content-type': 'application/json', ...(declareLength ? { 'content-length': String(body.length) } : {}) });
    const step = () => {
      if (gone) return;
      const left = body.length - stats.written;
      if (left <= 0) {
        res.end();
        return;
      }
      const n = Math.min(chunk, left);
      const piece = body.subarray(stats.written, stats.written + n);
      res.write(piece);
      stats.written += n;
      setTimeout(step, pauseMs);
    };
    step();
  };
  return { handler, stats };
}

/** A startJwksServer() that `closeJwksServers()` closes (call it from a top-level `after`). */
const started = [];
export async function jwksServer() {
  const s = await startJwksServer();
  started.push(s);
  return s;
}

export function closeJwksServers() {
  return Promise.all(started.splice(0).map((s) => s.close()));
}
