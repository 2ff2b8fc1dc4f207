// make demo — Enterprise-Managed Authorization end to end, on loopback ports:
//
//   the enterprise IdP (examples/idp) → the MCP authorization server (idjag's token endpoint)
//   → the MCP server (@modelcontextprotocol/server, requireBearerAuth + idjag's
//   AccessTokenVerifier, a scope per tool) ← the MCP client (@modelcontextprotocol/client,
//   CrossAppAccessProvider with idjag's requestIdJag as its assertion callback)
//
// Two users run the same flow (examples/flow.mjs): alice (engineering) may read but not write,
// bob (admins) may do both, and each one's first ID-JAG is refused when presented again. Every
// request and response is printed, every token decoded, every decision as one JSON line.
// Then the Grant Inspector is served (and the three servers stay up) until Ctrl-C.
//
//   node examples/demo.mjs           PORT=8787 for the Inspector (PORT=0: any free port)
//   node examples/demo.mjs --once    the flows only; exit 0 only if every expected outcome happened
import { serveWww } from '../scripts/serve-www.mjs';
import { EXPECTED, runFlow, unexpected } from './flow.mjs';
import { DEMO_USERS } from './idp/node.js';
import { createFlowPrinter } from './lib/print-flow.js';
import { startDemo } from './mcp-server/node.js';

const once = process.argv.includes('--once');
const color = Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
const out = (line = '') => process.stdout.write(`${line}\n`);

let printer = null;
let live = false; // after the flows: print each decision as it happens (your own client, curl)
const decision = (source, event) => {
  printer?.decision(source, event);
  if (live) printer.flush();
};
const demo = await startDemo({
  onDecision: (event) => decision(event['event.name'] === 'idjag.token_request' ? 'as' : 'mcp', event),
  // The IdP logs every request; its decision is the token exchange (and any refusal).
  onIdpEvent: (event) => {
    if (event.method === 'POST' && (event.path === '/token' || event.status >= 400)) decision('idp', event);
  },
});
const mcpOrigin = new URL(demo.mcpServerUrl).origin;
printer = createFlowPrinter({
  write: out, color, origins: { IdP: demo.idp.url, AS: demo.authorizationServer.issuer, MCP: mcpOrigin },
});

out('idjag demo — Enterprise-Managed Authorization (ID-JAG) end to end, on loopback');
out(`  IdP  ${demo.idp.url.padEnd(28)} enterprise IdP: sign-in, RFC 8693 token exchange → ID-JAG (examples/idp)`);
out(`  AS   ${demo.authorizationServer.issuer.padEnd(28)} MCP authorization server: idjag createTokenEndpoint, jwt-bearer → RFC 9068 token`);
out(`  MCP  ${demo.mcpServerUrl.padEnd(28)} MCP server: requireBearerAuth + idjag AccessTokenVerifier, one scope per tool`);
out('  → request  ← response  ◆ decision (an audit event, one JSON line; time omitted, checks listed on refusals)');
out('  tokens are decoded, not verified; signatures elided; secrets never shown');

const problems = [];
const outcomes = [];
for (const email of Object.keys(EXPECTED)) {
  const user = DEMO_USERS.find((u) => u.email === email);
  printer.user(email, `(groups: ${user.groups.join(', ')})`);
  try {
    const outcome = await runFlow({
      mcpServerUrl: demo.mcpServerUrl,
      authorizationServer: demo.authorizationServer.issuer,
      idp: demo.idp,
      user,
      log: (event) => printer.flow(event),
    });
    printer.flush();
    outcomes.push(outcome);
    problems.push(...unexpected(outcome));
  } catch (e) {
    printer.flush();
    problems.push(`${email}: the flow failed: ${e?.message ?? e}`);
    out(`  ✗ ${email}: the flow failed: ${e?.message ?? e}`);
  }
}

out();
out('━━ summary');
for (const o of outcomes) {
  const calls = Object.entries(o.calls).map(([tool, r]) => `${tool} ${r.result}${r.status ? ` (${r.status})` : ''}`).join(', ');
  out(`  ${o.user.padEnd(18)} ${calls}, replayed ID-JAG ${o.replay?.result}; ${o.grants} ID-JAG(s) issued`);
}
if (problems.length === 0) {
  const count = Object.values(EXPECTED).reduce((n, e) => n + Object.keys(e).length, 0);
  out(`  ✓ all ${count} expected outcomes happened`);
} else {
  for (const p of problems) out(`  ✗ ${p}`);
}

if (once) {
  await demo.close();
  process.exit(problems.length === 0 ? 0 : 1);
}

// Keep serving: the Grant Inspector, and the three servers for your own client or curl.
const raw = process.env.PORT ?? '8787';
const port = Number(raw);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`demo: PORT must be a port number, got ${JSON.stringify(raw)}`);
  process.exit(2);
}
let inspector;
try {
  inspector = await serveWww({ port });
} catch (e) {
  const hint = e?.code === 'EADDRINUSE' ? `port ${port} is in use; try \`make demo PORT=${port + 1}\` (or PORT=0)` : e?.message ?? e;
  console.error(`demo: the Grant Inspector could not start: ${hint}`);
  await demo.close();
  process.exit(1);
}
out();
out(`idjag Grant Inspector: ${inspector.url}`);
out(`  paste a grant there (or mint one in its playground); the demo IdP's keys: ${demo.idp.jwksUri}`);
out(`  still serving the IdP, the authorization server and ${demo.mcpServerUrl} (their decisions follow); Ctrl-C to stop`);
live = true;
const stop = () => {
  Promise.all([inspector.close(), demo.close()]).finally(() => process.exit(problems.length === 0 ? 0 : 1));
  setTimeout(() => process.exit(1), 2000).unref();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
