// The MCP Python SDK (PyPI `mcp`, pinned in tests/python/requirements.txt, installed into
// .tools/venv by make setup) against idjag, both ways, over real loopback HTTP:
//
//  1. The SDK's client, IdentityAssertionOAuthProvider (tests/python/sdk_client.py), against
//     idjag's demo servers (examples/idp, examples/mcp-server): the AS metadata satisfies the
//     SDK's OAuthMetadata model (refusingAuthorizationEndpoint), the provider gets an ID-JAG
//     from the demo IdP, exchanges it at idjag's token endpoint and calls read_file; a replayed
//     ID-JAG is refused (invalid_grant) and no tool is called.
//  2. idjag's requestIdJag / exchangeIdJag against the SDK's own authorization server
//     (create_auth_routes with identity_assertion_enabled, run by uvicorn:
//     tests/python/python_as.py): client_secret_basic works out of the box because client_id
//     also goes in the body; without it the SDK answers 401 invalid_client "Missing client_id".
//
// make test-python runs this file (node --test tests/python/).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { exchangeIdJag, requestIdJag, OAuthResponseError } from 'idjag';
import { authorizationServerMetadata } from 'idjag/server';
import { startDemo } from '../../examples/mcp-server/node.js';
import { DEMO_AS_CLIENT } from '../../examples/mcp-server/authorization-server.js';
import { DEMO_CLIENTS, DEMO_USERS, createIdp } from '../../examples/idp/idp.js';
import { serveFetch } from '../../examples/lib/serve-fetch.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PYTHON = `${ROOT}.tools/venv/bin/python`;
const HERE = fileURLToPath(new URL('./', import.meta.url));
const IDP_CLIENT = DEMO_CLIENTS.find((c) => c.clientId === 'mcp-demo-client');
const ALICE = DEMO_USERS.find((u) => u.email === 'alice@example.com');
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';

if (!existsSync(PYTHON)) throw new Error(`${PYTHON} missing: run make setup`);

/** Runs a Python script to its end; resolves to its stdout lines parsed as JSON. */
function runPython(script, arg, { timeoutMs = 60_000 } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [`${HERE}${script}`, JSON.stringify(arg)], { cwd: HERE, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0) return reject(new Error(`${script} exited ${code}: ${err.slice(-3000)}`));
      try {
        resolve(out.split('\n').filter(Boolean).map((l) => JSON.parse(l)));
      } catch (e) {
        reject(new Error(`${script} printed something that is not JSON lines: ${out.slice(0, 2000)} ${err.slice(-2000)}`, { cause: e }));
      }
    });
  });
}

/** Starts a long-running Python server; resolves to its first stdout line (JSON) and a stop(). */
function startPython(script, arg) {
  return new Promise((resolve, reject) => {
    const child = spawn(PYTHON, [`${HERE}${script}`, JSON.stringify(arg)], { cwd: HERE, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let started = false;
    const stop = () => new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      const kill = setTimeout(() => child.kill('SIGKILL'), 3000);
      child.once('close', () => { clearTimeout(kill); done(); });
      child.stdin.end(); // the script stops when its stdin closes
    });
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`${script} did not start: ${err.slice(-3000)}`)); }, 30_000);
    child.stderr.on('data', (d) => { err += d; });
    child.stdout.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (!started && nl >= 0) {
        started = true;
        clearTimeout(timer);
        resolve({ info: JSON.parse(out.slice(0, nl)), stop, stderr: () => err });
      }
    });
    child.on('close', (code) => {
      if (!started) { clearTimeout(timer); reject(new Error(`${script} exited ${code} before serving: ${err.slice(-3000)}`)); }
    });
  });
}

