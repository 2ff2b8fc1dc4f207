// The end-to-end flow (flow.js) under Bun: every server is a `Bun.serve` on a loopback port.
//   bun tests/runtimes/e2e/bun.js
import { runE2e } from './flow.js';

function serve(handler) {
  const server = Bun.serve({ hostname: '127.0.0.1', port: 0, fetch: handler });
  return { url: `http://127.0.0.1:${server.port}`, close: async () => server.stop(true) };
}

const { passed, failed, lines } = await runE2e({ runtime: 'bun', serve });
for (const line of lines) console.log(line);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
