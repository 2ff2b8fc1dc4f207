// The end-to-end flow (flow.js) under Node, for comparison and debugging: every server is a
// node:http server on a loopback port (examples/lib/serve-fetch.js).
//   node tests/runtimes/e2e/node.mjs
import { serveFetch } from '../../../examples/lib/serve-fetch.js';
import { runE2e } from './flow.js';

const { passed, failed, lines } = await runE2e({ runtime: 'node', serve: (handler) => serveFetch(handler) });
for (const line of lines) console.log(line);
process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
