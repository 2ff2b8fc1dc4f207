// The client-side helpers (pkg/src/client.js) against real loopback HTTP servers:
// discover (RFC 9728 → RFC 8414 with the identity checks), requestIdJag (RFC 8693, checks
// C1–C7), exchangeIdJag (RFC 7523, client_secret_basic / client_secret_post / none).
//
//   node --test tests/js/client.test.mjs      (needs the built package: make build)

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { IdJagError, OAuthResponseError, clientMetadata, discover, exchangeIdJag, requestIdJag } from 'idjag';
import { TestIssuer } from 'idjag/testing';

const ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag';
const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const SUBJECT_TOKEN = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJzZWNyZXQtaWQtdG9rZW4ifQ.c2lnbmF0dXJl'; // must never leak

/**
 * A loopback HTTP server: `routes` maps "METHOD /path" to a handler returning
 * `{ status?, json?, text?, headers? }`. Every request is recorded.
 */
async function serve(routes) {
  const requests = [];
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c) => { body += c; });
    req.on('end', async () => {
      const url = new URL(req.url, 'http://x');
      const record = { method: req.method, path: url.pathname + url.search, headers: req.headers, body, form: new URLSearchParams(body) };
      requests.push(record);
      const handler = routes[`${req.method} ${url.pathname}`];
      const out = handler ? await handler(record, base) : { status: 404, json: { error: 'not_found' } };
      res.writeHead(out.status ?? 200, { 'content-type': out.text === undefined ? 'application/json' : 'text/plain', ...out.headers });
      res.end(out.text ?? JSON.stringify(out.json ?? {}));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${server.address().port}`;
  return { base, requests, close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(resolve); }) };
}

const servers = [];
async function server(routes) {
  const s = await serve(routes);
  servers.push(s);
  return s;
}
after(() => Promise.all(servers.map((s) => s.close())));

/** A fetch that fails the test if called. */
const noFetch = () => assert.fail('fetch must not be called');

async function rejection(promise, Class) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof Class, `expected ${Class.name}, got ${e?.name}: ${e?.message}`);
    return e;
  }
  assert.fail('expected a rejection');
}

function assertNoSecrets(err, ...secrets) {
  const text = `${err.message} ${JSON.stringify(err)} ${err.errorDescription ?? ''}`;
  for (const s of secrets) assert.ok(!text.includes(s), `error exposes a secret: ${err.message}`);
}

// -------------------------------------------------------------------------------------------
describe('discover', () => {
  test('path-inserted PRM, then RFC 8414 metadata; supportsIdJag from the grant profiles', async () => {
    const as = await server({
      'GET /.well-known/oauth-authorization-server': (r, base) => ({
        json: {
          issuer: base,
          token_endpoint: `${base}/token`,
          grant_types_supported: ['urn:ietf:params:oauth:grant-type:jwt-bearer'],
          authorization_grant_profiles_supported: ['urn:ietf:params:oauth:grant-profile:id-jag'],
        },
      }),
    });
    const mcp = await server({
      'GET /.well-known/oauth-protected-resource/mcp': (r, base) => ({ json: { resource: `${base}/mcp`, authorization_servers: [as.base] } }),
    });
    const d = await discover(`${mcp.base}/mcp`);
    assert.equal(d.resource, `${mcp.base}/mcp`);
    assert.equal(d.authorizationServer, as.base);
    assert.equal(d.metadata.token_endpoint, `${as.base}/token`);
    assert.equal(d.supportsIdJag, true);
    assert.deepEqual(d.resourceMetadata.authorization_servers, [as.base]);
    assert.deepEqual(mcp.requests.map((r) => r.path), ['/.well-known/oauth-protected-resource/mcp']);
    assert.deepEqual(as.requests.map((r) => r.path), ['/.well-known/oauth-authorization-server']);
  });

  test('falls back to the root PRM and to openid-configuration; path issuers use path insertion', async () => {
    const as = await server({
      'GET /.well-known/openid-configuration/tenant1': (r, base) => ({ json: { issuer: `${base}/tenant1`, token_endpoint: `${base}/tenant1/token` } }),
    });
    const mcp = await server({
      'GET /.well-known/oauth-protected-resource': (r, base) => ({ json: { resource: `${base}/mcp`, authorization_servers: [`${as.base}/tenant1`] } }),
    });
    const d = await discover(`${mcp.base}/mcp`);
    assert.equal(d.authorizationServer, `${as.base}/tenant1`);
    assert.equal(d.supportsIdJag, false, 'no authorization_grant_profiles_supported');
    assert.deepEqual(mcp.requests.map((r) => r.path), ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']);
    assert.deepEqual(as.requests.map((r) => r.path), [
      '/.well-known/oauth-authorization-server/tenant1',
      '/.well-known/openid-configuration/tenant1',
    ]);
  });

  test('resourceMetadataUrl (from WWW-Authenticate) is used as given', async () => {
    const as = await server({ 'GET /.well-known/oauth-authorization-server': (r, base) => ({ json: { issuer: base } }) });
    const mcp = await server({
      'GET /custom/prm.json': (r, base) => ({ json: { resource: `${base}/mcp`, authorization_servers: [as.base] } }),
    });
    const d = await discover(`${mcp.base}/mcp`, { resourceMetadataUrl: `${mcp.base}/custom/prm.json` });
    assert.equal(d.authorizationServer, as.base);
    assert.deepEqual(mcp.requests.map((r) => r.path), ['/custom/prm.json']);
  });

  test('PRM resource must equal the server URL exactly (trailing slash named)', async () => {
    const mcp = await server({
      'GET /.well-known/oauth-protected-resource/mcp': (r, base) => ({ json: { resource: `${base}/mcp/`, authorization_servers: ['https://as.example.com'] } }),
    });
    const e = await rejection(discover(`${mcp.base}/mcp`), OAuthResponseError);
    assert.equal(e.error, 'invalid_metadata');
    assert.equal(e.rule, 'RFC 9728 §3.3');
    assert.match(e.message, /trailing slash/);
  });

  test('AS issuer must equal the URL it was fetched for', async () => {
    const as = await server({
      'GET /.well-known/oauth-authorization-server': () => ({ json: { issuer: 'https://evil.example.com', token_endpoint: 'https://evil.example.com/token' } }),
    });
    const mcp = await server({
      'GET /.well-known/oauth-protected-resource/mcp': (r, base) => ({ json: { resource: `${base}/mcp`, authorization_servers: [as.base] } }),
    });
    const e = await rejection(discover(`${mcp.base}/mcp`), OAuthResponseError);
    assert.equal(e.error, 'invalid_metadata');
    assert.equal(e.rule, 'RFC 8414 §3.3');
    assert.match(e.message, /evil\.example\.com/);
  });

  test('AS issuer differing only by a trailing slash is refused, and says so', async () => {
    const as = await server({ 'GET /.well-known/oauth-authorization-server': (r, base) => ({ json: { issuer: `${base}/` } }) });
    const mcp = await server({
      'GET /.well-known/oauth-protected-resource/mcp': (r, base) => ({ json: { resource: `${base}/mcp`, authorization_servers: [as.base] } }),
    });
    const e = await rejection(discover(`${mcp.base}/mcp`), OAuthResponseError);
    assert.match(e.message, /trailing slash/);
  });

  test('no PRM anywhere, or no authorization_servers: invalid_metadata', async () => {
    const empty = await server({});
    const e1 = await rejection(discover(`${empty.base}/mcp`), OAuthResponseError);
    assert.equal(e1.error, 'invalid_metadata');
    const mcp = await server({
      'GET /.well-known/oauth-protected-resource/mcp': (r, base) => ({ json: { resource: `${base}/mcp`, authorization_servers: [] } }),
    });
    const e2 = await rejection(discover(`${mcp.base}/mcp`), OAuthResponseError);
    assert.match(e2.message, /authorization_servers/);
  });

  test('an http authorization server on a public host is refused before it is fetched', async () => {
    const mcp = await server({
      'GET /.well-known/oauth-protected-resource/mcp': (r, base) => ({ json: { resource: `${base}/mcp`, authorization_servers: ['http://as.example.com'] } }),
    });
    const e = await rejection(discover(`${mcp.base}/mcp`), OAuthResponseError);
    assert.match(e.message, /https/);
  });

  test('http on a non-loopback host throws ERR_CONFIG before any fetch; loopback forms are accepted', async () => {
    for (const url of ['http://mcp.example.com/mcp', 'http://10.0.0.1/mcp', 'http://localhost.example.com/mcp', 'ftp://mcp.example.com/', 'https://u:p@mcp.example.com/mcp']) {
      const e = await rejection(discover(url, { fetch: noFetch }), IdJagError);
      assert.equal(e.code, 'ERR_CONFIG', url);
    }
    for (const url of ['http://localhost:1/mcp', 'http://127.1.2.3:1/mcp', 'http://[::1]:1/mcp']) {
      let called = 0;
      const fetch = async () => { called++; return new Response('{}', { status: 404 }); };
      await rejection(discover(url, { fetch }), OAuthResponseError);
      assert.ok(called > 0, url);
    }
  });

  test('redirects are not followed', async () => {
    const mcp = await server({
      'GET /.well-known/oauth-protected-resource/mcp': () => ({ status: 302, headers: { location: 'https://elsewhere.example.com/' }, text: '' }),
    });
    const e = await rejection(discover(`${mcp.base}/mcp`), OAuthResponseError);
    assert.match(e.message, /redirect/);
  });
});

// -------------------------------------------------------------------------------------------
describe('requestIdJag (RFC 8693)', () => {
  let idp;
  let issuer;
  let as;
  const RESOURCE = 'https://mcp.example.com/mcp';

  before(async () => {
    issuer = new TestIssuer({ issuer: 'https://idp.example.com' });
    as = 'https://as.example.com';
    // The IdP answers according to the form's `audience`; tests pick the response shape.
    idp = await server({
      'POST /token': (r) => {
        const shape = r.headers['x-test-shape'] ?? 'ok';
        const grant = issuer.mint({ audience: r.form.get('audience'), clientId: 'mcp-client', resource: r.form.get('resource') ?? undefined, scope: 'files:read' });
        const ok = { access_token: grant, issued_token_type: ID_JAG, token_type: 'N_A', expires_in: 60, scope: 'files:read' };
        switch (shape) {
          case 'ok': return { json: ok, headers: { 'cache-control': 'no-store' } };
          case 'lowercase-n_a': return { json: { ...ok, token_type: 'n_a' } };
          case 'wrong-issued': return { json: { ...ok, issued_token_type: 'urn:ietf:params:oauth:token-type:access_token' } };
          case 'no-issued': return { json: { ...ok, issued_token_type: undefined } };
          case 'wrong-token-type': return { json: { ...ok, token_type: 'Bearer' } };
          case 'no-token': return { json: { ...ok, access_token: '' } };
          case 'bad-expires': return { json: { ...ok, expires_in: -5 } };
          case 'no-scope': return { json: { ...ok, scope: undefined, expires_in: undefined } };
          case 'oauth-error': return { status: 400, json: { error: 'invalid_grant', error_description: `the subject token ${SUBJECT_TOKEN.slice(0, 4)} expired` } };
          case 'html-500': return { status: 500, text: '<html>oops</html>' };
          case 'error-200': return { json: { error: 'access_denied' } };
          case 'not-json-200': return { text: 'access_token=abc' };
          // A hostile IdP: JSON nested far deeper than the core's strict parser takes (it must be a
          // typed refusal, not a crash or a wasm restart), and an own "__proto__" member.
          case 'deep': {
            let v = [];
            for (let i = 0; i < 200; i += 1) v = [v];
            return { json: { ...ok, access_token: v } };
          }
          case 'deep-extra': {
            let v = {};
            for (let i = 0; i < 200; i += 1) v = { a: v };
            return { json: { ...ok, extra: v } };
          }
          case 'proto': return { json: JSON.parse(`{"__proto__":{"polluted":1},"access_token":${JSON.stringify(grant)},"token_type":"Bearer"}`) };
          default: return { status: 500, json: {} };
        }
      },
    });
  });

  // The helpers take `fetch`: route the test's shape through a header.
  const shaped = (shape) => (url, init) => fetch(url, { ...init, headers: { ...init.headers, 'x-test-shape': shape } });
  const base = (extra = {}) => ({
    tokenEndpoint: `${idp.base}/token`,
    audience: as,
    resource: RESOURCE,
    scope: 'files:read',
    subjectToken: SUBJECT_TOKEN,
    subjectTokenType: ID_TOKEN,
    clientId: 'idp-client',
    clientSecret: 'idp secret/+',
    ...extra,
  });

  test('happy path: the form, client_secret_basic, the grant and clean findings', async () => {
    const before = idp.requests.length;
    const r = await requestIdJag(base({ grantClientId: 'mcp-client' }));
    const req = idp.requests[before];
    assert.equal(req.headers['content-type'], 'application/x-www-form-urlencoded');
    assert.equal(req.form.get('grant_type'), 'urn:ietf:params:oauth:grant-type:token-exchange');
    assert.equal(req.form.get('requested_token_type'), ID_JAG);
    assert.equal(req.form.get('audience'), as);
    assert.equal(req.form.get('resource'), RESOURCE);
    assert.equal(req.form.get('scope'), 'files:read');
    assert.equal(req.form.get('subject_token'), SUBJECT_TOKEN);
    assert.equal(req.form.get('subject_token_type'), ID_TOKEN);
    assert.equal(req.form.get('client_id'), 'idp-client', 'basic auth: client_id in the body too (identification, RFC 6749 §3.2.1)');
    assert.equal(req.form.get('client_secret'), null);
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('idp-client:idp%20secret%2F%2B').toString('base64')}`);
    assert.equal(r.grant.split('.').length, 3);
    assert.equal(r.expiresIn, 60);
    assert.equal(r.scope, 'files:read');
    assert.deepEqual(r.findings.filter((f) => f.severity !== 'info'), [], JSON.stringify(r.findings));
    assert.ok(r.findings.some((f) => f.code === 'expires-in'));
  });

  test('token_type compared case-insensitively; absent scope means the requested one (C4, C5)', async () => {
    const r1 = await requestIdJag(base({ fetch: shaped('lowercase-n_a') }));
    assert.equal(r1.grant.split('.').length, 3);
    const r2 = await requestIdJag(base({ fetch: shaped('no-scope') }));
    assert.equal(r2.scope, 'files:read');
    assert.equal('expiresIn' in r2, false);
  });

  test('findings compare the grant with the requested audience, resource and grantClientId', async () => {
    // The IdP mints for the audience sent; the caller expected another client id.
    const r = await requestIdJag(base({ grantClientId: 'someone-else' }));
    assert.ok(r.findings.some((f) => f.code === 'client-mismatch' && f.severity === 'error'), JSON.stringify(r.findings));
  });

  for (const [shape, rule, pattern] of [
    ['wrong-issued', 'C2', /issued_token_type/],
    ['no-issued', 'C2', /issued_token_type/],
    ['no-token', 'C3', /access_token/],
    ['wrong-token-type', 'C4', /token_type is "Bearer", not N_A/],
    ['bad-expires', 'C7', /expires_in/],
    ['html-500', 'C1', /http 500/],
    ['not-json-200', 'C1', /json/],
    ['deep', 'C1', /json/],
    ['deep-extra', 'C1', /json/],
    ['proto', 'C2', /issued_token_type/],
  ]) {
    test(`refused: ${shape} (${rule})`, async () => {
      const e = await rejection(requestIdJag(base({ fetch: shaped(shape) })), OAuthResponseError);
      assert.equal(e.error, 'invalid_response');
      assert.equal(e.rule, rule);
      assert.match(e.message, pattern);
      assertNoSecrets(e, SUBJECT_TOKEN, 'idp secret');
      assert.equal(Object.prototype.polluted, undefined, 'no prototype pollution');
    });
  }

  test('an OAuth error body becomes error / errorDescription / status', async () => {
    const e = await rejection(requestIdJag(base({ fetch: shaped('oauth-error') })), OAuthResponseError);
    assert.equal(e.name, 'OAuthResponseError');
    assert.ok(e instanceof Error);
    assert.equal(e.error, 'invalid_grant');
    assert.equal(e.status, 400);
    assert.match(e.errorDescription, /expired/);
    assert.match(e.message, /invalid_grant/);
    assertNoSecrets(e, SUBJECT_TOKEN, 'idp secret');
    const e200 = await rejection(requestIdJag(base({ fetch: shaped('error-200') })), OAuthResponseError);
    assert.equal(e200.error, 'access_denied', 'an error object sent with http 200 is still an error');
  });

  test('client_assertion (private_key_jwt) and public clients put client_id in the body', async () => {
    let n = idp.requests.length;
    await requestIdJag(base({ clientSecret: undefined, clientAssertion: 'a.b.c' }));
    let req = idp.requests[n];
    assert.equal(req.headers.authorization, undefined);
    assert.equal(req.form.get('client_id'), 'idp-client');
    assert.equal(req.form.get('client_assertion_type'), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    assert.equal(req.form.get('client_assertion'), 'a.b.c');
    n = idp.requests.length;
    await requestIdJag(base({ clientSecret: undefined }));
    req = idp.requests[n];
    assert.equal(req.headers.authorization, undefined);
    assert.equal(req.form.get('client_id'), 'idp-client');
    assert.equal(req.form.get('client_assertion'), null);
  });

  test('invalid options throw ERR_CONFIG before any request (T1, T4)', async () => {
    for (const [what, extra] of [
      ['http non-loopback', { tokenEndpoint: 'http://idp.example.com/token' }],
      ['http private address', { tokenEndpoint: 'http://192.168.1.10/token' }],
      ['fragment', { tokenEndpoint: 'https://idp.example.com/token#x' }],
      ['secret and assertion', { clientAssertion: 'a.b.c' }],
      ['no audience', { audience: undefined }],
      ['no subject token', { subjectToken: '' }],
    ]) {
      const e = await rejection(requestIdJag(base({ ...extra, fetch: noFetch })), IdJagError);
      assert.equal(e.code, 'ERR_CONFIG', what);
      assertNoSecrets(e, SUBJECT_TOKEN, 'idp secret');
    }
  });

  test('a network failure names the endpoint only', async () => {
    const dead = await server({});
    const url = `${dead.base}/token`;
    await dead.close();
    const e = await rejection(requestIdJag(base({ tokenEndpoint: url })), Error);
    assert.match(e.message, /request to http:\/\/127\.0\.0\.1:\d+\/token failed/);
    assertNoSecrets(e, SUBJECT_TOKEN, 'idp secret');
  });

  test('an aborted signal stops the request', async () => {
    const e = await rejection(requestIdJag(base({ signal: AbortSignal.abort() })), Error);
    assert.match(e.message, /aborted/);
  });
});

