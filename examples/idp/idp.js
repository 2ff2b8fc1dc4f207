// A small enterprise identity provider for the end-to-end demo: OpenID Connect discovery, a
// JWKS, a demo login that issues ID tokens, and the RFC 8693 token exchange that turns a
// user's ID token into an ID-JAG under the admin policy of policy.json (spec/rules.md §4).
//
// `createIdp(config).handle` is a web-standard `(request: Request) => Promise<Response>`: it
// runs under node:http (node.js next to this file), Deno.serve or Bun.serve. Every token is
// signed by idjag's own test issuer (`idjag/testing`); there is no other JWT library.
//
// DEMO ONLY. The users, passwords and client secrets below are public, the signing key lives
// in memory, and POST /demo-login takes a password directly. A real IdP signs users in in the
// browser (the OIDC authorization code flow) and keeps its keys in an HSM.
import { TestIssuer } from 'idjag/testing';
import { idTokenVerifier, ID_TOKEN_LIFETIME_SEC, signIdToken } from './id-token.js';
import { allowedScopes, findApp, loadPolicy, SCOPE_TOKEN } from './policy.js';

const GRANT_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const TOKEN_TYPE_ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag';
const TOKEN_TYPE_ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';
const MAX_BODY_CHARS = 64 * 1024;

/** The demo directory: three users, their groups (the policy decides on these) and passwords. */
export const DEMO_USERS = Object.freeze([
  { email: 'alice@example.com', password: 'alice-demo-password', sub: 'u-1001', name: 'Alice', groups: ['engineering'] },
  { email: 'bob@example.com', password: 'bob-demo-password', sub: 'u-1002', name: 'Bob', groups: ['engineering', 'admins'] },
  { email: 'carol@example.com', password: 'carol-demo-password', sub: 'u-1003', name: 'Carol', groups: ['sales'] },
]);

/**
 * The clients registered at this IdP. `appClientIds` maps a policy app to the client's own
 * identifier at that app's authorization server: the ID-JAG's `client_id` (I5, S22).
 */
export const DEMO_CLIENTS = Object.freeze([
  { clientId: 'mcp-demo-client', clientSecret: 'mcp-demo-client-idp-secret', appClientIds: { 'files-mcp': 'mcp-demo-client-at-files' } },
  // Another SSO application: its users' ID tokens are for it alone (S13).
  { clientId: 'wiki-app', clientSecret: 'wiki-app-idp-secret', appClientIds: {} },
]);

/** A refusal on the wire (RFC 6749 §5.2); `reason` is the detail for the log only. */
class Refusal {
  constructor(status, error, description, reason = description) {
    Object.assign(this, { status, error, description, reason });
  }
}

/**
 * @param {{
 *   issuer: string,                       // this IdP's issuer identifier = its base URL
 *   policy: object,                       // the parsed policy.json
 *   apps?: Record<string, { audience?: string, resource?: string }>, // binds the policy's apps to URLs
 *   users?: typeof DEMO_USERS, clients?: typeof DEMO_CLIENTS,
 *   grantLifetimeSec?: number,            // exp − iat of an ID-JAG, ≤ 300 (I11, R26); default 300
 *   privateJwk?: JsonWebKey,              // an ES256 key to keep the JWKS stable across runs
 *   log?: (event: object) => void,        // one event per request; never secrets, tokens only as previews
 *   now?: () => number,                   // the clock, epoch seconds (idjag's clock shape)
 * }} config
 */
