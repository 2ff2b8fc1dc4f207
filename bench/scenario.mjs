// The fixed scenario of the benchmark harness (issue 6): one trusted IdP, the test keys,
// grant minting with jose, the VerifierOptions and the verify ctx.
//
// Both sides verify the SAME tokens with the SAME public keys and the same options:
//   idjag: IdJagVerifier (wasm) with replay: 'reusable' so one token can be verified repeatedly;
//   jose:  jwtVerify over a local JWKS + the claim checks idjag makes on top (jose-side.mjs).
// Replay consumption (R29) is excluded from both sides in the verify/cold/memory runs; the
// token-endpoint run includes it on both sides (in-memory jti sets).

import { createPrivateKey } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SignJWT } from 'jose';

export const BENCH_DIR = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(BENCH_DIR, '..');

export const NOW = 1767225600; // 2026-01-01T00:00:00Z: ctx.now / currentDate on both sides
export const NOW_DATE = new Date(NOW * 1000); // jose's currentDate
export const nowClock = () => NOW; // idjag's clock: epoch seconds
export const ISS = 'https://idp.example.com';
export const AUD = 'https://as.example.com';
export const RES = 'https://mcp.example.com/mcp';
export const CLIENT = 'mcp-client-bench';
export const SUB = 'user-1234';
export const GRANT_SCOPE = 'files:read files:write';
export const REQUEST_SCOPE = 'files:read'; // the token request's `scope` (R35: granted = grant ∩ requested)
export const TYP = 'oauth-id-jag+jwt';
export const CLOCK_TOLERANCE = 60;
export const MAX_LIFETIME = 300;
export const LIFETIME = 120; // exp − iat of the minted grants

export const ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'];

// The test IdP's keys (tests/keys, TEST-ONLY, see tests/keys/README.md): RSA 2048, P-256, Ed25519.
const KID = { RS256: 'rsa-1', PS256: 'rsa-pss', ES256: 'ec-256', EdDSA: 'ed-1' };
const PRIVATE_MEMBERS = new Set(['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']);
const privateJwks = JSON.parse(readFileSync(join(ROOT, 'tests', 'keys', 'idp.private.jwks.json'), 'utf8')).keys;
const privByKid = Object.fromEntries(privateJwks.map((k) => [k.kid, k]));

/** The public JWKS both sides trust: one key per benchmarked algorithm, with kid/alg/use. */
export const JWKS = {
  keys: ALGS.map((alg) => {
    const src = privByKid[KID[alg]];
    const pub = Object.fromEntries(Object.entries(src).filter(([k]) => !PRIVATE_MEMBERS.has(k)));
    return { ...pub, kid: KID[alg], alg, use: 'sig' };
  }),
};

const signingKeys = new Map();
function signingKey(alg) {
  let key = signingKeys.get(alg);
  if (!key) {
    key = createPrivateKey({ key: privByKid[KID[alg]], format: 'jwk' });
    signingKeys.set(alg, key);
  }
  return key;
}

let jtiCounter = 0;
/**
 * A valid ID-JAG for the scenario, signed with the test IdP's `alg` key. `claims` and `header`
 * are merged last (a value `undefined` removes the member): the equivalence check's defects.
 */
export async function mintGrant(alg, { iat = NOW - 10, claims = {}, header = {} } = {}) {
  const payload = {
    iss: ISS, sub: SUB, aud: AUD, iat, exp: iat + LIFETIME,
    client_id: CLIENT, resource: RES, scope: GRANT_SCOPE, jti: `bench-${process.pid}-${++jtiCounter}`,
    ...claims,
  };
  const protectedHeader = { alg, typ: TYP, kid: KID[alg], ...header };
  for (const o of [payload, protectedHeader]) for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return new SignJWT(payload).setProtectedHeader(protectedHeader).sign(signingKey(alg));
}

/** VerifierOptions of the idjag side (design.md), JSON only: also what the native binary reads. */
export function verifierOptions({ replay = 'reusable' } = {}) {
  return {
    audience: AUD,
    issuers: [{ issuer: ISS, jwks: JWKS }],
    resources: [RES],
    algorithms: [...ALGS],
    clockToleranceSec: CLOCK_TOLERANCE,
    maxLifetimeSec: MAX_LIFETIME,
    replay,
  };
}

/** ctx of IdJagVerifier.verify: the token request's facts. */
export const verifyCtx = () => ({ clientId: CLIENT, now: nowClock, scope: REQUEST_SCOPE, resource: RES });

