// The token endpoint (idjag/server createTokenEndpoint) over real loopback HTTP with real fetch:
// R1–R5a (request and client authentication), the grant checks, R29 (replay, and a refusal
// never burns the jti), R47–R50 (the token response), policy, and the audit events.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, importJWK, decodeProtectedHeader, decodeJwt, generateKeyPair, exportJWK } from 'jose';
import {
  AccessTokenIssuer, AccessTokenVerifier, IdJagError, createTokenEndpoint,
  authorizationServerMetadata, protectedResourceMetadata, protectedResourceMetadataUrl,
} from 'idjag/server';
import { TestIssuer } from 'idjag/testing';
import { serveFetch } from '../../examples/lib/serve-fetch.js';

const AS = 'https://as.example';
const MCP = 'https://mcp.example/mcp';
const MCP2 = 'https://mcp2.example/mcp';
const GT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const SECRET = 'correct-horse-battery-staple';

const idp = new TestIssuer({ issuer: 'https://idp.example' });
const tokens = new AccessTokenIssuer({ issuer: AS });
const clientKeys = await generateKeyPair('ES256', { extractable: true });
const clientJwk = { ...(await exportJWK(clientKeys.publicKey)), kid: 'ck1', alg: 'ES256', use: 'sig' };

const policy = {
  rules: [
    { id: 'engineering-read', effect: 'allow', groups: ['engineering'], resources: [MCP, MCP2], scopes: ['files.read'] },
    { id: 'admins-all', effect: 'allow', groups: ['admins'], resources: [MCP, MCP2], scopes: ['*'] },
    { id: 'no-contractors', effect: 'deny', groups: ['contractors'] },
  ],
};

const events = [];
let server;
let keyServer;
let endpointUrl;

function grant(params = {}) {
  return idp.mint({
    audience: AS, clientId: 'basic-client', resource: MCP, scope: 'files.read files.write',
    claims: { groups: ['engineering', 'admins'] }, ...params,
  });
}

async function post(body, { auth, headers = {}, method = 'POST', query = '' } = {}) {
  const h = { 'content-type': 'application/x-www-form-urlencoded', ...headers };
  if (auth) h.authorization = `Basic ${Buffer.from(`${encodeURIComponent(auth[0])}:${encodeURIComponent(auth[1])}`).toString('base64')}`;
  const res = await fetch(`${endpointUrl}${query}`, {
    method, headers: h, body: method === 'GET' ? undefined : (typeof body === 'string' ? body : new URLSearchParams(body).toString()),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text ? JSON.parse(text) : null, text };
}

const basic = ['basic-client', SECRET];
const lastEvent = () => events.at(-1);

before(async () => {
  keyServer = await serveFetch(() => Response.json({ keys: [clientJwk] }, { headers: { 'cache-control': 'max-age=300' } }));
  let tokenEndpointUrl = null;
  const handler = (request) => endpoint(request);
  server = await serveFetch(handler);
  endpointUrl = `${server.url}/token`;
  tokenEndpointUrl = endpointUrl;
  const endpoint = createTokenEndpoint({
    grants: { audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP, MCP2], policy, scopeRequest: 'intersect' },
    accessTokenIssuer: tokens,
    tokenEndpoint: tokenEndpointUrl,
    clients: [
      { clientId: 'basic-client', tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: SECRET },
      { clientId: 'post-client', tokenEndpointAuthMethod: 'client_secret_post', clientSecret: SECRET },
      { clientId: 'jwt-client', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [clientJwk] } },
      { clientId: 'remote-jwt-client', tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: `${keyServer.url}/jwks` },
      { clientId: 'code-only', tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: SECRET, grantTypes: ['authorization_code'] },
    ],
    onDecision: (e) => events.push(e),
  });
});

after(async () => {
  await server?.close();
  await keyServer?.close();
});

async function clientAssertion(clientId, claims = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'ck1', typ: 'JWT' })
    .setIssuer(clientId).setSubject(clientId).setAudience(claims.aud ?? AS)
    .setIssuedAt(now).setExpirationTime(now + 60)
    .sign(clientKeys.privateKey);
}