// -------------------------------------------------------------------------------------------
describe('exchangeIdJag (RFC 7523 jwt-bearer)', () => {
  let as;
  const GRANT = 'eyJ0eXAiOiJvYXV0aC1pZC1qYWcrand0In0.eyJzdWIiOiJ1In0.c2ln';

  before(async () => {
    as = await server({
      'POST /token': (r) => {
        if (r.form.get('grant_type') !== 'urn:ietf:params:oauth:grant-type:jwt-bearer') return { status: 400, json: { error: 'unsupported_grant_type' } };
        if (r.form.get('assertion') !== GRANT) return { status: 400, json: { error: 'invalid_grant', error_description: 'grant refused' } };
        switch (r.headers['x-test-shape'] ?? 'ok') {
          case 'ok': return { json: { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, scope: 'files:read' } };
          case 'dpop': return { json: { access_token: 'at-2', token_type: 'dpop' } };
          case 'mac': return { json: { access_token: 'at-3', token_type: 'mac' } };
          case 'no-token': return { json: { token_type: 'Bearer' } };
          case 'invalid-client': return { status: 401, json: { error: 'invalid_client' }, headers: { 'www-authenticate': 'Basic' } };
          default: return { status: 500, json: {} };
        }
      },
    });
  });

  const shaped = (shape) => (url, init) => fetch(url, { ...init, headers: { ...init.headers, 'x-test-shape': shape } });
  const base = (extra = {}) => ({ tokenEndpoint: `${as.base}/token`, grant: GRANT, clientId: 'mcp client', clientSecret: 's3cr:et', ...extra });

  test('client_secret_basic by default: form-encoded credentials in the Authorization header', async () => {
    const n = as.requests.length;
    const r = await exchangeIdJag(base({ scope: 'files:read', resource: 'https://mcp.example.com/mcp' }));
    assert.deepEqual(r, { accessToken: 'at-1', tokenType: 'Bearer', expiresIn: 3600, scope: 'files:read' });
    const req = as.requests[n];
    assert.equal(req.headers.authorization, `Basic ${Buffer.from('mcp%20client:s3cr%3Aet').toString('base64')}`);
    assert.equal(req.form.get('assertion'), GRANT);
    assert.equal(req.form.get('scope'), 'files:read');
    assert.equal(req.form.get('resource'), 'https://mcp.example.com/mcp');
    assert.equal(req.form.get('client_id'), 'mcp client', 'identification only, RFC 6749 §3.2.1');
    assert.equal(req.form.get('client_secret'), null);
  });

  test('client_secret_post and none put the credentials in the body', async () => {
    let n = as.requests.length;
    await exchangeIdJag(base({ authMethod: 'client_secret_post' }));
    let req = as.requests[n];
    assert.equal(req.headers.authorization, undefined);
    assert.equal(req.form.get('client_id'), 'mcp client');
    assert.equal(req.form.get('client_secret'), 's3cr:et');
    n = as.requests.length;
    await exchangeIdJag(base({ authMethod: 'none', clientSecret: undefined }));
    req = as.requests[n];
    assert.equal(req.headers.authorization, undefined);
    assert.equal(req.form.get('client_id'), 'mcp client');
    assert.equal(req.form.get('client_secret'), null);
  });

  test('token_type DPoP is normalised; anything else is refused', async () => {
    assert.deepEqual(await exchangeIdJag(base({ fetch: shaped('dpop') })), { accessToken: 'at-2', tokenType: 'DPoP' });
    const e = await rejection(exchangeIdJag(base({ fetch: shaped('mac') })), OAuthResponseError);
    assert.equal(e.error, 'invalid_response');
    assert.match(e.message, /token_type/);
    assertNoSecrets(e, 'at-3', GRANT, 's3cr:et');
  });

  test('a response without access_token is refused', async () => {
    const e = await rejection(exchangeIdJag(base({ fetch: shaped('no-token') })), OAuthResponseError);
    assert.match(e.message, /access_token/);
  });

  test('OAuth errors: invalid_grant, invalid_client (401)', async () => {
    const e1 = await rejection(exchangeIdJag(base({ grant: 'x.y.z' })), OAuthResponseError);
    assert.equal(e1.error, 'invalid_grant');
    assert.equal(e1.errorDescription, 'grant refused');
    assert.equal(e1.status, 400);
    assertNoSecrets(e1, 'x.y.z', 's3cr:et');
    const e2 = await rejection(exchangeIdJag(base({ fetch: shaped('invalid-client') })), OAuthResponseError);
    assert.equal(e2.error, 'invalid_client');
    assert.equal(e2.status, 401);
  });

  test('invalid options throw ERR_CONFIG before any request', async () => {
    for (const [what, extra] of [
      ['http non-loopback', { tokenEndpoint: 'http://as.example.com/token' }],
      ['unknown authMethod', { authMethod: 'private_key_jwt' }],
      ['basic without secret', { clientSecret: undefined }],
      ['none with a secret', { authMethod: 'none' }],
      ['no grant', { grant: '' }],
    ]) {
      const e = await rejection(exchangeIdJag(base({ ...extra, fetch: noFetch })), IdJagError);
      assert.equal(e.code, 'ERR_CONFIG', what);
      assertNoSecrets(e, GRANT, 's3cr:et');
    }
  });
});

