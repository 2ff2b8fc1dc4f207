// One authorization-server instance for tests/js/redis-race.test.mjs: its own process, its own
// Redis client and its own HTTP token endpoint on 127.0.0.1, sharing the replay records of all
// instances through RedisReplayStore. Started with child_process.fork (IPC channel):
//
//   parent → { type: 'config', redisUrl, clientLib: 'node-redis' | 'ioredis', audience, resource,
//              issuer, jwks, clientId, clientSecret }
//   worker → { type: 'ready', port, pid }
//   worker → { type: 'arrived' }        a token request was read in full and is held
//   parent → { type: 'go' }             release every held request (the race starts)
//   parent → { type: 'stop' }           close the server and the client, exit
//
// Holding each request until the parent has seen it arrive at every instance makes the N
// verifications, and so the N SETs, run together rather than one after another.
import { createServer } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { IdJagError, IdJagVerifier, RedisReplayStore } from 'idjag';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

let held = []; // resolvers of requests waiting for 'go'
let server;
let closeClient = async () => {};

process.on('message', async (msg) => {
  if (msg.type === 'config') {
    try {
      process.send({ type: 'ready', port: await start(msg), pid: process.pid });
    } catch (e) {
      process.send({ type: 'failed', message: String(e?.message ?? e) });
      process.exit(1);
    }
  } else if (msg.type === 'go') {
    const release = held;
    held = [];
    for (const r of release) r();
  } else if (msg.type === 'stop') {
    server?.closeAllConnections?.();
    await new Promise((r) => (server ? server.close(r) : r()));
    await closeClient();
    process.disconnect();
  }
});

async function connect(redisUrl, clientLib) {
  if (clientLib === 'ioredis') {
    const { Redis } = await import('ioredis');
    const client = new Redis(redisUrl, { lazyConnect: true });
    client.on('error', () => {}); // reconnects on its own; a failed SET refuses the grant
    await client.connect();
    closeClient = () => client.quit();
    return client;
  }
  const { createClient } = await import('redis');
  const client = await createClient({ url: redisUrl }).on('error', () => {}).connect();
  closeClient = () => client.close();
  return client;
}

async function start(cfg) {
  const client = await connect(cfg.redisUrl, cfg.clientLib);
  const verifier = new IdJagVerifier({
    audience: cfg.audience,
    issuers: [{ issuer: cfg.issuer, jwks: cfg.jwks }],
    resources: [cfg.resource],
    replayStore: new RedisReplayStore({ client }),
  });
  const endpoint = tokenEndpoint(verifier, cfg);
  server = createServer((req, res) => {
    toRequest(req)
      .then(async (request) => {
        // Hold the request until every instance has one (see the header).
        const go = new Promise((r) => held.push(r));
        process.send({ type: 'arrived' });
        await go;
        return endpoint(request);
      })
      .catch(() => json(500, { error: 'server_error' }))
      .then((response) => send(res, response))
      .catch(() => res.destroy());
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return server.address().port;
}

// A minimal RFC 7523 token endpoint (client_secret_post) over IdJagVerifier, Request → Response.
// Stand-in until `createTokenEndpoint` of `idjag/server` exists; the race only needs 200 for
// the winner and 400 invalid_grant for the others.
function tokenEndpoint(verifier, cfg) {
  const secret = Buffer.from(cfg.clientSecret);
  return async (request) => {
    if (request.method !== 'POST') return json(405, { error: 'invalid_request' });
    const form = new URLSearchParams(await request.text());
    const clientId = form.get('client_id');
    const given = Buffer.from(form.get('client_secret') ?? '');
    if (clientId !== cfg.clientId || given.length !== secret.length || !timingSafeEqual(given, secret)) {
      return json(401, { error: 'invalid_client' });
    }
    if (form.get('grant_type') !== JWT_BEARER) return json(400, { error: 'unsupported_grant_type' });
    const assertion = form.get('assertion');
    if (assertion === null) return json(400, { error: 'invalid_request' });
    try {
      const ctx = { clientId };
      if (form.has('scope')) ctx.scope = form.get('scope');
      if (form.has('resource')) ctx.resource = form.get('resource');
      const grant = await verifier.verify(assertion, ctx);
      return json(200, {
        access_token: randomBytes(24).toString('base64url'),
        token_type: 'Bearer',
        expires_in: 300,
        scope: grant.scopes.join(' '),
      });
    } catch (e) {
      if (e instanceof IdJagError) return json(400, { error: e.oauthError ?? 'invalid_grant' });
      throw e;
    }
  };
}

function json(status, body) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
  });
}

// node:http ↔ fetch Request / Response.
async function toRequest(req) {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const body = Buffer.concat(chunks);
  return new Request(`http://${req.headers.host ?? '127.0.0.1'}${req.url}`, {
    method: req.method,
    headers: Object.entries(req.headers).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
    body: req.method === 'GET' || req.method === 'HEAD' ? undefined : body,
  });
}

async function send(res, response) {
  const body = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(body);
}
