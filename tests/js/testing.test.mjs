// `idjag/testing` (pkg/src/testing.js over WasmTestIssuer): the test issuer mints grants a
// default IdJagVerifier accepts, and every broken variant is refused with exactly its code.
//
//   node --test tests/js/testing.test.mjs      (needs the built package: make build)

import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, test } from 'node:test';
import { IdJagError, IdJagVerifier, inspect } from 'idjag';
import { TestIssuer } from 'idjag/testing';

const NOW_SEC = 1767225600; // 2026-01-01T00:00:00Z
const NOW = () => NOW_SEC; // idjag's clock: epoch seconds
const AS = 'https://as.example.com';
const RES = 'https://mcp.example.com/mcp';
const CLIENT = 'client-1';
const params = { audience: AS, clientId: CLIENT, resource: RES, scope: 'files:read files:write', now: NOW };

const verifierFor = (idp, extra = {}) => new IdJagVerifier({ audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [RES], ...extra });

// docs/internals.md "Inspect and the test issuer": the variants and the code each gets.
const EXPECTED_VARIANTS = {
  valid: null,
  'bad-signature': 'ERR_SIGNATURE',
  'wrong-aud': 'ERR_AUDIENCE',
  'two-element-aud': 'ERR_AUDIENCE',
  expired: 'ERR_EXPIRED',
  'iat-in-future': 'ERR_NOT_YET_VALID',
  'wrong-typ': 'ERR_TYP',
  'client-mismatch': 'ERR_CLIENT',
  'unknown-kid': 'ERR_KEY',
  'alg-none': 'ERR_ALG',
  'hs256-public-key': 'ERR_ALG',
  crit: 'ERR_HEADER',
  oversized: 'ERR_MALFORMED',
  cnf: 'ERR_UNSUPPORTED',
  replayed: 'ERR_REPLAY',
};

async function outcome(promise) {
  try {
    await promise;
    return null;
  } catch (e) {
    assert.ok(e instanceof IdJagError, `expected an IdJagError, got ${e?.name}: ${e?.message}`);
    return e.code;
  }
}