async function idTokenFor(idp, user) {
  const res = await fetch(idp.loginEndpoint, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa(`${IDP_CLIENT.clientId}:${IDP_CLIENT.clientSecret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username: user.email, password: user.password }),
  });
  assert.equal(res.status, 200);
  return (await res.json()).id_token;
}

describe('the MCP Python SDK client (IdentityAssertionOAuthProvider) against idjag', () => {
  let demo;
  const decisions = [];
  let results;
  before(async () => {
    demo = await startDemo({ onDecision: (e) => decisions.push(e) });
    results = Object.fromEntries((await runPython('sdk_client.py', {
      issuer: demo.authorizationServer.issuer,
      mcpServerUrl: demo.mcpServerUrl,
      scope: 'files.read',
      client: { clientId: DEMO_AS_CLIENT.clientId, clientSecret: DEMO_AS_CLIENT.clientSecret, authMethod: 'client_secret_basic' },
      idp: { loginEndpoint: demo.idp.loginEndpoint, tokenEndpoint: demo.idp.tokenEndpoint, clientId: IDP_CLIENT.clientId, clientSecret: IDP_CLIENT.clientSecret },
      user: { email: ALICE.email, password: ALICE.password },
    })).map((r) => [r.scenario, r]));
  });
  after(() => demo?.close());

  test('the SDK\'s OAuthMetadata model accepts the metadata of refusingAuthorizationEndpoint', () => {
    assert.equal(results.metadata.ok, true, results.metadata.error);
    assert.equal(results.metadata.token_endpoint, demo.authorizationServer.tokenEndpoint);
  });

  test('ID-JAG from the demo IdP → idjag\'s token endpoint → tools/call read_file', () => {
    assert.equal(results.call.ok, true, results.call.error);
    assert.equal(results.call.text.trim(), 'Hello from the idjag demo MCP server.');
    // The provider asked its callback for a grant for the configured issuer and the MCP server.
    assert.deepEqual(results.call.assertion_requests, [[demo.authorizationServer.issuer, demo.mcpServerUrl]]);
    const accepted = decisions.filter((e) => e['event.name'] === 'idjag.token_request' && e['event.outcome'] === 'success');
    assert.equal(accepted.length, 1);
    assert.deepEqual(accepted[0]['idjag.scopes.granted'], ['files.read']);
  });

  test('the same ID-JAG presented again is refused (invalid_grant, ERR_REPLAY) and no tool runs', () => {
    assert.equal(results.replay.ok, false, 'the replayed grant must not reach the tool');
    assert.equal(results.replay.token_error, true, results.replay.error);
    assert.match(results.replay.error, /\(400\).*invalid_grant/);
    const refused = decisions.filter((e) => e['event.name'] === 'idjag.token_request' && e['event.outcome'] === 'failure');
    assert.equal(refused.length, 1);
    assert.equal(refused[0]['error.type'], 'ERR_REPLAY');
  });
});

describe('metadata without refusingAuthorizationEndpoint', () => {
  test('is RFC 8414-minimal, and the Python SDK\'s model refuses it (why the option exists)', async () => {
    const doc = authorizationServerMetadata({ issuer: 'http://127.0.0.1:1', tokenEndpoint: 'http://127.0.0.1:1/token', jwksUri: 'http://127.0.0.1:1/jwks' });
    assert.equal(doc.authorization_endpoint, undefined);
    const srv = await serveFetch(() => Response.json(doc));
    try {
      const [r] = await runPython('validate_metadata.py', { url: `${srv.url}/.well-known/oauth-authorization-server` });
      assert.equal(r.ok, false);
      assert.match(r.error, /authorization_endpoint/);
    } finally {
      await srv.close();
    }
  });
});

describe('idjag\'s client helpers against the MCP Python SDK\'s authorization server', () => {
  let idpSlot;
  let idp;
  let pyAs;
  const mcpServerUrl = 'http://127.0.0.1:9/mcp'; // the resource named in grants; never called
  before(async () => {
    // The IdP's URL must exist before the AS starts (it trusts it), and the AS's before the
    // IdP's application binding: a slot first, the IdP handler once both are known.
    let handler = null;
    idpSlot = await serveFetch((r) => (handler ? handler(r) : new Response(null, { status: 503 })));
    pyAs = await startPython('python_as.py', {
      idpIssuer: idpSlot.url, clientId: 'mcp-demo-client-at-files', clientSecret: 'python-as-client-secret', resource: mcpServerUrl,
    });
    const policy = JSON.parse(await readFile(new URL('../../examples/idp/policy.json', import.meta.url), 'utf8'));
    const created = createIdp({ issuer: idpSlot.url, policy, apps: { 'files-mcp': { audience: pyAs.info.issuer, resource: mcpServerUrl } } });
    handler = created.handle;
    idp = { loginEndpoint: created.endpoints.login, tokenEndpoint: created.endpoints.token };
  });
  after(async () => {
    await pyAs?.stop();
    await idpSlot?.close();
  });

  async function grant() {
    const { grant: g, findings } = await requestIdJag({
      tokenEndpoint: idp.tokenEndpoint, audience: pyAs.info.issuer, resource: mcpServerUrl, scope: 'files.read',
      subjectToken: await idTokenFor(idp, ALICE), subjectTokenType: ID_TOKEN,
      clientId: IDP_CLIENT.clientId, clientSecret: IDP_CLIENT.clientSecret, grantClientId: 'mcp-demo-client-at-files',
    });
    assert.deepEqual(findings.filter((f) => f.severity === 'error'), []);
    return g;
  }

  test('exchangeIdJag with its default client_secret_basic gets an access token', async () => {
    const token = await exchangeIdJag({
      tokenEndpoint: pyAs.info.token_endpoint, grant: await grant(), resource: mcpServerUrl,
      clientId: 'mcp-demo-client-at-files', clientSecret: 'python-as-client-secret',
    });
    assert.equal(token.tokenType, 'Bearer');
    assert.equal(token.scope, 'files.read');
    assert.equal(token.expiresIn, 300);
    assert.ok(token.accessToken.length > 20);
  });

  test('the same grant again: the provider\'s replay check answers invalid_grant', async () => {
    const g = await grant();
    const opts = { tokenEndpoint: pyAs.info.token_endpoint, grant: g, resource: mcpServerUrl, clientId: 'mcp-demo-client-at-files', clientSecret: 'python-as-client-secret' };
    await exchangeIdJag(opts);
    await assert.rejects(exchangeIdJag(opts), (e) => e instanceof OAuthResponseError && e.error === 'invalid_grant' && e.status === 400);
  });

  test('without client_id in the body (clientIdInBody: false) the SDK\'s AS answers 401 "Missing client_id"', async () => {
    await assert.rejects(exchangeIdJag({
      tokenEndpoint: pyAs.info.token_endpoint, grant: await grant(), resource: mcpServerUrl,
      clientId: 'mcp-demo-client-at-files', clientSecret: 'python-as-client-secret', clientIdInBody: false,
    }), (e) => e instanceof OAuthResponseError && e.error === 'invalid_client' && e.status === 401 && /Missing client_id/.test(e.errorDescription));
  });

  test('a wrong client secret is invalid_client (Basic is still the authentication)', async () => {
    await assert.rejects(exchangeIdJag({
      tokenEndpoint: pyAs.info.token_endpoint, grant: await grant(), resource: mcpServerUrl,
      clientId: 'mcp-demo-client-at-files', clientSecret: 'not-the-secret-at-all',
    }), (e) => e instanceof OAuthResponseError && e.error === 'invalid_client' && e.status === 401);
  });
});
