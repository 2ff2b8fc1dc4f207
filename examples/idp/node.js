// startIdp(): the demo IdP (idp.js) on node:http, on a loopback port. The IdP itself is a
// web-standard Request → Response handler; this file only carries requests across.
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { createIdp } from './idp.js';

export { DEMO_CLIENTS, DEMO_USERS } from './idp.js';

const MAX_BODY_BYTES = 64 * 1024;

/**
 * Starts the demo IdP. Every option but `port` and `host` goes to createIdp (idp.js); the
 * policy defaults to policy.json next to this file.
 *
 * @param {{ port?: number, host?: string, policy?: object } & Omit<Parameters<typeof createIdp>[0], 'issuer' | 'policy'>} [options]
 * @returns {Promise<{ url: string, issuer: string, tokenEndpoint: string, jwksUri: string, loginEndpoint: string,
 *   metadata: object, jwks: () => { keys: JsonWebKey[] }, users: object[], clients: object[], apps: object[], close: () => Promise<void> }>}
 */
export async function startIdp({ port = 0, host = '127.0.0.1', policy, ...options } = {}) {
  const policyDoc = policy ?? JSON.parse(await readFile(new URL('./policy.json', import.meta.url), 'utf8'));
  let idp = null; // known once the port is: the issuer is the base URL
  const server = createServer((req, res) => {
    if (idp === null) return void res.writeHead(503).end();
    bridge(req, res, idp.handle, idp.issuer);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const close = () => new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${server.address().port}`;
  try {
    idp = createIdp({ ...options, issuer: url, policy: policyDoc });
  } catch (e) {
    await close();
    throw e;
  }
  return {
    url,
    issuer: idp.issuer,
    tokenEndpoint: idp.endpoints.token,
    jwksUri: idp.endpoints.jwks,
    loginEndpoint: idp.endpoints.login,
    metadata: idp.metadata,
    jwks: idp.jwks,
    users: idp.users,
    clients: idp.clients,
    apps: idp.apps,
    close,
  };
}

// node:http → Request, then Response → node:http.
async function bridge(req, res, handle, base) {
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
    const response = await handle(request);
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
    res.end('{"error":"server_error"}');
  }
}