describe('TestIssuer', () => {
  test('variants: the documented list, each with a code and a description, frozen', () => {
    const v = TestIssuer.variants;
    assert.deepEqual(Object.fromEntries(v.map((x) => [x.name, x.code])), EXPECTED_VARIANTS);
    assert.equal(v[0].name, 'valid');
    for (const x of v) assert.ok(typeof x.description === 'string' && x.description.length > 0, x.name);
    assert.ok(Object.isFrozen(v));
    assert.throws(() => { v[0].code = 'ERR_X'; }, TypeError);
    assert.equal(TestIssuer.variants, v, 'computed once');
  });

  test('a valid grant is accepted by a default verifier, with what was minted', async () => {
    const idp = new TestIssuer({ issuer: 'https://idp.example.com' });
    assert.equal(idp.issuer, 'https://idp.example.com');
    const token = idp.mint({ ...params, subject: 'alice', tenant: 't1', jti: 'jti-1' });
    const g = await verifierFor(idp).verify(token, { clientId: CLIENT, now: NOW });
    assert.equal(g.issuer, 'https://idp.example.com');
    assert.equal(g.subject, 'alice');
    assert.equal(g.clientId, CLIENT);
    assert.equal(g.audience, AS);
    assert.deepEqual(g.resources, [RES]);
    assert.deepEqual(g.scopes.sort(), ['files:read', 'files:write']);
    assert.equal(g.jti, 'jti-1');
    assert.equal(g.tenant, 't1');
    assert.equal(g.header.typ, 'oauth-id-jag+jwt');
    assert.equal(g.header.alg, 'ES256');
    assert.equal(g.claims.iat, NOW_SEC);
    assert.equal(g.claims.exp, NOW_SEC + 60);
  });

  test('every variant is refused by a default verifier with exactly its code (replayed after the valid one)', async () => {
    const idp = new TestIssuer({ issuer: 'https://idp.example.com' });
    const verifier = verifierFor(idp);
    const seen = [];
    for (const v of TestIssuer.variants) {
      const token = idp.mintVariant(v.name, params);
      assert.equal(typeof token, 'string');
      const code = await outcome(verifier.verify(token, { clientId: CLIENT, now: NOW }));
      assert.equal(code, v.code, `variant ${v.name}: got ${code}, expected ${v.code}`);
      seen.push(v.name);
    }
    assert.deepEqual(seen.slice(0, 1), ['valid']);
    assert.ok(seen.indexOf('replayed') > seen.indexOf('valid'));
  });

  test('each refused variant gets its code from a fresh verifier too (no dependence on order)', async () => {
    const idp = new TestIssuer({ issuer: 'https://idp.example.com' });
    for (const v of TestIssuer.variants) {
      if (v.code === null || v.name === 'replayed') continue;
      const code = await outcome(verifierFor(idp).verify(idp.mintVariant(v.name, params), { clientId: CLIENT, now: NOW }));
      assert.equal(code, v.code, v.name);
    }
  });

  test('replayed is the previous valid grant', () => {
    const idp = new TestIssuer({ issuer: 'https://idp.example.com' });
    const valid = idp.mint(params);
    assert.equal(idp.mintVariant('replayed', params), valid);
  });

  test('jwks holds public keys only; privateJwk round-trips to the same key', async () => {
    const idp = new TestIssuer({ issuer: 'https://idp.example.com', kid: 'k-test' });
    const { keys } = idp.jwks();
    assert.equal(keys.length, 1);
    assert.equal(keys[0].kid, 'k-test');
    for (const k of keys) for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k']) assert.equal(k[m], undefined, m);
    const jwk = idp.privateJwk();
    assert.equal(typeof jwk.d, 'string');
    const again = new TestIssuer({ issuer: 'https://idp.example.com', privateJwk: jwk });
    assert.deepEqual(again.jwks(), idp.jwks());
    await verifierFor(idp).verify(again.mint(params), { clientId: CLIENT, now: NOW });
  });

  for (const alg of ['ES384', 'EdDSA']) {
    test(`alg ${alg}`, async () => {
      const idp = new TestIssuer({ issuer: 'https://idp.example.com', alg });
      const g = await verifierFor(idp).verify(idp.mint(params), { clientId: CLIENT, now: NOW });
      assert.equal(g.header.alg, alg);
    });
  }

  test('now defaults to the wall clock; claims are merged last', async () => {
    const idp = new TestIssuer({ issuer: 'https://idp.example.com' });
    const token = idp.mint({ audience: AS, clientId: CLIENT, resource: RES, claims: { email: 'a@example.com' } });
    const g = await verifierFor(idp).verify(token, { clientId: CLIENT });
    assert.ok(Math.abs(g.claims.iat - Date.now() / 1000) < 30);
    assert.equal(g.claims.email, 'a@example.com');
  });

  test('errors are IdJagErrors of the main entry (one shared wasm instance) or TypeErrors', () => {
    const idp = new TestIssuer({ issuer: 'https://idp.example.com' });
    assert.throws(() => idp.mintVariant('no-such-variant', params), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG');
    assert.throws(() => new TestIssuer({ issuer: 'https://idp.example.com', alg: 'HS256' }), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG');
    assert.throws(() => new TestIssuer({ issuer: 'https://idp.example.com', privateJwk: { kty: 'oct', k: 'AAAA' } }), IdJagError);
    const config = (start) => (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG' && e.message.startsWith(start);
    assert.throws(() => new TestIssuer(), config('options must be an object'));
    assert.throws(() => idp.mint({ audience: AS }), config('params.clientId is required'));
    assert.throws(() => idp.mint({ ...params, now: 'yesterday' }), config('params.now must be a function'));
  });

  test('inspect sees what the variants break', () => {
    const idp = new TestIssuer({ issuer: 'https://idp.example.com' });
    const codes = (name) => inspect(idp.mintVariant(name, params), { audience: AS, resource: RES, clientId: CLIENT, now: NOW }).findings.map((f) => f.code);
    assert.deepEqual(codes('valid').filter((c) => c !== 'expires-in'), []);
    assert.ok(codes('alg-none').includes('alg-none'));
    assert.ok(codes('hs256-public-key').includes('alg-hmac'));
    assert.ok(codes('two-element-aud').includes('aud-multiple'));
    assert.ok(codes('expired').includes('expired'));
    assert.ok(codes('cnf').includes('cnf'));
    assert.ok(codes('client-mismatch').includes('client-mismatch'));
  });

  test('require("idjag/testing") (the CommonJS build) works', async () => {
    const require = createRequire(import.meta.url);
    const cjs = require('idjag/testing');
    const main = require('idjag');
    const idp = new cjs.TestIssuer({ issuer: 'https://idp.example.com' });
    assert.equal(cjs.TestIssuer.variants.length, Object.keys(EXPECTED_VARIANTS).length);
    const v = new main.IdJagVerifier({ audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [RES] });
    const g = await v.verify(idp.mint(params), { clientId: CLIENT, now: NOW });
    assert.equal(g.subject, 'user-1');
  });
});
