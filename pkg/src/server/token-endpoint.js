// createTokenEndpoint: the authorization server's token endpoint for the jwt-bearer grant
// (RFC 7523) carrying an ID-JAG, as a web-standard `(Request) => Promise<Response>` handler,
// so it runs unchanged in Node, workerd, Deno and Bun.
//
// Order (rules.md "recommended evaluation order"): the request (R5a, R1, R2) and client
// authentication (R3–R5) in the Rust core (src/token_request.rs, src/client_auth.rs) → the
// grant (R6–R41 and the enterprise policy, src/verify.rs) → the jti consumed (R29, only after
// every other check passed) → the access token minted (R47–R50). Errors on the wire are the
// generic RFC 6749 §5.2 ones; the detailed reason goes to the `onDecision` audit event.
import { WasmClientRegistry, fullCore } from '../core-full.js';
import { jsonText } from '../core.js';
import { IdJagError, configError } from '../errors.js';
import { JwksCache, loadKeys, loaderNow } from '../jwks-cache.js';
import { MemoryReplayStore } from '../replay.js';
import { IdJagVerifier, consumeGrant, optionsPath, verifyUnconsumed } from '../verifier.js';
import { checkOptions, is, nowSec, readClock } from '../options.js';
import { AccessTokenIssuer } from './access-token-issuer.js';
import { decisionEvent, unverifiedFacts } from './audit.js';

const MAX_BODY_BYTES = 64 * 1024;

// What the client sees for each refusal of the grant: generic (design.md).
const GRANT_DESCRIPTIONS = {
  invalid_grant: 'the grant is not valid',
  invalid_scope: 'the requested scope is not valid',
  invalid_target: 'the requested resource is not valid',
};

/**
 * @param {import('../../server.js').TokenEndpointOptions} options
 * @returns {(request: Request) => Promise<Response>}
 */
