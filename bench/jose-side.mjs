// The jose side of every comparison: `jwtVerify` plus the claim checks idjag makes that
// jwtVerify does not, configured from the SAME VerifierOptions object as IdJagVerifier.
// Imports nothing but jose, so the cold-start run charges jose only for jose (+ these checks).

import { createLocalJWKSet, jwtVerify } from 'jose';

const TYP = 'oauth-id-jag+jwt';
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/; // RFC 6749 §3.3 scope-token

/** What the jose side throws for a claim check of its own (jwtVerify throws jose's errors). */
export class Refused extends Error {}

const isStr = (v) => typeof v === 'string' && v.length > 0;

/**
 * A jose verifier that makes the same decisions as IdJagVerifier for a one-issuer
 * configuration (docs/internals.md, check order): typ (R9), alg allow-list (R10), iss (R17),
 * signature with the issuer's JWKS selected by kid (R13–R15), exp/nbf with tolerance (R23, R24),
 * iat not in the future (R25), lifetime (R26, R27), sub/client_id/jti non-empty strings (R19,
 * R22, R28), aud exactly one audience (R20), client_id = authenticated client (R21), resource
 * present and registered (R32, R33) and containing the requested one (R38), requested scope
 * within the grant's (R34, R35). Returns the facts of a VerifiedGrant.
 * No replay check: callers that need one keep their own jti set (see endpoint-server.mjs).
 *
 * @param {{ audience: string, issuers: Array<{ issuer: string, jwks: { keys: object[] } }>,
 *   resources?: string[], algorithms: string[], clockToleranceSec: number, maxLifetimeSec: number }} options
 * @returns {(token: string, ctx: { clientId: string, now: () => number, scope?: string, resource?: string }) => Promise<object>}
 *   `ctx.now`: idjag's clock shape (epoch seconds), so both sides take the same ctx
 */
export function joseVerifier(options) {
  if (options.issuers.length !== 1) throw new Error('joseVerifier: exactly one issuer');
  const [{ issuer, jwks }] = options.issuers;
  const keys = createLocalJWKSet(jwks);
  const registered = new Set(options.resources ?? []);
  const tolerance = options.clockToleranceSec;
  const maxLifetime = options.maxLifetimeSec;
  const jwtOptions = {
    issuer,
    audience: options.audience,
    typ: TYP,
    algorithms: [...options.algorithms],
    clockTolerance: tolerance,
    requiredClaims: ['exp', 'iat', 'sub', 'jti'],
  };
  return async function verify(token, ctx) {
    const nowSec = ctx.now();
    const { payload, protectedHeader } = await jwtVerify(token, keys, { ...jwtOptions, currentDate: new Date(nowSec * 1000) });
    const { aud, exp, iat, sub, jti, client_id: clientId, resource, scope } = payload;
    // jwtVerify accepts an array containing our audience among others; R20 does not.
    if (!(typeof aud === 'string' || (Array.isArray(aud) && aud.length === 1))) throw new Refused('aud');
    if (!isStr(sub) || !isStr(jti) || !isStr(clientId)) throw new Refused('claim');
    if (clientId !== ctx.clientId) throw new Refused('client_id');
    // jwtVerify checks iat only with maxTokenAge; R25 and R26/R27 are ours.
    if (iat > nowSec + tolerance) throw new Refused('iat');
    if (!(exp > iat) || exp - iat > maxLifetime) throw new Refused('lifetime');
    if (payload.nbf !== undefined && payload.nbf > exp) throw new Refused('nbf');
    const resources = typeof resource === 'string' ? [resource] : resource;
    if (!Array.isArray(resources) || resources.length === 0) throw new Refused('resource');
    for (const r of resources) if (typeof r !== 'string' || !registered.has(r)) throw new Refused('resource');
    if (ctx.resource !== undefined && !resources.includes(ctx.resource)) throw new Refused('resource');
    let scopes = [];
    if (scope !== undefined) {
      if (typeof scope !== 'string') throw new Refused('scope');
      scopes = scope.split(' ');
      if (!scopes.every((s) => SCOPE_TOKEN.test(s))) throw new Refused('scope');
    }
    if (ctx.scope !== undefined) {
      const requested = ctx.scope.split(' ');
      if (!requested.every((s) => SCOPE_TOKEN.test(s) && scopes.includes(s))) throw new Refused('scope');
      scopes = requested;
    }
    return {
      issuer: payload.iss, subject: sub, clientId, audience: options.audience, resources, scopes, jti,
      expiresAt: exp, header: protectedHeader, claims: payload,
    };
  };
}
