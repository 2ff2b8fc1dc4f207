// JwksCache and IdJagVerifier with remote keys (issue 3, scope item 1): a JWKS server on
// loopback that rotates keys, goes down, answers slowly, answers 1 MB, answers garbage —
// the cache behaves as specified. Time is an injected clock (no sleeping); the slow-server
// tests use a real hung server and a short `timeoutSec`.
//
//   node --test tests/js/jwks-cache.test.mjs      (needs the built package: make build)

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { IdJagError, IdJagVerifier, JwksCache } from 'idjag';
import { bytes, hang, json, closeJwksServers, jwksServer, stall, status, streamed } from './lib/jwks-server.js';

const NOW = 1767225600; // token times (2026-01-01T00:00:00Z)
const now = () => NOW; // idjag's clock: epoch seconds
const AUD = 'https://as.example.com';
const RES = 'https://mcp.example.com/mcp';
const CLIENT = 'client-1';
const SEC = 1; // idjag's clock: epoch seconds
const MIN = 60 * SEC;
const HOUR = 60 * MIN;

const keys = {}; // kid → { privateKey, jwk }
let jti = 0;

before(async () => {
  for (const kid of ['k1', 'k2', 'k3']) {
    const pair = await generateKeyPair('ES256', { extractable: true });
    keys[kid] = { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' } };
  }
});

const set = (...kids) => ({ keys: kids.map((k) => keys[k].jwk) });

function mint(iss, kid) {
  return new SignJWT({ client_id: CLIENT, resource: RES, scope: 'a', jti: `jti-${++jti}` })
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt', kid })
    .setIssuer(iss)
    .setSubject('user-1')
    .setAudience(AUD)
    .setIssuedAt(NOW - 10)
    .setExpirationTime(NOW + 120)
    .sign(keys[kid].privateKey);
}

/** A settable clock (epoch seconds) for a JwksCache. */
function clock(start = Date.UTC(2026, 0, 1) / 1000) {
  const c = { t: start, now: () => c.t, advance: (sec) => { c.t += sec; } };
  return c;
}

/** globalThis.fetch, counting calls (also those that never reach a server). */
function countingFetch() {
  const f = (url, init) => {
    f.calls.push(url);
    return globalThis.fetch(url, init);
  };
  f.calls = [];
  return f;
}

async function rejection(promise) {
  try {
    await promise;
  } catch (e) {
    return e;
  }
  assert.fail('expected a rejection');
}

async function keyRefusal(promise, token) {
  const e = await rejection(promise);
  assert.ok(e instanceof IdJagError, `expected an IdJagError, got ${e}`);
  assert.equal(e.code, 'ERR_KEY', e.message);
  assert.equal(e.oauthError, 'invalid_grant');
  if (token) assert.ok(!e.message.includes(token.split('.')[1]), 'the message never contains the token');
  return e;
}

const server = jwksServer;
after(closeJwksServers);

const verifierFor = (issuerOptions, jwksCache) => new IdJagVerifier({
  audience: AUD,
  issuers: [issuerOptions],
  resources: [RES],
  jwksCache,
});
const ok = (v, token) => v.verify(token, { clientId: CLIENT, now });

// ---------------------------------------------------------------------------------------------

describe('JwksCache: fetching and sharing', () => {
  test('fetched once, then served from the cache while fresh; the set is frozen', async () => {
    const srv = await server();
    srv.route('/jwks', json(set('k1')));
    const c = clock();
    const cache = new JwksCache({ now: c.now });
    const a = await cache.get(`${srv.base}/jwks`);
    c.advance(5 * MIN);
    const b = await cache.get(`${srv.base}/jwks`);
    assert.equal(a, b, 'the same object while fresh');
    assert.deepEqual(a, set('k1'));
    assert.ok(Object.isFrozen(a) && Object.isFrozen(a.keys) && Object.isFrozen(a.keys[0]));
    assert.deepEqual(srv.hits, ['/jwks']);
  });

  test('concurrent callers share one in-flight fetch (get and refresh)', async () => {
    const srv = await server();
    srv.route('/jwks', json(set('k1')));
    const c = clock();
    const cache = new JwksCache({ now: c.now });
    const url = `${srv.base}/jwks`;
    const got = await Promise.all(Array.from({ length: 20 }, () => cache.get(url)));
    assert.equal(srv.hits.length, 1);
    assert.ok(got.every((g) => g === got[0]));
    c.advance(31 * SEC);
    srv.route('/jwks', json(set('k1', 'k2')));
    const refreshed = await Promise.all(Array.from({ length: 20 }, () => cache.refresh(url)));
    assert.equal(srv.hits.length, 2, 'twenty refreshes, one request');
    assert.ok(refreshed.every((g) => g === refreshed[0]));
    assert.notEqual(refreshed[0], got[0]);
    assert.equal(refreshed[0].keys.length, 2);
  });

  test('refresh: at most one fetch per 30 s per URL', async () => {
    const srv = await server();
    srv.route('/jwks', json(set('k1')));
    const c = clock();
    const cache = new JwksCache({ now: c.now });
    const url = `${srv.base}/jwks`;
    const first = await cache.get(url);
    c.advance(29 * SEC);
    assert.equal(await cache.refresh(url), first, 'within 30 s of the fetch: no fetch, same set');
    assert.equal(srv.hits.length, 1);
    c.advance(1 * SEC);
    const second = await cache.refresh(url, { reason: 'unknown-kid' });
    assert.equal(srv.hits.length, 2);
    assert.notEqual(second, first, 'a fetch brings a new object');
    c.advance(10 * SEC);
    await cache.refresh(url);
    assert.equal(srv.hits.length, 2, 'the limit counts from the last fetch');
  });

  test('TTL from Cache-Control: max-age minus Age, clamped to [1 min, 24 h], default 10 min', async () => {
    const cases = [
      [{ 'cache-control': 'max-age=120' }, 120 * SEC],
      [{ 'cache-control': 'public, max-age=7200' }, 2 * HOUR],
      [{ 'cache-control': 'max-age=5' }, 1 * MIN], // clamped up
      [{ 'cache-control': 'max-age=0' }, 1 * MIN],
      [{ 'cache-control': 'max-age=999999' }, 24 * HOUR], // clamped down
      [{}, 10 * MIN], // absent
      [{ 'cache-control': 'no-store' }, 10 * MIN],
      [{ 'cache-control': 'no-store, max-age=0' }, 10 * MIN],
      [{ 'cache-control': 'no-cache' }, 1 * MIN],
      [{ 'cache-control': 'max-age=300', age: '100' }, 200 * SEC],
      [{ 'cache-control': 's-maxage=30, max-age=7200' }, 2 * HOUR], // s-maxage is for CDNs
      [{ 'cache-control': 'max-age=abc' }, 1 * MIN], // invalid: treated as stale
    ];
    for (const [headers, ttl] of cases) {
      const srv = await server();
      srv.route('/jwks', json(set('k1'), headers));
      const c = clock();
      const cache = new JwksCache({ now: c.now });
      const url = `${srv.base}/jwks`;
      await cache.get(url);
      const [entry] = cache.export().entries;
      assert.equal(entry.expiresAt - entry.fetchedAt, ttl, JSON.stringify(headers));
      c.advance(ttl - 1);
      await cache.get(url);
      assert.equal(srv.hits.length, 1, `still fresh just before the TTL: ${JSON.stringify(headers)}`);
      c.advance(1);
      await cache.get(url);
      assert.equal(srv.hits.length, 2, `fetched again at the TTL: ${JSON.stringify(headers)}`);
      await srv.close();
    }
  });
});

describe('JwksCache: an IdP that is down, slow, huge or broken', () => {
  test('down: the last good keys are served up to 1 h past expiry, then refused; retries at most every 30 s', async () => {
    const srv = await server();
    srv.route('/jwks', json(set('k1'), { 'cache-control': 'max-age=60' }));
    const c = clock();
    const f = countingFetch();
    const cache = new JwksCache({ now: c.now, fetch: f });
    const url = `${srv.base}/jwks`;
    const good = await cache.get(url);
    await srv.stop(); // connection refused from now on

    c.advance(61 * SEC); // expired
    assert.equal(await cache.get(url), good, 'stale keys served');
    assert.equal(f.calls.length, 2, 'after trying to fetch');
    c.advance(10 * SEC);
    assert.equal(await cache.get(url), good);
    assert.equal(f.calls.length, 2, 'no new attempt within 30 s of the failed one');
    c.advance(20 * SEC);
    assert.equal(await cache.get(url), good);
    assert.equal(f.calls.length, 3);

    c.t = c.t - 91 * SEC + 60 * SEC + HOUR - 1; // 1 ms before expiry + 1 h
    assert.equal(await cache.get(url), good, 'still within the stale window');
    c.advance(1);
    const e = await rejection(cache.get(url));
    assert.match(e.message, /request failed/);
    assert.match(e.message, /expired over 1 h ago/);
    assert.ok(e.message.includes('127.0.0.1'), 'names the url');

    await srv.start();
    srv.route('/jwks', json(set('k2')));
    const back = await cache.get(url);
    assert.deepEqual(back, set('k2'), 'fetched again once the IdP is back');
  });

  test('slow: no answer within timeoutSec is an error (and the default is 5 s)', async () => {
    const srv = await server();
    srv.route('/hang', hang());
    srv.route('/stall', stall());
    const cache = new JwksCache({ timeoutSec: 0.3 });
    for (const path of ['/hang', '/stall']) {
      const e = await rejection(cache.get(`${srv.base}${path}`));
      assert.match(e.message, /timed out after 0\.3 s/, path);
    }
    assert.throws(() => new JwksCache({ timeoutSec: 0 }), (e) => e.code === 'ERR_CONFIG');
  });

  test('1 MB: refused by its Content-Length, or while streaming without reading it all', async () => {
    const srv = await server();
    const declared = streamed(1 << 20, set('k1'), { declareLength: true });
    const chunked = streamed(1 << 20, set('k1'), { chunk: 8192, pauseMs: 5 });
    const small = streamed(60 * 1024, set('k1'), { chunk: 8192, pauseMs: 1 }); // under 64 KiB: fine
    srv.route('/declared', declared.handler);
    srv.route('/chunked', chunked.handler);
    srv.route('/small', small.handler);
    const cache = new JwksCache();
    for (const path of ['/declared', '/chunked']) {
      const e = await rejection(cache.get(`${srv.base}${path}`));
      assert.match(e.message, /larger than 65536 bytes/, path);
    }
    const written = await chunked.stats.closed;
    assert.ok(written < 512 * 1024, `the client went away after ${written} of ${1 << 20} bytes`);
    assert.deepEqual(await cache.get(`${srv.base}/small`), set('k1'), 'a padded body under the cap is accepted');
  });

  test('garbage, wrong shapes, too many keys, a private key: refused, saying why', async () => {
    const srv = await server();
    const many = (n) => ({ keys: Array.from({ length: n }, (_, i) => ({ ...keys.k1.jwk, kid: `k${i}` })) });
    const cases = [
      [json('<html>not json</html>'), /not valid json/],
      [bytes(Buffer.from([0x7b, 0xff, 0xfe, 0x7d])), /not utf-8/],
      [json('[1,2]'), /not a json object/],
      [json({ nokeys: [] }), /keys array/],
      [json({ keys: 'k1' }), /keys array/],
      [json({ keys: [1] }), /no usable key.*not a json object/],
      [json(many(101)), /101 keys, more than 100/],
      [json({ keys: [{ ...keys.k1.jwk, d: 'AAAA' }] }), /no usable key.*private/],
      [json({ keys: [{ kty: 'oct', k: 'AAAA' }] }), /no usable key.*symmetric/],
      [json({ keys: [keys.k1.jwk, keys.k1.jwk] }), /no usable key.*more than one key/],
      [status(404), /http status 404/],
      [status(500), /http status 500/],
      [json(`{"keys":[${'"x'.repeat(10)}`), /not valid json/],
    ];
    for (const [i, [handler, why]] of cases.entries()) {
      srv.route(`/bad${i}`, handler);
      const e = await rejection(new JwksCache().get(`${srv.base}/bad${i}`));
      assert.ok(!(e instanceof IdJagError), 'a fetch failure is a plain Error');
      assert.match(e.message, why, `case ${i}`);
      assert.ok(e.message.length < 300, `case ${i}: short message`);
    }
    srv.route('/hundred', json(many(100)));
    assert.equal((await new JwksCache().get(`${srv.base}/hundred`)).keys.length, 100, '100 keys are fine');
  });

  test('redirects are not followed', async () => {
    const srv = await server();
    srv.route('/elsewhere', json(set('k1')));
    for (const code of [301, 302, 303, 307, 308]) {
      srv.route('/jwks', status(code, { location: `${srv.base}/elsewhere` }));
      const e = await rejection(new JwksCache().get(`${srv.base}/jwks`));
      assert.match(e.message, /redirect, which is not followed/, String(code));
    }
    assert.ok(!srv.hits.includes('/elsewhere'));
  });

  test('http on a non-loopback host, credentials, other schemes: ERR_CONFIG, nothing fetched', async () => {
    const f = countingFetch();
    const cache = new JwksCache({ fetch: f });
    for (const uri of ['http://idp.example.com/jwks', 'http://10.0.0.1/jwks', 'http://[::2]/jwks', 'ftp://idp.example.com/jwks',
      'https://user:pw@idp.example.com/jwks', 'https://idp.example.com/jwks#x', 'jwks', 42]) {
      const e = await rejection(cache.get(uri));
      assert.ok(e instanceof IdJagError && e.code === 'ERR_CONFIG', String(uri));
    }
    const e = await rejection(cache.discover('http://idp.example.com'));
    assert.equal(e.code, 'ERR_CONFIG');
    assert.equal(f.calls.length, 0);
  });
});

// ---------------------------------------------------------------------------------------------

describe('JwksCache: export and import', () => {
  test('round trip: a new instance with the imported state verifies without any fetch', async () => {
    const srv = await server();
    srv.route('/jwks', json(set('k1'), { 'cache-control': 'max-age=3600' }));
    srv.route('/.well-known/oauth-authorization-server', json({ issuer: srv.base, jwks_uri: `${srv.base}/jwks` }));
    const c = clock();
    const a = new JwksCache({ now: c.now });
    await ok(verifierFor({ issuer: srv.base, discover: true }, a), await mint(srv.base, 'k1'));
    assert.equal(srv.hits.length, 2);

    const text = JSON.stringify(a.export());
    const fetches = [];
    const noFetch = (url) => {
      fetches.push(url);
      return Promise.reject(new Error('no fetch expected'));
    };
    c.advance(5 * MIN); // both entries still fresh (metadata: the 10 min default TTL)
    const b = new JwksCache({ now: c.now, fetch: noFetch });
    assert.equal(b.import(text), 2, 'the jwks and the metadata');
    const viaDiscovery = verifierFor({ issuer: srv.base, discover: true }, b);
    const viaUri = verifierFor({ issuer: srv.base, jwksUri: `${srv.base}/jwks` }, b);
    assert.equal((await ok(viaDiscovery, await mint(srv.base, 'k1'))).issuer, srv.base);
    assert.equal((await ok(viaUri, await mint(srv.base, 'k1'))).issuer, srv.base);
    assert.equal(srv.hits.length, 2, 'the server was not asked again');
    assert.deepEqual(fetches, [], 'nor was fetch called');
    assert.deepEqual(b.export(), JSON.parse(text), 'the same state');

    // The 30 s refetch limit carries over: an unknown kid right after the import does not fetch.
    const d = new JwksCache({ now: () => JSON.parse(text).entries[0].fetchedAt + 5 * SEC, fetch: noFetch });
    d.import(text);
    const vd = verifierFor({ issuer: srv.base, jwksUri: `${srv.base}/jwks` }, d);
    await ok(vd, await mint(srv.base, 'k1'));
    await keyRefusal(ok(vd, await mint(srv.base, 'k2')));
    assert.deepEqual(fetches, []);
  });

  test('junk entries are skipped; imported keys are never trusted past expiry + 1 h', async () => {
    const t0 = Date.UTC(2026, 0, 1) / 1000;
    const c = clock(t0);
    const good = (extra = {}) => ({ kind: 'jwks', url: 'https://idp.example.com/jwks', jwks: set('k1'), fetchedAt: t0 - MIN, expiresAt: t0 + 9 * MIN, ...extra });
    const cache = new JwksCache({ now: c.now, fetch: () => Promise.reject(new Error('offline')) });
    const entries = [
      good(),
      null,
      'x',
      { ...good(), kind: 'other' },
      good({ url: 'http://idp.example.com/jwks' }), // http, not loopback
      good({ url: 'https://b.example.com/jwks', jwks: { keys: [{ ...keys.k1.jwk, d: 'AAAA' }] } }), // private key
      good({ url: 'https://c.example.com/jwks', jwks: { keys: 'no' } }),
      good({ url: 'https://d.example.com/jwks', fetchedAt: 'yesterday' }),
      good({ url: 'https://e.example.com/jwks', fetchedAt: t0 + HOUR, expiresAt: t0 + 2 * HOUR }), // from the future
      good({ url: 'https://f.example.com/jwks', fetchedAt: t0 - 3 * HOUR, expiresAt: t0 - HOUR - 1 }), // past the stale window
      good({ url: 'https://g.example.com/jwks', expiresAt: t0 - 2 * MIN }), // expires before it was fetched
      { kind: 'metadata', issuer: 'https://idp.example.com', jwksUri: 'http://idp.example.com/jwks', fetchedAt: t0, expiresAt: t0 + MIN },
      good({ url: 'https://h.example.com/jwks', fetchedAt: t0 - 30 * MIN, expiresAt: t0 + 365 * 24 * HOUR }), // TTL clamped to 24 h
      { kind: 'metadata', issuer: 'https://idp.example.com', jwksUri: 'https://idp.example.com/jwks', fetchedAt: t0, expiresAt: t0 + MIN },
    ];
    assert.equal(cache.import({ version: 2, entries }), 3);
    const exported = cache.export().entries;
    assert.deepEqual(exported.map((e) => e.url ?? e.issuer).sort(), ['https://h.example.com/jwks', 'https://idp.example.com', 'https://idp.example.com/jwks']);
    const h = exported.find((e) => e.url === 'https://h.example.com/jwks');
    assert.equal(h.expiresAt - h.fetchedAt, 24 * HOUR);

    // Imported keys follow the stale rules: expired and unreachable → served until +1 h.
    c.t = t0 + 9 * MIN + HOUR - 1;
    assert.deepEqual(await cache.get('https://idp.example.com/jwks'), set('k1'));
    c.advance(1);
    assert.match((await rejection(cache.get('https://idp.example.com/jwks'))).message, /offline.*expired over 1 h ago/);

    // An older entry never replaces a newer one.
    const fresh = new JwksCache({ now: () => t0, fetch: () => Promise.reject(new Error('offline')) });
    fresh.import({ version: 2, entries: [good({ jwks: set('k2'), fetchedAt: t0 - SEC, expiresAt: t0 + MIN })] });
    assert.equal(fresh.import({ version: 2, entries: [good()] }), 0);
    assert.deepEqual(await fresh.get('https://idp.example.com/jwks'), set('k2'));

    assert.equal(cache.import('{not json'), 0);
    assert.equal(cache.import({ version: 1, entries: [good()] }), 0, 'version 1 (epoch ms) is not read');
    assert.equal(cache.import({ version: 3, entries: [good()] }), 0);
    assert.equal(cache.import({ entries: 'x' }), 0);
    assert.equal(cache.import(null), 0, 'nothing stored yet');
    assert.equal(cache.import(undefined), 0);
    assert.throws(() => cache.import(true), TypeError);
    assert.throws(() => cache.import(42), TypeError);
  });
});

// ---------------------------------------------------------------------------------------------

describe('IdJagVerifier with remote keys', () => {
  test('rotation: a new kid is fetched once and accepted; another within 30 s is ERR_KEY without a fetch', async () => {
    const srv = await server();
    srv.route('/jwks', json(set('k1')));
    const c = clock();
    const v = verifierFor({ issuer: srv.base, jwksUri: `${srv.base}/jwks` }, new JwksCache({ now: c.now }));
    await ok(v, await mint(srv.base, 'k1'));
    assert.equal(srv.hits.length, 1);

    srv.route('/jwks', json(set('k1', 'k2'))); // the IdP rotates
    c.advance(31 * SEC);
    assert.equal((await ok(v, await mint(srv.base, 'k2'))).subject, 'user-1');
    assert.equal(srv.hits.length, 2, 'one refetch for the unknown kid');
    await ok(v, await mint(srv.base, 'k2'));
    await ok(v, await mint(srv.base, 'k1'));
    assert.equal(srv.hits.length, 2);

    srv.route('/jwks', json(set('k2', 'k3'))); // rotates again, k1 retired
    c.advance(10 * SEC);
    const t3 = await mint(srv.base, 'k3');
    const e = await keyRefusal(ok(v, t3), t3);
    assert.match(e.message, /no key with kid "k3" in the jwks of http:\/\/127\.0\.0\.1:\d+; not refetched/);
    assert.equal(e.claim, 'kid');
    assert.equal(srv.hits.length, 2, 'within 30 s of the last fetch: no fetch');

    c.advance(21 * SEC);
    await ok(v, await mint(srv.base, 'k3'));
    assert.equal(srv.hits.length, 3);
    // k1 is gone from the set the core now has.
    assert.match((await keyRefusal(ok(v, await mint(srv.base, 'k1')))).message, /kid "k1" in the jwks of .*; not refetched/);
    assert.equal(srv.hits.length, 3);
  });

  test('a key removed at the IdP stops verifying once the TTL expires', async () => {
    const srv = await server();
    srv.route('/jwks', json(set('k1', 'k2'), { 'cache-control': 'max-age=120' }));
    const c = clock();
    const v = verifierFor({ issuer: srv.base, jwksUri: `${srv.base}/jwks` }, new JwksCache({ now: c.now }));
    await ok(v, await mint(srv.base, 'k1'));
    srv.route('/jwks', json(set('k2'), { 'cache-control': 'max-age=120' }));
    c.advance(119 * SEC);
    await ok(v, await mint(srv.base, 'k1'));
    assert.equal(srv.hits.length, 1);
    c.advance(1 * SEC);
    assert.match((await keyRefusal(ok(v, await mint(srv.base, 'k1')))).message, /kid "k1" in the jwks of .*even after fetching it/);
    assert.equal(srv.hits.length, 2);
    await ok(v, await mint(srv.base, 'k2'));
  });

  test('concurrent verifications and verifiers sharing a cache: one fetch', async () => {
    const srv = await server();
    srv.route('/jwks', json(set('k1')));
    const cache = new JwksCache();
    const a = verifierFor({ issuer: srv.base, jwksUri: `${srv.base}/jwks` }, cache);
    const b = verifierFor({ issuer: srv.base, jwksUri: `${srv.base}/jwks` }, cache);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => mint(srv.base, 'k1')));
    const grants = await Promise.all(tokens.map((t, i) => ok(i % 2 ? a : b, t)));
    assert.equal(grants.length, 10);
    assert.deepEqual(srv.hits, ['/jwks']);
  });

  test('IdP down: stale keys verify for 1 h past expiry, then ERR_KEY naming the issuer', async () => {
    const srv = await server();
    srv.route('/jwks', json(set('k1'), { 'cache-control': 'max-age=600' }));
    const c = clock();
    const v = verifierFor({ issuer: srv.base, jwksUri: `${srv.base}/jwks` }, new JwksCache({ now: c.now }));
    await ok(v, await mint(srv.base, 'k1'));
    srv.route('/jwks', status(503));
    c.advance(10 * MIN + HOUR - 1);
    await ok(v, await mint(srv.base, 'k1'));
    assert.equal(srv.hits.length, 2, 'it did try');
    c.advance(1);
    const t = await mint(srv.base, 'k1');
    const e = await keyRefusal(ok(v, t), t);
    assert.match(e.message, new RegExp(`could not load the jwks of ${srv.base.replace(/\./g, '\\.')}`));
    assert.match(e.message, /http status 503.*expired over 1 h ago/);
  });

  test('a set the core refuses (private key) is ERR_KEY for the grant, saying why', async () => {
    const srv = await server();
    srv.route('/jwks', json({ keys: [{ ...keys.k1.jwk, d: 'AAAA' }] }));
    const v = verifierFor({ issuer: srv.base, jwksUri: `${srv.base}/jwks` });
    const t = await mint(srv.base, 'k1');
    const e = await keyRefusal(ok(v, t), t);
    assert.match(e.message, /could not load the jwks of .*refused.*private/);
  });

  test('options: fetch is injectable; jwksCache is checked; ERR_CONFIG for bad ones', async () => {
    const srv = await server();
    srv.route('/jwks', json(set('k1')));
    const f = countingFetch();
    const v = new IdJagVerifier({ audience: AUD, issuers: [{ issuer: srv.base, jwksUri: `${srv.base}/jwks` }], resources: [RES], fetch: f });
    await ok(v, await mint(srv.base, 'k1'));
    assert.equal(f.calls.length, 1);
    const base = { audience: AUD, issuers: [{ issuer: srv.base, jwksUri: `${srv.base}/jwks` }], resources: [RES] };
    // With a shared cache, `fetch` is the cache's business: accepted and unused.
    const shared = new IdJagVerifier({ ...base, jwksCache: new JwksCache(), fetch: f });
    await ok(shared, await mint(srv.base, 'k1'));
    assert.equal(f.calls.length, 1);
    for (const bad of [
      { jwksCache: {} },
      { jwksCache: null },
      { fetch: 'fetch' },
      { issuers: [{ issuer: 'http://idp.example.com', discover: true }] },
      { issuers: [{ issuer: 'https://idp.example.com?tenant=1', discover: true }] },
      { issuers: [{ issuer: 'https://idp.example.com', jwksUri: 'http://idp.example.com/jwks' }] },
    ]) {
      assert.throws(() => new IdJagVerifier({ ...base, ...bad }), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG', JSON.stringify(bad));
    }
  });
});

