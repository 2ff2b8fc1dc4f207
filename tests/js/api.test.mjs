// Unit tests of the JS layer (pkg/src): what it adds around the Rust core — error mapping,
// the replay store hand-off (R29), jwksUri fetching — with grants minted by `jose`.
//
//   node --test tests/js/api.test.mjs      (needs the built package: make build)

import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { before, describe, test } from 'node:test';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { ERROR_CODES, IdJagError, IdJagVerifier, MemoryReplayStore } from 'idjag';

const NOW = 1767225600; // 2026-01-01T00:00:00Z
const now = () => NOW; // idjag's clock: epoch seconds
const ISS = 'https://idp.example.com';
const AUD = 'https://as.example.com';
const RES = 'https://mcp.example.com/mcp';
const CLIENT = 'client-1';

let key;
let jwks;
let jti = 0;

before(async () => {
  key = await generateKeyPair('ES256', { extractable: true });
  jwks = { keys: [{ ...(await exportJWK(key.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
});

async function mint(claims = {}) {
  return new SignJWT({ client_id: CLIENT, resource: RES, scope: 'a b', jti: `jti-${++jti}`, ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt', kid: 'k1' })
    .setIssuer(ISS)
    .setSubject('user-1')
    .setAudience(AUD)
    .setIssuedAt(NOW - 10)
    .setExpirationTime(NOW + 120)
    .sign(key.privateKey);
}

const options = (extra = {}) => ({
  audience: AUD,
  issuers: [{ issuer: ISS, jwks }],
  resources: [RES],
  ...extra,
});

async function refusal(promise) {
  try {
    await promise;
  } catch (e) {
    assert.ok(e instanceof IdJagError, `expected an IdJagError, got ${e}`);
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'IdJagError');
    return e;
  }
  assert.fail('expected a refusal');
}

describe('exports', () => {
  test('ERROR_CODES: the 20 codes of design.md plus ERR_INTERNAL, frozen', () => {
    assert.equal(ERROR_CODES.length, 21);
    assert.equal(new Set(ERROR_CODES).size, 21);
    assert.ok(Object.isFrozen(ERROR_CODES));
    for (const c of ['ERR_CONFIG', 'ERR_REPLAY', 'ERR_KEY', 'ERR_POLICY', 'ERR_INTERNAL']) assert.ok(ERROR_CODES.includes(c));
  });

  test('IdJagError is an Error with code, oauthError, claim', () => {
    const e = new IdJagError('ERR_CLAIM', 'sub missing', { oauthError: 'invalid_grant', claim: 'sub' });
    assert.ok(e instanceof Error);
    assert.equal(e.name, 'IdJagError');
    assert.equal(e.code, 'ERR_CLAIM');
    assert.equal(e.oauthError, 'invalid_grant');
    assert.equal(e.claim, 'sub');
    assert.equal(new IdJagError('ERR_CONFIG', 'x').oauthError, null);
    assert.ok(!('claim' in new IdJagError('ERR_CONFIG', 'x')));
  });
});

describe('IdJagVerifier', () => {
  test('invalid options throw IdJagError ERR_CONFIG synchronously', () => {
    for (const bad of [undefined, null, 'x', [], {}, { audience: AUD, issuers: [] }]) {
      assert.throws(() => new IdJagVerifier(bad), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG' && e.oauthError === null);
    }
    assert.throws(() => new IdJagVerifier(options({ replayStore: {} })), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG');
  });

  test('verifies a grant and returns the VerifiedGrant fields only', async () => {
    const v = new IdJagVerifier(options());
    const g = await v.verify(await mint(), { clientId: CLIENT, now, scope: 'a' });
    assert.equal(g.issuer, ISS);
    assert.equal(g.subject, 'user-1');
    assert.equal(g.clientId, CLIENT);
    assert.equal(g.audience, AUD);
    assert.deepEqual(g.resources, [RES]);
    assert.deepEqual(g.scopes, ['a']);
    assert.equal(g.expiresAt, NOW + 120);
    assert.equal(g.header.alg, 'ES256');
    assert.equal(g.claims.sub, 'user-1');
    assert.ok(!('replayKey' in g) && !('replayUntil' in g));
    assert.ok(!('tenant' in g));
  });

  test('refusals reject with IdJagError carrying code, oauthError, claim', async () => {
    const v = new IdJagVerifier(options());
    const e = await refusal(v.verify(await mint(), { clientId: 'someone-else', now }));
    assert.equal(e.code, 'ERR_CLIENT');
    assert.equal(e.oauthError, 'invalid_grant');
    const e2 = await refusal(v.verify('not-a-jwt', { clientId: CLIENT, now }));
    assert.equal(e2.code, 'ERR_MALFORMED');
  });

  test('a token that is not a string is ERR_MALFORMED (never handed to wasm)', async () => {
    const v = new IdJagVerifier(options());
    for (const token of [123, undefined, null, {}, ['a.b.c'], new String('a.b.c')]) {
      const e = await refusal(v.verify(token, { clientId: CLIENT, now }));
      assert.equal(e.code, 'ERR_MALFORMED');
      assert.equal(e.oauthError, 'invalid_grant');
    }
    const g = await v.verify(await mint(), { clientId: CLIENT, now }); // the instance is intact
    assert.equal(g.subject, 'user-1');
  });

  test('now defaults to the wall clock', async () => {
    const v = new IdJagVerifier(options());
    const e = await refusal(v.verify(await mint(), { clientId: CLIENT })); // minted for 2026-01-01
    assert.equal(e.code, 'ERR_EXPIRED');
  });

  test('a bad ctx is ERR_CONFIG naming the member, not a verdict', async () => {
    const v = new IdJagVerifier(options());
    const config = (start) => (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG' && e.message.startsWith(start);
    await assert.rejects(v.verify(await mint(), null), config('ctx must be an object'));
    await assert.rejects(v.verify(await mint(), { clientId: CLIENT, now: 'yesterday' }), config('ctx.now must be a function'));
  });
});

describe('replay (R29)', () => {
  test('default store: the second presentation is ERR_REPLAY', async () => {
    const v = new IdJagVerifier(options());
    const t = await mint();
    await v.verify(t, { clientId: CLIENT, now });
    const e = await refusal(v.verify(t, { clientId: CLIENT, now }));
    assert.equal(e.code, 'ERR_REPLAY');
    assert.equal(e.oauthError, 'invalid_grant');
  });

  test('a refused presentation does not consume the jti', async () => {
    const v = new IdJagVerifier(options());
    const t = await mint();
    assert.equal((await refusal(v.verify(t, { clientId: 'wrong', now }))).code, 'ERR_CLIENT');
    await v.verify(t, { clientId: CLIENT, now });
  });

  test("replay: 'reusable' never calls the store", async () => {
    let calls = 0;
    const v = new IdJagVerifier(options({ replay: 'reusable', replayStore: { consume: () => { calls += 1; return true; } } }));
    const t = await mint();
    await v.verify(t, { clientId: CLIENT, now });
    await v.verify(t, { clientId: CLIENT, now });
    assert.equal(calls, 0);
  });

  test('MemoryReplayStore: fresh, replayed, full → ERR_REPLAY', () => {
    const s = new MemoryReplayStore({ maxEntries: 1 });
    const until = Date.now() / 1000 + 60;
    assert.equal(s.consume('a', until), true);
    assert.equal(s.consume('a', until), false);
    assert.equal(s.size, 1);
    assert.throws(() => s.consume('b', until), (e) => e instanceof IdJagError && e.code === 'ERR_REPLAY' && e.message === 'replay store is full');
  });

  test('MemoryReplayStore: an expired entry frees its place (by the wall clock)', () => {
    const s = new MemoryReplayStore({ maxEntries: 1 });
    const past = Date.now() / 1000 - 1;
    assert.equal(s.consume('old', past, past - 60), true);
    assert.equal(s.consume('c', Date.now() / 1000 + 60), true);
  });

  // Issue 11: one verify() with a future `now` used to empty the store, and a grant that was
  // already redeemed was accepted again.
  test('MemoryReplayStore: a caller\'s now in the future does not purge unexpired entries', () => {
    const s = new MemoryReplayStore();
    const until = Date.now() / 1000 + 60;
    assert.equal(s.consume('a', until), true);
    assert.equal(s.consume('b', until + 7200, Date.now() / 1000 + 3600), true);
    assert.equal(s.consume('a', until), false, 'the redeemed grant is still a replay');
  });

  test('MemoryReplayStore: bad arguments are TypeErrors', () => {
    const s = new MemoryReplayStore();
    assert.throws(() => s.consume(42, Date.now() / 1000), TypeError);
    assert.throws(() => s.consume('k', Number.NaN), TypeError);
    assert.throws(() => s.consume('k', Date.now() / 1000, 'now'), TypeError);
    assert.equal(s.size, 0);
  });

  test('MemoryReplayStore: maxEntries must be a positive integer', () => {
    for (const maxEntries of [0, -1, 1.5, 2 ** 32, Number.NaN, '10']) {
      assert.throws(() => new MemoryReplayStore({ maxEntries }), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG');
    }
  });

  test('a full MemoryReplayStore refuses the grant with ERR_REPLAY', async () => {
    const v = new IdJagVerifier(options({ replayStore: new MemoryReplayStore({ maxEntries: 1 }) }));
    await v.verify(await mint(), { clientId: CLIENT, now });
    const e = await refusal(v.verify(await mint(), { clientId: CLIENT, now }));
    assert.equal(e.code, 'ERR_REPLAY');
    assert.match(e.message, /full/);
  });

  test('a custom async store sees the key and expiry, and is honoured', async () => {
    const seen = new Map();
    const calls = [];
    const store = {
      async consume(key, expiresAt, nowSec) {
        calls.push({ key, expiresAt, nowSec });
        await new Promise((r) => setTimeout(r, 1));
        if (seen.has(key)) return false;
        seen.set(key, expiresAt);
        return true;
      },
    };
    const v = new IdJagVerifier(options({ replayStore: store }));
    const t1 = await mint();
    const t2 = await mint();
    await v.verify(t1, { clientId: CLIENT, now });
    await v.verify(t2, { clientId: CLIENT, now });
    assert.equal(calls.length, 2);
    assert.equal(typeof calls[0].key, 'string');
    assert.notEqual(calls[0].key, calls[1].key, 'different jti, different key');
    assert.equal(calls[0].expiresAt, NOW + 120 + 60, 'exp + clock tolerance, epoch seconds');
    assert.equal(calls[0].nowSec, NOW);
    const e = await refusal(v.verify(t1, { clientId: CLIENT, now }));
    assert.equal(e.code, 'ERR_REPLAY');
    assert.equal(calls[2].key, calls[0].key, 'same grant, same key');
  });

  test('a store that refuses (sync false) → ERR_REPLAY', async () => {
    const v = new IdJagVerifier(options({ replayStore: { consume: () => false } }));
    assert.equal((await refusal(v.verify(await mint(), { clientId: CLIENT, now }))).code, 'ERR_REPLAY');
  });

  test('a store that throws or rejects fails closed with ERR_REPLAY', async () => {
    const boom = new Error('connection reset');
    for (const consume of [() => { throw boom; }, async () => { throw boom; }, () => Promise.reject(boom)]) {
      const v = new IdJagVerifier(options({ replayStore: { consume } }));
      const e = await refusal(v.verify(await mint(), { clientId: CLIENT, now }));
      assert.equal(e.code, 'ERR_REPLAY');
      assert.equal(e.oauthError, 'invalid_grant');
      assert.match(e.message, /store failed/);
      assert.equal(e.cause, boom);
    }
  });

  test('a store answering something other than a boolean fails closed', async () => {
    for (const answer of [undefined, 1, 'yes', null]) {
      const v = new IdJagVerifier(options({ replayStore: { consume: async () => answer } }));
      assert.equal((await refusal(v.verify(await mint(), { clientId: CLIENT, now }))).code, 'ERR_REPLAY');
    }
  });
});

describe('jwksUri', () => {
  /** A loopback JWKS server; `respond` decides each answer. */
  async function serve(respond) {
    const hits = [];
    const server = createServer((req, res) => {
      hits.push(req.url);
      respond(req, res);
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    const { port } = server.address();
    return { base: `http://127.0.0.1:${port}`, hits, close: () => new Promise((r) => server.close(r)) };
  }
  const json = (body) => (req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };
  const uriOptions = (jwksUri) => options({ issuers: [{ issuer: ISS, jwksUri }] });

  test('fetched from a loopback http server on first use, once', async () => {
    const srv = await serve(json(jwks));
    try {
      const v = new IdJagVerifier(uriOptions(`${srv.base}/jwks`));
      assert.equal(srv.hits.length, 0, 'nothing fetched before the first verify');
      const [g1, g2] = await Promise.all([
        v.verify(await mint(), { clientId: CLIENT, now }),
        v.verify(await mint(), { clientId: CLIENT, now }),
      ]);
      assert.equal(g1.issuer, ISS);
      assert.equal(g2.issuer, ISS);
      await v.verify(await mint(), { clientId: CLIENT, now });
      assert.deepEqual(srv.hits, ['/jwks'], 'one request, shared by concurrent verifications');
    } finally {
      await srv.close();
    }
  });

  test('a non-loopback http jwksUri is refused (ERR_CONFIG)', () => {
    for (const uri of ['http://idp.example.com/jwks', 'http://10.0.0.1/jwks', 'ftp://idp.example.com/jwks', 'not a url', 'https://user:pw@idp.example.com/jwks']) {
      assert.throws(() => new IdJagVerifier(uriOptions(uri)), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG', uri);
    }
    // https anywhere, http on loopback names: accepted at construction.
    for (const uri of ['https://idp.example.com/jwks', 'http://localhost:1/jwks', 'http://[::1]:1/jwks', 'http://127.0.0.2:1/jwks']) {
      assert.doesNotThrow(() => new IdJagVerifier(uriOptions(uri)), uri);
    }
  });

  test('bad answers are ERR_KEY, and the fetch is retried on the next verify', async () => {
    const answers = [
      (req, res) => { res.writeHead(500); res.end(); },
      json('not json'),
      json([1, 2]),
      json({ nokeys: [] }),
      (req, res) => { res.writeHead(302, { location: '/elsewhere' }); res.end(); },
      json({ keys: [{ kty: 'oct', k: 'AAAA' }] }), // refused by the core's JWKS validation
    ];
    let i = 0;
    const srv = await serve((req, res) => (answers[i++] ?? json(jwks))(req, res));
    try {
      const v = new IdJagVerifier(uriOptions(`${srv.base}/jwks`));
      for (let n = 0; n < answers.length; n += 1) {
        const e = await refusal(v.verify(await mint(), { clientId: CLIENT, now }));
        assert.equal(e.code, 'ERR_KEY', `answer ${n}: ${e.message}`);
        assert.equal(e.oauthError, 'invalid_grant');
      }
      const g = await v.verify(await mint(), { clientId: CLIENT, now });
      assert.equal(g.subject, 'user-1');
      assert.equal(srv.hits.length, answers.length + 1);
    } finally {
      await srv.close();
    }
  });

  test('an unreachable jwksUri is ERR_KEY', async () => {
    const srv = await serve(json(jwks));
    const { base } = srv;
    await srv.close(); // nothing listens there any more
    const v = new IdJagVerifier(uriOptions(`${base}/jwks`));
    const e = await refusal(v.verify(await mint(), { clientId: CLIENT, now }));
    assert.equal(e.code, 'ERR_KEY');
    assert.match(e.message, /jwks/);
  });
});
