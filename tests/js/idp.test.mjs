// The demo enterprise IdP (examples/idp) over real loopback HTTP: discovery, JWKS, the demo
// login's ID tokens, and the RFC 8693 token exchange that issues ID-JAGs under policy.json —
// driven by idjag's own requestIdJag and by the MCP SDK's requestJwtAuthorizationGrant, and
// checked by IdJagVerifier against the IdP's jwks_uri.
//
//   node --test tests/js/idp.test.mjs      (needs the built package: make build)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { requestJwtAuthorizationGrant } from '@modelcontextprotocol/client';
import { IdJagVerifier, OAuthResponseError, requestIdJag } from 'idjag';
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { demoLogin } from '../../examples/idp/demo-login.js';
import { DEMO_CLIENTS, DEMO_USERS, startIdp } from '../../examples/idp/node.js';

const ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

// The application of policy.json, bound to URLs (the IdP never calls them).
const AS = 'https://auth.files.example';
const MCP = 'https://files.example/mcp';

const [mcpClient, wikiApp] = DEMO_CLIENTS;
const user = (name) => DEMO_USERS.find((u) => u.email === `${name}@example.com`);
const GRANT_CLIENT_ID = mcpClient.appClientIds['files-mcp'];

let idp;
const events = [];
const tokensSeen = []; // every token the IdP handed out, to check the log never holds one

before(async () => {
  idp = await startIdp({ apps: { 'files-mcp': { audience: AS, resource: MCP } }, log: (e) => events.push(e) });
});
after(() => idp.close());

async function login(name, client = mcpClient) {
  const token = await demoLogin({
    loginEndpoint: idp.loginEndpoint, username: user(name).email, password: user(name).password,
    clientId: client.clientId, clientSecret: client.clientSecret,
  });
  tokensSeen.push(token);
  return token;
}

/** requestIdJag as the MCP client does it, with overrides. */
async function exchange(subjectToken, overrides = {}) {
  const result = await requestIdJag({
    tokenEndpoint: idp.tokenEndpoint, audience: AS, resource: MCP, subjectToken, subjectTokenType: ID_TOKEN,
    clientId: mcpClient.clientId, clientSecret: mcpClient.clientSecret, grantClientId: GRANT_CLIENT_ID, ...overrides,
  });
  tokensSeen.push(result.grant);
  return result;
}

async function refusal(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof OAuthResponseError, `expected OAuthResponseError, got ${e?.name}: ${e?.message}`);
    return e;
  }
  assert.fail('expected a refusal');
}

/** A raw POST to the token endpoint, for what requestIdJag will not send. */
async function post(path, form, headers = {}) {
  const res = await fetch(`${idp.url}${path}`, {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(form).toString(),
  });
  return { status: res.status, headers: res.headers, body: await res.json() };
}
const basic = (id, secret) => ({ authorization: `Basic ${btoa(`${id}:${secret}`)}` });

const verifier = () => new IdJagVerifier({
  audience: AS, issuers: [{ issuer: idp.issuer, jwksUri: idp.jwksUri }], resources: [MCP],
});
const decode = (jwt) => JSON.parse(atob(jwt.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));

// -------------------------------------------------------------------------------------------
describe('discovery and keys', () => {
  test('both well-known documents name the issuer, token endpoint, JWKS and the ID-JAG token type', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const res = await fetch(`${idp.url}${path}`);
      assert.equal(res.status, 200, path);
      const doc = await res.json();
      assert.equal(doc.issuer, idp.url, 'the issuer is the loopback base URL');
      assert.equal(doc.token_endpoint, `${idp.url}/token`);
      assert.equal(doc.jwks_uri, `${idp.url}/jwks`);
      assert.ok(doc.grant_types_supported.includes(TOKEN_EXCHANGE));
      assert.deepEqual(doc.identity_chaining_requested_token_types_supported, [ID_JAG]); // JAG §7.1
      assert.deepEqual(doc.token_endpoint_auth_methods_supported, ['client_secret_basic', 'client_secret_post']);
      assert.deepEqual(doc.id_token_signing_alg_values_supported, ['ES256']);
    }
  });

  test('/jwks serves the public key only, the same the IdP signs with', async () => {
    const res = await fetch(idp.jwksUri);
    assert.equal(res.status, 200);
    const jwks = await res.json();
    assert.deepEqual(jwks, idp.jwks());
    assert.equal(jwks.keys.length, 1);
    const [key] = jwks.keys;
    assert.equal(key.kty, 'EC');
    assert.equal(key.alg, 'ES256');
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(key[secret], undefined, secret);
  });

  test('unknown paths are 404, wrong methods 405', async () => {
    assert.equal((await fetch(`${idp.url}/authorize`)).status, 404);
    assert.equal((await fetch(`${idp.url}/token`)).status, 405);
    assert.equal((await fetch(idp.jwksUri, { method: 'POST' })).status, 405);
  });
});

