// Client-side helpers for Enterprise-Managed Authorization (spec/rules.md §4, §5, §5.4):
//
//   discover(mcpServerUrl)   RFC 9728 protected-resource metadata → RFC 8414 AS metadata
//   requestIdJag(options)    RFC 8693 token exchange at the IdP → the ID-JAG
//   exchangeIdJag(options)   RFC 7523 jwt-bearer at the MCP authorization server → access token
//   clientMetadata(options)  RFC 7591 / CIMD client metadata of an ID-JAG client
//
// What a token endpoint's answer must be is the core's decision (src/client/token_response.rs,
// the wasm export `checkTokenResponse`), and so are the grant types and the grant profile an
// ID-JAG client lists (src/client/mod.rs id_jag_client_metadata, in the export `clientRules`):
// this module does the HTTP, builds the errors and composes the documents.
// The grant is looked at with inspect() (the Rust core), never verified here: the MCP
// authorization server does that. Which URLs may be used is the core's answer (urls.js: https,
// or http on a loopback host). Tokens, secrets and assertions never appear in an error message.
import { brandErrorClass, configError } from './errors.js';
import { checkOptions, is, member } from './options.js';
import { checkUrl, checkUrlReady, urlProblem } from './urls.js';
import { inspect } from './inspect.js';
import { checkTokenResponse, clientRules, verifierCore } from './core-verifier.js';
import { BodyTooLargeError, readCappedText } from './read-capped.js';

const TOKEN_TYPE_ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag';
const GRANT_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const GRANT_JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const GRANT_PROFILE_ID_JAG = 'urn:ietf:params:oauth:grant-profile:id-jag';
const CLIENT_ASSERTION_TYPE_JWT = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const TIMEOUT_MS = 10_000;
const MAX_BYTES = 1 << 20;
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'none'];

/**
 * What a remote server answered that this client cannot use: an OAuth error response
 * (RFC 6749 §5.2; `error` is the server's code), or a response or metadata document that
 * breaks the protocol (`error` is `invalid_response` or `invalid_metadata`, `rule` the
 * rulebook id). Never carries a token.
 */
export class OAuthResponseError extends Error {
  /**
   * @param {string} message
   * @param {{ error: string, errorDescription?: string, errorUri?: string, status: number, rule?: string, url?: string, cause?: unknown }} details
   */
  constructor(message, details) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'OAuthResponseError';
    this.error = details.error;
    if (details.errorDescription !== undefined) this.errorDescription = details.errorDescription;
    if (details.errorUri !== undefined) this.errorUri = details.errorUri;
    this.status = details.status;
    if (details.rule !== undefined) this.rule = details.rule;
    if (details.url !== undefined) this.url = details.url;
  }
}
// Recognised across the package's copies (ESM, CJS bundles): OAuthResponseError.is(e), instanceof.
brandErrorClass(OAuthResponseError, 'idjag.OAuthResponseError');

// ---------------------------------------------------------------------------------------------
// URLs and HTTP

function pickFetch(fetchImpl) {
  if (fetchImpl === undefined) {
    if (typeof globalThis.fetch !== 'function') throw configError('no global fetch; pass options.fetch');
    return (url, init) => globalThis.fetch(url, init);
  }
  if (typeof fetchImpl !== 'function') throw configError('fetch must be a function');
  return fetchImpl;
}

// At most 200 characters of anything a remote server chose, one line.
function clip(value, max = 200) {
  const s = String(value).replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return s.length > max ? `${s.slice(0, max)}…` : s;
}

/**
 * One HTTP exchange: resolves to `{ status, body }` where body is the parsed JSON (or
 * undefined when the response is not JSON). Network failures and timeouts reject with an
 * Error naming the URL only. Redirects are refused.
 */
