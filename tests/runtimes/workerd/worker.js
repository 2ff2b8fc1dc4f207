// Cloudflare workerd: a module-syntax worker that runs the shared vectors against the
// package's `workerd` entry. The module names come from the config that run.mjs generates:
// this file is the root module "worker.js", `idjag` is an alias module for the entry that
// pkg/package.json exports under the `workerd` condition (what wrangler's resolver does), the
// `.wasm` is a `wasm` module, the vectors a `json` module.
//   GET /health → "ok"        GET /run → the harness result as JSON
import * as idjag from 'idjag';
import vectors from 'tests/vectors/grants.json';
import { runAll } from 'tests/runtimes/lib/harness.js';

export default {
  async fetch(request) {
    const { pathname } = new URL(request.url);
    if (pathname === '/health') return new Response('ok');
    if (pathname !== '/run') return new Response('not found', { status: 404 });
    try {
      const result = await runAll(idjag, vectors, 'workerd');
      return Response.json({ ...result, resolved: 'idjag (module alias for the exports["."].workerd entry)' });
    } catch (e) {
      return Response.json({ error: String(e?.stack ?? e) }, { status: 500 });
    }
  },
};