// -------------------------------------------------------------------------------------------
describe('demo login', () => {
  test('issues an ID token for the client: typ JWT, aud the client, email and groups; jose verifies it via jwks_uri', async () => {
    const idToken = await login('bob');
    const header = decodeProtectedHeader(idToken);
    assert.equal(header.typ, 'JWT', 'an ID token, not an ID-JAG (S16)');
    assert.equal(header.alg, 'ES256');
    assert.equal(header.kid, idp.jwks().keys[0].kid);
    // An implementation nobody here wrote checks the signature and the standard claims.
    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(idp.jwksUri)), {
      issuer: idp.issuer, audience: mcpClient.clientId, algorithms: ['ES256'],
    });
    assert.equal(payload.sub, user('bob').sub);
    assert.equal(payload.email, 'bob@example.com');
    assert.deepEqual(payload.groups, ['engineering', 'admins']);
    assert.equal(payload.exp - payload.iat, 600);
    assert.ok(Number.isInteger(payload.iat));
  });

  test('an ID token is refused by IdJagVerifier (ERR_TYP, S16)', async () => {
    const idToken = await login('alice');
    await assert.rejects(verifier().verify(idToken, { clientId: mcpClient.clientId }), { code: 'ERR_TYP' });
  });

  test('wrong password → invalid_grant; no or wrong client credentials → 401 invalid_client', async () => {
    const wrong = await post('/demo-login', { username: 'alice@example.com', password: 'guess' }, basic(mcpClient.clientId, mcpClient.clientSecret));
    assert.equal(wrong.status, 400);
    assert.equal(wrong.body.error, 'invalid_grant');
    const anonymous = await post('/demo-login', { username: 'alice@example.com', password: user('alice').password });
    assert.equal(anonymous.status, 401);
    assert.equal(anonymous.body.error, 'invalid_client');
    const badSecret = await post('/demo-login', { username: 'alice@example.com', password: user('alice').password }, basic(mcpClient.clientId, 'nope'));
    assert.equal(badSecret.status, 401);
    assert.match(badSecret.headers.get('www-authenticate'), /^Basic /);
  });
});

// -------------------------------------------------------------------------------------------
describe('token exchange (RFC 8693) under the admin policy', () => {
  test('alice (engineering) asks for read and write and gets files.read only; the grant verifies', async () => {
    const { grant, scope, expiresIn, findings } = await exchange(await login('alice'), { scope: 'files.read files.write' });
    assert.equal(scope, 'files.read', 'C5: the response says what was granted');
    assert.equal(expiresIn, 300);
    assert.deepEqual(findings.filter((f) => f.severity === 'error'), [], 'inspect (aud, resource, client_id) finds nothing wrong');
    const granted = await verifier().verify(grant, { clientId: GRANT_CLIENT_ID });
    assert.equal(granted.issuer, idp.issuer);
    assert.equal(granted.subject, user('alice').sub);
    assert.equal(granted.clientId, GRANT_CLIENT_ID, 'I5: the client as the authorization server knows it');
    assert.notEqual(granted.clientId, mcpClient.clientId);
    assert.deepEqual(granted.resources, [MCP]);
    assert.deepEqual(granted.scopes, ['files.read']);
    assert.equal(granted.header.typ, 'oauth-id-jag+jwt');
    assert.equal(granted.claims.email, 'alice@example.com');
    assert.ok(granted.claims.exp - granted.claims.iat <= 300, 'I11');
    // Asking the authorization server for write is refused by the grant itself.
    const again = await exchange(await login('alice'), { scope: 'files.read files.write' });
    await assert.rejects(verifier().verify(again.grant, { clientId: GRANT_CLIENT_ID, scope: 'files.write' }), { code: 'ERR_SCOPE' });
  });

  test('bob (engineering, admins) gets files.read and files.write', async () => {
    const { grant, scope } = await exchange(await login('bob'), { scope: 'files.read files.write' });
    assert.equal(scope, 'files.read files.write');
    const granted = await verifier().verify(grant, { clientId: GRANT_CLIENT_ID, scope: 'files.write' });
    assert.deepEqual(granted.scopes, ['files.write']);
    assert.equal(granted.subject, user('bob').sub);
  });

  test('no scope asked: everything the policy allows; no resource: the audience\'s only one', async () => {
    const { grant, scope } = await exchange(await login('bob'), { resource: undefined });
    assert.equal(scope, 'files.read files.write');
    const claims = decode(grant);
    assert.equal(claims.resource, MCP);
    assert.equal(claims.scope, 'files.read files.write');
  });

  test('the response: issued_token_type id-jag, token_type N_A, no refresh token, Cache-Control no-store', async () => {
    const res = await post('/token', {
      grant_type: TOKEN_EXCHANGE, requested_token_type: ID_JAG, audience: AS, resource: MCP, scope: 'files.read',
      subject_token: await login('alice'), subject_token_type: ID_TOKEN,
    }, basic(mcpClient.clientId, mcpClient.clientSecret));
    tokensSeen.push(res.body.access_token);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.equal(res.body.issued_token_type, ID_JAG);
    assert.equal(res.body.token_type, 'N_A');
    assert.equal(res.body.scope, 'files.read');
    assert.equal(res.body.refresh_token, undefined, 'S11');
  });

  test('the MCP SDK\'s own requestJwtAuthorizationGrant (client_secret_post) gets a grant too', async () => {
    const result = await requestJwtAuthorizationGrant({
      tokenEndpoint: idp.tokenEndpoint, audience: AS, resource: MCP, idToken: await login('bob'),
      clientId: mcpClient.clientId, clientSecret: mcpClient.clientSecret, scope: 'files.write',
    });
    tokensSeen.push(result.jwtAuthGrant);
    assert.equal(result.scope, 'files.write');
    const granted = await verifier().verify(result.jwtAuthGrant, { clientId: GRANT_CLIENT_ID });
    assert.deepEqual(granted.scopes, ['files.write']);
  });

  test('every grant has its own jti', async () => {
    const idToken = await login('bob');
    const a = decode((await exchange(idToken)).grant);
    const b = decode((await exchange(idToken)).grant);
    assert.notEqual(a.jti, b.jti);
  });
});