async function request(fetchImpl, url, init, signal) {
  const timeout = AbortSignal.timeout(TIMEOUT_MS);
  const combined = signal ? anySignal([signal, timeout]) : timeout;
  let res;
  try {
    // 'manual' rather than 'error': not every runtime (workerd) implements 'error'.
    res = await fetchImpl(url.href, { ...init, redirect: 'manual', signal: combined });
  } catch (e) {
    const why = timeout.aborted ? `timed out after ${TIMEOUT_MS} ms` : signal?.aborted ? 'aborted' : 'failed';
    throw new Error(`request to ${url.origin}${url.pathname} ${why}`, { cause: e });
  }
  if (res.type === 'opaqueredirect' || (res.status >= 300 && res.status < 400)) {
    res.body?.cancel?.().catch(() => {});
    throw new OAuthResponseError(`${url.origin}${url.pathname} answered with a redirect, which is not followed`, {
      error: 'invalid_response', status: res.status, url: url.href,
    });
  }
  let text;
  try {
    // A running cap (read-capped.js): a huge or endless body is cut off after MAX_BYTES, not
    // read whole and measured afterwards.
    text = await readCappedText(res, MAX_BYTES);
  } catch (e) {
    if (e instanceof BodyTooLargeError) {
      throw new OAuthResponseError(`response from ${url.origin}${url.pathname} is too large`, { error: 'invalid_response', status: res.status, url: url.href });
    }
    throw new Error(`reading the response of ${url.origin}${url.pathname} failed`, { cause: e });
  }
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  // `text` too: the core reads the body with its own bounded parser. Re-serialising `body`
  // instead would recurse as deep as a hostile server nests it (a RangeError at ~10,000 levels).
  return { status: res.status, body, text: body === undefined ? null : text };
}

