// One token endpoint in its own process (so the load generator and the server do not share
// an event loop): node bench/endpoint-server.mjs <idjag|jose> <config.json>
// config.redisUrl (idjag only): the replay store is a RedisReplayStore on that Redis.
// Prints one JSON line: { "port": n } once listening, or { "pending": "why" } when the idjag
// side cannot be built yet (idjag/server missing). Exits when its stdin closes.
import { readFileSync } from 'node:fs';
import { serve } from './http-bridge.mjs';
import { createJoseTokenEndpoint } from './endpoint-jose.mjs';

const [side, configPath] = process.argv.slice(2);
const config = JSON.parse(readFileSync(configPath, 'utf8'));

/** idjag's endpoint (pkg/src/server/, export "./server"): the API of the token-endpoint issue. */
async function createIdjagTokenEndpoint({ grants, issuer, clients, redisUrl }) {
  let server;
  try {
    server = await import('idjag/server');
  } catch (e) {
    return { pending: `idjag/server not available (${e.code ?? e.message})` };
  }
  const { createTokenEndpoint, AccessTokenIssuer } = server;
  if (redisUrl) {
    // The scale run (scale.mjs): every process shares one Redis for the replay check (R29).
    const [{ createClient }, { RedisReplayStore }] = await Promise.all([import('redis'), import('idjag')]);
    const client = await createClient({ url: redisUrl }).on('error', () => {}).connect();
    grants = { ...grants, replayStore: new RedisReplayStore({ client }) };
  }
  if (typeof createTokenEndpoint !== 'function' || typeof AccessTokenIssuer !== 'function') {
    return { pending: 'idjag/server does not export createTokenEndpoint and AccessTokenIssuer yet' };
  }
  return {
    handler: await createTokenEndpoint({
      grants,
      accessTokenIssuer: new AccessTokenIssuer({ issuer }),
      clients: clients.map((c) => ({ ...c, tokenEndpointAuthMethod: 'client_secret_post' })),
    }),
  };
}

let built;
if (side === 'idjag') built = await createIdjagTokenEndpoint(config);
else if (side === 'jose') built = { handler: await createJoseTokenEndpoint(config) };
else throw new Error(`unknown side ${side}`);

if (built.pending) {
  process.stdout.write(`${JSON.stringify({ pending: built.pending })}\n`);
  process.exit(0);
}
const server = await serve(built.handler);
process.stdout.write(`${JSON.stringify({ port: server.port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
