// The Node adapters (idjag/adapters, re-exported by idjag/server) with the real frameworks over
// loopback HTTP: each example (examples/{express,fastify,hono}-token-endpoint.mjs) with and
// without a body parser in front of the token endpoint must give the endpoint's own answer AND
// its audit event, for an accepted request (R47), a refused client (R3), a refused grant, a
// repeated parameter (R2, RFC 6749 §3.2: a parsed array must stay detectable), a JSON body and an
// over-cap body (R5a), and GET (405). Then the MCP SDK adapters: both SDK generations' bearer
// gates answer 401 / 403 / 200 with idjag's AccessTokenVerifier, where the bare verifier gives 500.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import express from 'express';
import Fastify from 'fastify';
import { AccessTokenIssuer, AccessTokenVerifier, IdJagError, createTokenEndpoint, protectedResourceMetadataUrl } from 'idjag/server';
import * as adapters from 'idjag/adapters';
import { TestIssuer } from 'idjag/testing';
import { start as startExpress } from '../../examples/express-token-endpoint.mjs';
import { start as startFastify } from '../../examples/fastify-token-endpoint.mjs';
import { start as startHono } from '../../examples/hono-token-endpoint.mjs';
import { AS_ISSUER, CLIENT_ID, JWT_BEARER, MCP_RESOURCE, demoGrant, tokenRequest } from '../../examples/lib/demo-token-endpoint.js';
import { serveFetch } from '../../examples/lib/serve-fetch.js';

const EXAMPLES = [['express', startExpress], ['fastify', startFastify], ['hono', startHono]];

test('idjag/server re-exports the same adapter functions as idjag/adapters', async () => {
  const server = await import('idjag/server');
  for (const name of ['toNodeHandler', 'toFastifyPlugin', 'toHonoHandler', 'toMcpVerifier', 'mcpBearerAuth', 'mcpExpressBearerAuth']) {
    assert.equal(typeof adapters[name], 'function', name);
    assert.equal(server[name], adapters[name], name);
  }
});

