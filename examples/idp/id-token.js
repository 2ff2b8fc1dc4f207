// The OpenID Connect ID tokens of the demo login: signed with the IdP's key by idjag's test
// issuer (TestIssuer.signJwt, typ "JWT"), and checked again when a client presents one as the
// `subject_token` of a token exchange.
//
// idjag verifies ID-JAGs and access tokens, not ID tokens — the three are kept apart by `typ`
// (S16) — so this module checks its own ID tokens with the smallest honest means at hand:
// idjag's inspect() decodes them strictly (R6–R8: three base64url parts, JSON objects, no
// duplicate members), WebCrypto checks the ES256 signature against the IdP's own public key,
// and the claims are compared below. Nothing here is a second JWT library.
import { inspect } from 'idjag';

export const ID_TOKEN_LIFETIME_SEC = 600;
const CLOCK_TOLERANCE_SEC = 60;

/**
 * Signs an ID token for `user`, audience the client that asked (OIDC Core §2).
 * @param {import('idjag/testing').TestIssuer} signer
 * @param {{ clientId: string, user: { sub: string, email: string, name?: string, groups: string[] }, nowSec: number }} p
 */
export function signIdToken(signer, { clientId, user, nowSec }) {
  const iat = Math.floor(nowSec);
  const claims = {
    iss: signer.issuer, sub: user.sub, aud: clientId, iat, exp: iat + ID_TOKEN_LIFETIME_SEC, auth_time: iat,
    email: user.email, groups: user.groups,
  };
  if (user.name !== undefined) claims.name = user.name;
  return signer.signJwt({}, claims); // header { alg: ES256, typ: JWT, kid }
}

/**
 * A verifier of this IdP's own ID tokens. `verify(token, { clientId, nowSec })` resolves to the
 * claims, or rejects with an Error whose message is a reason for the log (never the token).
 * @param {{ issuer: string, publicJwk: JsonWebKey & { kid: string, alg: string } }} p
 */
export function idTokenVerifier({ issuer, publicJwk }) {
  if (publicJwk.alg !== 'ES256') throw new TypeError('the demo IdP signs with ES256');
  const key = crypto.subtle.importKey('jwk', publicJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);

  return async function verify(token, { clientId, nowSec }) {
    const { header, claims } = inspect(token); // strict decoding only; the findings are about ID-JAGs
    if (header === null || claims === null) throw new Error('not a compact JWS with a JSON header and claims');
    // S16: an ID-JAG (oauth-id-jag+jwt) or an access token (at+jwt) is not an ID token.
    if (header.typ !== 'JWT') throw new Error(`typ is ${JSON.stringify(String(header.typ)).slice(0, 40)}, not JWT`);
    if (header.alg !== publicJwk.alg || header.kid !== publicJwk.kid) throw new Error('not signed with this IdP\'s key');
    const [h, p, s] = token.split('.');
    const valid = await crypto.subtle.verify(
      { name: 'ECDSA', hash: 'SHA-256' }, await key, base64urlBytes(s), new TextEncoder().encode(`${h}.${p}`),
    );
    if (!valid) throw new Error('signature does not verify'); // S15
    if (claims.iss !== issuer) throw new Error('iss is not this IdP');
    // S13 / X2 (JAG §4.3.3): the ID token must have been issued to the authenticated client;
    // otherwise a client could trade another application's ID token for grants.
    if (claims.aud !== clientId) throw new Error('aud is not the authenticated client (S13)');
    const now = nowSec;
    if (typeof claims.exp !== 'number' || now >= claims.exp) throw new Error('expired');
    if (typeof claims.iat !== 'number' || claims.iat > now + CLOCK_TOLERANCE_SEC) throw new Error('iat is in the future');
    if (typeof claims.sub !== 'string' || claims.sub === '') throw new Error('no sub');
    return claims;
  };
}

function base64urlBytes(s) {
  const binary = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}