describe('a valid jwt-bearer request (R47–R50)', () => {
  test('client_secret_basic: 200, a Bearer RFC 9068 token for the resource, no refresh token, no-store', async () => {
    const r = await post({ grant_type: GT, assertion: grant() }, { auth: basic });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('cache-control'), 'no-store');
    assert.equal(r.body.token_type, 'Bearer');
    assert.equal(r.body.expires_in, 300);
    assert.equal(r.body.scope, 'files.read files.write');
    assert.equal(r.body.resource, MCP);
    assert.equal('refresh_token' in r.body, false); // R49
    assert.equal(decodeProtectedHeader(r.body.access_token).typ, 'at+jwt');
    const claims = decodeJwt(r.body.access_token);
    assert.equal(claims.aud, MCP); // R50
    assert.equal(claims.iss, AS);
    assert.equal(claims.client_id, 'basic-client');
    // The MCP server's verifier accepts it, an ID-JAG as bearer is refused (S16).
    const rs = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: tokens.jwks() });
    const info = await rs.verify(r.body.access_token);
    assert.deepEqual(info.scopes, ['files.read', 'files.write']);
    await assert.rejects(rs.verify(grant()), (e) => e instanceof IdJagError && e.code === 'ERR_TYP');
    // jose, which nobody here wrote, agrees with the signature.
    const { jwtVerify } = await import('jose');
    const key = await importJWK(tokens.jwks().keys[0], 'ES256');
    await jwtVerify(r.body.access_token, key, { issuer: AS, audience: MCP, typ: 'at+jwt' });
  });

  test('client_secret_post', async () => {
    const r = await post({ grant_type: GT, assertion: grant({ clientId: 'post-client' }), client_id: 'post-client', client_secret: SECRET });
    assert.equal(r.status, 200, r.text);
  });

  test('private_key_jwt with registered keys and with a jwksUri; the client assertion is single-use', async () => {
    const ca = await clientAssertion('jwt-client');
    const form = (a, g) => ({ grant_type: GT, assertion: g, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: a });
    let r = await post(form(ca, grant({ clientId: 'jwt-client' })));
    assert.equal(r.status, 200, r.text);
    r = await post(form(ca, grant({ clientId: 'jwt-client' })));
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'invalid_client');
    // R3a (rfc7523bis): the issuer is the sole aud; the token endpoint URL only with legacyClientAssertionAudience.
    r = await post(form(await clientAssertion('jwt-client', { aud: endpointUrl }), grant({ clientId: 'jwt-client' })));
    assert.equal(r.status, 401, 'the token endpoint URL is no longer a valid aud');
    r = await post(form(await clientAssertion('jwt-client', { aud: 'https://elsewhere.example' }), grant({ clientId: 'jwt-client' })));
    assert.equal(r.status, 401);
    r = await post(form(await clientAssertion('remote-jwt-client'), grant({ clientId: 'remote-jwt-client' })));
    assert.equal(r.status, 200, r.text);
  });

  test('granted = grant ∩ request ∩ policy; dropped scopes carry the rule (audit)', async () => {
    const g = grant({ claims: { groups: ['engineering'] } });
    const r = await post({ grant_type: GT, assertion: g, scope: 'files.read files.write' }, { auth: basic });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.scope, 'files.read');
    const e = lastEvent();
    assert.equal(e['event.outcome'], 'success');
    assert.deepEqual(e['idjag.scopes.granted'], ['files.read']);
    assert.deepEqual(e['idjag.scopes.dropped'], [{ scope: 'files.write', rule: 'policy:no-allow' }]);
  });

  test('a grant for two resources needs the resource parameter, and the refusal does not burn it (R29, R50)', async () => {
    const g = grant({ resource: [MCP, MCP2] });
    let r = await post({ grant_type: GT, assertion: g }, { auth: basic });
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_target');
    r = await post({ grant_type: GT, assertion: g, resource: MCP2 }, { auth: basic });
    assert.equal(r.status, 200, r.text);
    assert.equal(decodeJwt(r.body.access_token).aud, MCP2);
  });
});