// The checks of a token endpoint's answer, the client metadata and the one-authentication rule
// are the core's (src/client/, wasm checkTokenResponse, clientMetadata, oneClientAuthentication):
// each case fails if the core stopped making its decision, or worded it differently.
describe('the client decisions are the core\'s', () => {
  const GRANT = 'eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln';
  const OK = { access_token: GRANT, issued_token_type: ID_JAG, token_type: 'N_A' };
  // The body as the server sends it (JSON text, or any text), through the documented fetch option.
  const answering = (status, body) => async () => new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  const request = (status, body, extra = {}) => requestIdJag({
    tokenEndpoint: 'https://idp.example/token', audience: 'https://as.example', subjectToken: SUBJECT_TOKEN, subjectTokenType: ID_TOKEN,
    clientId: 'c', scope: 'files:read files:write', fetch: answering(status, body), ...extra,
  });
  const exchange = (status, body) => exchangeIdJag({
    tokenEndpoint: 'https://as.example/token', grant: GRANT, clientId: 'c', clientSecret: 's', scope: 'files:read', fetch: answering(status, body),
  });
  const refusedWith = async (promise, expected) => {
    const e = await rejection(promise, OAuthResponseError);
    const got = { error: e.error, status: e.status, rule: e.rule, message: e.message };
    if ('errorDescription' in e) got.errorDescription = e.errorDescription;
    if ('errorUri' in e) got.errorUri = e.errorUri;
    assert.deepEqual(got, expected);
    assertNoSecrets(e, SUBJECT_TOKEN, GRANT);
  };
  const invalid = (rule, message, status = 200) => ({ error: 'invalid_response', status, rule, message });

  test('requestIdJag: each response rule refused, with its rule id and message', async () => {
    const cases = [
      [200, { ...OK, token_type: 'Bearer' }, invalid('C4', 'token_type is "Bearer", not N_A')],
      [200, { ...OK, token_type: undefined }, invalid('C4', 'token_type is nothing, not N_A')],
      [200, { ...OK, expires_in: 0 }, invalid('C7', 'expires_in is not a positive number')],
      [200, { ...OK, expires_in: '60' }, invalid('C7', 'expires_in is not a positive number')],
      [200, { ...OK, expires_in: 1e400 }, invalid('C7', 'expires_in is not a positive number')], // Infinity
      [200, { ...OK, scope: ['files:read'] }, invalid('C5', 'scope is not a string')],
      [200, { ...OK, scope: null }, invalid('C5', 'scope is not a string')],
      [200, { ...OK, issued_token_type: 'urn:ietf:params:oauth:token-type:jwt' }, invalid('C2', 'issued_token_type is "urn:ietf:params:oauth:token-type:jwt", not urn:ietf:params:oauth:token-type:id-jag')],
      [200, { ...OK, issued_token_type: `x\n${'y'.repeat(100)}` }, invalid('C2', `issued_token_type is "x ${'y'.repeat(62)}…", not urn:ietf:params:oauth:token-type:id-jag`)],
      [200, { ...OK, access_token: 42 }, invalid('C3', 'access_token (the grant) is missing or empty')],
      [200, { ...OK, access_token: 'a.b.c.d' }, invalid('C3', 'access_token (the grant) is not a compact JWS or JWE')],
      [200, [OK], invalid('C1', 'the token exchange endpoint answered http 200 without a json object')],
      [200, 'access_token=abc', invalid('C1', 'the token exchange endpoint answered http 200 without a json object')],
      [200, { error: '' }, invalid('C1', 'the token exchange endpoint answered http 200 without an oauth error')],
      [503, '<html>busy</html>', invalid('C1', 'the token exchange endpoint answered http 503 without an oauth error', 503)],
      // An error object sent with HTTP 200: the IdP's error, not a broken response.
      [200, { error: 'access_denied' }, { error: 'access_denied', status: 200, rule: undefined, message: 'the token exchange endpoint refused the request: access_denied' }],
      [400, { error: 'invalid_grant', error_description: `no\r\nway ${'d'.repeat(300)}`, error_uri: 'https://idp.example/e' }, {
        error: 'invalid_grant', status: 400, rule: undefined, errorDescription: `no way ${'d'.repeat(193)}…`, errorUri: 'https://idp.example/e',
        message: `the token exchange endpoint refused the request: invalid_grant (no way ${'d'.repeat(193)}…)`,
      }],
      [401, { error: 'e'.repeat(80), error_description: '' }, {
        error: `${'e'.repeat(64)}…`, status: 401, rule: undefined, errorDescription: '', message: `the token exchange endpoint refused the request: ${'e'.repeat(64)}…`,
      }],
    ];
    for (const [status, body, expected] of cases) await refusedWith(request(status, body), expected);
  });

  test('requestIdJag: accepted as the core reads it (N_A in any case, 5 parts, expires_in as sent, scope as requested when absent)', async () => {
    const a = await request(200, { ...OK, token_type: 'n_A', expires_in: 59.5 });
    assert.deepEqual([a.grant, a.expiresIn, a.scope], [GRANT, 59.5, 'files:read files:write']);
    const b = await request(200, { ...OK, access_token: 'a.b.c.d.e', scope: 'files:read' });
    assert.deepEqual([b.grant, 'expiresIn' in b, b.scope], ['a.b.c.d.e', false, 'files:read']);
    const c = await request(200, OK, { scope: undefined });
    assert.equal('scope' in c, false);
  });

  test('exchangeIdJag: the same check for an access token (Bearer or DPoP, RFC 6749 §5.1)', async () => {
    const rfc = 'RFC 6749 §5.1';
    await refusedWith(exchange(200, { access_token: 'at', token_type: 'N_A' }), invalid(rfc, 'token_type is "N_A", not Bearer or DPoP'));
    await refusedWith(exchange(200, { access_token: '', token_type: 'Bearer' }), invalid(rfc, 'access_token is missing or empty'));
    await refusedWith(exchange(200, { access_token: 'at', token_type: 'Bearer', expires_in: -1 }), invalid(rfc, 'expires_in is not a positive number'));
    await refusedWith(exchange(200, { access_token: 'at', token_type: 'Bearer', scope: 7 }), invalid(rfc, 'scope is not a string'));
    await refusedWith(exchange(200, 'nope'), invalid(rfc, 'the authorization server answered http 200 without a json object'));
    await refusedWith(exchange(500, {}), invalid('C1', 'the authorization server answered http 500 without an oauth error', 500));
    await refusedWith(exchange(200, { error: 'invalid_grant' }), { error: 'invalid_grant', status: 200, rule: undefined, message: 'the authorization server refused the request: invalid_grant' });
    // An access token with an error member is a token (the error object needs no access_token).
    assert.deepEqual(await exchange(200, { access_token: 'at', token_type: 'BEARER', error: 'x' }), { accessToken: 'at', tokenType: 'Bearer', scope: 'files:read' });
    assert.deepEqual(await exchange(200, { access_token: 'at', token_type: 'DPoP', expires_in: 30, scope: '' }), { accessToken: 'at', tokenType: 'DPoP', expiresIn: 30, scope: '' });
  });

  test('one client authentication method: the core refuses a secret with an assertion, before any request', async () => {
    const e = await rejection(request(200, OK, { clientSecret: 's', clientAssertion: 'a.b.c', fetch: noFetch }), IdJagError);
    assert.deepEqual([e.code, e.message], ['ERR_CONFIG', 'give clientSecret or clientAssertion, not both']);
  });

  test('clientMetadata: the document and each refusal (the grant types, the profile and their refusal are the core\'s)', () => {
    const configError = (message) => (e) => IdJagError.is(e) && e.code === 'ERR_CONFIG' && e.message === message;
    for (const [options, message] of [
      [{ grant_types: [] }, 'grant_types and authorization_grant_profiles_supported are set by clientMetadata (C13); use grantTypes for more grant types'],
      [{ authorization_grant_profiles_supported: [] }, 'grant_types and authorization_grant_profiles_supported are set by clientMetadata (C13); use grantTypes for more grant types'],
      [{ clientId: 'https://app.example/' , tokenEndpointAuthMethod: 'none' }, 'clientId (a client id metadata document url) needs a path and no query'],
      [{ clientId: 'https://app.example/c.json?v=1', tokenEndpointAuthMethod: 'none' }, 'clientId (a client id metadata document url) needs a path and no query'],
      [{ clientId: 'https://app.example/c.json', tokenEndpointAuthMethod: 'client_secret_post' }, 'a client id metadata document cannot use a client secret: tokenEndpointAuthMethod private_key_jwt or none'],
      [{ tokenEndpointAuthMethod: 'private_key_jwt' }, 'private_key_jwt needs jwksUri or jwks'],
      [{ jwks: { keys: [{ kty: 'RSA', n: 'n', e: 'AQAB', p: 'secret' }] } }, 'jwks must hold public keys only'],
      [{ jwks: { keys: [{ kty: 'oct', k: 'secret' }] } }, 'jwks must hold public keys only'],
      [{ jwks: [] }, 'jwks must be a JWK Set ({ keys: [...] })'],
      [{ jwks: { keys: [] }, jwksUri: 'https://app.example/jwks' }, 'give jwksUri or jwks, not both'],
      [{ tokenEndpointAuthMethod: 'tls_client_auth' }, 'tokenEndpointAuthMethod must be one of client_secret_basic, client_secret_post, private_key_jwt, none'],
      [{ clientName: '' }, 'clientName must be a non-empty string'],
      [{ redirectUris: ['https://app.example/cb', 7] }, 'redirectUris must be an array of non-empty strings'],
      [{ grantTypes: 'authorization_code' }, 'grantTypes must be an array of non-empty strings'],
    ]) {
      assert.throws(() => clientMetadata(options), configError(message), JSON.stringify(options));
    }
    const jwks = { keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] };
    const doc = clientMetadata({ clientId: 'https://app.example/c.json', tokenEndpointAuthMethod: 'private_key_jwt', jwks, software_id: 's', grantTypes: ['refresh_token'] });
    assert.deepEqual(doc, {
      software_id: 's',
      client_id: 'https://app.example/c.json',
      grant_types: ['urn:ietf:params:oauth:grant-type:token-exchange', 'urn:ietf:params:oauth:grant-type:jwt-bearer', 'refresh_token'],
      authorization_grant_profiles_supported: ['urn:ietf:params:oauth:grant-profile:id-jag'],
      token_endpoint_auth_method: 'private_key_jwt',
      jwks,
    });
    // The members in the order the document sets them, the caller's RFC 7591 members first.
    assert.deepEqual(Object.keys(doc), ['software_id', 'client_id', 'grant_types', 'authorization_grant_profiles_supported', 'token_endpoint_auth_method', 'jwks']);
    // A passed-through RFC 7591 jwks_uri is a key source for private_key_jwt, as before.
    assert.equal(clientMetadata({ tokenEndpointAuthMethod: 'private_key_jwt', jwks_uri: 'https://app.example/jwks' }).jwks_uri, 'https://app.example/jwks');
  });
});
