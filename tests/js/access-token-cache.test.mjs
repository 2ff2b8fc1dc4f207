// AccessTokenVerifier's cache of verified access tokens (issue 14): the MCP steady state is one
// access token, many tool calls. A hit must never serve what a fresh verification would refuse:
// past exp (+ tolerance), after its signing key left the key set, when the revocation hook
// refuses it, or without a scope this call requires. Real keys, a real loopback JWKS server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import { AccessTokenVerifier, IdJagError, JwksCache } from 'idjag';
import { AccessTokenIssuer } from 'idjag/server';
import { OAuthError } from '@modelcontextprotocol/server';
import { startJwksServer, json } from './lib/jwks-server.js';

const AS = 'https://as.example';
const MCP = 'https://mcp.example/mcp';
const T0 = Date.parse('2026-11-26T10:00:00Z') / 1000; // epoch seconds
const at = (sec) => () => T0 + sec; // idjag's clock: epoch seconds
const grant = { subject: 'alice', clientId: 'c1', resources: [MCP], scopes: ['files.read', 'files.search'] };

const issuer = new AccessTokenIssuer({ issuer: AS });
const mint = (over = {}, now = at(0)) => issuer.mint({ ...grant, ...over }, { now }).accessToken;
const verifier = (opts = {}) => new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: issuer.jwks(), ...opts });
const refusal = (p) => p.then((v) => assert.fail(`accepted: ${JSON.stringify(v)}`), (e) => e);
const counts = (v) => { const s = v.cacheStats(); return { hits: s.hits, misses: s.misses }; };

test('default on: a miss, then hits; the same facts; cacheStats counts them', async () => {
  const v = verifier();
  const s0 = v.cacheStats();
  assert.deepEqual(
    { enabled: s0.enabled, entries: s0.entries, maxEntries: s0.maxEntries, maxAgeSec: s0.maxAgeSec },
    { enabled: true, entries: 0, maxEntries: 1000, maxAgeSec: 300 },
  );
  assert.equal(s0.hash, 'node:crypto.hash', 'Node 20.12+ has the one-shot hash');
  const token = mint();
  const first = await v.verify(token, { now: at(1) });
  assert.deepEqual(counts(v), { hits: 0, misses: 1 });
  const again = await v.verify(token, { now: at(2) });
  const third = await v.verify(token, { now: at(3) });
  assert.deepEqual(counts(v), { hits: 2, misses: 1 });
  assert.equal(v.cacheStats().entries, 1);
  assert.deepEqual(again, first);
  assert.deepEqual(third.scopes, ['files.read', 'files.search']);
  assert.ok(Object.isFrozen(again) && Object.isFrozen(again.claims), 'a cached verdict is shared, so frozen');
  // Another token is its own entry.
  await v.verify(mint(), { now: at(4) });
  assert.deepEqual(counts(v), { hits: 2, misses: 2 });
  assert.equal(v.cacheStats().entries, 2);
});

test('cache: false verifies every time; bad cache options are ERR_CONFIG', async () => {
  const v = verifier({ cache: false });
  const token = mint();
  await v.verify(token, { now: at(1) });
  await v.verify(token, { now: at(2) });
  assert.deepEqual(v.cacheStats(), { enabled: false, hits: 0, misses: 0, evictions: 0, entries: 0, maxEntries: 0, maxAgeSec: 0, hash: null });
  for (const cache of [null, 5, { maxEntries: 0 }, { maxEntries: 1.5 }, { maxAgeSec: 0 }, { maxAgeSec: 1e6 }, { size: 3 }]) {
    assert.throws(() => verifier({ cache }), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG', JSON.stringify(cache));
  }
  assert.throws(() => verifier({ isRevoked: true }), (e) => e.code === 'ERR_CONFIG');
});

test('expiry on a hit: refused from exp + tolerance on, with the verifier\'s tolerance', async () => {
  const v = verifier({ clockToleranceSec: 30 });
  const token = mint(); // exp = T0 + 300
  assert.equal(decodeJwt(token).exp, T0 + 300);
  await v.verify(token, { now: at(200) });
  await v.verify(token, { now: at(329) }); // exp + 29: still inside the tolerance
  assert.deepEqual(counts(v), { hits: 1, misses: 1 });
  const e = await refusal(v.verify(token, { now: at(330) }));
  assert.equal(e.code, 'ERR_EXPIRED');
  assert.deepEqual(counts(v), { hits: 1, misses: 2 }, 'not served from the cache');
  assert.equal(v.cacheStats().entries, 0, 'the expired entry is dropped');
});

test('maxAgeSec bounds an entry\'s life even when the token lives longer', async () => {
  const long = new AccessTokenIssuer({ issuer: AS, lifetimeSec: 3600 });
  const v = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: long.jwks(), cache: { maxAgeSec: 60 } });
  const token = long.mint(grant, { now: at(0) }).accessToken;
  await v.verify(token, { now: at(0) });
  await v.verify(token, { now: at(59) });
  await v.verify(token, { now: at(60) }); // verified again by the core, then cached again
  await v.verify(token, { now: at(61) });
  assert.deepEqual(counts(v), { hits: 2, misses: 2 });
});