describe('request rules R1, R2, R5a', () => {
  const cases = [
    ['R1 grant_type missing', { assertion: 'a.b.c' }, 400, 'invalid_request'],
    ['R1 another grant_type', { grant_type: 'client_credentials', assertion: 'a.b.c' }, 400, 'unsupported_grant_type'],
    ['R2 assertion missing', { grant_type: GT }, 400, 'invalid_request'],
    ['R2 assertion empty', { grant_type: GT, assertion: '' }, 400, 'invalid_request'],
    ['R2 assertion repeated', `grant_type=${encodeURIComponent(GT)}&assertion=a.b.c&assertion=a.b.c`, 400, 'invalid_request'],
    ['R2 two JWTs in one assertion', { grant_type: GT, assertion: 'a.b.c,d.e.f' }, 400, 'invalid_request'],
  ];
  for (const [name, body, status, error] of cases) {
    test(name, async () => {
      const r = await post(body, { auth: basic });
      assert.equal(r.status, status, r.text);
      assert.equal(r.body.error, error);
      assert.equal(r.headers.get('cache-control'), 'no-store');
      assert.equal(lastEvent()['idjag.rule'], name.split(' ')[0]);
    });
  }

  test('R5a: GET is 405, a JSON body and an assertion in the query are refused, 64 KiB cap', async () => {
    let r = await post(null, { method: 'GET', auth: basic });
    assert.equal(r.status, 405);
    assert.equal(r.headers.get('allow'), 'POST');
    r = await post(JSON.stringify({ grant_type: GT, assertion: grant() }), { auth: basic, headers: { 'content-type': 'application/json' } });
    assert.equal(r.body.error, 'invalid_request');
    r = await post({ grant_type: GT }, { auth: basic, query: `?assertion=${grant()}` });
    assert.equal(r.body.error, 'invalid_request');
    r = await post({ grant_type: GT, assertion: grant(), pad: 'x'.repeat(70 * 1024) }, { auth: basic });
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_request');
  });
});

describe('client authentication R3–R5', () => {
  test('wrong secret: 401 invalid_client with a Basic challenge, the secret never echoed', async () => {
    const r = await post({ grant_type: GT, assertion: grant() }, { auth: ['basic-client', 'wrong-secret-value-xyz'] });
    assert.equal(r.status, 401);
    assert.equal(r.body.error, 'invalid_client');
    assert.match(r.headers.get('www-authenticate') ?? '', /^Basic /);
    assert.ok(!JSON.stringify(events).includes('wrong-secret-value-xyz'));
    assert.ok(!JSON.stringify(events).includes(SECRET));
  });

  test('unknown client, no credentials, two methods, the wrong method', async () => {
    for (const [body, auth] of [
      [{ grant_type: GT, assertion: grant() }, ['nobody', SECRET]],
      [{ grant_type: GT, assertion: grant(), client_id: 'basic-client' }, undefined],
      [{ grant_type: GT, assertion: grant(), client_id: 'basic-client', client_secret: SECRET }, basic],
      [{ grant_type: GT, assertion: grant(), client_id: 'basic-client', client_secret: SECRET }, undefined],
    ]) {
      const r = await post(body, { auth });
      assert.equal(r.body.error, 'invalid_client', JSON.stringify(body));
      assert.ok(r.status === 401 || r.status === 400);
    }
  });

  test('R5: a client not registered for jwt-bearer is unauthorized_client', async () => {
    const r = await post({ grant_type: GT, assertion: grant({ clientId: 'code-only' }) }, { auth: ['code-only', SECRET] });
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'unauthorized_client');
  });

  test('R4: public clients only with allowPublicClients', () => {
    assert.throws(() => createTokenEndpoint({
      grants: { audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP] },
      accessTokenIssuer: tokens, clients: [{ clientId: 'pub', tokenEndpointAuthMethod: 'none' }],
    }), (e) => e.code === 'ERR_CONFIG' && /allowPublicClients/.test(e.message));
  });
});

