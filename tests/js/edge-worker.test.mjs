// examples/edge-worker in the real workerd (the npm devDependency's binary): two workers
// (separate isolates) serving worker.js, sharing the ReplayDurableObject, plus a probe worker
// that looks at the Durable Object directly. Keys are generated here and go in as bindings of
// a config written to a temp dir. Grants are minted with idjag/testing; the access tokens are
// checked with jose against the worker's /jwks.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { AccessTokenIssuer, OAuthResponseError, exchangeIdJag } from 'idjag/server';
import { TestIssuer } from 'idjag/testing';
import { writeWorkerdConfig } from '../../examples/edge-worker/workerd-config.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const GT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CLIENT = 'edge-client';
const SECRET = 'edge-client-secret-0123456789';
const bin = process.env.WORKERD_BIN
  ?? [join(root, 'node_modules/.bin/workerd'), join(root, 'node_modules/workerd/bin/workerd')].find((p) => existsSync(p));

const idp = new TestIssuer({ issuer: 'https://idp.example' });
// Only its private key is used: the worker signs with it (the AS_SIGNING_KEY binding).
const signingKey = new AccessTokenIssuer({ issuer: 'https://unused.example' }).privateJwk();

let dir;
let child = null;
let log = '';
let AS; // the worker's issuer = the first instance's origin
let MCP;
let second; // the second instance's origin
let probe;