export function createIdp(config) {
  const { issuer, policy, apps: bindings, users = DEMO_USERS, clients = DEMO_CLIENTS, grantLifetimeSec = 300,
    privateJwk, log = () => {}, now = () => Date.now() / 1000 } = config;
  if (typeof issuer !== 'string' || !URL.canParse(issuer) || issuer.endsWith('/')) {
    throw new TypeError('issuer must be an absolute url without a trailing slash');
  }
  if (!Number.isInteger(grantLifetimeSec) || grantLifetimeSec < 1 || grantLifetimeSec > 300) {
    throw new TypeError('grantLifetimeSec must be an integer from 1 to 300');
  }
  const apps = loadPolicy(policy, bindings);
  const signer = new TestIssuer({ issuer, alg: 'ES256', ...(privateJwk ? { privateJwk } : {}) });
  const [publicJwk] = signer.jwks().keys;
  const verifyIdToken = idTokenVerifier({ issuer, publicJwk });
  const endpoints = {
    token: `${issuer}/token`,
    jwks: `${issuer}/jwks`,
    login: `${issuer}/demo-login`,
  };

  // RFC 8414 / OpenID Connect Discovery. No authorization endpoint: sign-in is the demo login.
  const metadata = {
    issuer,
    token_endpoint: endpoints.token,
    jwks_uri: endpoints.jwks,
    grant_types_supported: [GRANT_TOKEN_EXCHANGE],
    token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    identity_chaining_requested_token_types_supported: [TOKEN_TYPE_ID_JAG], // JAG §7.1
    response_types_supported: [],
    subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: [publicJwk.alg],
  };

  const routes = {
    // Public documents: readable cross-origin, so the Grant Inspector can discover the keys.
    'GET /.well-known/openid-configuration': async () => json(200, metadata, PUBLIC),
    'GET /.well-known/oauth-authorization-server': async () => json(200, metadata, PUBLIC),
    'GET /jwks': async () => json(200, signer.jwks(), { ...PUBLIC, 'cache-control': 'max-age=300' }),
    'POST /demo-login': demoLogin,
    'POST /token': tokenExchange,
  };

  /** @param {Request} request @returns {Promise<Response>} */
  async function handle(request) {
    const { pathname } = new URL(request.url);
    const event = { method: request.method, path: pathname };
    let response;
    try {
      const route = routes[`${request.method} ${pathname}`];
      if (route) {
        response = await route(request, event);
      } else if (Object.keys(routes).some((r) => r.endsWith(` ${pathname}`))) {
        response = json(405, { error: 'invalid_request', error_description: 'method not allowed' });
      } else {
        response = json(404, { error: 'not_found' });
      }
    } catch (e) {
      if (!(e instanceof Refusal)) {
        event.reason = `internal error: ${e?.name ?? 'error'}`;
        response = json(500, { error: 'server_error' });
      } else {
        Object.assign(event, { error: e.error, reason: e.reason });
        const headers = e.status === 401 ? { 'www-authenticate': 'Basic realm="demo-idp"' } : {};
        response = json(e.status, { error: e.error, error_description: e.description }, { ...headers, ...NO_STORE });
      }
    }
    event.status = response.status;
    try {
      log(event);
    } catch {
      // a failing logger must not fail the request
    }
    return response;
  }

  /**
   * DEMO ONLY: a password login standing in for the browser sign-in of OIDC. The client
   * authenticates; the ID token's `aud` is that client.
   */
  async function demoLogin(request, event) {
    const form = await readForm(request);
    const client = await authenticateClient(request, form);
    event.client = client.clientId;
    event.user = form.get('username')?.slice(0, 64);
    const user = users.find((u) => u.email === form.get('username'));
    const passwordOk = await sameSecret(form.get('password') ?? '', user?.password ?? '');
    if (!user || !passwordOk) throw new Refusal(400, 'invalid_grant', 'unknown user or wrong password');
    const idToken = signIdToken(signer, { clientId: client.clientId, user, nowSec: now() });
    event.idToken = preview(idToken);
    return json(200, { id_token: idToken, expires_in: ID_TOKEN_LIFETIME_SEC }, NO_STORE);
  }

  /** RFC 8693 token exchange: the user's ID token → an ID-JAG for one application (§4). */
  async function tokenExchange(request, event) {
    const form = await readForm(request);
    const client = await authenticateClient(request, form); // S14: no exchange without client authentication
    event.client = client.clientId;
    if (form.get('grant_type') !== GRANT_TOKEN_EXCHANGE) {
      throw new Refusal(400, 'unsupported_grant_type', 'only the token exchange grant is supported here');
    }
    if (form.get('requested_token_type') !== TOKEN_TYPE_ID_JAG) {
      throw new Refusal(400, 'invalid_request', `requested_token_type must be ${TOKEN_TYPE_ID_JAG}`);
    }
    if (form.has('actor_token') || form.has('actor_token_type')) {
      throw new Refusal(400, 'invalid_request', 'actor tokens are not supported'); // JAG §4.3, S6
    }
    if (form.get('subject_token_type') !== TOKEN_TYPE_ID_TOKEN) {
      throw new Refusal(400, 'invalid_request', `subject_token_type must be ${TOKEN_TYPE_ID_TOKEN}`);
    }
    const subjectToken = form.get('subject_token');
    if (subjectToken === undefined) throw new Refusal(400, 'invalid_request', 'subject_token is missing');
    event.subjectToken = preview(subjectToken);

    // X1, X2 / S13: our own ID token, unexpired, issued to this very client. RFC 8693 §2.2.2
    // answers invalid_request for an invalid subject token (JAG's example says invalid_grant: O27).
    let claims;
    try {
      claims = await verifyIdToken(subjectToken, { clientId: client.clientId, nowSec: now() });
    } catch (e) {
      throw new Refusal(400, 'invalid_request', 'the subject token is not valid', `subject token: ${e.message}`);
    }
    // Group membership comes from the directory now, not from the ID token: a user removed
    // from a group loses the grant at once.
    const user = users.find((u) => u.sub === claims.sub);
    if (!user) throw new Refusal(400, 'invalid_request', 'the subject token is not valid', 'subject token: unknown user');
    event.user = user.email;

    // X5, X6: the (audience, resource) pair must be a registered application.
    const audience = form.get('audience');
    const resource = form.get('resource');
    Object.assign(event, { audience, resource, requestedScope: form.get('scope') });
    if (audience === undefined) throw new Refusal(400, 'invalid_request', 'audience is missing');
    const found = findApp(apps, audience, resource);
    if (found.reason) throw new Refusal(400, 'invalid_target', found.reason);
    const { app } = found;
    event.app = app.name;
    // I5, S22: the ID-JAG names the client as the application's authorization server knows it.
    const grantClientId = client.appClientIds?.[app.name];
    if (grantClientId === undefined) {
      throw new Refusal(400, 'invalid_target', 'this client is not connected to that application', `client ${client.clientId} has no client id at ${app.name}`);
    }

    // The admin policy (S20: least privilege): granted = requested ∩ what the user's groups
    // allow. RFC 8693 §2.2.2: unwilling to issue for the target → invalid_target.
    const allowed = allowedScopes(app, user.groups);
    if (allowed.length === 0) {
      throw new Refusal(400, 'invalid_target', 'the user may not use that application',
        `policy: groups [${user.groups.join(', ')}] match no rule of ${app.name}`);
    }
    const requested = parseScope(form.get('scope'));
    const granted = requested === undefined ? allowed : allowed.filter((s) => requested.includes(s));
    if (granted.length === 0) {
      throw new Refusal(400, 'invalid_scope', 'none of the requested scopes is allowed for this user',
        `policy: ${user.email} may have [${allowed.join(' ')}] at ${app.name}`);
    }

    // I1–I8, I11: typ oauth-id-jag+jwt, aud = the AS issuer, client_id at the AS, the granted
    // resource and scope (I6), a fresh jti, exp − iat ≤ 300 s.
    const scope = granted.join(' ');
    const grant = signer.mint({
      audience: app.audience, clientId: grantClientId, subject: user.sub, resource: app.resource, scope,
      lifetimeSec: grantLifetimeSec, now, claims: { email: user.email },
    });
    event.grant = { preview: preview(grant), client_id: grantClientId, scope };
    // §4.3: the ID-JAG travels in access_token; token_type N_A; no refresh token (S11).
    return json(200, {
      access_token: grant, issued_token_type: TOKEN_TYPE_ID_JAG, token_type: 'N_A', expires_in: grantLifetimeSec, scope,
    }, NO_STORE);
  }

  /**
   * RFC 6749 §2.3.1: client_secret_basic or client_secret_post, never both (R3, T1). Unknown
   * clients and wrong secrets get the same answer, after the same work.
   */
  async function authenticateClient(request, form) {
    const header = request.headers.get('authorization');
    let clientId;
    let secret;
    if (header !== null) {
      const basic = /^Basic\s+([A-Za-z0-9+/]+={0,2})$/i.exec(header.trim());
      const pair = basic ? decodeBasic(basic[1]) : null;
      if (pair === null) throw new Refusal(401, 'invalid_client', 'client authentication failed', 'malformed basic credentials');
      [clientId, secret] = pair;
      if (form.has('client_secret') || form.has('client_assertion')) {
        throw new Refusal(401, 'invalid_client', 'use one client authentication method', 'two client authentication methods');
      }
      if (form.has('client_id') && form.get('client_id') !== clientId) {
        throw new Refusal(401, 'invalid_client', 'client authentication failed', 'client_id differs from the basic credentials');
      }
    } else if (form.has('client_secret')) {
      clientId = form.get('client_id') ?? '';
      secret = form.get('client_secret');
    } else {
      throw new Refusal(401, 'invalid_client', 'client authentication is required', 'no client credentials (S14)');
    }
    const client = clients.find((c) => c.clientId === clientId);
    const secretOk = await sameSecret(secret, client?.clientSecret ?? '');
    if (!client || !secretOk) {
      throw new Refusal(401, 'invalid_client', 'client authentication failed', client ? 'wrong client secret' : 'unknown client');
    }
    return client;
  }

  return {
    issuer,
    handle,
    metadata,
    endpoints,
    jwks: () => signer.jwks(),
    users,
    clients,
    apps,
  };
}

