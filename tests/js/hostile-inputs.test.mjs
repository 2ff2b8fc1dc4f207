// Hostile values at the input boundaries this session added or changed (issue 13/14/12 review):
// options objects (own "__proto__" members, deep nesting, wrong types), the access-token cache's
// options and per-call scopes, and a parsed body handed to the Node adapter (own "__proto__",
// deeply nested, huge, non-string members). Each case must end in a typed refusal — never a
// crash, a wasm restart or a polluted prototype — and a valid grant / token must still verify
// afterwards in objects built before the hostile input.
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { IdJagError, IdJagVerifier, JwksCache, MemoryReplayStore, OAuthResponseError, clientMetadata, exchangeIdJag, inspect, requestIdJag } from 'idjag';
import { AccessTokenIssuer, AccessTokenVerifier, toNodeHandler } from 'idjag/server';
import { TestIssuer } from 'idjag/testing';
import { verifierCore } from '../../pkg/src/core-verifier.js';
import { CLIENT_ID, JWT_BEARER, demoGrant, demoTokenEndpoint, tokenRequest } from '../../examples/lib/demo-token-endpoint.js';

const AS = 'https://as.example';
const MCP = 'https://mcp.example/mcp';
const idp = new TestIssuer({ issuer: 'https://idp.example' });
const goodOptions = { audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP], replay: 'reusable' };
const verifier = new IdJagVerifier(goodOptions);
const issuer = new AccessTokenIssuer({ issuer: AS });
const atVerifier = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: issuer.jwks() });
const generation = verifierCore.generation;

const deep = (n, leaf) => { let v = leaf; for (let i = 0; i < n; i += 1) v = { a: v }; return v; };
const isConfigError = (e) => IdJagError.is(e) && e.code === 'ERR_CONFIG';

async function stillWorks() {
  const grant = await verifier.verify(idp.mint({ audience: AS, clientId: 'c', resource: MCP }), { clientId: 'c' });
  assert.equal(grant.issuer, idp.issuer);
  const { accessToken } = issuer.mint({ subject: 'alice', clientId: 'c', resources: [MCP], scopes: ['files:read'] });
  assert.equal((await atVerifier.verify(accessToken, { requiredScopes: ['files:read'] })).subject, 'alice');
  assert.equal(verifierCore.generation, generation, 'no wasm restart');
  assert.equal(Object.prototype.polluted, undefined, 'no prototype pollution');
}

describe('options objects', () => {
  const hostile = {
    'own __proto__ member': JSON.parse(`{"audience":"${AS}","issuers":[],"resources":["${MCP}"],"__proto__":{"polluted":1}}`),
    '__proto__ inside an issuer': { ...goodOptions, issuers: [JSON.parse(`{"issuer":"${idp.issuer}","jwks":{"keys":[]},"__proto__":{"polluted":1}}`)] },
    '10,000-deep policy': { ...goodOptions, policy: deep(10_000, 1) },
    'a string where an array goes': { ...goodOptions, resources: MCP },
    'a number as audience': { ...goodOptions, audience: 7 },
  };
  for (const [name, options] of Object.entries(hostile)) {
    test(`IdJagVerifier: ${name} → ERR_CONFIG`, async () => {
      assert.throws(() => new IdJagVerifier(options), isConfigError);
      await stillWorks();
    });
  }
  test('JwksCache, MemoryReplayStore, per-call ctx and inspect: own __proto__ → ERR_CONFIG', async () => {
    const proto = JSON.parse('{"__proto__":{"polluted":1}}');
    assert.throws(() => new JwksCache(proto), isConfigError);
    assert.throws(() => new MemoryReplayStore(proto), isConfigError);
    const token = idp.mint({ audience: AS, clientId: 'c', resource: MCP });
    await assert.rejects(verifier.verify(token, JSON.parse('{"clientId":"c","__proto__":{"polluted":1}}')), isConfigError);
    assert.throws(() => inspect(token, proto), isConfigError);
    await stillWorks();
  });
});

describe('AccessTokenVerifier: cache options and per-call scopes', () => {
  test('hostile cache options → ERR_CONFIG', async () => {
    for (const cache of [JSON.parse('{"__proto__":{"maxEntries":1}}'), { maxEntries: 1e12 }, { maxAgeSec: '300' }, deep(5000, 1), []]) {
      assert.throws(() => new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: issuer.jwks(), cache }), isConfigError);
    }
    await stillWorks();
  });
  test('required scopes that are not scope tokens are refused, not split (a hit and a miss alike)', async () => {
    const { accessToken } = issuer.mint({ subject: 'alice', clientId: 'c', resources: [MCP], scopes: ['a', 'b'] });
    await atVerifier.verify(accessToken); // a miss, then the same token is a hit
    for (const requiredScopes of [['a b'], [''], ['"x"'], [' '.repeat(100_000)], [7], ['a\u0000']]) {
      await assert.rejects(atVerifier.verify(accessToken, { requiredScopes }), (e) => IdJagError.is(e) && e.code === 'ERR_CONFIG');
    }
    // A huge list of valid-looking scopes: one missing is ERR_SCOPE, from the core.
    const many = Array.from({ length: 20_000 }, (_, i) => `s${i}`);
    await assert.rejects(atVerifier.verify(accessToken, { requiredScopes: many }), (e) => IdJagError.is(e) && e.code === 'ERR_SCOPE');
    await stillWorks();
  });
});