test('a token not yet valid (nbf) is never a hit before nbf − tolerance', async () => {
  const key = await importJWK(issuer.privateJwk(), 'ES256');
  const t = T0;
  const token = await new SignJWT({ client_id: 'c1', jti: 'n1', scope: 'files.read', nbf: t + 100 })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: issuer.jwks().keys[0].kid })
    .setIssuer(AS).setSubject('alice').setAudience(MCP).setIssuedAt(t).setExpirationTime(t + 300).sign(key);
  const v = verifier();
  await v.verify(token, { now: at(50) }); // nbf − 60 ≤ now
  assert.equal((await refusal(v.verify(token, { now: at(30) }))).code, 'ERR_NOT_YET_VALID');
  assert.deepEqual(counts(v), { hits: 0, misses: 2 });
});

test('key removal: once the key set without the signing key is loaded, the cached token is refused', async () => {
  const srv = await startJwksServer();
  try {
    let current = new AccessTokenIssuer({ issuer: AS, kid: 'k1' });
    srv.route('/jwks', json(current.jwks(), { 'cache-control': 'max-age=60' }));
    let clock = T0;
    const jwksCache = new JwksCache({ now: () => clock });
    const v = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwksUri: `${srv.base}/jwks`, jwksCache });
    const old = current.mint(grant, { now: at(0) }).accessToken;
    await v.verify(old, { now: at(1) });
    await v.verify(old, { now: at(2) });
    assert.deepEqual(counts(v), { hits: 1, misses: 1 });
    // The authorization server rotates: k2 only. While the loaded set is fresh the old verdict
    // stands (a fresh verification would accept it too); past its TTL the set is reloaded.
    current = new AccessTokenIssuer({ issuer: AS, kid: 'k2' });
    srv.route('/jwks', json(current.jwks(), { 'cache-control': 'max-age=60' }));
    clock += 30;
    await v.verify(old, { now: at(3) });
    assert.deepEqual(counts(v), { hits: 2, misses: 1 });
    clock += 31;
    const e = await refusal(v.verify(old, { now: at(4) }));
    assert.equal(e.code, 'ERR_KEY', e.message);
    assert.equal(v.cacheStats().entries, 0, 'another key set voids every cached verdict');
    // The new key's tokens verify and are cached; the old token stays refused.
    const fresh = current.mint(grant, { now: at(0) }).accessToken;
    await v.verify(fresh, { now: at(5) });
    await v.verify(fresh, { now: at(6) });
    assert.equal((await refusal(v.verify(old, { now: at(7) }))).code, 'ERR_KEY');
    assert.equal(v.cacheStats().hits, 3);
  } finally {
    await srv.close();
  }
});

test('the same key set refetched past its TTL keeps the cached verdicts', async () => {
  const srv = await startJwksServer();
  try {
    srv.route('/jwks', json(issuer.jwks(), { 'cache-control': 'max-age=60' }));
    let clock = T0;
    const v = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwksUri: `${srv.base}/jwks`, jwksCache: new JwksCache({ now: () => clock }) });
    const token = mint();
    await v.verify(token, { now: at(1) });
    clock += 61;
    await v.verify(token, { now: at(2) }); // keys stale: the core is asked, keys reloaded
    await v.verify(token, { now: at(3) });
    assert.equal(srv.hits.length, 2);
    assert.deepEqual(counts(v), { hits: 1, misses: 2 });
  } finally {
    await srv.close();
  }
});

