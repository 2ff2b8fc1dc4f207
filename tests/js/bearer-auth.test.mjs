// The access token round trip through `requireBearerAuth` of the real `@modelcontextprotocol/server`
// package, with idjag's AccessTokenVerifier as its verifier (V2–V8), over real loopback HTTP:
// 401 invalid_token with `resource_metadata` in the challenge for a missing, malformed, forged,
// expired, misaddressed or ID-JAG bearer token (S16); 403 insufficient_scope when a scope is
// missing; 200 with the SDK's AuthInfo, which also reaches an MCP tool through createMcpHandler.
//
//   node --test tests/js/bearer-auth.test.mjs      (needs the built package: make build)
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Client, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { createMcpHandler, McpServer, OAuthError, requireBearerAuth } from '@modelcontextprotocol/server';
import { AccessTokenIssuer, AccessTokenVerifier, protectedResourceMetadataUrl } from 'idjag/server';
import { TestIssuer } from 'idjag/testing';
import { serveFetch } from '../../examples/lib/serve-fetch.js';

const AS = 'https://as.example';
const CLIENT = 'mcp-client-1';

const tokens = new AccessTokenIssuer({ issuer: AS });
const otherKey = new AccessTokenIssuer({ issuer: AS }); // same issuer name, another key
const otherIssuer = new AccessTokenIssuer({ issuer: 'https://other-as.example', privateJwk: tokens.privateJwk() });
const idp = new TestIssuer({ issuer: 'https://idp.example' });

let server; // the MCP server: /mcp behind the gate, and /echo returning the AuthInfo it got
let keys; // the authorization server's jwks_uri
let MCP; // the MCP server's resource identifier (its /mcp URL)
let metadataUrl;
const causes = []; // the IdJagError behind each refusal of the verifier

function mint(params = {}, { issuer = tokens, now } = {}) {
  return issuer.mint({
    subject: 'u-1001', clientId: CLIENT, resources: [MCP], scopes: ['files.read'], ...params,
  }, now ? { now } : {}).accessToken;
}

before(async () => {
  keys = await serveFetch(() => Response.json(tokens.jwks(), { headers: { 'cache-control': 'max-age=300' } }));
  let handler = null;
  server = await serveFetch((request) => handler(request));
  MCP = `${server.url}/mcp`;
  metadataUrl = protectedResourceMetadataUrl(MCP);

  // OAuthError: failures reject with the SDK's class, which requireBearerAuth maps to 401/403.
  const idjagVerifier = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwksUri: `${keys.url}/jwks`, OAuthError });
  // The wire says only "the access token is not valid"; the reason is the error's cause.
  const verifier = {
    verifyAccessToken: (token) => idjagVerifier.verifyAccessToken(token).catch((e) => {
      causes.push(e.cause);
      throw e;
    }),
  };
  const gate = requireBearerAuth({ verifier, resourceMetadataUrl: metadataUrl, expectedResource: new URL(MCP) });
  const writeGate = requireBearerAuth({ verifier, resourceMetadataUrl: metadataUrl, requiredScopes: ['files.write'] });
  // idjag's own V8 check (requiredScopes of the verifier) rather than the SDK's.
  const adminVerifier = new AccessTokenVerifier({
    issuer: AS, audience: MCP, jwks: tokens.jwks(), OAuthError, requiredScopes: ['files.admin'],
  });
  const adminGate = requireBearerAuth({ verifier: adminVerifier, resourceMetadataUrl: metadataUrl });

  const mcp = createMcpHandler(() => {
    const s = new McpServer({ name: 'bearer-auth-test', version: '0.0.0' });
    s.registerTool('whoami', { description: 'the AuthInfo this call carries' }, (ctx) => {
      const a = ctx.http?.authInfo;
      return { content: [{ type: 'text', text: JSON.stringify({ clientId: a?.clientId, scopes: a?.scopes, subject: a?.extra?.subject }) }] };
    });
    return s;
  });

  handler = async (request) => {
    const { pathname } = new URL(request.url);
    const g = { '/mcp': gate, '/echo': gate, '/write': writeGate, '/admin': adminGate }[pathname];
    if (!g) return new Response('not found', { status: 404 });
    const auth = await g(request);
    if (auth instanceof Response) return auth;
    if (pathname === '/mcp') return mcp.fetch(request, { authInfo: auth });
    return Response.json({ ...auth, resource: auth.resource?.href });
  };
});

after(async () => {
  await server?.close();
  await keys?.close();
});

async function call(path, token, { scheme = 'Bearer' } = {}) {
  const headers = token === undefined ? {} : { authorization: `${scheme} ${token}` };
  const res = await fetch(`${server.url}${path}`, { headers });
  const text = await res.text();
  return { status: res.status, challenge: res.headers.get('www-authenticate'), body: text ? JSON.parse(text) : null, text };
}

