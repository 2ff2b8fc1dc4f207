// The token endpoint in a Hono app. Hono is web-standard: the endpoint takes `c.req.raw` as is.
// A middleware that reads the body first (here one that logs the form's parameter names, with
// `c.req.parseBody()`) leaves the raw stream used; toHonoHandler then takes the body back from
// Hono's cache, so the endpoint still gets the exact form and emits its audit event.
//   node examples/hono-token-endpoint.mjs           (redeems a grant, then replays it)
// Hono's `app.fetch` runs as is on Deno, Bun and Workers; on Node it is served here with
// examples/lib/serve-fetch.js (or @hono/node-server's `serve`).
import { pathToFileURL } from 'node:url';
import { Hono } from 'hono';
import { toHonoHandler } from 'idjag/server';
import { demoTokenEndpoint, runDemo } from './lib/demo-token-endpoint.js';
import { serveFetch } from './lib/serve-fetch.js';

/** @param {{ port?: number, bodyParser?: boolean, onDecision?: (event: object) => void, log?: (line: string) => void }} [options] */
export async function start({ port = 0, bodyParser = true, onDecision, log = () => {} } = {}) {
  const { endpoint, idp } = demoTokenEndpoint({ onDecision });
  const app = new Hono();
  if (bodyParser) {
    app.use('/token', async (c, next) => {
      const form = await c.req.parseBody({ all: true }); // reads (and caches) the body
      log(`token request with parameters ${Object.keys(form).join(', ')}`);
      await next();
    });
  }
  app.all('/token', toHonoHandler(endpoint));
  const server = await serveFetch(app.fetch, { port });
  return { url: server.url, idp, close: server.close };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runDemo(start, 'hono');