describe('a parsed body handed to the Node adapter', () => {
  test('own __proto__, deep nesting, huge values, non-strings: each a 400 with one audit event; a real request still gets a token', async () => {
    const events = [];
    const { endpoint, idp: asIdp } = demoTokenEndpoint({ onDecision: (e) => events.push(e) });
    const handler = toNodeHandler(endpoint);
    const bodies = [
      JSON.parse(`{"grant_type":"${JWT_BEARER}","assertion":"x.y.z","__proto__":{"polluted":1}}`),
      { grant_type: JWT_BEARER, assertion: deep(5000, 'x') },
      { grant_type: JWT_BEARER, assertion: 'a'.repeat(200_000) },
      { grant_type: JWT_BEARER, assertion: 42, resource: [null, {}, 1] },
      { grant_type: [JWT_BEARER, JWT_BEARER], assertion: 'x.y.z' },
    ];
    const server = createServer((req, res) => {
      if (req.headers['x-hostile'] === undefined) return void handler(req, res); // the stream, unread
      // A body parser that already ran: the stream is consumed and `req.body` holds its result.
      req.resume();
      req.on('end', () => {
        req.body = bodies[Number(req.headers['x-hostile'])];
        handler(req, res);
      });
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${server.address().port}/token`;
    try {
      for (let pick = 0; pick < bodies.length; pick += 1) {
        const before = events.length;
        const answer = await tokenRequest(url, 'ignored=1', { headers: { 'x-hostile': String(pick) } });
        assert.ok(answer.status === 400 || answer.status === 401, `body ${pick}: ${answer.status}`);
        assert.equal(typeof answer.body.error, 'string');
        assert.equal(events.length, before + 1, `body ${pick}: one audit event`);
        assert.ok(!JSON.stringify(events.at(-1)).includes('a'.repeat(1000)), 'no huge value echoed');
      }
      // A real request through the same server and endpoint still gets a token.
      const good = await tokenRequest(url, { grant_type: JWT_BEARER, assertion: demoGrant(asIdp) });
      assert.equal(good.status, 200);
      assert.equal(good.body.token_type, 'Bearer');
      assert.equal(events.at(-1)['event.outcome'], 'success');
      assert.equal(Object.prototype.polluted, undefined);
      void CLIENT_ID;
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    await stillWorks();
  });
});

describe('a hostile token endpoint answering the client helpers', () => {
  // JSON nested 100,000 levels deep (JSON.parse takes it; anything recursive over it overflows the
  // stack) and an own "__proto__" member. Each must be a typed OAuthResponseError, never a RangeError.
  const depth = 100_000;
  const bodies = {
    deep: `{"access_token":${'['.repeat(depth)}${']'.repeat(depth)},"issued_token_type":"urn:ietf:params:oauth:token-type:id-jag","token_type":"N_A"}`,
    'deep error': `{"error":"invalid_grant","x":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`,
    'own __proto__': '{"__proto__":{"polluted":1},"access_token":"a.b.c","issued_token_type":"urn:ietf:params:oauth:token-type:id-jag","token_type":"N_A"}',
  };
  for (const [name, body] of Object.entries(bodies)) {
    test(`requestIdJag and exchangeIdJag: ${name} → OAuthResponseError`, async () => {
      const server = createServer((req, res) => {
        req.resume();
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(body);
      });
      await new Promise((r) => server.listen(0, '127.0.0.1', r));
      const tokenEndpoint = `http://127.0.0.1:${server.address().port}/token`;
      try {
        const calls = [
          requestIdJag({ tokenEndpoint, audience: AS, subjectToken: 'st', subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token', clientId: 'c' }),
          exchangeIdJag({ tokenEndpoint, grant: 'a.b.c', clientId: 'c', clientSecret: 's' }),
        ];
        const [idJag, accessToken] = await Promise.allSettled(calls);
        // A well-formed ID-JAG response with an own "__proto__" member is accepted as such (and
        // pollutes nothing: stillWorks checks); everything else is a typed refusal.
        if (name === 'own __proto__') assert.equal(idJag.value?.grant, 'a.b.c');
        else assert.ok(idJag.reason instanceof OAuthResponseError, `${idJag.reason?.constructor?.name}: ${idJag.reason?.message}`);
        assert.ok(accessToken.reason instanceof OAuthResponseError, `${accessToken.reason?.constructor?.name}: ${accessToken.reason?.message}`);
      } finally {
        server.close();
      }
      await stillWorks();
    });
  }
});

describe('clientMetadata options', () => {
  // Its rules are the core's now (T1, C13): hostile options must still end in ERR_CONFIG, and an
  // own "__proto__" member passes through as data (RFC 7591 extension members) without polluting.
  const cases = {
    'own __proto__ member': [JSON.parse('{"__proto__":{"polluted":1},"clientName":"x"}'), 'ok'],
    'deeply nested jwks': [{ tokenEndpointAuthMethod: 'private_key_jwt', jwks: deep(5000, {}) }, 'config'],
    'jwks with a private member': [{ tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [{ kty: 'EC', d: 'secret' }] } }, 'config'],
    'grant_types set by the caller': [{ grant_types: ['client_credentials'] }, 'config'],
    'grantTypes not strings': [{ grantTypes: [1, {}] }, 'config'],
    'clientId not a url': [{ clientId: { toString: () => 'https://x/c' } }, 'config'],
    'huge clientName': [{ clientName: 'n'.repeat(2_000_000) }, 'ok'],
  };
  for (const [name, [options, outcome]] of Object.entries(cases)) {
    test(`${name} → ${outcome === 'ok' ? 'a document' : 'ERR_CONFIG'}`, async () => {
      await verifierCore.ready();
      if (outcome === 'ok') {
        const doc = clientMetadata(options);
        assert.ok(doc.grant_types.includes(JWT_BEARER));
      } else {
        assert.throws(() => clientMetadata(options), isConfigError);
      }
      await stillWorks();
    });
  }
});
