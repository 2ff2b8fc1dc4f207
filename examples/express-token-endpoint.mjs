// The token endpoint in an Express app, behind the usual `app.use(express.urlencoded())`: the body
// parser consumes the request stream first, and toNodeHandler takes the body from `req.body`
// (an unparsed request is read from the stream, with the endpoint's 64 KiB cap). Every request
// gets the endpoint's own answer and audit event.
//   node examples/express-token-endpoint.mjs        (redeems a grant, then replays it)
import { pathToFileURL } from 'node:url';
import express from 'express';
import { toNodeHandler } from 'idjag/server';
import { demoTokenEndpoint, runDemo } from './lib/demo-token-endpoint.js';

/** @param {{ port?: number, bodyParser?: boolean, onDecision?: (event: object) => void }} [options] */
export async function start({ port = 0, bodyParser = true, onDecision } = {}) {
  const { endpoint, idp } = demoTokenEndpoint({ onDecision });
  const app = express();
  if (bodyParser) app.use(express.urlencoded({ extended: false }), express.json());
  app.all('/token', toNodeHandler(endpoint)); // every method: the endpoint answers GET with 405
  const server = await new Promise((resolve) => {
    const s = app.listen(port, '127.0.0.1', () => resolve(s));
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    idp,
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await runDemo(start, 'express');