// -------------------------------------------------------------------------------------------
describe('refusals', () => {
  test('a wrong client secret → 401 invalid_client, and the secret appears nowhere', async () => {
    const e = await refusal(exchange(await login('alice'), { clientSecret: 'not-the-secret' }));
    assert.equal(e.error, 'invalid_client');
    assert.equal(e.status, 401);
    assert.ok(!`${e.message} ${e.errorDescription}`.includes('not-the-secret'));
  });

  test('no client authentication at all → invalid_client (S14)', async () => {
    const e = await refusal(exchange(await login('alice'), { clientSecret: undefined }));
    assert.equal(e.error, 'invalid_client');
  });

  test('an ID token issued to another client → invalid_request (S13, X2)', async () => {
    const wikiToken = await login('alice', wikiApp);
    const e = await refusal(exchange(wikiToken));
    assert.equal(e.error, 'invalid_request');
    assert.match(events.at(-1).reason, /S13/);
  });

  test('a tampered, an expired, and a non-ID-token subject token → invalid_request', async () => {
    const idToken = await login('bob');
    const [h, p, s] = idToken.split('.');
    const claims = decode(idToken);
    const forgedPayload = btoa(JSON.stringify({ ...claims, groups: ['admins'], sub: user('carol').sub })).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
    assert.equal((await refusal(exchange(`${h}.${forgedPayload}.${s}`))).error, 'invalid_request');
    assert.match(events.at(-1).reason, /signature/);

    const { grant } = await exchange(idToken); // an ID-JAG is not an ID token (S16)
    assert.equal((await refusal(exchange(grant))).error, 'invalid_request');
    assert.match(events.at(-1).reason, /typ/);

    // An IdP whose clock is an hour ahead sees the ID token expired.
    let clock = Date.now() / 1000; // epoch seconds
    const late = await startIdp({ apps: { 'files-mcp': { audience: AS, resource: MCP } }, now: () => clock });
    try {
      const token = await demoLogin({
        loginEndpoint: late.loginEndpoint, username: 'bob@example.com', password: user('bob').password,
        clientId: mcpClient.clientId, clientSecret: mcpClient.clientSecret,
      });
      await requestIdJag({
        tokenEndpoint: late.tokenEndpoint, audience: AS, resource: MCP, subjectToken: token, subjectTokenType: ID_TOKEN,
        clientId: mcpClient.clientId, clientSecret: mcpClient.clientSecret,
      }); // still fresh
      clock += 3600;
      const e = await refusal(requestIdJag({
        tokenEndpoint: late.tokenEndpoint, audience: AS, resource: MCP, subjectToken: token, subjectTokenType: ID_TOKEN,
        clientId: mcpClient.clientId, clientSecret: mcpClient.clientSecret,
      }));
      assert.equal(e.error, 'invalid_request');
    } finally {
      await late.close();
    }
  });

  test('an unknown audience, or a resource that audience does not protect → invalid_target (X5, X6)', async () => {
    const idToken = await login('bob');
    assert.equal((await refusal(exchange(idToken, { audience: 'https://auth.other.example' }))).error, 'invalid_target');
    assert.equal((await refusal(exchange(idToken, { audience: `${AS}/` }))).error, 'invalid_target', 'exact match: no trailing slash');
    assert.equal((await refusal(exchange(idToken, { resource: 'https://other.example/mcp' }))).error, 'invalid_target');
  });

  test('a user in no allowed group (carol, sales) → invalid_target', async () => {
    const e = await refusal(exchange(await login('carol'), { scope: 'files.read' }));
    assert.equal(e.error, 'invalid_target');
    assert.match(events.at(-1).reason, /sales/);
  });

  test('alice asking for files.write alone → invalid_scope', async () => {
    const e = await refusal(exchange(await login('alice'), { scope: 'files.write' }));
    assert.equal(e.error, 'invalid_scope');
  });

  test('a client with no identity at the application\'s authorization server → invalid_target (I5)', async () => {
    const wikiToken = await login('bob', wikiApp);
    const e = await refusal(exchange(wikiToken, { clientId: wikiApp.clientId, clientSecret: wikiApp.clientSecret, grantClientId: undefined }));
    assert.equal(e.error, 'invalid_target');
  });

  test('malformed requests: grant type, requested token type, repeated or doubled parameters', async () => {
    const idToken = await login('bob');
    const auth = basic(mcpClient.clientId, mcpClient.clientSecret);
    const good = {
      grant_type: TOKEN_EXCHANGE, requested_token_type: ID_JAG, audience: AS, resource: MCP,
      subject_token: idToken, subject_token_type: ID_TOKEN,
    };
    assert.equal((await post('/token', { ...good, grant_type: 'client_credentials' }, auth)).body.error, 'unsupported_grant_type');
    assert.equal((await post('/token', { ...good, requested_token_type: 'urn:ietf:params:oauth:token-type:access_token' }, auth)).body.error, 'invalid_request');
    assert.equal((await post('/token', { ...good, subject_token_type: 'urn:ietf:params:oauth:token-type:saml2' }, auth)).body.error, 'invalid_request');
    assert.equal((await post('/token', { ...good, audience: '' }, auth)).body.error, 'invalid_request', 'empty = absent (RFC 6749 §3.1)');
    const repeated = new URLSearchParams(good);
    repeated.append('audience', AS);
    assert.equal((await post('/token', repeated, auth)).body.error, 'invalid_request');
    const twoResources = new URLSearchParams(good);
    twoResources.append('resource', 'https://files.example/other');
    assert.equal((await post('/token', twoResources, auth)).body.error, 'invalid_target');
    const twoMethods = await post('/token', { ...good, client_secret: mcpClient.clientSecret }, auth); // T1, R3
    assert.equal(twoMethods.status, 401);
    assert.equal(twoMethods.body.error, 'invalid_client');
    const json = await fetch(idp.tokenEndpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...auth }, body: JSON.stringify(good) });
    assert.equal((await json.json()).error, 'invalid_request', 'R5a: form bodies only');
  });
});

