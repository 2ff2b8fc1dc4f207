// The token endpoint written with jose, the baseline of the end-to-end run: what an
// authorization server would hand-write to do what `createTokenEndpoint` of `idjag/server`
// does for a jwt-bearer grant (RFC 7523) carrying an ID-JAG:
//   form body → client authentication (client_secret_post) → grant_type → the assertion through
//   jwtVerify + the same claim checks as idjag (jose-side.mjs) → the jti consumed in an in-memory
//   set (R29, after every other check) → an RFC 9068 access token (at+jwt, ES256) → JSON.
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { SignJWT, generateKeyPair } from 'jose';
import { Refused, joseVerifier } from './jose-side.mjs';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const AT_LIFETIME = 300;
const MAX_JTIS = 100_000; // like idjag's MemoryReplayStore default

const json = (status, body, extra = {}) => new Response(JSON.stringify(body), {
  status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra },
});
const oauthError = (status, error) => json(status, { error });

function sameSecret(a, b) {
  const x = Buffer.from(String(a));
  const y = Buffer.from(String(b));
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * @param {{ grants: object, issuer: string, clients: Array<{ clientId: string, clientSecret: string }> }} config
 * @returns {Promise<(request: Request) => Promise<Response>>}
 */
export async function createJoseTokenEndpoint({ grants, issuer, clients }) {
  const verify = joseVerifier(grants);
  const { privateKey } = await generateKeyPair('ES256');
  const kid = 'at-1';
  const secrets = new Map(clients.map((c) => [c.clientId, c.clientSecret]));
  const used = new Map(); // "iss\0jti" → until (epoch s)

  function consume(iss, jti, until, now) {
    const key = `${iss}\u0000${jti}`;
    const seen = used.get(key);
    if (seen !== undefined && seen > now) return false;
    if (used.size >= MAX_JTIS) for (const [k, u] of used) if (u <= now) used.delete(k);
    if (used.size >= MAX_JTIS) throw new Refused('replay store full');
    used.set(key, until);
    return true;
  }

  return async function tokenEndpoint(request) {
    if (request.method !== 'POST') return oauthError(405, 'invalid_request');
    const type = request.headers.get('content-type') ?? '';
    if (!type.startsWith('application/x-www-form-urlencoded')) return oauthError(400, 'invalid_request');
    const form = new URLSearchParams(await request.text());
    const clientId = form.get('client_id');
    const secret = clientId !== null ? secrets.get(clientId) : undefined;
    if (secret === undefined || !sameSecret(form.get('client_secret') ?? '', secret)) return oauthError(401, 'invalid_client');
    if (form.get('grant_type') !== JWT_BEARER) return oauthError(400, 'unsupported_grant_type');
    const assertion = form.get('assertion');
    if (!assertion) return oauthError(400, 'invalid_request');
    const nowSec = Date.now() / 1000;
    const now = () => nowSec;
    let grant;
    try {
      grant = await verify(assertion, {
        clientId, now, scope: form.get('scope') ?? undefined, resource: form.get('resource') ?? undefined,
      });
      if (!consume(grant.issuer, grant.jti, grant.expiresAt + grants.clockToleranceSec, nowSec)) throw new Refused('replay');
    } catch (e) {
      const reason = e instanceof Refused ? e.message : '';
      return oauthError(400, reason === 'scope' ? 'invalid_scope' : reason === 'resource' ? 'invalid_target' : 'invalid_grant');
    }
    const iat = Math.floor(nowSec);
    const scope = grant.scopes.join(' ');
    const accessToken = await new SignJWT({
      iss: issuer, sub: grant.subject, aud: grant.resources.length === 1 ? grant.resources[0] : grant.resources,
      client_id: clientId, iat, exp: iat + AT_LIFETIME, jti: randomUUID(), scope,
    }).setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid }).sign(privateKey);
    return json(200, { access_token: accessToken, token_type: 'Bearer', expires_in: AT_LIFETIME, scope, resource: grant.resources[0] });
  };
}
