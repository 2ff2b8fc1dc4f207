// Issue 10: keys from the network held to the grant path's rules, through the npm package.
// Every key source (an IdP's jwksUri, discovery, a private_key_jwt client's jwksUri, the AS's
// keys for AccessTokenVerifier, a cache import, inline options) goes through the core's key
// layer and the one loader. Hostile loopback servers: deeply nested, rotating, legacy keys.
import { test, describe, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPrivateKey, sign as cryptoSign, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import {
  AccessTokenIssuer, AccessTokenVerifier, IdJagError, IdJagVerifier, JwksCache, MemoryReplayStore,
  createTokenEndpoint, inspect, inspectJwks,
} from 'idjag/server';
import { TestIssuer } from 'idjag/testing';
import { verifierCore } from '../../pkg/src/core-verifier.js';
import { fullCore } from '../../pkg/src/core-full.js';
import { closeJwksServers, jwksServer, json } from './lib/jwks-server.js';
import { serveFetch } from '../../examples/lib/serve-fetch.js';

const AS = 'https://as.example';
const MCP = 'https://mcp.example/mcp';
const CLIENT = 'client-1';
const SEC = 1; // idjag's clock: epoch seconds
const HOUR = 3600 * SEC;
const GT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

const server = jwksServer;
after(closeJwksServers);

function clock(start = Date.now() / 1000) {
  let t = start;
  // at(): a clock fixed at the current time
  return { now: () => t, advance: (sec) => { t += sec; }, at: () => { const x = t; return () => x; } };
}

// ~12 KB of nested arrays, 6,000 levels: what trapped the wasm instance (issue 10 point 1).
const NESTED_TEXT = `{"keys":[${'['.repeat(6000)}${']'.repeat(6000)}]}`;
const NESTED = JSON.parse(NESTED_TEXT);

const goodIdp = new TestIssuer({ issuer: 'https://good-idp.example', kid: 'good-1' });
const goodVerifier = new IdJagVerifier({
  audience: AS, issuers: [{ issuer: goodIdp.issuer, jwks: goodIdp.jwks() }], resources: [MCP],
});

/** After any hostile input, a valid grant must still verify in an instance made before it. */
async function stillVerifies(laterSec = 0) {
  const t = Date.now() / 1000 + laterSec;
  const now = () => t;
  const g = await goodVerifier.verify(goodIdp.mint({ audience: AS, clientId: CLIENT, resource: MCP, now }), { clientId: CLIENT, now });
  assert.equal(g.issuer, goodIdp.issuer);
}

const grantFrom = (idp, now = undefined, extra = {}) => idp.mint({ audience: AS, clientId: CLIENT, resource: MCP, now, ...extra });

describe('point 1: no JWK Set can trap the instance', () => {
  test('an IdP jwksUri serving 6,000 nested arrays: ERR_KEY, and every verifier keeps working', async () => {
    const srv = await server();
    srv.route('/jwks', json(NESTED_TEXT));
    const idp = new TestIssuer({ issuer: srv.base });
    const v = new IdJagVerifier({ audience: AS, issuers: [{ issuer: srv.base, jwksUri: `${srv.base}/jwks` }], resources: [MCP] });
    const e = await v.verify(grantFrom(idp), { clientId: CLIENT }).then(() => null, (x) => x);
    assert.ok(e instanceof IdJagError, String(e));
    assert.equal(e.code, 'ERR_KEY');
    assert.match(e.message, /nested too deeply/);
    await stillVerifies();
  });

  test('discover: true with metadata pointing at the nested set', async () => {
    const srv = await server();
    srv.route('/.well-known/oauth-authorization-server', json({ issuer: srv.base, jwks_uri: `${srv.base}/jwks` }));
    srv.route('/jwks', json(NESTED_TEXT));
    const idp = new TestIssuer({ issuer: srv.base });
    const v = new IdJagVerifier({ audience: AS, issuers: [{ issuer: srv.base, discover: true }], resources: [MCP] });
    const e = await v.verify(grantFrom(idp), { clientId: CLIENT }).then(() => null, (x) => x);
    assert.equal(e?.code, 'ERR_KEY', String(e));
    await stillVerifies();
  });

  test('AccessTokenVerifier jwksUri serving the nested set', async () => {
    const srv = await server();
    srv.route('/jwks', json(NESTED_TEXT));
    const issuer = new AccessTokenIssuer({ issuer: AS });
    const at = issuer.mint({ subject: 'u', clientId: CLIENT, resources: [MCP], scopes: [] }).accessToken;
    const v = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwksUri: `${srv.base}/jwks` });
    const e = await v.verify(at).then(() => null, (x) => x);
    assert.equal(e?.code, 'ERR_KEY', String(e));
    const inline = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: issuer.jwks() });
    assert.equal((await inline.verify(at)).subject, 'u');
    await stillVerifies();
  });

  test('JwksCache.import of a nested set (object and text): skipped', async () => {
    const cache = new JwksCache();
    const now = Date.now() / 1000;
    const entry = { kind: 'jwks', url: 'https://idp.example/jwks', jwks: NESTED, fetchedAt: now, expiresAt: now + 60 };
    assert.equal(cache.import({ version: 2, entries: [entry] }), 0);
    const text = `{"version":2,"entries":[{"kind":"jwks","url":"https://idp.example/jwks","fetchedAt":${now},"expiresAt":${now + 60},"jwks":${NESTED_TEXT}}]}`;
    assert.equal(cache.import(text), 0);
    await stillVerifies();
  });

  test('inline options: a nested jwks or policy is ERR_CONFIG, never a trap', async () => {
    for (const options of [
      { audience: AS, issuers: [{ issuer: 'https://x.example', jwks: NESTED }], resources: [MCP] },
      { audience: AS, issuers: [{ issuer: goodIdp.issuer, jwks: goodIdp.jwks() }], resources: [MCP], policy: { rules: NESTED.keys } },
    ]) {
      assert.throws(() => new IdJagVerifier(options), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG');
    }
    // As text, and as an object JSON.stringify can still write (100 levels): the core's bound.
    const hundred = JSON.parse(`{"keys":[${'['.repeat(100)}${']'.repeat(100)}]}`);
    for (const jwks of [NESTED_TEXT, hundred]) {
      assert.throws(() => inspectJwks(jwks), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG' && /nested too deeply/.test(e.message));
    }
    assert.throws(() => inspectJwks(NESTED), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG');
    await stillVerifies();
  });

  test('a private_key_jwt client whose jwksUri serves the nested set: 401, and other clients still get tokens', async () => {
    const srv = await server();
    srv.route('/jwks', json(NESTED_TEXT));
    const endpoint = createTokenEndpoint({
      grants: { audience: AS, issuers: [{ issuer: goodIdp.issuer, jwks: goodIdp.jwks() }], resources: [MCP] },
      accessTokenIssuer: new AccessTokenIssuer({ issuer: AS }),
      clients: [
        { clientId: 'evil', tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: `${srv.base}/jwks` },
        { clientId: CLIENT, tokenEndpointAuthMethod: 'client_secret_post', clientSecret: 'a-long-enough-secret' },
      ],
    });
    const { privateKey } = await generateKeyPair('ES256');
    const assertion = await new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'ES256', kid: 'k' })
      .setIssuer('evil').setSubject('evil').setAudience(AS).setIssuedAt().setExpirationTime('1m').sign(privateKey);
    const evil = await endpoint(form({
      grant_type: GT, assertion: goodIdp.mint({ audience: AS, clientId: 'evil', resource: MCP }),
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
    }));
    assert.equal(evil.status, 401);
    const good = await endpoint(form({
      grant_type: GT, assertion: grantFrom(goodIdp), client_id: CLIENT, client_secret: 'a-long-enough-secret',
    }));
    assert.equal(good.status, 200, await good.clone().text());
    await stillVerifies();
  });
});

