// Cross-check against an implementation nobody here wrote: grants minted by the npm `jose`
// library (SignJWT, keys from jose's generateKeyPair) must be accepted by `idjag` with the
// right VerifiedGrant, and their tampered twins refused with the expected IdJagError code.
// Contract: ../../../shared/design.md ("The JS API", "Error codes"); check order:
// docs/internals.md. Rule ids (R…) from ../shared/spec/rules.md.
//
//   node --test tests/js/jose.test.mjs      (needs the built package: pkg/wasm/idjag_bg.wasm)

import assert from 'node:assert/strict';
import { describe, test, before } from 'node:test';
import {
  SignJWT, generateKeyPair, exportJWK, jwtVerify, decodeProtectedHeader, base64url,
} from 'jose';
import { IdJagVerifier, IdJagError } from 'idjag';

const NOW = 1767225600; // fixed clock: 2026-01-01T00:00:00Z
const now = () => NOW; // idjag's clock: epoch seconds
const nowDate = new Date(NOW * 1000); // jose's
const ISS = 'https://idp.example.com';
const AUD = 'https://as.example.com';
const RES = 'https://mcp.example.com/mcp';
const CLIENT = 'mcp-client-7f3a';
const SUB = 'user-1234';
const SCOPE = 'files:read files:write';
const TYP = 'oauth-id-jag+jwt';

const ALGS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];
const kidOf = (alg) => `jose-${alg.toLowerCase()}`;
const genOpts = (alg) => ({ extractable: true, ...(alg === 'EdDSA' ? { crv: 'Ed25519' } : {}) });

const keys = {};   // alg -> { publicKey, privateKey }  the trusted IdP's keys
const others = {}; // alg -> { privateKey }               same type, NOT published
let jwks;
let jtiCounter = 0;

before(async () => {
  for (const alg of ALGS) {
    keys[alg] = await generateKeyPair(alg, genOpts(alg));
    others[alg] = await generateKeyPair(alg, genOpts(alg));
  }
  jwks = {
    keys: await Promise.all(ALGS.map(async (alg) => ({
      ...(await exportJWK(keys[alg].publicKey)), kid: kidOf(alg), alg, use: 'sig',
    }))),
  };
  for (const k of jwks.keys) assert.equal(k.d, undefined, 'exported JWKS must be public');
});

/** A fresh verifier (single-use replay store per verifier) trusting the jose-made JWKS. */
const verifier = (extra = {}) => new IdJagVerifier({
  audience: AUD,
  issuers: [{ issuer: ISS, jwks: structuredClone(jwks) }],
  resources: [RES],
  ...extra,
});

/** Mint an ID-JAG with jose (JAG §3.1 claims). */
async function mint(alg, { claims = {}, header = {}, key = keys[alg].privateKey, aud = AUD, iat = NOW - 10, exp = NOW + 120 } = {}) {
  const jti = `jose-${alg}-${++jtiCounter}`;
  const jwt = await new SignJWT({ client_id: CLIENT, resource: RES, scope: SCOPE, ...claims })
    .setProtectedHeader({ alg, typ: TYP, kid: kidOf(alg), ...header })
    .setIssuer(ISS)
    .setSubject(SUB)
    .setAudience(aud)
    .setJti(jti)
    .setIssuedAt(iat)
    .setExpirationTime(exp)
    .sign(key);
  return { jwt, jti };
}