/** RFC 6750 §3 parameters of a Bearer challenge. */
function challengeParams(header) {
  assert.match(header ?? '', /^Bearer /, 'a Bearer challenge');
  return Object.fromEntries([...header.matchAll(/([a-z_]+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
}

function assertInvalidToken(r, token, reason) {
  assert.equal(r.status, 401, r.text);
  if (reason && token !== undefined) {
    assert.equal(r.body.error_description, 'the access token is not valid', 'generic on the wire');
    assert.match(causes.at(-1)?.message ?? '', reason, 'refused for the right reason');
  } else if (reason) {
    assert.match(r.body.error_description, reason, 'refused for the right reason (by the SDK gate)');
  }
  const p = challengeParams(r.challenge);
  assert.equal(p.error, 'invalid_token');
  assert.equal(p.resource_metadata, metadataUrl, 'the challenge names the RFC 9728 metadata');
  assert.equal(r.body.error, 'invalid_token');
  if (token) assert.ok(!r.text.includes(token) && !r.challenge.includes(token), 'the token is not echoed');
}

describe('401 invalid_token, with resource_metadata in WWW-Authenticate', () => {
  test('no Authorization header', async () => {
    assertInvalidToken(await call('/echo'), undefined, /authorization header/i);
  });

  test('not a Bearer credential, or an empty one', async () => {
    assertInvalidToken(await call('/echo', mint(), { scheme: 'Basic' }));
    assertInvalidToken(await call('/echo', ''));
  });

  test('not a JWT', async () => {
    assertInvalidToken(await call('/echo', 'not-a-jwt'), 'not-a-jwt', /compact jws/);
  });

  test('a signature by a key the authorization server does not publish (V3)', async () => {
    const token = mint({}, { issuer: otherKey });
    assertInvalidToken(await call('/echo', token), token, /no key/);
  });

  test('a flipped signature byte', async () => {
    const token = mint();
    const [h, c, s] = token.split('.');
    const forged = `${h}.${c}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`;
    assertInvalidToken(await call('/echo', forged), forged, /signature/);
  });

  test('another issuer with the same key (V4: iss is exact)', async () => {
    const token = mint({}, { issuer: otherIssuer });
    assertInvalidToken(await call('/echo', token), token, /issuer/);
  });

  test('a token for another MCP server (V5: aud)', async () => {
    const token = mint({ resources: ['https://elsewhere.example/mcp'] });
    assertInvalidToken(await call('/echo', token), token, /resource/);
  });

  test('expired (V6)', async () => {
    const token = mint({}, { now: () => Date.now() / 1000 - 3600 });
    assertInvalidToken(await call('/echo', token), token, /expired/);
  });

  test('an ID-JAG presented as a bearer token (S16: typ is not at+jwt)', async () => {
    const grant = idp.mint({ audience: AS, clientId: CLIENT, resource: MCP, scope: 'files.read' });
    assertInvalidToken(await call('/echo', grant), grant, /typ .* is not at\+jwt/);
  });
});

describe('403 insufficient_scope', () => {
  test('the SDK gate requires files.write; the token has files.read', async () => {
    const r = await call('/write', mint());
    assert.equal(r.status, 403, r.text);
    const p = challengeParams(r.challenge);
    assert.equal(p.error, 'insufficient_scope');
    assert.equal(p.scope, 'files.write');
    assert.equal(p.resource_metadata, metadataUrl);
    assert.equal(r.body.error, 'insufficient_scope');
  });

  test("idjag's verifier requires files.admin (V8, ERR_SCOPE → insufficient_scope)", async () => {
    const r = await call('/admin', mint({ scopes: ['files.read', 'files.write'] }));
    assert.equal(r.status, 403, r.text);
    assert.equal(challengeParams(r.challenge).error, 'insufficient_scope');
    assert.equal(r.body.error, 'insufficient_scope');
  });

  test('with the scope, the same gates let it through', async () => {
    assert.equal((await call('/write', mint({ scopes: ['files.read', 'files.write'] }))).status, 200);
    assert.equal((await call('/admin', mint({ scopes: ['files.admin'] }))).status, 200);
  });
});

describe('200 with the AuthInfo', () => {
  test('requireBearerAuth resolves to the AuthInfo idjag built from the token', async () => {
    const minted = tokens.mint({ subject: 'u-1001', clientId: CLIENT, resources: [MCP], scopes: ['files.read', 'files.write'] });
    const r = await call('/echo', minted.accessToken);
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.token, minted.accessToken);
    assert.equal(r.body.clientId, CLIENT);
    assert.deepEqual(r.body.scopes, ['files.read', 'files.write']);
    assert.equal(r.body.resource, MCP);
    assert.equal(typeof r.body.expiresAt, 'number');
    assert.ok(r.body.expiresAt > Date.now() / 1000 && r.body.expiresAt <= Date.now() / 1000 + 300 + 1);
    assert.deepEqual(r.body.extra, { subject: 'u-1001', issuer: AS, jti: minted.jti });
    assert.equal(r.body.resourceMetadataUrl, metadataUrl, 'stamped by the gate');
  });

  test('an MCP tool behind the gate sees it as ctx.http.authInfo (SDK client, createMcpHandler)', async () => {
    const token = mint({ subject: 'u-1002', scopes: ['files.read'] });
    const client = new Client({ name: 'bearer-auth-test', version: '0.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(MCP), { authProvider: { token: async () => token } }));
    try {
      const result = await client.callTool({ name: 'whoami', arguments: {} });
      assert.deepEqual(JSON.parse(result.content[0].text), { clientId: CLIENT, scopes: ['files.read'], subject: 'u-1002' });
    } finally {
      await client.close();
    }
  });

  test('the same client without a token is refused before any tool runs', async () => {
    const client = new Client({ name: 'bearer-auth-test', version: '0.0.0' });
    await assert.rejects(client.connect(new StreamableHTTPClientTransport(new URL(MCP))), (e) => /401|unauthori/i.test(`${e?.message} ${e?.status ?? ''}`));
  });
});