for (const [name, start] of EXAMPLES) {
  for (const bodyParser of [true, false]) {
    describe(`${name} ${bodyParser ? 'with' : 'without'} a body parser`, () => {
      const events = [];
      let server;
      let url;
      before(async () => {
        server = await start({ bodyParser, onDecision: (e) => events.push(e) });
        url = `${server.url}/token`;
      });
      after(() => server?.close());

      // Each request must produce exactly one audit event: the endpoint decided it.
      async function expectDecision(doRequest) {
        const before = events.length;
        const r = await doRequest();
        assert.equal(events.length, before + 1, `one audit event (got ${events.length - before}); answer ${r.status} ${JSON.stringify(r.body)}`);
        const event = events.at(-1);
        assert.equal(event['http.response.status_code'], r.status, 'the event records the answer sent');
        return { r, event };
      }

      test('a valid jwt-bearer request: 200 with a Bearer token, a success event', async () => {
        const { r, event } = await expectDecision(() => tokenRequest(url, { grant_type: JWT_BEARER, assertion: demoGrant(server.idp) }));
        assert.equal(r.status, 200, JSON.stringify(r.body));
        assert.equal(r.body.token_type, 'Bearer');
        assert.equal(r.body.resource, MCP_RESOURCE);
        assert.equal(typeof r.body.access_token, 'string');
        assert.equal(r.headers.get('cache-control'), 'no-store');
        assert.equal(event['event.outcome'], 'success');
        assert.equal(event['oauth.client.id'], CLIENT_ID);
        // The token is usable at the MCP server: the endpoint really minted it.
        const claims = JSON.parse(Buffer.from(r.body.access_token.split('.')[1], 'base64url'));
        assert.equal(claims.iss, AS_ISSUER);
        assert.equal(claims.aud, MCP_RESOURCE);
      });

      test('a wrong client secret: 401 invalid_client with the OAuth error JSON, a failure event', async () => {
        const { r, event } = await expectDecision(() => tokenRequest(url, { grant_type: JWT_BEARER, assertion: demoGrant(server.idp) }, { secret: 'not-the-secret-0123456789' }));
        assert.equal(r.status, 401);
        assert.equal(r.body.error, 'invalid_client');
        assert.equal(typeof r.body.error_description, 'string');
        assert.equal(event['event.outcome'], 'failure');
        assert.equal(event['oauth.error'], 'invalid_client');
      });

      test('a grant for another authorization server: 400 invalid_grant, ERR_AUDIENCE in the event only', async () => {
        const { r, event } = await expectDecision(() => tokenRequest(url, { grant_type: JWT_BEARER, assertion: demoGrant(server.idp, { audience: 'https://elsewhere.example' }) }));
        assert.equal(r.status, 400);
        assert.deepEqual(r.body, { error: 'invalid_grant', error_description: 'the grant is not valid' });
        assert.equal(event['error.type'], 'ERR_AUDIENCE');
      });

      test('a repeated assertion stays a repetition (R2, RFC 6749 §3.2): 400 invalid_request', async () => {
        const g = demoGrant(server.idp);
        const body = `grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${g}&assertion=${g}`;
        const { r, event } = await expectDecision(() => tokenRequest(url, body));
        assert.equal(r.status, 400);
        assert.equal(r.body.error, 'invalid_request');
        assert.equal(event['idjag.rule'], 'R2');
        assert.match(event['idjag.reason'], /assertion is repeated/, 'seen as a repetition, not as a missing assertion');
        // The refusal did not burn the grant (R29): sent once, it is accepted.
        const once = await tokenRequest(url, { grant_type: JWT_BEARER, assertion: g });
        assert.equal(once.status, 200, JSON.stringify(once.body));
      });

      test('a JSON body is refused by the endpoint (R5a), parsed or not', async () => {
        const { r, event } = await expectDecision(() => tokenRequest(url, JSON.stringify({ grant_type: JWT_BEARER, assertion: demoGrant(server.idp) }), { headers: { 'content-type': 'application/json' } }));
        assert.equal(r.status, 400);
        assert.equal(r.body.error, 'invalid_request');
        assert.equal(event['idjag.rule'], 'R5a');
      });

      test('a body over the 64 KiB cap: 400 invalid_request from the endpoint (R5a)', async () => {
        const { r, event } = await expectDecision(() => tokenRequest(url, { grant_type: JWT_BEARER, assertion: demoGrant(server.idp), pad: 'x'.repeat(70 * 1024) }));
        assert.equal(r.status, 400);
        assert.equal(r.body.error, 'invalid_request');
        assert.equal(event['idjag.rule'], 'R5a');
      });

      test('GET: 405 with Allow: POST', async () => {
        const { r } = await expectDecision(async () => {
          const res = await fetch(url);
          return { status: res.status, body: await res.json(), headers: res.headers };
        });
        assert.equal(r.status, 405);
        assert.equal(r.headers.get('allow'), 'POST');
      });

      test('no audit event carries a token', () => {
        const text = JSON.stringify(events);
        assert.ok(!/eyJ[\w-]+\.eyJ[\w-]+\.[\w-]+/.test(text), 'no compact JWS in the events');
      });
    });
  }
}

