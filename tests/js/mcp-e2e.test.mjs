// Enterprise-Managed Authorization end to end, everything real and on loopback: the demo IdP
// (examples/idp), the MCP authorization server (idjag's createTokenEndpoint) and the MCP server
// (@modelcontextprotocol/server, requireBearerAuth + idjag's AccessTokenVerifier, one scope per
// tool) from examples/mcp-server, driven by examples/flow.mjs — the MCP SDK client with its
// CrossAppAccessProvider and idjag's requestIdJag as the assertion callback.
//
//   alice (engineering): read_file ok, write_file 403 insufficient_scope (also after step-up)
//   bob (admins): both ok
//   every user's first ID-JAG, presented again: invalid_grant (ERR_REPLAY in the audit event)
//   carol (sales): no ID-JAG at all, so no access token
//   dana (the partner IdP's contractor, sub u-1001 like alice): read ok, write 403; the AS trusts
//   both IdPs, so alice's and dana's access tokens name two users (<IdP iss>#u-1001) and the MCP
//   server's whoami tells them apart; dana through the enterprise's client: invalid_grant
//   (allowedIssuers), the grant not consumed
//
// Plus: the audit events tie the three servers' decisions together by jti, and neither the
// events nor the printed trace ever hold a token.
//
//   node --test tests/js/mcp-e2e.test.mjs      (needs the built package: make build)
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { decodeJwt } from 'jose';
import {
  EXPECTED, EXPECTED_ACROSS, PARTNER_CLIENT, runFlow, runWrongIdp, unexpected, unexpectedAcross,
} from '../../examples/flow.mjs';
import { DEMO_USERS, PARTNER_USERS } from '../../examples/idp/node.js';
import { createFlowPrinter } from '../../examples/lib/print-flow.js';
import { startDemo } from '../../examples/mcp-server/node.js';

const user = (name) => DEMO_USERS.find((u) => u.email === `${name}@example.com`);
const DANA = PARTNER_USERS.find((u) => u.email === 'dana@partner.example');

let demo;
const decisions = []; // the authorization server's and the MCP server's audit events
const idpEvents = [];
const wireTokens = []; // every token any server handed out during the flows, as sent on the wire
const printed = [];
let current = null;

/** A fetch that notes every token in a response body (the trace must never show one whole). */
async function tapFetch(input, init) {
  const res = await fetch(input, init);
  if ((res.headers.get('content-type') ?? '').includes('application/json')) {
    const body = await res.clone().json().catch(() => null);
    for (const k of ['access_token', 'id_token']) if (typeof body?.[k] === 'string') wireTokens.push(body[k]);
  }
  return res;
}

async function flow(name, options = {}) {
  const printer = createFlowPrinter({
    write: (line) => printed.push(line),
    origins: { IdP: demo.idp.url, IdP2: demo.partnerIdp.url, AS: demo.authorizationServer.issuer, MCP: new URL(demo.mcpServerUrl).origin },
  });
  current = printer; // the servers' decisions go to the printer of the flow that caused them
  const partner = name === 'dana';
  printer.user(partner ? DANA.email : `${name}@example.com`);
  try {
    return await runFlow({
      mcpServerUrl: demo.mcpServerUrl,
      authorizationServer: demo.authorizationServer.issuer,
      idp: partner ? demo.partnerIdp : demo.idp,
      user: partner ? DANA : user(name),
      ...(partner ? { client: PARTNER_CLIENT } : {}),
      fetch: tapFetch,
      log: (e) => printer.flow(e),
      ...options,
    });
  } finally {
    printer.flush();
  }
}
const asEvents = () => decisions.filter((e) => e['event.name'] === 'idjag.token_request');
const grantsOf = (email) => wireTokens.map((t) => decodeJwt(t)).filter((c) => c.email === email && c.client_id && c.resource);

before(async () => {
  demo = await startDemo({
    onDecision: (e) => {
      decisions.push(e);
      current?.decision(e['event.name'] === 'idjag.token_request' ? 'as' : 'mcp', e);
    },
    onIdpEvent: (e) => idpEvents.push(e),
  });
});

after(() => demo?.close());