export function createTokenEndpoint(options) {
  // `clients`, `tokenEndpoint`, … are the core's client registry's (src/client_auth.rs), which
  // checks their members with the same wording; the grants are IdJagVerifier's options.
  checkOptions(options, 'options', 'createTokenEndpoint', {
    'grants!': is.object,
    'accessTokenIssuer!': is.instance(AccessTokenIssuer, 'an AccessTokenIssuer'),
    'clients!': is.array,
    tokenEndpoint: is.string,
    allowPublicClients: is.boolean,
    clientAssertionAlgorithms: is.stringArray,
    onDecision: is.function,
    audit: is.object,
    jwksCache: is.instance(JwksCache, 'a JwksCache'),
    fetch: is.function,
    now: is.clock,
    legacyClientAssertionAudience: is.boolean,
    maxAssertionsPerClient: is.positiveInteger,
    mapSubject: is.function,
  });
  const { grants, accessTokenIssuer, clients, onDecision, audit = {}, now: clock, mapSubject } = options;
  if (clock !== undefined) readClock(clock, 'options.now');
  // The salt reaches a wasm string argument: anything but a string must stop here.
  checkOptions(audit, 'options.audit', 'createTokenEndpoint', { salt: is.string, hashSubject: is.boolean });

  const jwksCache = options.jwksCache ?? new JwksCache({
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(clock ? { now: clock } : {}),
  });
  const verifier = new IdJagVerifier({
    ...grants, jwksCache, ...(options.fetch ? { fetch: options.fetch } : {}), [optionsPath]: 'options.grants',
  });
  // R50 / A2: the tokens' issuer is the audience the grants were made for.
  if (grants.audience !== accessTokenIssuer.issuer) throw configError('options.grants.audience must equal the access token issuer');
  // Client assertions are single-use too (RFC 7523 §3 item 7), in the grants' store.
  const assertionStore = grants.replayStore ?? new MemoryReplayStore();
  const registryText = jsonText({
    issuer: grants.audience,
    clients: clients.map(({ jwksUri, ...c }) => ({ ...c, ...(jwksUri !== undefined ? { jwksUri } : {}) })),
    ...(options.tokenEndpoint !== undefined ? { tokenEndpoint: options.tokenEndpoint } : {}),
    ...(options.allowPublicClients !== undefined ? { allowPublicClients: options.allowPublicClients } : {}),
    ...(options.clientAssertionAlgorithms !== undefined ? { clientAssertionAlgorithms: options.clientAssertionAlgorithms } : {}),
    ...(grants.clockToleranceSec !== undefined ? { clockToleranceSec: grants.clockToleranceSec } : {}),
    ...(options.legacyClientAssertionAudience !== undefined ? { legacyClientAssertionAudience: options.legacyClientAssertionAudience } : {}),
    ...(options.maxAssertionsPerClient !== undefined ? { maxAssertionsPerClient: options.maxAssertionsPerClient } : {}),
  }, 'options');
  // Issue 11: with more than one trusted IdP the same `sub` can name different people, so the
  // access token's `sub` is qualified by the IdP (`<iss>#<sub>`) unless mapSubject names a local
  // account. Every token records the IdP in `sub_id` (RFC 9493 iss_sub).
  const qualifySubject = Array.isArray(grants.issuers) && grants.issuers.length > 1;
  // The client registry of the current wasm instance, rebuilt with the clients' installed keys
  // after a restart (src/core.js).
  const clientKeys = new Map(); // clientId → the loader's snapshot the registry holds
  let registry = null;
  let registryGeneration = -1;
  const liveRegistry = () => {
    if (registry && registryGeneration === fullCore.generation) return registry;
    const r = fullCore.call(() => fullCore.track(new WasmClientRegistry(registryText)));
    for (const [id, snap] of clientKeys) fullCore.call(() => r.setClientJwks(id, snap.text, snap.freshUntilMs / 1000));
    registry = r;
    registryGeneration = fullCore.generation;
    return r;
  };
  liveRegistry();

  const emit = (decision) => {
    if (!onDecision) return;
    try {
      onDecision(decisionEvent(audit, decision));
    } catch {
      // An audit sink that throws must not change the answer.
    }
  };

  return async function tokenEndpoint(request) {
    const at = nowSec(undefined, 'options.now', clock, 'options.now'); // epoch seconds
    const timeMs = at * 1000;
    const checks = ['request'];
    const refuse = (status, oauthError, description, facts, headers = {}) => {
      emit({ outcome: 'failure', status, oauthError, timeMs, checks, ...facts });
      return oauthErrorResponse(status, oauthError, description, headers);
    };
    try {
      return await handle(request, at, timeMs, checks, refuse);
    } catch (e) {
      // The wasm core failed (it restarted; the next request works): fail closed, 500.
      if (e instanceof IdJagError && e.code === 'ERR_INTERNAL') {
        return refuse(500, 'server_error', 'the token could not be issued', { code: e.code, reason: e.message });
      }
      throw e;
    }
  };

  async function handle(request, at, timeMs, checks, refuse) {
    const body = await readBody(request);
    if (body === null) {
      return refuse(400, 'invalid_request', 'the token request is not valid', { reason: 'the request body is too large or unreadable', rule: 'R5a' });
    }
    const url = new URL(request.url);
    const raw = {
      method: request.method,
      contentType: request.headers.get('content-type') ?? undefined,
      query: url.search.slice(1),
      body,
      authorization: request.headers.get('authorization') ?? undefined,
    };
    // private_key_jwt with a jwksUri: the core answers keysNeeded (absent, past their TTL, or
    // an unknown kid); the loader brings the client's keys and the core is asked again.
    let auth;
    for (let round = 0; ; round += 1) {
      const keysNowSec = jwksCache[loaderNow]() / 1000;
      auth = fullCore.call(() => liveRegistry().authenticate(raw, at, keysNowSec));
      const needed = auth.keysNeeded;
      if (!needed) break;
      const clientFail = (reason) => {
        checks.push('client_auth');
        return refuse(401, 'invalid_client', 'client authentication failed', { reason, rule: 'R3', clientId: needed.clientId });
      };
      if (round >= 2) return clientFail('client assertion: the client\'s keys do not hold its kid');
      let snap;
      try {
        snap = await jwksCache[loadKeys](needed.jwksUri, { refresh: needed.reason === 'unknown-kid' });
      } catch (e) {
        return clientFail(`client keys: ${e.message}`);
      }
      if (needed.reason === 'unknown-kid' && snap.docId === clientKeys.get(needed.clientId)?.docId) {
        return clientFail(`client assertion: no key with kid ${JSON.stringify(String(needed.kid ?? '')).slice(0, 66)} in the client's jwks (not refetched: at most once per 30 s)`);
      }
      try {
        fullCore.call(() => liveRegistry().setClientJwks(needed.clientId, snap.text, snap.freshUntilMs / 1000));
      } catch (e) {
        if (e instanceof IdJagError && e.code === 'ERR_INTERNAL') throw e;
        return clientFail(`client keys: ${e.message}`);
      }
      clientKeys.set(needed.clientId, snap);
    }
    if (!auth.ok) {
      const e = auth.error;
      if (e.rule === 'R3' || e.rule === 'R5') checks.push('client_auth');
      const headers = e.status === 401 && e.basicChallenge ? { 'www-authenticate': 'Basic realm="token", charset="UTF-8"' } : {};
      if (e.status === 405) headers.allow = 'POST';
      return refuse(e.status, e.oauthError, e.description, { reason: e.reason, rule: e.rule }, headers);
    }
    checks.push('client_auth');
    const client = { clientId: auth.clientId, authMethod: auth.authMethod };
    if (auth.assertionReplayKey) {
      let fresh;
      try {
        fresh = await assertionStore.consume(auth.assertionReplayKey, auth.assertionReplayUntil, at);
      } catch {
        fresh = null;
      }
      if (fresh !== true) {
        return refuse(401, 'invalid_client', 'client authentication failed', { ...client, reason: fresh === false ? 'client assertion was already used' : 'replay store failed', rule: 'R3' });
      }
    }

    // The grant: every check but replay, then the token's single resource (R50) is settled
    // before the jti is consumed, so a refusal never burns the grant (R29).
    let verified;
    try {
      verified = await verifier[verifyUnconsumed](auth.assertion, {
        clientId: auth.clientId,
        now: () => at,
        ...(auth.scope !== undefined ? { scope: auth.scope } : {}),
        ...(auth.resource !== undefined ? { resource: auth.resource } : {}),
      });
    } catch (e) {
      if (!(e instanceof IdJagError)) throw e;
      checks.push(...(e.checks ?? []));
      return refuse(400, e.oauthError ?? 'invalid_grant', GRANT_DESCRIPTIONS[e.oauthError] ?? GRANT_DESCRIPTIONS.invalid_grant, {
        ...client, ...unverifiedFacts(auth.assertion), code: e.code, reason: e.message, verified: false,
      });
    }
    const { grant } = verified;
    checks.push(...verified.checks);
    const facts = {
      ...client, issuer: grant.issuer, subject: grant.subject, jti: grant.jti, verified: true,
      resource: grant.resources.join(' '), granted: grant.scopes, dropped: grant.droppedScopes,
    };
    if (grant.resources.length !== 1) {
      // R50: the token names one MCP server; a grant for several needs the `resource` parameter.
      return refuse(400, 'invalid_target', GRANT_DESCRIPTIONS.invalid_target, {
        ...facts, code: 'ERR_RESOURCE', reason: grant.resources.length === 0 ? 'the grant names no resource' : 'the grant names several resources: request one', rule: 'R50',
      });
    }
    // Issue 11: the client may be limited to some IdPs (its allowedIssuers), checked before the
    // jti is consumed so a refusal never burns the grant.
    try {
      fullCore.call(() => liveRegistry().checkGrantIssuer(client.clientId, grant.issuer));
    } catch (e) {
      if (!(e instanceof IdJagError) || e.code === 'ERR_INTERNAL') throw e;
      return refuse(400, 'invalid_grant', GRANT_DESCRIPTIONS.invalid_grant, { ...facts, code: e.code, reason: e.message, rule: 'R21' });
    }
    // A local account for (iss, sub) / sub_id, when the host maps them; null refuses the grant.
    let localSubject;
    if (mapSubject) {
      try {
        localSubject = await mapSubject(Object.freeze({ ...grant }));
      } catch (e) {
        return refuse(500, 'server_error', 'the token could not be issued', { ...facts, code: 'ERR_CONFIG', reason: `mapSubject failed: ${String(e?.message ?? e).slice(0, 64)}` });
      }
      if (localSubject === null) {
        return refuse(400, 'invalid_grant', GRANT_DESCRIPTIONS.invalid_grant, { ...facts, code: 'ERR_POLICY', reason: 'no local account for this subject' });
      }
      if (localSubject !== undefined && (typeof localSubject !== 'string' || localSubject === '')) {
        return refuse(500, 'server_error', 'the token could not be issued', { ...facts, code: 'ERR_CONFIG', reason: 'mapSubject must return a non-empty string, null or undefined' });
      }
    }
    checks.push('replay');
    try {
      await verifier[consumeGrant](verified, at);
    } catch (e) {
      if (!(e instanceof IdJagError)) throw e;
      return refuse(400, 'invalid_grant', GRANT_DESCRIPTIONS.invalid_grant, { ...facts, code: e.code, reason: e.message });
    }

    checks.push('mint');
    let minted;
    try {
      minted = accessTokenIssuer.mint({ ...grant, localSubject, qualifySubject }, { now: () => at });
    } catch (e) {
      emit({ outcome: 'failure', status: 500, oauthError: 'server_error', timeMs, checks, ...facts, code: e?.code, reason: 'minting the access token failed' });
      return oauthErrorResponse(500, 'server_error', 'the token could not be issued');
    }
    emit({ outcome: 'success', status: 200, timeMs, checks, ...facts, accessTokenJti: minted.jti, accessTokenSubject: minted.subject });
    // R47–R49: Bearer token, expires_in, the granted scope and resource; no refresh token.
    const answer = { access_token: minted.accessToken, token_type: 'Bearer', expires_in: minted.expiresIn };
    if (minted.scope) answer.scope = minted.scope;
    answer.resource = minted.resource;
    return jsonResponse(200, answer);
  }
}

function jsonResponse(status, body, headers = {}) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache', ...headers },
  });
}

function oauthErrorResponse(status, error, description, headers = {}) {
  return jsonResponse(status, { error, error_description: description }, headers);
}

// The body as text, or null when it is larger than MAX_BODY_BYTES or unreadable. The
// declared length is checked first; a chunked body is read with a running cap.
async function readBody(request) {
  const declared = Number(request.headers.get('content-length'));
  if (declared > MAX_BODY_BYTES) return null;
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > MAX_BODY_BYTES) {
        reader.cancel().catch(() => {});
        return null;
      }
      chunks.push(value);
    }
  } catch {
    return null;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    bytes.set(c, offset);
    offset += c.byteLength;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}