describe('toNodeHandler: bodies from other parsers', () => {
  const idp = new TestIssuer({ issuer: 'https://idp.example' });
  const events = [];
  const endpoint = createTokenEndpoint({
    grants: { audience: AS_ISSUER, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP_RESOURCE] },
    accessTokenIssuer: new AccessTokenIssuer({ issuer: AS_ISSUER }),
    clients: [{ clientId: CLIENT_ID, tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: 'a-long-random-client-secret' }],
    onDecision: (e) => events.push(e),
  });
  let server;
  let base;
  before(async () => {
    const app = express();
    app.use('/qs', express.urlencoded({ extended: true })); // qs: arrays and bracket objects
    app.use('/text', express.text({ type: '*/*' }));
    app.use('/raw', express.raw({ type: '*/*' }));
    app.use('/eaten', (req, _res, next) => { req.on('end', () => next()); req.resume(); }); // reads, keeps nothing
    const h = toNodeHandlerOrFail();
    app.post(['/qs', '/text', '/raw', '/eaten'], h);
    app.use((err, _req, res, _next) => res.status(500).json({ error: 'server_error', code: err.code }));
    server = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    base = `http://127.0.0.1:${server.address().port}`;
  });
  after(() => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  const toNodeHandlerOrFail = () => adapters.toNodeHandler(endpoint);

  test('qs (extended: true): a repeated assertion is an array → repeated → refused (R2)', async () => {
    const g = demoGrant(idp);
    const r = await tokenRequest(`${base}/qs`, `grant_type=${encodeURIComponent(JWT_BEARER)}&assertion=${g}&assertion=${g}`);
    assert.equal(r.status, 400);
    assert.equal(events.at(-1)['idjag.rule'], 'R2');
    assert.match(events.at(-1)['idjag.reason'], /assertion is repeated/);
  });

  test('qs: assertion[]=… is not a plain assertion (it stays bracketed, so it is missing)', async () => {
    const r = await tokenRequest(`${base}/qs`, `grant_type=${encodeURIComponent(JWT_BEARER)}&assertion[]=${demoGrant(idp)}`);
    assert.equal(r.status, 400);
    assert.equal(r.body.error, 'invalid_request');
    assert.equal(events.at(-1)['idjag.rule'], 'R2');
    assert.match(events.at(-1)['idjag.reason'], /assertion is missing/);
  });

  test('qs: a valid form still works; express.text() and express.raw() bodies too', async () => {
    for (const path of ['/qs', '/text', '/raw']) {
      const r = await tokenRequest(`${base}${path}`, { grant_type: JWT_BEARER, assertion: demoGrant(idp) });
      assert.equal(r.status, 200, `${path}: ${JSON.stringify(r.body)}`);
    }
  });

  test('a body consumed by a middleware that kept nothing: ERR_CONFIG to the framework, no fake answer', async () => {
    const before = events.length;
    const r = await tokenRequest(`${base}/eaten`, { grant_type: JWT_BEARER, assertion: demoGrant(idp) });
    assert.equal(r.status, 500);
    assert.equal(r.body.code, 'ERR_CONFIG');
    assert.equal(events.length, before, 'the endpoint did not decide on a body it never saw');
  });

  test('node:http: the handler as a request listener, the stream capped', async () => {
    const { createServer } = await import('node:http');
    const s = createServer(adapters.toNodeHandler(endpoint));
    await new Promise((resolve) => s.listen(0, '127.0.0.1', resolve));
    try {
      const u = `http://127.0.0.1:${s.address().port}/token`;
      assert.equal((await tokenRequest(u, { grant_type: JWT_BEARER, assertion: demoGrant(idp) })).status, 200);
      const big = await tokenRequest(u, { grant_type: JWT_BEARER, assertion: demoGrant(idp), pad: 'x'.repeat(200 * 1024) });
      assert.equal(big.status, 400);
      assert.equal(events.at(-1)['idjag.rule'], 'R5a');
    } finally {
      s.closeAllConnections();
      await new Promise((resolve) => s.close(resolve));
    }
  });

  test('bad arguments are ERR_CONFIG', () => {
    for (const f of [() => adapters.toNodeHandler(null), () => adapters.toNodeHandler(endpoint, { maxBodyBytes: -1 }),
      () => adapters.toFastifyPlugin(endpoint, { url: 'token' }), () => adapters.toHonoHandler('x')]) {
      assert.throws(f, (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG');
    }
  });
});

// ---------------------------------------------------------------------------------------------
// MCP SDK bearer gates

describe('MCP SDK adapters (resource server)', () => {
  const AS = 'https://as.example';
  const tokens = new AccessTokenIssuer({ issuer: AS });
  const idp = new TestIssuer({ issuer: 'https://idp.example' });
  let MCP;
  let metadataUrl;
  let v2; // fetch server for the @modelcontextprotocol/server gates
  let v1; // express server for the @modelcontextprotocol/sdk middleware
  const refusals = [];
  let v2Url;
  let v1Url;
  const mint = (params = {}, opts = {}) => tokens.mint({ subject: 'u-1', clientId: 'c-1', resources: [MCP], scopes: ['files.read'], ...params }, opts).accessToken;

  before(async () => {
    let handler = null;
    v2 = await serveFetch((request) => handler(request));
    v2Url = v2.url;
    MCP = `${v2Url}/mcp`;
    metadataUrl = protectedResourceMetadataUrl(MCP);
    const verifier = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: tokens.jwks() }); // no OAuthError option
    const adminVerifier = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: tokens.jwks(), requiredScopes: ['files.admin'] });
    const sdk2 = await import('@modelcontextprotocol/server');
    const onRefusal = (e) => refusals.push(e);
    const gates = {
      '/mcp': await adapters.mcpBearerAuth(verifier, { resourceMetadataUrl: metadataUrl, onRefusal }),
      '/admin': await adapters.mcpBearerAuth(adminVerifier, { resourceMetadataUrl: metadataUrl }),
      '/write': await adapters.mcpBearerAuth(verifier, { resourceMetadataUrl: metadataUrl, requiredScopes: ['files.write'] }),
      // The SDK's own requireBearerAuth with toMcpVerifier.
      '/own': sdk2.requireBearerAuth({ verifier: await adapters.toMcpVerifier(verifier), resourceMetadataUrl: metadataUrl }),
      // A verifier built with the OAuthError option: the adapter takes the reason back from `cause`.
      '/wrapped': await adapters.mcpBearerAuth(new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: tokens.jwks(), OAuthError: sdk2.OAuthError }), { onRefusal }),
      // The trap the adapters exist for: the bare verifier in the SDK gate.
      '/bare': sdk2.requireBearerAuth({ verifier, resourceMetadataUrl: metadataUrl }),
    };
    handler = async (request) => {
      const gate = gates[new URL(request.url).pathname];
      if (!gate) return new Response('not found', { status: 404 });
      const auth = await gate(request);
      if (auth instanceof Response) return auth;
      return Response.json({ ...auth, resource: auth.resource?.href });
    };

    const app = express();
    app.get('/mcp', await adapters.mcpExpressBearerAuth(verifier, { resourceMetadataUrl: metadataUrl }), (req, res) => res.json({ ...req.auth, resource: req.auth.resource?.href }));
    app.get('/admin', await adapters.mcpExpressBearerAuth(adminVerifier), (req, res) => res.json(req.auth));
    const { requireBearerAuth: v1Gate } = await import('@modelcontextprotocol/sdk/server/auth/middleware/bearerAuth.js');
    app.get('/bare', v1Gate({ verifier }), (req, res) => res.json(req.auth));
    app.get('/v2-class', v1Gate({ verifier: new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: tokens.jwks(), OAuthError: sdk2.OAuthError }) }), (req, res) => res.json(req.auth));
    v1 = await new Promise((resolve) => { const s = app.listen(0, '127.0.0.1', () => resolve(s)); });
    v1Url = `http://127.0.0.1:${v1.address().port}`;
  });
  after(async () => {
    await v2?.close();
    if (v1) await new Promise((resolve) => { v1.closeAllConnections(); v1.close(() => resolve()); });
  });

  async function call(base, path, token) {
    const res = await fetch(`${base}${path}`, { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
    const text = await res.text();
    return { status: res.status, challenge: res.headers.get('www-authenticate'), body: text ? JSON.parse(text) : null, text };
  }

  const expired = () => mint({}, { now: () => Date.now() / 1000 - 3600 });

  for (const [label, base] of [['v2 (@modelcontextprotocol/server) fetch gate', () => v2Url], ['v1 (@modelcontextprotocol/sdk) Express middleware', () => v1Url]]) {
    describe(label, () => {
      test('a valid token: 200 with the AuthInfo idjag built', async () => {
        const token = mint({ scopes: ['files.read', 'files.write'] });
        const r = await call(base(), '/mcp', token);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.body.clientId, 'c-1');
        assert.deepEqual(r.body.scopes, ['files.read', 'files.write']);
        assert.equal(r.body.resource, MCP);
        assert.equal(r.body.extra.subject, 'u-1');
      });

      test('expired, forged, an ID-JAG as bearer: 401 invalid_token with the challenge, token not echoed', async () => {
        const [h, c, s] = mint().split('.');
        const grant = idp.mint({ audience: AS, clientId: 'c-1', resource: MCP });
        for (const token of [expired(), `${h}.${c}.${s[0] === 'A' ? 'B' : 'A'}${s.slice(1)}`, grant, 'not-a-jwt']) {
          const r = await call(base(), '/mcp', token);
          assert.equal(r.status, 401, r.text);
          assert.equal(r.body.error, 'invalid_token');
          assert.equal(r.body.error_description, 'the access token is not valid');
          assert.match(r.challenge, /^Bearer error="invalid_token"/);
          assert.match(r.challenge, new RegExp(`resource_metadata="${metadataUrl.replace(/[.?]/g, '\\$&')}"`));
          assert.ok(!r.text.includes(token) && !r.challenge.includes(token));
        }
      });

      test("idjag's requiredScopes (V8): 403 insufficient_scope", async () => {
        const r = await call(base(), '/admin', mint());
        assert.equal(r.status, 403, r.text);
        assert.equal(r.body.error, 'insufficient_scope');
        assert.match(r.challenge, /^Bearer error="insufficient_scope"/);
        assert.equal((await call(base(), '/admin', mint({ scopes: ['files.admin'] }))).status, 200);
      });

      test('the bare verifier in the SDK gate: the refusal is not a 401 (why the adapter exists)', async () => {
        const r = await call(base(), '/bare', expired());
        assert.equal(r.status, 500, r.text);
        assert.equal(r.body.error, 'server_error');
      });
    });
  }

  test('v2: onRefusal gets the IdJagError behind the generic wire description', async () => {
    refusals.length = 0;
    await call(v2Url, '/mcp', expired());
    assert.equal(refusals.length, 1);
    assert.ok(refusals[0] instanceof IdJagError);
    assert.equal(refusals[0].code, 'ERR_EXPIRED');
  });

  test("v2: the SDK's scope check, toMcpVerifier with the SDK's own gate, an OAuthError-wrapped verifier", async () => {
    const w = await call(v2Url, '/write', mint());
    assert.equal(w.status, 403);
    assert.match(w.challenge, /scope="files.write"/);
    assert.equal((await call(v2Url, '/own', expired())).status, 401);
    assert.equal((await call(v2Url, '/own', mint())).status, 200);
    refusals.length = 0;
    assert.equal((await call(v2Url, '/wrapped', expired())).status, 401);
    assert.equal(refusals[0]?.code, 'ERR_EXPIRED', 'the reason taken back from cause');
  });

  test("v1: the v2 OAuthError class in v1's middleware is a 500, not a 401 (the classes must match the gate)", async () => {
    const r = await call(v1Url, '/v2-class', expired());
    assert.equal(r.status, 500, r.text);
  });

  test('misconfigurations are ERR_CONFIG', async () => {
    const verifier = new AccessTokenVerifier({ issuer: AS, audience: 'https://mcp.example/mcp', jwks: tokens.jwks() });
    const isConfig = (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG';
    await assert.rejects(adapters.toMcpVerifier({}), isConfig);
    await assert.rejects(adapters.toMcpVerifier(verifier, { sdk: 'some-other-sdk' }), isConfig);
    await assert.rejects(adapters.mcpBearerAuth(verifier, { verifier }), isConfig);
    await assert.rejects(adapters.mcpBearerAuth(verifier, { sdk: '@modelcontextprotocol/sdk' }), isConfig);
    await assert.rejects(adapters.mcpExpressBearerAuth(verifier, { onRefusal: 'log' }), isConfig);
  });
});

test('toHonoHandler: a body read from c.req.raw behind Hono\'s back is ERR_CONFIG, not an empty form', async () => {
  const { Hono } = await import('hono');
  const app = new Hono();
  let endpointCalls = 0;
  app.use('/token', async (c, next) => { await c.req.raw.text(); await next(); });
  app.post('/token', adapters.toHonoHandler(() => { endpointCalls += 1; return new Response('unreachable'); }));
  app.onError((err, c) => c.json({ error: 'server_error', code: err.code }, 500));
  const res = await app.request('/token', { method: 'POST', body: 'grant_type=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(res.status, 500);
  assert.equal((await res.json()).code, 'ERR_CONFIG');
  assert.equal(endpointCalls, 0);
});