test('isRevoked: asked on every miss and hit with the claims; a refusal is ERR_POLICY (401 invalid_token)', async () => {
  const revoked = new Set();
  const asked = [];
  const v = verifier({
    OAuthError,
    isRevoked: async (claims) => {
      asked.push(claims.jti);
      return revoked.has(claims.jti);
    },
  });
  const token = mint();
  const { jti } = decodeJwt(token);
  await v.verify(token, { now: at(1) });
  await v.verify(token, { now: at(2) });
  assert.deepEqual(asked, [jti, jti]);
  revoked.add(jti);
  const e = await refusal(v.verify(token, { now: at(3) }));
  assert.ok(e instanceof IdJagError && e.code === 'ERR_POLICY', String(e));
  assert.deepEqual(counts(v), { hits: 2, misses: 1 }, 'refused on a hit');
  const live = mint({}, () => Date.now() / 1000);
  revoked.add(decodeJwt(live).jti);
  const wire = await refusal(v.verifyAccessToken(live));
  assert.ok(wire instanceof OAuthError && wire.code === 'invalid_token');
  assert.equal(wire.cause.code, 'ERR_POLICY');
  // A sync hook too; a hook that throws fails closed with its error.
  const sync = verifier({ isRevoked: (c) => c.sub === 'alice' });
  assert.equal((await refusal(sync.verify(mint(), { now: at(1) }))).code, 'ERR_POLICY');
  const broken = verifier({ isRevoked: () => { throw new Error('revocation list unavailable'); } });
  assert.equal((await refusal(broken.verify(mint(), { now: at(1) }))).message, 'revocation list unavailable');
});

test('per-call requiredScopes apply on a hit (ERR_SCOPE, 403 insufficient_scope)', async () => {
  const v = verifier({ OAuthError });
  const token = mint();
  await v.verify(token, { now: at(1), requiredScopes: ['files.read'] });
  const e = await refusal(v.verify(token, { now: at(2), requiredScopes: ['files.read', 'files.write'] }));
  assert.ok(e instanceof IdJagError && e.code === 'ERR_SCOPE' && e.oauthError === 'invalid_scope', String(e));
  assert.equal(e.message, 'scope "files.write" is required');
  assert.deepEqual((await v.verify(token, { now: at(3), requiredScopes: ['files.search'] })).scopes, ['files.read', 'files.search']);
  assert.deepEqual(counts(v), { hits: 2, misses: 1 });
  // Constructor requiredScopes too, through the SDK interface.
  const strict = verifier({ OAuthError, requiredScopes: ['files.write'] });
  const live = mint({}, () => Date.now() / 1000);
  const info = await verifier({ OAuthError }).verifyAccessToken(live);
  assert.equal(Object.isFrozen(info.scopes), false, 'AuthInfo gets its own scopes array');
  for (let i = 0; i < 2; i++) {
    const w = await refusal(strict.verifyAccessToken(live));
    assert.ok(w instanceof OAuthError && w.code === 'insufficient_scope');
  }
  assert.deepEqual(counts(strict), { hits: 1, misses: 1 }, 'the token was cached although the call was refused');
  // A token without the scope is not cached as having it: a scope-lacking miss leaves nothing wrong behind.
  const narrow = mint({ scopes: ['files.read'] });
  assert.equal((await refusal(v.verify(narrow, { now: at(4), requiredScopes: ['files.search'] }))).code, 'ERR_SCOPE');
  assert.equal((await refusal(v.verify(narrow, { now: at(5), requiredScopes: ['files.search'] }))).code, 'ERR_SCOPE');
});

