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
import { RedisReplayStore } from 'idjag';
import { AccessTokenIssuer, createTokenEndpoint } from 'idjag/server';
import { serveFetch } from '../../examples/lib/serve-fetch.js';

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
    await server?.close();
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

// Each instance: the real token endpoint of idjag/server with its own access-token key,
// sharing only the replay records (Redis).
async function start(cfg) {
  const client = await connect(cfg.redisUrl, cfg.clientLib);
  const endpoint = createTokenEndpoint({
    grants: {
      audience: cfg.audience,
      issuers: [{ issuer: cfg.issuer, jwks: cfg.jwks }],
      resources: [cfg.resource],
      replayStore: new RedisReplayStore({ client }),
    },
    accessTokenIssuer: new AccessTokenIssuer({ issuer: cfg.audience }),
    clients: [{ clientId: cfg.clientId, clientSecret: cfg.clientSecret, tokenEndpointAuthMethod: 'client_secret_post' }],
  });
  server = await serveFetch(async (request) => {
    // Hold the request until every instance has one (see the header).
    const go = new Promise((r) => held.push(r));
    process.send({ type: 'arrived' });
    await go;
    return endpoint(request);
  });
  return server.port;
}
