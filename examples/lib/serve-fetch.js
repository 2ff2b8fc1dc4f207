// serveFetch(): runs a web-standard `(Request) => Promise<Response>` handler on node:http on a
// loopback port. Every example and test server (IdP, authorization server, MCP server) is such
// a handler, so the same code also runs in workerd, Deno and Bun; this file only carries
// requests across in Node.
import { createServer } from 'node:http';

const MAX_BODY_BYTES = 1024 * 1024;

/**
 * @param {(request: Request) => Promise<Response> | Response} handler
 * @param {{ port?: number, host?: string }} [options]
 * @returns {Promise<{ url: string, port: number, close: () => Promise<void> }>}
 */
export async function serveFetch(handler, { port = 0, host = '127.0.0.1' } = {}) {
  let base = '';
  const server = createServer((req, res) => {
    bridge(req, res, handler, base);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const actual = server.address().port;
  base = `http://${host.includes(':') ? `[${host}]` : host}:${actual}`;
  const close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return { url: base, port: actual, close };
}

// node:http → Request, then Response → node:http (streamed bodies are passed through, so a
// Server-Sent Events answer of an MCP server reaches the client as it is written).
async function bridge(req, res, handler, base) {
  try {
    const chunks = [];
    let size = 0;
    for await (const chunk of req) {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) return void res.writeHead(413, { connection: 'close' }).end();
      chunks.push(chunk);
    }
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(new URL(req.url, base), {
      method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined,
    });
    const response = await handler(request);
    const out = {};
    for (const [k, v] of response.headers) out[k] = k in out ? `${out[k]}, ${v}` : v;
    res.writeHead(response.status, out);
    if (!response.body) return void res.end();
    for await (const chunk of response.body) res.write(chunk);
    res.end();
  } catch {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"error":"server_error"}');
  }
}