describe('discovery', () => {
  test('oauth-authorization-server first; metadata cached with its own TTL', async () => {
    const srv = await server();
    srv.route('/.well-known/oauth-authorization-server', json({ issuer: srv.base, jwks_uri: `${srv.base}/keys` }, { 'cache-control': 'max-age=300' }));
    srv.route('/.well-known/openid-configuration', json({ issuer: srv.base, jwks_uri: `${srv.base}/wrong` }));
    srv.route('/keys', json(set('k1'), { 'cache-control': 'max-age=3600' }));
    const c = clock();
    const cache = new JwksCache({ now: c.now });
    const v = verifierFor({ issuer: srv.base, discover: true }, cache);
    await ok(v, await mint(srv.base, 'k1'));
    assert.deepEqual(srv.hits, ['/.well-known/oauth-authorization-server', '/keys']);
    assert.equal(await cache.discover(srv.base), `${srv.base}/keys`);
    c.advance(299 * SEC);
    await ok(v, await mint(srv.base, 'k1'));
    assert.equal(srv.hits.length, 2);
    c.advance(1 * SEC);
    await ok(v, await mint(srv.base, 'k1'));
    assert.deepEqual(srv.hits.slice(2), ['/.well-known/oauth-authorization-server'], 'metadata refetched at its TTL, keys still fresh');
  });

  test('falls back to openid-configuration', async () => {
    const srv = await server();
    srv.route('/.well-known/openid-configuration', json({ issuer: srv.base, jwks_uri: `${srv.base}/keys` }));
    srv.route('/keys', json(set('k1')));
    const v = verifierFor({ issuer: srv.base, discover: true });
    await ok(v, await mint(srv.base, 'k1'));
    assert.deepEqual(srv.hits, ['/.well-known/oauth-authorization-server', '/.well-known/openid-configuration', '/keys']);
  });

  test('an issuer with a path: RFC 8414 §3 insertion, then OpenID Connect (inserted, appended)', async () => {
    const srv = await server();
    const iss = `${srv.base}/tenants/t1`;
    srv.route('/tenants/t1/.well-known/openid-configuration', json({ issuer: iss, jwks_uri: `${srv.base}/tenants/t1/keys` }));
    srv.route('/tenants/t1/keys', json(set('k1')));
    await ok(verifierFor({ issuer: iss, discover: true }), await mint(iss, 'k1'));
    assert.deepEqual(srv.hits, [
      '/.well-known/oauth-authorization-server/tenants/t1',
      '/.well-known/openid-configuration/tenants/t1',
      '/tenants/t1/.well-known/openid-configuration',
      '/tenants/t1/keys',
    ]);
    srv.route('/.well-known/oauth-authorization-server/tenants/t1', json({ issuer: iss, jwks_uri: `${srv.base}/tenants/t1/keys` }));
    assert.equal(await new JwksCache().discover(iss), `${srv.base}/tenants/t1/keys`);
    assert.equal(srv.hits.at(-1), '/.well-known/oauth-authorization-server/tenants/t1');
  });

  test('metadata whose issuer is not exactly the configured one is refused (no fallback, no keys fetched)', async () => {
    const srv = await server();
    srv.route('/.well-known/oauth-authorization-server', json({ issuer: `${srv.base}/`, jwks_uri: `${srv.base}/keys` }));
    srv.route('/.well-known/openid-configuration', json({ issuer: srv.base, jwks_uri: `${srv.base}/keys` }));
    srv.route('/keys', json(set('k1')));
    const t = await mint(srv.base, 'k1');
    const e = await keyRefusal(ok(verifierFor({ issuer: srv.base, discover: true }), t), t);
    assert.match(e.message, /names issuer .* not .*trailing slash/);
    assert.deepEqual(srv.hits, ['/.well-known/oauth-authorization-server']);
  });

  test('bad metadata: no jwks_uri, a plain-http jwks_uri, not json, nothing found', async () => {
    const srv = await server();
    const cases = [
      [json({ issuer: srv.base }), /no jwks_uri/],
      [json({ issuer: srv.base, jwks_uri: 'http://idp.example.com/keys' }), /must use https/],
      [json('not json'), /not json/],
      [json([srv.base]), /not a json object/],
    ];
    for (const [handler, why] of cases) {
      srv.route('/.well-known/oauth-authorization-server', handler);
      assert.match((await rejection(new JwksCache().discover(srv.base))).message, why);
    }
    srv.route('/.well-known/oauth-authorization-server', null);
    assert.match((await rejection(new JwksCache().discover(srv.base))).message, /no metadata for issuer .*http 404/);
  });
});