describe('the grant: generic errors on the wire, details in the audit event', () => {
  test('wrong audience: invalid_grant, generic description, code and reason in the event', async () => {
    const g = grant({ audience: 'https://other-as.example' });
    const r = await post({ grant_type: GT, assertion: g }, { auth: basic });
    assert.equal(r.status, 400);
    assert.deepEqual(r.body, { error: 'invalid_grant', error_description: 'the grant is not valid' });
    const e = lastEvent();
    assert.equal(e['error.type'], 'ERR_AUDIENCE');
    assert.match(e['idjag.reason'], /aud/);
    assert.deepEqual(e['idjag.checks'].slice(0, 3), ['request', 'client_auth', 'structure']);
    assert.equal(e['idjag.checks'].at(-1), 'audience');
    assert.equal(e['idjag.grant.verified'], false);
    assert.ok(!JSON.stringify(e).includes(g.split('.')[2]), 'no token in the event');
  });

  test('R21: a grant for another client is invalid_grant (ERR_CLIENT)', async () => {
    const r = await post({ grant_type: GT, assertion: grant({ clientId: 'post-client' }) }, { auth: basic });
    assert.equal(r.body.error, 'invalid_grant');
    assert.equal(lastEvent()['error.type'], 'ERR_CLIENT');
  });

  test('R29: a replay is refused; a refused presentation did not burn the jti', async () => {
    const g = grant({ claims: { groups: ['engineering'] } });
    // Refused by policy in strict terms? No: the resource parameter names an unregistered server.
    let r = await post({ grant_type: GT, assertion: g, resource: 'https://unknown.example/mcp' }, { auth: basic });
    assert.equal(r.body.error, 'invalid_target');
    r = await post({ grant_type: GT, assertion: g }, { auth: basic });
    assert.equal(r.status, 200, r.text);
    r = await post({ grant_type: GT, assertion: g }, { auth: basic });
    assert.equal(r.body.error, 'invalid_grant');
    assert.equal(lastEvent()['error.type'], 'ERR_REPLAY');
    assert.equal(lastEvent()['idjag.checks'].at(-1), 'replay');
  });

  test('policy: a denied group is ERR_POLICY; no allow rule is ERR_POLICY', async () => {
    let r = await post({ grant_type: GT, assertion: grant({ claims: { groups: ['admins', 'contractors'] } }) }, { auth: basic });
    assert.equal(r.body.error, 'invalid_grant');
    assert.equal(lastEvent()['error.type'], 'ERR_POLICY');
    assert.match(lastEvent()['idjag.reason'], /no-contractors/);
    r = await post({ grant_type: GT, assertion: grant({ claims: { groups: ['sales'] } }) }, { auth: basic });
    assert.equal(lastEvent()['error.type'], 'ERR_POLICY');
  });

  test('a success event: checks in order ending with mint, subject hashed, token-free', async () => {
    const g = grant({ subject: 'alice@example.com' });
    const r = await post({ grant_type: GT, assertion: g }, { auth: basic });
    assert.equal(r.status, 200);
    const e = lastEvent();
    assert.deepEqual(e['idjag.checks'], ['request', 'client_auth', 'structure', 'header', 'typ', 'alg', 'issuer', 'key', 'signature',
      'claims', 'audience', 'client', 'time', 'tenant', 'unsupported', 'subject', 'resource', 'scope', 'policy', 'replay', 'mint']);
    assert.equal(e['user.id'], undefined);
    assert.match(e['user.hash'], /^[A-Za-z0-9_-]{43}$/);
    assert.ok(!JSON.stringify(e).includes('alice@example.com'));
    assert.ok(!JSON.stringify(e).includes(r.body.access_token.split('.')[2]));
    assert.equal(e['oauth.client.id'], 'basic-client');
    assert.equal(e['idjag.grant.issuer'], idp.issuer);
    assert.equal(typeof e['idjag.access_token.jti'], 'string');
    assert.ok(!Number.isNaN(Date.parse(e.time)));
  });

  test('policy errors name the path of the bad field', () => {
    assert.throws(() => createTokenEndpoint({
      grants: { audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP], policy: { rules: [{ effect: 'allow', scopes: ['a'] }, { effect: 'maybe' }] } },
      accessTokenIssuer: tokens, clients: [],
    }), (e) => e.code === 'ERR_CONFIG' && e.message.startsWith('policy.rules[1].effect'));
  });
});

describe('metadata', () => {
  test('RFC 8414 advertises the jwt-bearer grant and the ID-JAG profile', () => {
    const m = authorizationServerMetadata({ issuer: AS, tokenEndpoint: `${AS}/token`, jwksUri: `${AS}/jwks` });
    assert.equal(m.issuer, AS);
    assert.deepEqual(m.grant_types_supported, [GT]);
    assert.deepEqual(m.authorization_grant_profiles_supported, ['urn:ietf:params:oauth:grant-profile:id-jag']);
    assert.ok(m.token_endpoint_auth_methods_supported.includes('private_key_jwt'));
    assert.throws(() => authorizationServerMetadata({ issuer: AS, tokenEndpoint: 'not a url', jwksUri: `${AS}/jwks` }), (e) => e.code === 'ERR_CONFIG');
  });

  test('RFC 9728 metadata and its URL', () => {
    const m = protectedResourceMetadata({ resource: MCP, authorizationServers: [AS], scopesSupported: ['files.read'] });
    assert.deepEqual(m, { resource: MCP, authorization_servers: [AS], bearer_methods_supported: ['header'], scopes_supported: ['files.read'] });
    assert.equal(protectedResourceMetadataUrl(MCP), 'https://mcp.example/.well-known/oauth-protected-resource/mcp');
  });
});
