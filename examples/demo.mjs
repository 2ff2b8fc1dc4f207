// make demo — Enterprise-Managed Authorization end to end, on loopback ports:
//
//   the enterprise IdP (examples/idp) and a partner company's IdP (the same code, its own issuer,
//   key, users and policy: examples/idp/partner.js) → the MCP authorization server (idjag's token
//   endpoint, trusting both)
//   → the MCP server (@modelcontextprotocol/server, requireBearerAuth + idjag's
//   AccessTokenVerifier, a scope per tool) ← the MCP client (@modelcontextprotocol/client,
//   CrossAppAccessProvider with idjag's requestIdJag as its assertion callback)
//
// Three users run the same flow (examples/flow.mjs): alice (engineering) may read but not write,
// bob (admins) may do both, dana (the partner's contractor) may read; each one's first ID-JAG is
// refused when presented again. alice and dana are both `u-1001` at their IdPs: the MCP server's
// whoami shows two distinct access-token subjects, `<IdP iss>#u-1001`. Then dana through the
// enterprise's client: refused, that client's grants must come from the enterprise IdP
// (allowedIssuers). Every request and response is printed, every token decoded, every decision
// as one JSON line. Then the Grant Inspector is served (and the servers stay up) until Ctrl-C.
//
//   node examples/demo.mjs           PORT=8787 for the Inspector (PORT=0: any free port)
//   node examples/demo.mjs --once    the flows only; exit 0 only if every expected outcome happened
import { serveWww } from '../scripts/serve-www.mjs';
import {
  DEMO_CLIENT, EXPECTED, EXPECTED_ACROSS, PARTNER_CLIENT, runFlow, runWrongIdp, unexpected, unexpectedAcross,
} from './flow.mjs';
import { DEMO_USERS } from './idp/node.js';
import { PARTNER_USERS } from './idp/partner.js';
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
  // The IdPs log every request; their decision is the token exchange (and any refusal).
  onIdpEvent: (event, which) => {
    if (event.method === 'POST' && (event.path === '/token' || event.status >= 400)) decision(which === 'partner' ? 'idp2' : 'idp', event);
  },
});
const mcpOrigin = new URL(demo.mcpServerUrl).origin;
printer = createFlowPrinter({
  write: out, color, origins: { IdP: demo.idp.url, IdP2: demo.partnerIdp.url, AS: demo.authorizationServer.issuer, MCP: mcpOrigin },
});
// Who signs in where: the enterprise's users at its IdP with its client, the partner's at theirs.
const partnerUser = (email) => PARTNER_USERS.find((u) => u.email === email);
const whereFrom = (email) => (partnerUser(email)
  ? { user: partnerUser(email), idp: demo.partnerIdp, client: PARTNER_CLIENT, note: 'partner IdP' }
  : { user: DEMO_USERS.find((u) => u.email === email), idp: demo.idp, client: DEMO_CLIENT, note: 'enterprise IdP' });

out('idjag demo — Enterprise-Managed Authorization (ID-JAG) end to end, on loopback');
out(`  IdP  ${demo.idp.url.padEnd(28)} enterprise IdP: sign-in, RFC 8693 token exchange → ID-JAG (examples/idp)`);
out(`  IdP2 ${demo.partnerIdp.url.padEnd(28)} partner company's IdP: the same code, its own key, users and policy (examples/idp/partner.js)`);
out(`  AS   ${demo.authorizationServer.issuer.padEnd(28)} MCP authorization server: idjag createTokenEndpoint, jwt-bearer → RFC 9068 token;`);
out(`  ${''.padEnd(33)} trusts both IdPs, so a token's sub is "<IdP iss>#<IdP sub>"`);
out(`  MCP  ${demo.mcpServerUrl.padEnd(28)} MCP server: requireBearerAuth + idjag AccessTokenVerifier, one scope per tool`);
out('  → request  ← response  ◆ decision (an audit event, one JSON line; time omitted, checks listed on refusals)');
out('  tokens are decoded, not verified; signatures elided; secrets never shown');