describe('the two users of EXPECTED', () => {
  let alice;
  let bob;

  test('alice (engineering): read ok, write 403 insufficient_scope, replay refused', async () => {
    const before = decisions.length;
    alice = await flow('alice');
    assert.deepEqual(unexpected(alice), []);
    assert.deepEqual(alice.tools.sort(), ['read_file', 'whoami', 'write_file']);
    assert.equal(alice.calls.read_file.result, 'ok');
    assert.match(alice.calls.read_file.text, /Hello from the idjag demo MCP server/);
    assert.deepEqual(
      { result: alice.calls.write_file.result, status: alice.calls.write_file.status, scope: alice.calls.write_file.scope },
      { result: 'insufficient_scope', status: 403, scope: 'files.write' },
    );
    assert.deepEqual(alice.replay, { result: 'invalid_grant', status: 400 });
    assert.equal(alice.grants, 1, 'no step-up by default');
    assert.equal(demo.mcpServer.files.has('notes/alice@example.com.txt'), false, 'the refused write did not happen');

    // The audit trail of this run, tied together by jti.
    const mine = decisions.slice(before);
    const [issued, replayed] = mine.filter((e) => e['event.name'] === 'idjag.token_request');
    assert.equal(issued['event.outcome'], 'success');
    assert.deepEqual(issued['idjag.scopes.granted'], ['files.read']);
    assert.equal(issued['idjag.resource'], demo.mcpServerUrl);
    const [grant] = grantsOf('alice@example.com');
    assert.equal(issued['idjag.grant.jti'], grant.jti);
    assert.equal(grant.scope, 'files.read', 'the IdP granted what the policy allows of what was asked');

    const refusal = mine.find((e) => e['gen_ai.tool.name'] === 'write_file');
    assert.equal(refusal['event.outcome'], 'failure');
    assert.equal(refusal['http.response.status_code'], 403);
    assert.equal(refusal['error.type'], 'insufficient_scope');
    assert.deepEqual(refusal['idjag.scopes.required'], ['files.write']);
    assert.equal(refusal['idjag.access_token.jti'], issued['idjag.access_token.jti'], 'MCP and AS events name the same token');
    const read = mine.find((e) => e['gen_ai.tool.name'] === 'read_file');
    assert.equal(read['event.outcome'], 'success');

    assert.equal(replayed['event.outcome'], 'failure');
    assert.equal(replayed['error.type'], 'ERR_REPLAY');
    assert.equal(replayed['oauth.error'], 'invalid_grant');
    assert.equal(replayed['idjag.grant.jti'], grant.jti, 'the same grant, presented again');
    assert.equal(replayed['idjag.checks'].at(-1), 'replay', 'every other check passed first');

    // The first MCP request carried no token: 401 at the gate.
    const gate = mine.find((e) => e['event.name'] === 'idjag.mcp_request' && e['http.response.status_code'] === 401);
    assert.equal(gate['error.type'], 'invalid_token');
  });

  test('bob (engineering, admins): read and write ok, replay refused', async () => {
    const before = decisions.length;
    bob = await flow('bob');
    assert.deepEqual(unexpected(bob), []);
    assert.equal(bob.calls.write_file.result, 'ok');
    assert.equal(demo.mcpServer.files.get('notes/bob@example.com.txt'), 'hello', 'the write happened');
    assert.deepEqual(bob.replay, { result: 'invalid_grant', status: 400 });
    const mine = decisions.slice(before);
    assert.deepEqual(mine.find((e) => e['event.outcome'] === 'success' && e['event.name'] === 'idjag.token_request')['idjag.scopes.granted'],
      ['files.read', 'files.write']);
    const write = mine.find((e) => e['gen_ai.tool.name'] === 'write_file');
    assert.equal(write['event.outcome'], 'success');
    assert.deepEqual(write['idjag.scopes.granted'], ['files.read', 'files.write']);
  });

  test('EXPECTED covers exactly these users, and unexpected() notices a difference', () => {
    assert.deepEqual(Object.keys(EXPECTED).sort(), ['alice@example.com', 'bob@example.com', 'dana@partner.example']);
    const wrong = { ...alice, calls: { ...alice.calls, write_file: { result: 'ok' } } };
    assert.equal(unexpected(wrong).length, 2, 'wrong result and no 403');
    assert.match(unexpected({ ...bob, replay: { result: 'accepted' } })[0], /replay expected invalid_grant, got accepted/);
  });
});