function form(fields, { auth } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString('base64')}`;
  return new Request(`${AS}/token`, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
}

async function clientKey(kid) {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' } };
}

function clientAssertion(key, clientId, nowSec) {
  const iat = Math.floor(nowSec);
  return new SignJWT({ jti: randomUUID() }).setProtectedHeader({ alg: 'ES256', kid: key.kid })
    .setIssuer(clientId).setSubject(clientId).setAudience(AS).setIssuedAt(iat).setExpirationTime(iat + 60).sign(key.privateKey);
}

describe('point 2: a private_key_jwt client\'s keys rotate', () => {
  test('the new key works at once (unknown kid), the withdrawn key stops once the TTL passed', async () => {
    const srv = await server();
    const a = await clientKey('a');
    const b = await clientKey('b');
    srv.route('/jwks', json({ keys: [a.jwk] }, { 'cache-control': 'max-age=300' }));
    const c = clock();
    const idp = new TestIssuer({ issuer: 'https://idp-rot.example' });
    const endpoint = createTokenEndpoint({
      grants: { audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP] },
      accessTokenIssuer: new AccessTokenIssuer({ issuer: AS }),
      clients: [{ clientId: 'rot', tokenEndpointAuthMethod: 'private_key_jwt', jwksUri: `${srv.base}/jwks` }],
      jwksCache: new JwksCache({ now: c.now }),
      now: c.now,
    });
    const request = async (key) => endpoint(form({
      grant_type: GT, assertion: idp.mint({ audience: AS, clientId: 'rot', resource: MCP, now: c.at() }),
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: await clientAssertion(key, 'rot', c.now()),
    }));
    assert.equal((await request(a)).status, 200);
    srv.route('/jwks', json({ keys: [b.jwk] }, { 'cache-control': 'max-age=300' })); // the client rotates
    c.advance(31 * SEC);
    assert.equal((await request(b)).status, 200, 'the new kid is fetched at once');
    c.advance(2 * HOUR);
    assert.equal((await request(a)).status, 401, 'the withdrawn key no longer authenticates');
    assert.equal((await request(b)).status, 200);
    assert.ok(srv.hits.length >= 3, `fetches: ${srv.hits.length}`);
  });
});

describe('point 3: a key the AS removed stops verifying access tokens', () => {
  test('after the TTL, a token signed with the removed key is ERR_KEY; the kept key verifies', async () => {
    const srv = await server();
    const old = new AccessTokenIssuer({ issuer: AS, kid: 'at-old' });
    const kept = new AccessTokenIssuer({ issuer: AS, kid: 'at-new' });
    srv.route('/jwks', json({ keys: [...old.jwks().keys, ...kept.jwks().keys] }, { 'cache-control': 'max-age=60' }));
    const c = clock();
    const v = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwksUri: `${srv.base}/jwks`, jwksCache: new JwksCache({ now: c.now }) });
    const at = (issuer) => issuer.mint({ subject: 'u', clientId: CLIENT, resources: [MCP], scopes: [] }, { now: c.at() }).accessToken;
    assert.equal((await v.verify(at(old), { now: c.at() })).subject, 'u');
    srv.route('/jwks', json({ keys: kept.jwks().keys }, { 'cache-control': 'max-age=60' })); // the AS removes at-old
    c.advance(2 * HOUR);
    const e = await v.verify(at(old), { now: c.at() }).then(() => null, (x) => x);
    assert.equal(e?.code, 'ERR_KEY', String(e));
    assert.equal((await v.verify(at(kept), { now: c.at() })).subject, 'u');
    assert.equal(srv.hits.length, 2, 'one fetch at first use, one after the TTL');
  });
});

// A P-256 key whose x is exported without its leading zero octet (31 octets).
const SHORT_X = { kty: 'EC', crv: 'P-256', kid: 'short-x', x: 'zc4ncPbEXUGDy-5v20t7WAczNXvp7xO6z248e9FURQ', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
const RSA1024 = JSON.parse(readFileSync(new URL('../keys/rsa-1024.public.jwk.json', import.meta.url), 'utf8'));
const BIG_E_PRIVATE = JSON.parse(readFileSync(new URL('../keys/rsa-big-exponent.private.jwk.json', import.meta.url), 'utf8'));
const BIG_E = { kty: 'RSA', kid: BIG_E_PRIVATE.kid, n: BIG_E_PRIVATE.n, e: BIG_E_PRIVATE.e };

/** An ID-JAG signed RS256 by the big-exponent key with node:crypto (the test issuer can't hold it). */
function bigExponentGrant(issuer, nowSec = Math.floor(Date.now() / 1000)) {
  const enc = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const input = `${enc({ alg: 'RS256', typ: 'oauth-id-jag+jwt', kid: BIG_E.kid })}.${enc({
    iss: issuer, sub: 'u-big', aud: AS, client_id: CLIENT, jti: randomUUID(), iat: nowSec, exp: nowSec + 60, resource: MCP,
  })}`;
  const sig = cryptoSign('sha256', Buffer.from(input), createPrivateKey({ key: BIG_E_PRIVATE, format: 'jwk' }));
  return `${input}.${sig.toString('base64url')}`;
}

describe('point 4: one unusable key does not sink the set', () => {
  const idp = new TestIssuer({ issuer: 'https://legacy-idp.example', kid: 'good' });
  const mixed = () => ({ keys: [RSA1024, { kty: 'RSA', kid: 'no-e', n: BIG_E.n }, SHORT_X, BIG_E, ...idp.jwks().keys] });

  test('inline: grants signed by the good keys verify (e = 2^40 + 15 included)', async () => {
    const v = new IdJagVerifier({ audience: AS, issuers: [{ issuer: idp.issuer, jwks: mixed() }], resources: [MCP] });
    assert.equal((await v.verify(grantFrom(idp), { clientId: CLIENT })).issuer, idp.issuer);
    assert.equal((await v.verify(bigExponentGrant(idp.issuer), { clientId: CLIENT })).subject, 'u-big');
  });

  test('via jwksUri, with the set-aside keys reported once, each with the right reason', async () => {
    const srv = await server();
    srv.route('/jwks', json(mixed()));
    const events = [];
    const cache = new JwksCache({ onKeysSetAside: (e) => events.push(e) });
    const v = new IdJagVerifier({ audience: AS, issuers: [{ issuer: idp.issuer, jwksUri: `${srv.base}/jwks` }], resources: [MCP], jwksCache: cache });
    assert.equal((await v.verify(grantFrom(idp), { clientId: CLIENT })).issuer, idp.issuer);
    assert.equal((await v.verify(bigExponentGrant(idp.issuer), { clientId: CLIENT })).subject, 'u-big');
    assert.equal(events.length, 1);
    const reasons = Object.fromEntries(events[0].setAside.map((s) => [s.kid, s.reason]));
    assert.match(reasons['rsa-1024'], /1024 bits; at least 2048/);
    assert.match(reasons['no-e'], /e is missing/);
    assert.match(reasons['short-x'], /31 octets/);
    assert.ok(!('rsa-big-e' in reasons), 'e = 2^40 + 15 is usable');
    // A grant naming a set-aside key: ERR_KEY with the reason, not ERR_CONFIG.
    const named = grantFrom(idp).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'RS256', typ: 'oauth-id-jag+jwt', kid: 'rsa-1024' })).toString('base64url');
    const e = await v.verify([header, named[1], named[2]].join('.'), { clientId: CLIENT }).then(() => null, (x) => x);
    assert.equal(e?.code, 'ERR_KEY');
    assert.match(e.message, /not usable: rsa modulus is 1024 bits/);
  });

  test('inspectJwks shows usable keys and the reasons keys were set aside', () => {
    const report = inspectJwks(mixed());
    assert.deepEqual(report.usable.map((k) => k.kid).sort(), ['good', 'rsa-big-e']);
    assert.deepEqual(report.setAside.map((k) => k.index), [0, 1, 2]);
  });
});

describe('point 5: an empty or zero modulus is set aside, never a panic', () => {
  test('n = "" and n = zeros', async () => {
    for (const n of ['', 'AAAA', 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA']) {
      const report = inspectJwks({ keys: [{ kty: 'RSA', kid: 'z', n, e: 'AQAB' }, ...goodIdp.jwks().keys] });
      assert.match(report.setAside[0]?.reason ?? '', n === '' ? /n is (missing|empty)|empty or zero|not base64url/ : /empty or zero/, JSON.stringify(n));
    }
    await stillVerifies();
  });
});

describe('point 6: error codes per the contract', () => {
  const idp = new TestIssuer({ issuer: 'https://codes-idp.example', alg: 'ES256', kid: 'k' });
  test('a key with use enc, or key_ops without verify, is ERR_KEY', async () => {
    for (const extra of [{ use: 'enc' }, { key_ops: ['encrypt'] }]) {
      const other = new TestIssuer({ issuer: idp.issuer, alg: 'ES256', kid: 'other' });
      const jwks = { keys: [{ ...idp.jwks().keys[0], ...extra }, ...other.jwks().keys] };
      const v = new IdJagVerifier({ audience: AS, issuers: [{ issuer: idp.issuer, jwks }], resources: [MCP] });
      const e = await v.verify(grantFrom(idp), { clientId: CLIENT }).then(() => null, (x) => x);
      assert.equal(e?.code, 'ERR_KEY', JSON.stringify(extra));
    }
  });

  test('alg none with an empty signature is ERR_ALG (and inspect says alg-none)', async () => {
    const [, payload] = grantFrom(idp).split('.');
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'oauth-id-jag+jwt' })).toString('base64url');
    const token = `${header}.${payload}.`;
    const v = new IdJagVerifier({ audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP] });
    const e = await v.verify(token, { clientId: CLIENT }).then(() => null, (x) => x);
    assert.equal(e?.code, 'ERR_ALG');
    assert.ok(inspect(token).findings.some((f) => f.code === 'alg-none'));
  });
});

describe('a trap anyway: the call fails closed, the next call works, single-use state is not lost silently', () => {
  test('verifier instance: ERR_INTERNAL, then verification works; a grant used before the restart stays refused', async () => {
    const idp = new TestIssuer({ issuer: 'https://trap-idp.example' });
    const lost = [];
    const store = new MemoryReplayStore({ onStateLost: (info) => lost.push(info) });
    const v = new IdJagVerifier({ audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP], replayStore: store });
    const used = grantFrom(idp);
    await v.verify(used, { clientId: CLIENT });
    const before = verifierCore.generation;
    const next = grantFrom(idp); // minted first: TestIssuer runs in the same (one) wasm instance
    verifierCore.armTrapForTests();
    const e = await v.verify(next, { clientId: CLIENT }).then(() => null, (x) => x);
    assert.ok(e instanceof IdJagError && e.code === 'ERR_INTERNAL', String(e));
    assert.equal(verifierCore.generation, before + 1);
    // The replayed grant is refused although the store's entries were lost with the instance.
    const replay = await v.verify(used, { clientId: CLIENT }).then(() => null, (x) => x);
    assert.equal(replay?.code, 'ERR_REPLAY');
    assert.equal(lost.length, 1, 'the loss is reported');
    // A grant minted after the restart (later expiry) is accepted, by this verifier and others.
    const in5 = Date.now() / 1000 + 5 * SEC;
    const later = grantFrom(idp, () => in5);
    assert.equal((await v.verify(later, { clientId: CLIENT, now: () => in5 })).issuer, idp.issuer);
    // goodVerifier's own store lost its entries too: its next grant expires later than any it held.
    await stillVerifies(5 * SEC);
    assert.ok(inspect(later).claims.iss);
  });

  test('token endpoint (signing instance): 500 server_error, then the next request gets a token', async () => {
    const idp = new TestIssuer({ issuer: 'https://trap-idp2.example' });
    const endpoint = createTokenEndpoint({
      grants: { audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP] },
      accessTokenIssuer: new AccessTokenIssuer({ issuer: AS }),
      clients: [{ clientId: CLIENT, tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: 'a-long-enough-secret' }],
    });
    const request = () => form({ grant_type: GT, assertion: grantFrom(idp) }, { auth: [CLIENT, 'a-long-enough-secret'] });
    const req = () => endpoint(request());
    assert.equal((await req()).status, 200);
    const prepared = request(); // minted before the fault is armed
    fullCore.armTrapForTests();
    const failed = await endpoint(prepared);
    assert.equal(failed.status, 500);
    assert.equal((await failed.json()).error, 'server_error');
    // One wasm instance per process (issue 13): the restart also emptied the endpoint's
    // in-memory replay store, which now refuses grants expiring no later than those it had
    // seen (replay.js); a grant minted later gets a token.
    const later = form({ grant_type: GT, assertion: grantFrom(idp, ((t) => () => t)(Date.now() / 1000 + 5)) }, { auth: [CLIENT, 'a-long-enough-secret'] });
    const next = await endpoint(later);
    assert.equal(next.status, 200, await next.clone().text());
  });
});

describe('rotation through one loader, for a loopback server that rotates', () => {
  test('an IdP rotating its keys: the new key at once (unknown kid), the removed key refused after the TTL', async () => {
    const srv = await serveFetch(() => Response.json(current, { headers: { 'cache-control': 'max-age=120' } }));
    after(() => srv.close());
    const k1 = new TestIssuer({ issuer: srv.url, kid: 'k1' });
    const k2 = new TestIssuer({ issuer: srv.url, kid: 'k2' });
    let current = { keys: [...k1.jwks().keys] };
    const c = clock();
    const v = new IdJagVerifier({
      audience: AS, issuers: [{ issuer: srv.url, jwksUri: `${srv.url}/jwks` }], resources: [MCP], jwksCache: new JwksCache({ now: c.now }),
    });
    const at = () => ({ clientId: CLIENT, now: c.at() });
    await v.verify(grantFrom(k1, c.at()), at());
    current = { keys: [...k1.jwks().keys, ...k2.jwks().keys] };
    c.advance(31 * SEC);
    await v.verify(grantFrom(k2, c.at()), at());
    current = { keys: [...k2.jwks().keys] };
    c.advance(121 * SEC);
    const e = await v.verify(grantFrom(k1, c.at()), at()).then(() => null, (x) => x);
    assert.equal(e?.code, 'ERR_KEY');
    await v.verify(grantFrom(k2, c.at()), at());
  });
});