test('a tampered token with the same claims is a miss and refused; a re-signed one is a miss', async () => {
  const v = verifier();
  const token = mint();
  await v.verify(token, { now: at(1) });
  const [h, p, sig] = token.split('.');
  const flipped = `${h}.${p}.${sig.slice(0, 10)}${sig[10] === 'A' ? 'B' : 'A'}${sig.slice(11)}`;
  assert.equal((await refusal(v.verify(flipped, { now: at(2) }))).code, 'ERR_SIGNATURE');
  // The same header and claims signed by another key under the same kid.
  const other = new AccessTokenIssuer({ issuer: AS, kid: decodeProtectedHeader(token).kid });
  const forged = await new SignJWT(decodeJwt(token)).setProtectedHeader(decodeProtectedHeader(token))
    .sign(await importJWK(other.privateJwk(), 'ES256'));
  assert.equal(forged.split('.')[1], p, 'the same claims');
  assert.equal((await refusal(v.verify(forged, { now: at(3) }))).code, 'ERR_SIGNATURE');
  // ES256 signatures are randomised: the same claims re-signed by the real key verify, as their own entry.
  const resigned = await new SignJWT(decodeJwt(token)).setProtectedHeader(decodeProtectedHeader(token))
    .sign(await importJWK(issuer.privateJwk(), 'ES256'));
  assert.notEqual(resigned, token);
  await v.verify(resigned, { now: at(4) });
  assert.deepEqual(counts(v), { hits: 0, misses: 4 });
  assert.equal(v.cacheStats().entries, 2);
  await v.verify(token, { now: at(5) });
  assert.deepEqual(counts(v), { hits: 1, misses: 4 });
});

test('bounded: least recently used entries go first under churn', async () => {
  const v = verifier({ cache: { maxEntries: 8 } });
  const hot = mint();
  await v.verify(hot, { now: at(1) });
  const cold = [];
  for (let i = 0; i < 40; i++) {
    const t = mint();
    cold.push(t);
    await v.verify(t, { now: at(2) });
    await v.verify(hot, { now: at(2) }); // used between every new token: stays
    assert.ok(v.cacheStats().entries <= 8);
  }
  const s = v.cacheStats();
  assert.deepEqual({ entries: s.entries, evictions: s.evictions, hits: s.hits, misses: s.misses }, { entries: 8, evictions: 33, hits: 40, misses: 41 });
  await v.verify(cold[0], { now: at(3) }); // evicted long ago: verified again
  await v.verify(cold[39], { now: at(3) }); // among the 7 most recent: a hit
  assert.deepEqual(counts(v), { hits: 41, misses: 42 });
  // Only verified tokens enter: a flood of refused ones evicts nothing.
  const before = v.cacheStats().evictions;
  for (let i = 0; i < 20; i++) await refusal(v.verify(`${hot.slice(0, -6)}AAAA${i % 10}A`, { now: at(4) }));
  assert.equal(v.cacheStats().evictions, before);
  await v.verify(hot, { now: at(5) });
  assert.equal(v.cacheStats().hits, 42);
});

test('the cache key in every runtime: node:crypto, the core\'s SHA-256 in wasm, WebCrypto', async () => {
  const { createHash } = await import('node:crypto');
  const { tokenHasher } = await import('../../pkg/src/token-cache.js');
  // The shared wasm instance's tokenDigest (in Node the full build: src/core.js "Loading").
  const { tokenDigest } = await import('../../pkg/src/core-verifier.js');
  const token = mint();
  const expected = createHash('sha256').update(token).digest('base64url');
  const node = tokenHasher();
  assert.equal(node.kind, 'node:crypto.hash');
  assert.equal(node.digest(token), expected);
  const web = tokenHasher({ nodeCrypto: null });
  assert.equal(web.kind, 'webcrypto');
  const k = await web.digest(token);
  assert.equal(Buffer.from(k, 'latin1').toString('base64url'), expected);
  assert.notEqual(await web.digest(mint()), k);
  const wasm = tokenHasher({ nodeCrypto: null, wasmDigest: tokenDigest });
  assert.equal(wasm.kind, 'wasm');
  assert.equal(wasm.digest(token), expected);
  assert.equal(wasm.digest('é\u{1F600}'), createHash('sha256').update('é\u{1F600}').digest('base64url'));
});