describe('two IdPs, the same sub (issue 11)', () => {
  let alice;
  let dana;

  test('alice and dana (both u-1001) get different access-token subjects, and the MCP tool sees different users', async () => {
    assert.equal(DANA.sub, user('alice').sub, 'the demo\'s point: the same sub at two IdPs');
    alice = await flow('alice');
    const before = decisions.length;
    dana = await flow('dana');
    assert.deepEqual(unexpected(alice), []);
    assert.deepEqual(unexpected(dana), []);
    assert.equal(dana.calls.read_file.result, 'ok');
    assert.equal(dana.calls.write_file.status, 403, 'the partner policy: contractors read only');

    // The access tokens on the wire: two subjects, each <IdP iss>#u-1001, the IdP in sub_id.
    const tokenOf = (clientId) => wireTokens.map((t) => decodeJwt(t)).filter((c) => c.client_id === clientId && c.sub_id).at(-1);
    const aliceToken = tokenOf('mcp-demo-client-at-files');
    const danaToken = tokenOf('partner-mcp-client-at-files');
    assert.equal(aliceToken.sub, `${demo.idp.issuer}#u-1001`);
    assert.equal(danaToken.sub, `${demo.partnerIdp.issuer}#u-1001`);
    assert.notEqual(aliceToken.sub, danaToken.sub);
    assert.deepEqual(danaToken.sub_id, { format: 'iss_sub', iss: demo.partnerIdp.issuer, sub: 'u-1001' });

    // What the MCP server's tool saw (authInfo.extra): two users.
    assert.deepEqual(alice.calls.whoami, { result: 'ok', subject: aliceToken.sub, idpIssuer: demo.idp.issuer, idpSubject: 'u-1001' });
    assert.deepEqual(dana.calls.whoami, { result: 'ok', subject: danaToken.sub, idpIssuer: demo.partnerIdp.issuer, idpSubject: 'u-1001' });
    const whoamiEvent = decisions.slice(before).find((e) => e['gen_ai.tool.name'] === 'whoami');
    assert.equal(whoamiEvent['idjag.idp.issuer'], demo.partnerIdp.issuer);
    assert.equal(whoamiEvent['oauth.client.id'], 'partner-mcp-client-at-files');
    const issued = decisions.slice(before).find((e) => e['event.name'] === 'idjag.token_request' && e['event.outcome'] === 'success');
    assert.equal(issued['idjag.grant.issuer'], demo.partnerIdp.issuer);
    assert.deepEqual(issued['idjag.scopes.granted'], ['files.read']);
  });

  test('dana through the enterprise\'s client: invalid_grant (allowedIssuers), the grant not consumed', async () => {
    const before = decisions.length;
    const printer = createFlowPrinter({ write: (line) => printed.push(line) });
    current = printer;
    const wrong = await runWrongIdp({
      mcpServerUrl: demo.mcpServerUrl, authorizationServer: demo.authorizationServer.issuer, idp: demo.partnerIdp, user: DANA,
      fetch: tapFetch, log: (e) => printer.flow(e),
    });
    printer.flush();
    assert.deepEqual(wrong, { user: DANA.email, result: 'invalid_grant', status: 400 });
    const [refusal] = decisions.slice(before).filter((e) => e['event.name'] === 'idjag.token_request');
    assert.equal(refusal['error.type'], 'ERR_ISSUER');
    assert.equal(refusal['idjag.rule'], 'R21');
    assert.equal(refusal['idjag.grant.issuer'], demo.partnerIdp.issuer);
    assert.equal(refusal['idjag.checks'].includes('replay'), false, 'refused before the jti was consumed');

    assert.deepEqual(unexpectedAcross([alice, dana], wrong), []);
    // The run fails when the two u-1001 users are one subject, or the wrong IdP gets through.
    const same = { ...dana, calls: { ...dana.calls, whoami: { ...dana.calls.whoami, subject: alice.calls.whoami.subject } } };
    assert.match(unexpectedAcross([alice, same], wrong).join('\n'), /got the same access-token subject/);
    const unqualified = (o) => ({ ...o, calls: { ...o.calls, whoami: { ...o.calls.whoami, subject: o.calls.whoami.idpSubject + o.user } } });
    assert.match(unexpectedAcross([unqualified(alice), dana], wrong).join('\n'), /is not <IdP iss>#<IdP sub>/);
    assert.match(unexpectedAcross([alice, dana], { result: 'accepted' }).join('\n'), /wrong IdP: expected invalid_grant, got accepted/);
    assert.match(unexpectedAcross([alice], wrong).join('\n'), /no whoami answer for dana@partner\.example/);
    assert.deepEqual(Object.keys(EXPECTED_ACROSS).sort(), ['distinct_subjects', 'wrong_idp']);
  });
});

describe('step-up and refusal at the IdP', () => {
  test('alice with the SDK step-up: the IdP grants files.read again, so still 403', async () => {
    const grantsBefore = grantsOf('alice@example.com').length;
    const alice = await flow('alice', { stepUp: true });
    assert.equal(alice.calls.write_file.result, 'insufficient_scope');
    assert.equal(alice.calls.write_file.status, 403);
    assert.equal(alice.grants, 2, 'a second ID-JAG was asked for the missing scope');
    const fresh = grantsOf('alice@example.com').slice(grantsBefore);
    assert.equal(fresh.length, 2);
    assert.deepEqual(fresh.map((g) => g.scope), ['files.read', 'files.read']);
    const exchanges = idpEvents.filter((e) => e.path === '/token' && e.user === 'alice@example.com').slice(-2);
    assert.deepEqual(exchanges.map((e) => e.requestedScope), ['files.read files.write', 'files.read files.write']);
    assert.deepEqual(alice.replay, { result: 'invalid_grant', status: 400 });
  });

  test('carol (sales): the IdP refuses the exchange (invalid_target), no token request reaches the AS', async () => {
    const asBefore = asEvents().length;
    await assert.rejects(flow('carol'));
    assert.equal(asEvents().length, asBefore, 'no jwt-bearer request');
    const refusal = idpEvents.filter((e) => e.path === '/token').at(-1);
    assert.equal(refusal.user, 'carol@example.com');
    assert.equal(refusal.status, 400);
    assert.equal(refusal.error, 'invalid_target');
  });
});

describe('what is printed and logged', () => {
  test('no token, whole, in the trace, the audit events or the IdP log', () => {
    assert.ok(wireTokens.length >= 8, `tokens were seen on the wire (${wireTokens.length})`);
    const text = [printed.join('\n'), JSON.stringify(decisions), JSON.stringify(idpEvents)].join('\n');
    for (const token of wireTokens) {
      const [, claims, signature] = token.split('.');
      assert.ok(!text.includes(signature), 'no signature part');
      assert.ok(!text.includes(`${claims}.`), 'no payload part followed by a signature');
    }
    assert.doesNotMatch(text, /mcp-demo-client-(idp|as|partner-idp)-secret|partner-mcp-client-(idp|as)-secret/, 'no client secret');
    assert.doesNotMatch(text, /alice-demo-password|bob-demo-password|dana-demo-password/, 'no password');
  });

  test('the trace: each decision is one JSON line; tokens decoded; refusals marked', () => {
    const decisionLines = printed.filter((l) => l.trimStart().startsWith('◆'));
    assert.ok(decisionLines.length >= 10);
    for (const line of decisionLines) {
      const json = line.replace(/^\s*◆ \S+\s+/, '');
      assert.doesNotThrow(() => JSON.parse(json), line);
    }
    const text = printed.join('\n');
    assert.match(text, /header \{"alg":"ES256","kid":"[^"]+","typ":"oauth-id-jag\+jwt"\}/);
    assert.match(text, /header \{"alg":"ES256","kid":"[^"]+","typ":"at\+jwt"\}/);
    assert.match(text, /← 403 {2}WWW-Authenticate: Bearer error="insufficient_scope".*scope="files\.write"/);
    assert.match(text, /✓ write_file: insufficient_scope \(HTTP 403/);
    assert.match(text, /"error\.type":"ERR_REPLAY"/);
  });
});

describe('make demo ONCE=1', () => {
  test('node examples/demo.mjs --once exits 0 and says every expected outcome happened', () => {
    const demoPath = fileURLToPath(new URL('../../examples/demo.mjs', import.meta.url));
    const r = spawnSync(process.execPath, [demoPath, '--once'], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    assert.equal(r.status, 0, `${r.stdout.slice(-2000)}\n${r.stderr}`);
    assert.match(r.stdout, /✓ all 14 expected outcomes happened/);
    assert.match(r.stdout, /━━ dana@partner\.example \(partner IdP, sub u-1001/);
    const subjects = [...r.stdout.matchAll(/^ {2}(\S+@\S+)\s+sub (\S+#u-\d+)/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(subjects.map(([u]) => u), ['alice@example.com', 'bob@example.com', 'dana@partner.example']);
    assert.notEqual(subjects[0][1], subjects[2][1], 'alice and dana: distinct subjects');
    assert.match(r.stdout, /✓ alice@example\.com and dana@partner\.example are both u-1001 at their IdPs and got distinct subjects/);
    assert.match(r.stdout, /✓ dana@partner\.example through the enterprise's client \(allowedIssuers: the enterprise IdP\): invalid_grant \(400\)/);
    assert.doesNotMatch(r.stdout, /✗/);
    assert.equal(r.stderr, '', 'no warnings (the SDK warns when expectedIssuer is missing, for one)');
  });
});