/** Expect an IdJagError with `code` (and its OAuth error, and `claim` when given). */
async function refused(promise, code, { oauthError = 'invalid_grant', claim } = {}) {
  let error;
  try {
    const grant = await promise;
    assert.fail(`accepted (subject ${grant?.subject}), expected ${code}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    error = e;
  }
  assert.ok(error instanceof IdJagError, `expected IdJagError, got ${error?.name}: ${error?.message}`);
  assert.ok(error instanceof Error, 'IdJagError must extend Error');
  assert.equal(error.code, code, `code (message: ${error.message})`);
  assert.equal(error.oauthError, oauthError);
  if (claim !== undefined) assert.equal(error.claim, claim);
  return error;
}

const split = (jwt) => jwt.split('.');
const decodeJson = (part) => JSON.parse(new TextDecoder().decode(base64url.decode(part)));
const encodeJson = (obj) => base64url.encode(JSON.stringify(obj));

for (const alg of ALGS) {
  describe(`jose ${alg}`, () => {
    test('jose-minted grant is accepted with the right VerifiedGrant (R9, R10, R15, R17-R24)', async () => {
      const { jwt, jti } = await mint(alg);
      // jose itself accepts what it minted: a refusal below is idjag's, not the input's.
      await jwtVerify(jwt, keys[alg].publicKey, { issuer: ISS, audience: AUD, typ: TYP, currentDate: nowDate });

      const g = await verifier().verify(jwt, { clientId: CLIENT, now });
      assert.equal(g.issuer, ISS);
      assert.equal(g.subject, SUB);
      assert.equal(g.clientId, CLIENT);
      assert.equal(g.audience, AUD);
      assert.deepEqual(g.resources, [RES]);
      assert.deepEqual([...g.scopes].sort(), ['files:read', 'files:write']);
      assert.equal(g.jti, jti);
      assert.equal(g.expiresAt, NOW + 120);
      assert.equal(g.tenant, undefined);
      assert.deepEqual(g.header, decodeProtectedHeader(jwt));
      assert.equal(g.header.alg, alg);
      assert.equal(g.header.kid, kidOf(alg));
      assert.equal(g.claims.sub, SUB);
      assert.equal(g.claims.client_id, CLIENT);
      assert.equal(g.claims.iat, NOW - 10);
    });

    test('requested scope narrows the granted scopes (R35); tenant is returned (R40)', async () => {
      const { jwt } = await mint(alg, { claims: { tenant: 'tenant-a' } });
      const g = await verifier().verify(jwt, { clientId: CLIENT, now, scope: 'files:read' });
      assert.deepEqual(g.scopes, ['files:read']);
      assert.equal(g.tenant, 'tenant-a');
    });

    test('grant without kid: key chosen by alg (R13)', async () => {
      const { jwt } = await mint(alg, { header: { kid: undefined } });
      assert.equal(decodeProtectedHeader(jwt).kid, undefined);
      const g = await verifier().verify(jwt, { clientId: CLIENT, now });
      assert.equal(g.subject, SUB);
    });

    test('payload changed after signing → ERR_SIGNATURE (R15, R31)', async () => {
      const { jwt } = await mint(alg);
      const [h, p, s] = split(jwt);
      const claims = decodeJson(p);
      claims.sub = 'admin';
      const g = verifier();
      await refused(g.verify(`${h}.${encodeJson(claims)}.${s}`, { clientId: CLIENT, now }), 'ERR_SIGNATURE');
      // the untouched original is still accepted by the same verifier (jti not burnt, R29)
      assert.equal((await g.verify(jwt, { clientId: CLIENT, now })).subject, SUB);
    });

    test('aud changed after signing → ERR_SIGNATURE, not ERR_AUDIENCE (R31)', async () => {
      const { jwt } = await mint(alg, { aud: 'https://other-as.example.com' });
      const [h, p, s] = split(jwt);
      const claims = decodeJson(p);
      claims.aud = AUD;
      await refused(verifier().verify(`${h}.${encodeJson(claims)}.${s}`, { clientId: CLIENT, now }), 'ERR_SIGNATURE');
    });

    test('grant signed for another audience → ERR_AUDIENCE (R20)', async () => {
      const { jwt } = await mint(alg, { aud: 'https://other-as.example.com' });
      await refused(verifier().verify(jwt, { clientId: CLIENT, now }), 'ERR_AUDIENCE', { claim: 'aud' });
    });

    test('signature byte flipped → ERR_SIGNATURE (R15)', async () => {
      const { jwt } = await mint(alg);
      const [h, p, s] = split(jwt);
      const sig = base64url.decode(s);
      sig[sig.length >> 1] ^= 0x01;
      await refused(verifier().verify(`${h}.${p}.${base64url.encode(sig)}`, { clientId: CLIENT, now }), 'ERR_SIGNATURE');
    });

    // Header alg swapped after signing. The published JWK carries `alg`, so the kid's key
    // cannot be used with another algorithm: ERR_ALG (R14). Without JWK `alg`, a swap inside
    // the RSA family reaches the signature check and fails there: ERR_SIGNATURE (R15).
    const swapTo = { RS256: 'PS256', PS256: 'RS256', ES256: 'ES384', ES384: 'ES256', EdDSA: 'ES256' }[alg];
    test(`header alg swapped to ${swapTo} → ERR_ALG (JWK alg ${alg}) (R14)`, async () => {
      const { jwt } = await mint(alg);
      const [h, p, s] = split(jwt);
      const header = { ...decodeJson(h), alg: swapTo };
      await refused(verifier().verify(`${encodeJson(header)}.${p}.${s}`, { clientId: CLIENT, now }), 'ERR_ALG');
    });
    if (alg === 'RS256' || alg === 'PS256') {
      test(`header alg swapped to ${swapTo}, JWKS without alg members → ERR_SIGNATURE (R15)`, async () => {
        const { jwt } = await mint(alg);
        const [h, p, s] = split(jwt);
        const header = { ...decodeJson(h), alg: swapTo };
        const v = new IdJagVerifier({
          audience: AUD,
          issuers: [{ issuer: ISS, jwks: { keys: jwks.keys.map(({ alg: _drop, ...k }) => k) } }],
          resources: [RES],
        });
        // the unswapped grant verifies against that JWKS (so the refusal is the swap's)
        assert.equal((await v.verify(jwt, { clientId: CLIENT, now })).subject, SUB);
        await refused(v.verify(`${encodeJson(header)}.${p}.${s}`, { clientId: CLIENT, now }), 'ERR_SIGNATURE');
      });
    }

    for (const bad of ['none', 'HS256']) {
      test(`header alg swapped to ${bad} → ERR_ALG (R10)`, async () => {
        const { jwt } = await mint(alg);
        const [h, p, s] = split(jwt);
        const header = { ...decodeJson(h), alg: bad };
        await refused(verifier().verify(`${encodeJson(header)}.${p}.${s}`, { clientId: CLIENT, now }), 'ERR_ALG');
      });
    }

    test('re-signed with another key of the same type, same kid → ERR_SIGNATURE (R15)', async () => {
      const { jwt } = await mint(alg, { key: others[alg].privateKey });
      await refused(verifier().verify(jwt, { clientId: CLIENT, now }), 'ERR_SIGNATURE');
    });

    test('presented by another client → ERR_CLIENT (R21)', async () => {
      const { jwt } = await mint(alg);
      await refused(verifier().verify(jwt, { clientId: 'other-client', now }), 'ERR_CLIENT', { claim: 'client_id' });
    });
  });
}

describe('jose: header and time variants', () => {
  test('typ "application/oauth-id-jag+jwt" is accepted (R9)', async () => {
    const { jwt } = await mint('ES256', { header: { typ: `application/${TYP}` } });
    assert.equal((await verifier().verify(jwt, { clientId: CLIENT, now })).subject, SUB);
  });

  test('typ "JWT" (an ID Token look-alike) → ERR_TYP (R9)', async () => {
    const { jwt } = await mint('ES256', { header: { typ: 'JWT' } });
    await refused(verifier().verify(jwt, { clientId: CLIENT, now }), 'ERR_TYP');
  });

  test('expired grant → ERR_EXPIRED (R23)', async () => {
    const { jwt } = await mint('RS256', { iat: NOW - 400, exp: NOW - 300 });
    await refused(verifier().verify(jwt, { clientId: CLIENT, now }), 'ERR_EXPIRED', { claim: 'exp' });
  });

  test('lifetime of one hour → ERR_LIFETIME (R26)', async () => {
    const { jwt } = await mint('EdDSA', { exp: NOW - 10 + 3600 });
    await refused(verifier().verify(jwt, { clientId: CLIENT, now }), 'ERR_LIFETIME');
  });

  test('the same jose grant twice → ERR_REPLAY; reusable mode accepts it twice (R29)', async () => {
    const { jwt } = await mint('PS256');
    const single = verifier();
    await single.verify(jwt, { clientId: CLIENT, now });
    await refused(single.verify(jwt, { clientId: CLIENT, now }), 'ERR_REPLAY');
    const reusable = verifier({ replay: 'reusable' });
    await reusable.verify(jwt, { clientId: CLIENT, now });
    assert.equal((await reusable.verify(jwt, { clientId: CLIENT, now })).subject, SUB);
  });

  test('an issuer narrowed to ES256 refuses a valid jose RS256 grant → ERR_ALG (R10)', async () => {
    const { jwt } = await mint('RS256');
    const v = new IdJagVerifier({
      audience: AUD, issuers: [{ issuer: ISS, jwks: structuredClone(jwks), algorithms: ['ES256'] }], resources: [RES],
    });
    await refused(v.verify(jwt, { clientId: CLIENT, now }), 'ERR_ALG');
  });

  test('a JWKS holding a jose-exported PRIVATE key → ERR_CONFIG', async () => {
    const priv = { ...(await exportJWK(keys.ES256.privateKey)), kid: 'leaked' };
    assert.ok(priv.d, 'jose exported the private part');
    assert.throws(
      () => new IdJagVerifier({ audience: AUD, issuers: [{ issuer: ISS, jwks: { keys: [priv] } }], resources: [RES] }),
      (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG' && e.oauthError === null,
    );
  });
});