function freePort() {
  return new Promise((ok, ko) => {
    const s = createServer();
    s.once('error', ko);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

async function stop() {
  if (child === null || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise((ok) => child.once('exit', ok));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), 3000);
  await gone;
  clearTimeout(t);
}
process.on('exit', () => child?.kill('SIGKILL')); // never leave workerd behind

// Starts workerd; resolves when all three sockets answer, false when it exited (a port race).
async function start() {
  const [p1, p2, p3] = [await freePort(), await freePort(), await freePort()];
  AS = `http://127.0.0.1:${p1}`;
  MCP = `${AS}/mcp`;
  second = `http://127.0.0.1:${p2}`;
  probe = `http://127.0.0.1:${p3}`;
  const file = writeWorkerdConfig({
    dir,
    instances: 2,
    probe: 'tests/js/lib/edge-replay-probe.js',
    bindings: {
      AS_ISSUER: AS,
      AS_SIGNING_KEY: JSON.stringify(signingKey), // as a secret arrives: JSON text
      IDP_ISSUER: idp.issuer,
      IDP_JWKS: idp.jwks(), // a json binding
      CLIENTS: [{ clientId: CLIENT, tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: SECRET }],
    },
  });
  log = '';
  child = spawn(bin, ['serve', file, '--verbose',
    '--socket-addr', `http=127.0.0.1:${p1}`, '--socket-addr', `http2=127.0.0.1:${p2}`, '--socket-addr', `probe=127.0.0.1:${p3}`,
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.on('data', (d) => (log += d));
  child.stderr.on('data', (d) => (log += d));
  const exited = new Promise((ok) => child.once('exit', () => ok(false)));
  const ready = (async () => {
    for (;;) {
      const up = await Promise.all([`${AS}/jwks`, `${second}/jwks`, `${probe}/health`].map((u) => fetch(u).then((r) => r.ok, () => false)));
      if (up.every(Boolean)) return true;
      await new Promise((ok) => setTimeout(ok, 100));
    }
  })();
  return Promise.race([exited, ready]);
}

before(async () => {
  assert.ok(bin, 'no workerd binary: npm ci (devDependency workerd) or set WORKERD_BIN');
  dir = mkdtempSync(join(tmpdir(), 'idjag-edge-'));
  for (let attempt = 1; ; attempt += 1) {
    if (await start()) break;
    if (attempt === 3 || !/address already in use/i.test(log)) throw new Error(`workerd did not start:\n${log}`);
  }
}, { timeout: 30_000 });

after(async () => {
  await stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const grant = (params = {}) => idp.mint({ audience: AS, clientId: CLIENT, resource: MCP, scope: 'files.read', ...params });

async function token(assertion, { base = AS, secret = SECRET } = {}) {
  const res = await fetch(`${base}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${CLIENT}:${secret}`)}` },
    body: new URLSearchParams({ grant_type: GT, assertion }),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}

async function mcp(bearer, body = { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'whoami' } }) {
  const headers = { 'content-type': 'application/json' };
  if (bearer !== undefined) headers.authorization = `Bearer ${bearer}`;
  const res = await fetch(MCP, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: await res.json() };
}

test('metadata: RFC 8414 at the issuer, the public key at /jwks, RFC 9728 for /mcp', async () => {
  const as = await (await fetch(`${AS}/.well-known/oauth-authorization-server`)).json();
  assert.equal(as.issuer, AS);
  assert.equal(as.token_endpoint, `${AS}/token`);
  assert.equal(as.jwks_uri, `${AS}/jwks`);
  assert.deepEqual(as.grant_types_supported, [GT]);
  assert.deepEqual(as.token_endpoint_auth_methods_supported, ['client_secret_basic']);
  const jwks = await (await fetch(`${AS}/jwks`)).json();
  assert.equal(jwks.keys.length, 1);
  assert.equal(jwks.keys[0].x, signingKey.x, 'the key of the AS_SIGNING_KEY binding');
  assert.equal('d' in jwks.keys[0], false, 'never the private part');
  const rs = await (await fetch(`${AS}/.well-known/oauth-protected-resource/mcp`)).json();
  assert.equal(rs.resource, MCP);
  assert.deepEqual(rs.authorization_servers, [AS]);
  assert.equal((await fetch(`${AS}/nowhere`)).status, 404);
});

test('jwt-bearer: an ID-JAG for an access token (idjag client), which jose verifies against /jwks', async () => {
  const at = await exchangeIdJag({ tokenEndpoint: `${AS}/token`, grant: grant({ scope: 'files.read files.write' }), clientId: CLIENT, clientSecret: SECRET });
  assert.equal(at.tokenType, 'Bearer');
  assert.equal(at.scope, 'files.read files.write');
  const keys = createLocalJWKSet(await (await fetch(`${AS}/jwks`)).json());
  const { payload, protectedHeader } = await jwtVerify(at.accessToken, keys, { issuer: AS, audience: MCP, typ: 'at+jwt' });
  assert.equal(protectedHeader.alg, 'ES256');
  assert.equal(payload.client_id, CLIENT);
  assert.equal(payload.sub, 'user-1');
});

test('/mcp: 200 with the access token, 401 without it or with the ID-JAG, 403 without a scope', async () => {
  const g = grant();
  const t = await token(g);
  assert.equal(t.status, 200, JSON.stringify(t.body));
  assert.equal(t.headers.get('cache-control'), 'no-store');

  let r = await mcp(t.body.access_token);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  assert.deepEqual(r.body.result.structuredContent, { subject: 'user-1', clientId: CLIENT, scopes: ['files.read'] });
  r = await mcp(t.body.access_token, { jsonrpc: '2.0', id: 7, method: 'tools/list' });
  assert.deepEqual(r.body.result.tools.map((x) => x.name), ['whoami', 'write_note']);

  // No token: a challenge naming the resource metadata, no error code (RFC 6750 §3.1).
  r = await mcp(undefined);
  assert.equal(r.status, 401);
  assert.equal(r.challenge, `Bearer resource_metadata="${AS}/.well-known/oauth-protected-resource/mcp"`);

  // S16: the ID-JAG itself (valid, signed by the trusted IdP) is not an access token.
  r = await mcp(grant());
  assert.equal(r.status, 401);
  assert.match(r.challenge, /^Bearer error="invalid_token"/);
  assert.equal(r.body.error, 'invalid_token');

  // A token of the worker's signature but altered is refused too.
  const [h, p, s] = t.body.access_token.split('.');
  r = await mcp(`${h}.${p}.${s.slice(0, -4)}AAAA`);
  assert.equal(r.status, 401);

  // The per-tool scope: write_note needs files.write, which this token lacks (step-up).
  r = await mcp(t.body.access_token, { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'write_note' } });
  assert.equal(r.status, 403);
  assert.match(r.challenge, /error="insufficient_scope"/);
  assert.match(r.challenge, /scope="files\.read files\.write"/);
  const writer = await token(grant({ scope: 'files.read files.write' }));
  r = await mcp(writer.body.access_token, { jsonrpc: '2.0', id: 3, method: 'tools/call', params: { name: 'write_note' } });
  assert.equal(r.status, 200);
  assert.deepEqual(r.body.result.structuredContent, { written: true });

  // Every call needs files.read (MCP_REQUIRED_SCOPE): a write-only token is 403.
  const writeOnly = await token(grant({ scope: 'files.write' }));
  assert.equal(writeOnly.status, 200, JSON.stringify(writeOnly.body));
  r = await mcp(writeOnly.body.access_token);
  assert.equal(r.status, 403);
  assert.match(r.challenge, /error="insufficient_scope", error_description="[^"]+", scope="files\.read"/);
});

test('R29: a replayed grant is invalid_grant, at the same worker and at the other isolate', async () => {
  const g = grant();
  assert.equal((await token(g)).status, 200);
  const again = await token(g);
  assert.equal(again.status, 400);
  assert.deepEqual(again.body, { error: 'invalid_grant', error_description: 'the grant is not valid' });
  // The second worker is a separate isolate with its own memory: only the shared Durable
  // Object knows the grant was used.
  const elsewhere = await token(g, { base: second });
  assert.equal(elsewhere.status, 400);
  assert.equal(elsewhere.body.error, 'invalid_grant');
  // The control: the second worker does redeem grants it has not seen.
  const fresh = grant();
  assert.equal((await token(fresh, { base: second })).status, 200);
  await assert.rejects(
    exchangeIdJag({ tokenEndpoint: `${AS}/token`, grant: fresh, clientId: CLIENT, clientSecret: SECRET }),
    (e) => e instanceof OAuthResponseError && e.error === 'invalid_grant' && e.status === 400,
  );
});

test('R29: twelve concurrent presentations of one grant over both isolates: exactly one access token', async () => {
  const g = grant();
  const results = await Promise.all(Array.from({ length: 12 }, (_, i) => token(g, { base: i % 2 ? second : AS })));
  const statuses = results.map((r) => r.status).sort();
  assert.deepEqual(statuses, [200, ...Array(11).fill(400)]);
  assert.ok(results.filter((r) => r.status === 400).every((r) => r.body.error === 'invalid_grant'));
});

test('a refused request does not burn the grant: wrong client secret, then the right one', async () => {
  const g = grant();
  const bad = await token(g, { secret: 'not-the-secret-at-all' });
  assert.equal(bad.status, 401);
  assert.equal(bad.body.error, 'invalid_client');
  assert.equal((await token(g)).status, 200);
});

test('ReplayDurableObject: replays refused, expired records deleted by the alarm, live ones kept', async () => {
  const r = await (await fetch(`${probe}/sweep?wait=1500`)).json();
  assert.equal(r.first, true);
  assert.equal(r.replay, false);
  assert.equal(r.other, true);
  assert.equal(r.sizeBefore, 2);
  assert.equal(r.sizeAfter, 1, 'the expired record was swept, the live one kept');
  assert.equal(r.otherAfter, false, 'the live record still refuses');
  assert.match(r.badKey, /replay key/);
});