// -------------------------------------------------------------------------------------------
describe('configuration and the log', () => {
  test('the policy must bind every app to URLs, and only apps it has; the grant lifetime is at most 300 s', async () => {
    await assert.rejects(startIdp(), /files-mcp needs an absolute audience url/);
    await assert.rejects(startIdp({ apps: { 'files-mcp': { audience: AS, resource: MCP }, wiki: { audience: AS, resource: MCP } } }), /no app named "wiki"/);
    await assert.rejects(startIdp({ apps: { 'files-mcp': { audience: AS, resource: MCP } }, grantLifetimeSec: 301 }), /grantLifetimeSec/);
  });

  test('one event per request; no secret, password or whole token ever logged', () => {
    assert.ok(events.length > 20);
    const exchangeOk = events.find((e) => e.path === '/token' && e.status === 200 && e.user === 'bob@example.com');
    assert.equal(exchangeOk.app, 'files-mcp');
    assert.equal(exchangeOk.client, mcpClient.clientId);
    assert.equal(exchangeOk.grant.client_id, GRANT_CLIENT_ID);
    assert.match(exchangeOk.grant.preview, /^eyJ.{9}… \(\d+ chars\)$/);
    const text = JSON.stringify(events);
    for (const c of DEMO_CLIENTS) assert.ok(!text.includes(c.clientSecret), `client secret of ${c.clientId} logged`);
    for (const u of DEMO_USERS) assert.ok(!text.includes(u.password), `password of ${u.email} logged`);
    assert.ok(tokensSeen.length > 10);
    for (const t of tokensSeen) {
      assert.ok(!text.includes(t.split('.')[1]), 'a token payload was logged');
      assert.ok(!text.includes(t.split('.')[2]), 'a token signature was logged');
    }
  });
});