// ---------------------------------------------------------------------------------------------

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
const PUBLIC = { 'access-control-allow-origin': '*' };

function json(status, body, headers = {}) {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json', ...headers } });
}

/**
 * The form body (RFC 6749 §3.2, App. B; EMA-SEC §7.3: never the query string). Empty values
 * count as absent and no parameter may repeat (RFC 6749 §3.1); RFC 8693 allows several
 * `resource`s, but an ID-JAG here is for one application, so a repeated one is invalid_target.
 */
async function readForm(request) {
  const type = (request.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new Refusal(400, 'invalid_request', 'the body must be application/x-www-form-urlencoded');
  }
  const text = await request.text();
  if (text.length > MAX_BODY_CHARS) throw new Refusal(400, 'invalid_request', 'the body is too large');
  const params = new Map();
  for (const [name, value] of new URLSearchParams(text)) {
    if (value === '') continue;
    if (params.has(name)) {
      if (name === 'resource') throw new Refusal(400, 'invalid_target', 'one resource per request');
      throw new Refusal(400, 'invalid_request', `parameter ${name.slice(0, 40)} is repeated`);
    }
    params.set(name, value);
  }
  return params;
}

function parseScope(scope) {
  if (scope === undefined) return undefined;
  const tokens = scope.split(' ');
  if (!tokens.every((t) => SCOPE_TOKEN.test(t))) throw new Refusal(400, 'invalid_scope', 'scope is malformed');
  return tokens;
}

// Basic credentials: base64 of form-urlencoded client_id ":" client_secret (RFC 6749 §2.3.1).
function decodeBasic(b64) {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));
    const colon = text.indexOf(':');
    if (colon < 0) return null;
    const decode = (s) => decodeURIComponent(s.replace(/\+/g, ' '));
    return [decode(text.slice(0, colon)), decode(text.slice(colon + 1))];
  } catch {
    return null;
  }
}

// Compares secrets in time independent of where they differ: both are hashed first.
async function sameSecret(a, b) {
  const encode = (s) => new TextEncoder().encode(s);
  const [x, y] = await Promise.all([a, b].map(async (s) => new Uint8Array(await crypto.subtle.digest('SHA-256', encode(s)))));
  let diff = 0;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ y[i];
  return diff === 0 && b !== '';
}

/** A token as it may appear in a log (S17, C10): its first characters and its length. */
export function preview(token) {
  return `${token.slice(0, 12)}… (${token.length} chars)`;
}
