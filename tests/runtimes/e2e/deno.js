// The end-to-end flow (flow.js) under Deno: every server is a `Deno.serve` on a loopback port.
// Permissions: loopback networking only (the package, the examples and policy.json are module
// imports; nothing is read from disk at run time).
//   deno run --no-lock --no-prompt --node-modules-dir=manual --allow-net=127.0.0.1 tests/runtimes/e2e/deno.js
import { runE2e } from './flow.js';

function serve(handler) {
  const server = Deno.serve({ hostname: '127.0.0.1', port: 0, onListen() {} }, handler);
  return { url: `http://127.0.0.1:${server.addr.port}`, close: () => server.shutdown() };
}

const { passed, failed, lines } = await runE2e({ runtime: 'deno', serve });
for (const line of lines) console.log(line);
Deno.exitCode = failed === 0 && passed > 0 ? 0 : 1;