function anySignal(signals) {
  if (typeof AbortSignal.any === 'function') return AbortSignal.any(signals);
  const controller = new AbortController();
  for (const s of signals) {
    if (s.aborted) {
      controller.abort(s.reason);
      break;
    }
    s.addEventListener('abort', () => controller.abort(s.reason), { once: true });
  }
  return controller.signal;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Discovery (RFC 9728, RFC 8414, spec/rules.md §5.4, §6.3)

/** RFC 9728 §3.1 / RFC 8414 §3.1: insert the well-known path between the host and the path. */
function wellKnownInserted(url, suffix) {
  let path = url.pathname;
  if (path === '/') path = '';
  return new URL(`${url.origin}/.well-known/${suffix}${path}${url.search}`);
}

// The near misses people make, for identity-check messages.
function nearMiss(actual, expected) {
  if (typeof actual !== 'string') return '';
  if (actual.replace(/\/+$/, '') === expected.replace(/\/+$/, '')) return ' (they differ only by a trailing slash)';
  if (actual.toLowerCase() === expected.toLowerCase()) return ' (they differ only in letter case)';
  return '';
}

async function fetchMetadata(fetchImpl, url, signal) {
  return request(fetchImpl, url, { method: 'GET', headers: { accept: 'application/json' } }, signal);
}

/**
 * Discovers an MCP server's authorization server: RFC 9728 protected-resource metadata
 * (`resource` must equal `mcpServerUrl`), then the RFC 8414 metadata of its first
 * authorization server (`issuer` must equal the URL it was fetched for), falling back to
 * OpenID Connect discovery.
 *
 * @param {string | URL} mcpServerUrl the MCP server's resource identifier (e.g. https://mcp.example.com/mcp)
 * @param {{ fetch?: typeof fetch, resourceMetadataUrl?: string | URL, signal?: AbortSignal }} [options]
 */
export async function discover(mcpServerUrl, options = {}) {
  knownOnly(options, 'discover', ['fetch', 'signal', 'resourceMetadataUrl']);
  const serverUrl = await checkUrlReady(mcpServerUrl, 'mcpServerUrl');
  const resourceId = String(mcpServerUrl);
  const fetchImpl = pickFetch(options.fetch);

  // 1. Protected-resource metadata: from WWW-Authenticate's resource_metadata when the caller
  //    has it, else the path-inserted well-known URL, then the root one (MCP discovery order).
  const prmUrls = options.resourceMetadataUrl !== undefined
    ? [checkUrl(options.resourceMetadataUrl, 'resourceMetadataUrl')]
    : [wellKnownInserted(serverUrl, 'oauth-protected-resource')];
  if (options.resourceMetadataUrl === undefined && (serverUrl.pathname !== '/' || serverUrl.search)) {
    prmUrls.push(new URL(`${serverUrl.origin}/.well-known/oauth-protected-resource`));
  }
  const prm = await firstDocument(fetchImpl, prmUrls, 'protected resource metadata', options.signal);
  if (prm.doc.resource !== resourceId) {
    throw metadataError(
      `protected resource metadata names resource ${quote(prm.doc.resource)}, not ${quote(resourceId)}${nearMiss(prm.doc.resource, resourceId)}`,
      'RFC 9728 §3.3', prm,
    );
  }
  const servers = prm.doc.authorization_servers;
  if (!Array.isArray(servers) || servers.length === 0 || !servers.every((s) => typeof s === 'string')) {
    throw metadataError('protected resource metadata has no authorization_servers', 'RFC 9728 §2', prm);
  }
  const authorizationServer = servers[0];
  let asUrl;
  try {
    asUrl = new URL(authorizationServer);
  } catch {
    throw metadataError(`authorization server ${quote(authorizationServer)} is not an absolute url`, 'RFC 8414 §2', prm);
  }
  const asProblem = urlProblem(asUrl);
  if (asProblem || asUrl.search) {
    throw metadataError(`authorization server ${quote(authorizationServer)} ${asProblem ?? 'must not have a query'}`, 'RFC 8414 §2', prm);
  }

  // 2. Authorization-server metadata: RFC 8414 path insertion, then OIDC discovery (inserted,
  //    then appended), as the MCP authorization spec orders them.
  const asUrls = [wellKnownInserted(asUrl, 'oauth-authorization-server'), wellKnownInserted(asUrl, 'openid-configuration')];
  if (asUrl.pathname !== '/') {
    asUrls.push(new URL(`${asUrl.href.replace(/\/+$/, '')}/.well-known/openid-configuration`));
  }
  const as = await firstDocument(fetchImpl, asUrls, 'authorization server metadata', options.signal);
  if (as.doc.issuer !== authorizationServer) {
    throw metadataError(
      `authorization server metadata names issuer ${quote(as.doc.issuer)}, not ${quote(authorizationServer)}${nearMiss(as.doc.issuer, authorizationServer)}`,
      'RFC 8414 §3.3', as,
    );
  }
  const profiles = as.doc.authorization_grant_profiles_supported;
  return {
    resource: prm.doc.resource,
    authorizationServer,
    metadata: as.doc,
    supportsIdJag: Array.isArray(profiles) && profiles.includes(GRANT_PROFILE_ID_JAG),
    resourceMetadata: prm.doc,
  };
}

async function firstDocument(fetchImpl, urls, what, signal) {
  const misses = [];
  for (const url of urls) {
    const { status, body } = await fetchMetadata(fetchImpl, url, signal);
    if (status === 200 && isObject(body)) return { url: url.href, status, doc: body };
    if (status === 200) {
      throw new OAuthResponseError(`${what} at ${url.href} is not a json object`, { error: 'invalid_metadata', status, url: url.href });
    }
    misses.push(`${url.href} (http ${status})`);
  }
  throw new OAuthResponseError(`no ${what} found: ${misses.join(', ')}`, { error: 'invalid_metadata', status: 404, url: urls[0].href });
}

function metadataError(message, rule, at) {
  return new OAuthResponseError(message, { error: 'invalid_metadata', status: at.status, rule, url: at.url });
}

// Values from metadata are chosen by the server; keep them short in messages.
function quote(v) {
  return typeof v === 'string' ? JSON.stringify(clip(v, 64)) : String(v === undefined ? 'nothing' : typeof v);
}

// ---------------------------------------------------------------------------------------------
// Token requests

function requireString(options, name, { optional = false } = {}) {
  const v = options[name];
  if (v === undefined && optional) return undefined;
  if (typeof v !== 'string' || v.length === 0) throw configError(`${name} must be a non-empty string`);
  return v;
}

// RFC 6749 §2.3.1: client_id and client_secret are form-urlencoded, then joined and base64ed.
function formEncode(s) {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

function basicAuth(clientId, clientSecret) {
  return `Basic ${btoa(`${formEncode(clientId)}:${formEncode(clientSecret)}`)}`;
}

// `clientIdInBody` (default true): with client_secret_basic, also send client_id as a form
// parameter.
function bodyClientIdOption(options) {
  const v = options.clientIdInBody ?? true;
  if (typeof v !== 'boolean') throw configError('clientIdInBody must be a boolean');
  return v;
}

/**
 * The core's verdict on a token endpoint's answer (src/client/token_response.rs
 * check_token_response): the accepted token's fields, or throws the OAuthResponseError it
 * describes, rendered here (the server's own error, a member's value: clipped and quoted).
 */
function tokenResponse(idJag, status, body, text, requestedScope) {
  const answer = verifierCore.call(() => checkTokenResponse(idJag, status, text, requestedScope));
  if (answer.server !== undefined) {
    // The server's own OAuth error (RFC 6749 §5.2): the core found a non-empty `error`.
    const endpoint = idJag ? 'the token exchange endpoint' : 'the authorization server';
    const error = clip(body.error, 64);
    const description = typeof body.error_description === 'string' ? clip(body.error_description) : undefined;
    throw new OAuthResponseError(`${endpoint} refused the request: ${error}${description ? ` (${description})` : ''}`, {
      error,
      errorDescription: description,
      errorUri: typeof body.error_uri === 'string' ? clip(body.error_uri) : undefined,
      status,
    });
  }
  if (answer.rule !== undefined) {
    // `{}` stands for the value of the member the core names, which a message only quotes.
    const message = answer.quoted === undefined ? answer.message : answer.message.replace('{}', () => quote(body[answer.quoted]));
    throw new OAuthResponseError(message, { error: 'invalid_response', status, rule: answer.rule });
  }
  // Accepted: `expires_in`, when sent, is a positive number (the core's check).
  if (body.expires_in !== undefined) answer.expiresIn = body.expires_in;
  return answer;
}

/**
 * RFC 8693 token exchange at the IdP for an ID-JAG (spec/rules.md §4). The core checks the
 * response (checkTokenResponse); returns the grant with its inspect() findings. The grant is
 * not verified here: the MCP authorization server does that.
 *
 * @param {object} options see index.d.ts (RequestIdJagOptions)
 */
export async function requestIdJag(options) {
  knownOnly(options, 'requestIdJag', [
    'tokenEndpoint', 'audience', 'resource', 'scope', 'subjectToken', 'subjectTokenType', 'clientId', 'clientSecret',
    'clientIdInBody', 'clientAssertion', 'grantClientId', 'fetch', 'signal',
  ]);
  const tokenEndpoint = await checkUrlReady(options.tokenEndpoint, 'tokenEndpoint');
  const audience = requireString(options, 'audience');
  const resource = requireString(options, 'resource', { optional: true });
  const scope = requireString(options, 'scope', { optional: true });
  const subjectToken = requireString(options, 'subjectToken');
  const subjectTokenType = requireString(options, 'subjectTokenType');
  const clientId = requireString(options, 'clientId');
  const clientSecret = requireString(options, 'clientSecret', { optional: true });
  const clientAssertion = requireString(options, 'clientAssertion', { optional: true });
  const grantClientId = requireString(options, 'grantClientId', { optional: true });
  // One client authentication method per request: the core's rule (src/client/mod.rs one_client_authentication).
  verifierCore.call(() => clientRules(clientSecret !== undefined, clientAssertion !== undefined, false));
  const clientIdInBody = bodyClientIdOption(options);
  const fetchImpl = pickFetch(options.fetch);

  const form = new URLSearchParams();
  form.set('grant_type', GRANT_TOKEN_EXCHANGE);
  form.set('requested_token_type', TOKEN_TYPE_ID_JAG);
  form.set('audience', audience);
  if (resource !== undefined) form.set('resource', resource);
  if (scope !== undefined) form.set('scope', scope);
  form.set('subject_token', subjectToken);
  form.set('subject_token_type', subjectTokenType);
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (clientSecret !== undefined) {
    headers.authorization = basicAuth(clientId, clientSecret);
    if (clientIdInBody) form.set('client_id', clientId); // identification only (see exchangeIdJag)
  } else if (clientAssertion !== undefined) {
    form.set('client_id', clientId);
    form.set('client_assertion_type', CLIENT_ASSERTION_TYPE_JWT);
    form.set('client_assertion', clientAssertion);
  } else {
    form.set('client_id', clientId); // public client (RFC 6749 §2.3, §3.2.1)
  }

  const { status, body, text } = await request(fetchImpl, tokenEndpoint, { method: 'POST', headers, body: form.toString() }, options.signal);
  if (!verifierCore.available()) await verifierCore.ready(); // a browser still loading the wasm
  const accepted = tokenResponse(true, status, body, text, scope);

  const expect = { audience };
  if (resource !== undefined) expect.resource = resource;
  if (grantClientId !== undefined) expect.clientId = grantClientId;
  const { findings } = inspect(accepted.token, expect);
  const result = { grant: accepted.token };
  if (accepted.expiresIn !== undefined) result.expiresIn = accepted.expiresIn;
  if (accepted.scope !== undefined) result.scope = accepted.scope; // the core's: as requested when absent
  result.findings = findings;
  return result;
}

/**
 * RFC 7523 jwt-bearer request at the MCP authorization server (spec/rules.md §5): trades the
 * ID-JAG for an access token.
 *
 * @param {object} options see index.d.ts (ExchangeIdJagOptions)
 */
export async function exchangeIdJag(options) {
  knownOnly(options, 'exchangeIdJag', [
    'tokenEndpoint', 'grant', 'clientId', 'clientSecret', 'authMethod', 'clientIdInBody', 'scope', 'resource', 'fetch', 'signal',
  ]);
  const tokenEndpoint = await checkUrlReady(options.tokenEndpoint, 'tokenEndpoint');
  const grant = requireString(options, 'grant');
  const clientId = requireString(options, 'clientId');
  const authMethod = options.authMethod ?? 'client_secret_basic';
  if (!AUTH_METHODS.includes(authMethod)) throw configError(`authMethod must be one of ${AUTH_METHODS.join(', ')}`);
  const clientSecret = requireString(options, 'clientSecret', { optional: authMethod === 'none' });
  if (authMethod === 'none' && clientSecret !== undefined) throw configError('authMethod none takes no clientSecret');
  const clientIdInBody = bodyClientIdOption(options);
  const scope = requireString(options, 'scope', { optional: true });
  const resource = requireString(options, 'resource', { optional: true });
  const fetchImpl = pickFetch(options.fetch);

  const form = new URLSearchParams();
  form.set('grant_type', GRANT_JWT_BEARER);
  form.set('assertion', grant);
  if (scope !== undefined) form.set('scope', scope);
  if (resource !== undefined) form.set('resource', resource);
  const headers = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (authMethod === 'client_secret_basic') {
    headers.authorization = basicAuth(clientId, clientSecret);
    // RFC 6749 §3.2.1: "A client MAY use the client_id request parameter to identify itself
    // when sending requests to the token endpoint." It identifies, it does not authenticate,
    // so Basic stays the one authentication method of the request (§2.3.1). Servers that look
    // the client up from the body before checking the Basic header (the MCP Python SDK's
    // authorization server: 401 "Missing client_id" without it) need it; servers that accept
    // both insist they agree (idjag's token endpoint: src/server/client_auth.rs).
    if (clientIdInBody) form.set('client_id', clientId);
  } else {
    form.set('client_id', clientId);
    if (authMethod === 'client_secret_post') form.set('client_secret', clientSecret);
  }

  const { status, body, text } = await request(fetchImpl, tokenEndpoint, { method: 'POST', headers, body: form.toString() }, options.signal);
  const accepted = tokenResponse(false, status, body, text, scope);
  const result = { accessToken: accepted.token, tokenType: accepted.tokenType };
  if (accepted.expiresIn !== undefined) result.expiresIn = accepted.expiresIn;
  if (accepted.scope !== undefined) result.scope = accepted.scope;
  return result;
}

// ---------------------------------------------------------------------------------------------
// Client metadata (RFC 7591 dynamic registration, or a Client ID Metadata Document)

const CLIENT_AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'];

/**
 * The client metadata of an ID-JAG client (JAG -04 §8): `authorization_grant_profiles_supported`
 * lists `urn:ietf:params:oauth:grant-profile:id-jag`, and `grant_types` lists both the token
 * exchange (at the IdP) and jwt-bearer (at the MCP authorization server), as §8 requires of a
 * client that lists the profile. For a registration request body (RFC 7591 §2) or, with
 * `clientId` = the document's own https URL, a Client ID Metadata Document. Its URLs are checked
 * by the wasm core: in a browser, `await ready()` first (like the other synchronous calls).
 *
 * @param {object} [options] see index.d.ts (ClientMetadataOptions)
 */
export function clientMetadata(options = {}) {
  if (options === null || typeof options !== 'object') throw configError('options must be an object');
  const {
    clientId, clientName, clientUri, scope, redirectUris = [], grantTypes = [], tokenEndpointAuthMethod = 'client_secret_basic',
    jwksUri, jwks, ...extra
  } = options;
  const known = ['clientId', 'clientName', 'clientUri', 'scope', 'redirectUris', 'grantTypes', 'tokenEndpointAuthMethod', 'jwksUri', 'jwks'];
  for (const k of Object.keys(extra)) {
    // Other RFC 7591 members pass through as given; camelCase is a typo of an option above.
    if (!/^[a-z0-9_]+$/.test(k)) {
      throw configError(`${member('options', k)} is not an option of clientMetadata (expected one of ${known.join(', ')}, or an RFC 7591 snake_case member)`);
    }
  }
  // The two members are the core's (id_jag_client_metadata), which refuses a caller's own.
  const callerSets = 'grant_types' in extra || 'authorization_grant_profiles_supported' in extra;
  const [tokenExchange, jwtBearer, profile] = verifierCore.call(() => clientRules(false, false, callerSets)).split(' ');
  if (!CLIENT_AUTH_METHODS.includes(tokenEndpointAuthMethod)) {
    throw configError(`tokenEndpointAuthMethod must be one of ${CLIENT_AUTH_METHODS.join(', ')}`);
  }
  const list = (v, name) => {
    if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s.length > 0)) throw configError(`${name} must be an array of non-empty strings`);
    return v;
  };
  const doc = { ...extra };
  if (clientId !== undefined) {
    // A Client ID Metadata Document names itself: client_id is its https URL. It holds no shared
    // secret, so the client authenticates with private_key_jwt or not at all.
    const u = checkUrl(clientId, 'clientId');
    if (u.pathname === '/' || u.search) throw configError('clientId (a client id metadata document url) needs a path and no query');
    if (tokenEndpointAuthMethod.startsWith('client_secret')) {
      throw configError('a client id metadata document cannot use a client secret: tokenEndpointAuthMethod private_key_jwt or none');
    }
    doc.client_id = String(clientId);
  }
  if (clientName !== undefined) doc.client_name = requireString(options, 'clientName');
  if (clientUri !== undefined) { checkUrl(clientUri, 'clientUri'); doc.client_uri = String(clientUri); }
  if (scope !== undefined) doc.scope = requireString(options, 'scope');
  const redirects = list(redirectUris, 'redirectUris');
  if (redirects.length > 0) doc.redirect_uris = [...redirects];
  doc.grant_types = [...new Set([tokenExchange, jwtBearer, ...list(grantTypes, 'grantTypes')])];
  doc.authorization_grant_profiles_supported = [profile];
  doc.token_endpoint_auth_method = tokenEndpointAuthMethod;
  if (jwksUri !== undefined && jwks !== undefined) throw configError('give jwksUri or jwks, not both'); // RFC 7591 §2
  if (jwksUri !== undefined) { checkUrl(jwksUri, 'jwksUri'); doc.jwks_uri = String(jwksUri); }
  if (jwks !== undefined) {
    if (!isObject(jwks) || !Array.isArray(jwks.keys)) throw configError('jwks must be a JWK Set ({ keys: [...] })');
    if (jwks.keys.some((k) => !isObject(k) || ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((m) => m in k))) {
      throw configError('jwks must hold public keys only');
    }
    doc.jwks = jwks;
  }
  if (tokenEndpointAuthMethod === 'private_key_jwt' && doc.jwks_uri === undefined && doc.jwks === undefined) {
    throw configError('private_key_jwt needs jwksUri or jwks');
  }
  return doc;
}

/** Issue 13: an unknown member is ERR_CONFIG naming it (the members' types are checked where they are read). */
function knownOnly(options, owner, names) {
  checkOptions(options, 'options', owner, Object.fromEntries(names.map((n) => [n, is.any])));
}