const problems = [];
const outcomes = [];
for (const email of Object.keys(EXPECTED)) {
  const { user, idp, client, note } = whereFrom(email);
  printer.user(email, `(${note}, sub ${user.sub}, groups: ${user.groups.join(', ')})`);
  try {
    const outcome = await runFlow({
      mcpServerUrl: demo.mcpServerUrl,
      authorizationServer: demo.authorizationServer.issuer,
      idp,
      user,
      client,
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

// The enterprise's client, which the partner IdP also knows: the AS takes its grants from the
// enterprise IdP only.
const dana = partnerUser(EXPECTED_ACROSS.distinct_subjects[1]) ?? PARTNER_USERS[0];
printer.user(dana.email, '(partner IdP, through the enterprise\'s client: allowedIssuers)');
let wrongIdp = null;
try {
  wrongIdp = await runWrongIdp({
    mcpServerUrl: demo.mcpServerUrl,
    authorizationServer: demo.authorizationServer.issuer,
    idp: demo.partnerIdp,
    user: dana,
    log: (event) => printer.flow(event),
  });
  printer.flush();
} catch (e) {
  printer.flush();
  out(`  ✗ ${dana.email} through the enterprise's client: the flow failed: ${e?.message ?? e}`);
}
problems.push(...unexpectedAcross(outcomes, wrongIdp));

out();
out('━━ summary');
const width = Math.max(...outcomes.map((o) => o.user.length)) + 2;
for (const o of outcomes) {
  const calls = Object.entries(o.calls).filter(([tool]) => tool !== 'whoami')
    .map(([tool, r]) => `${tool} ${r.result}${r.status ? ` (${r.status})` : ''}`).join(', ');
  out(`  ${o.user.padEnd(width)} ${calls}, replayed ID-JAG ${o.replay?.result}; ${o.grants} ID-JAG(s) issued`);
}
out('  access-token subjects, as the MCP server\'s whoami saw them:');
for (const o of outcomes) {
  const who = o.calls.whoami;
  out(`  ${o.user.padEnd(width)} ${who?.result === 'ok' ? `sub ${who.subject}  (IdP sub ${who.idpSubject})` : `whoami ${who?.result}`}`);
}
const [first, second] = EXPECTED_ACROSS.distinct_subjects;
const sameSub = outcomes.find((o) => o.user === first)?.calls.whoami;
const otherSub = outcomes.find((o) => o.user === second)?.calls.whoami;
if (sameSub?.subject && otherSub?.subject) {
  const distinct = sameSub.subject !== otherSub.subject;
  out(`  ${distinct ? '✓' : '✗'} ${first} and ${second} are both ${sameSub.idpSubject === otherSub.idpSubject ? sameSub.idpSubject : '?'} at their IdPs`
    + ` and got ${distinct ? 'distinct subjects' : 'THE SAME subject'}`);
}
if (wrongIdp) {
  out(`  ${wrongIdp.result === EXPECTED_ACROSS.wrong_idp ? '✓' : '✗'} ${wrongIdp.user} through the enterprise's client`
    + ` (allowedIssuers: the enterprise IdP): ${wrongIdp.result}${wrongIdp.status ? ` (${wrongIdp.status})` : ''}`);
}
if (problems.length === 0) {
  const count = Object.values(EXPECTED).reduce((n, e) => n + Object.keys(e).length, 0) + Object.keys(EXPECTED_ACROSS).length;
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
out(`  still serving both IdPs, the authorization server and ${demo.mcpServerUrl} (their decisions follow); Ctrl-C to stop`);
live = true;
const stop = () => {
  Promise.all([inspector.close(), demo.close()]).finally(() => process.exit(problems.length === 0 ? 0 : 1));
  setTimeout(() => process.exit(1), 2000).unref();
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
