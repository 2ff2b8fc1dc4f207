// The token endpoint in a Fastify app, two ways:
//  - with @fastify/formbody registered (Fastify parses the form into `request.body`): mount
//    toNodeHandler as the route handler; the parsed body is re-encoded, repetitions kept;
//  - without it (Fastify would answer 415 to a form itself): register toFastifyPlugin, whose
//    routes get pass-through parsers, and the endpoint reads the raw body.
// Either way every request gets the endpoint's own answer and audit event.
//   node examples/fastify-token-endpoint.mjs        (redeems a grant, then replays it)
import { pathToFileURL } from 'node:url';
import formbody from '@fastify/formbody';
import Fastify from 'fastify';
import { toFastifyPlugin, toNodeHandler } from 'idjag/server';
import { demoTokenEndpoint, runDemo } from './lib/demo-token-endpoint.js';

/** @param {{ port?: number, bodyParser?: boolean, onDecision?: (event: object) => void }} [options] */
export async function start({ port = 0, bodyParser = true, onDecision } = {}) {
  const { endpoint, idp } = demoTokenEndpoint({ onDecision });
  const app = Fastify();
  if (bodyParser) {
    await app.register(formbody);
    app.all('/token', toNodeHandler(endpoint));
  } else {
    await app.register(toFastifyPlugin(endpoint, { url: '/token' }));
  }
  await app.listen({ port, host: '127.0.0.1' });
  return { url: `http://127.0.0.1:${app.server.address().port}`, idp, close: () => app.close() };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runDemo(start, 'fastify');
