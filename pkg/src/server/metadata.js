// Discovery documents: RFC 8414 authorization server metadata (advertising the jwt-bearer
// grant and the ID-JAG profile) and RFC 9728 protected resource metadata for the MCP server.
// Both omit members whose value would be an empty array (RFC 8414 §3.2; RFC 9728 §3.2 reads
// the same): "Claims with zero elements MUST be omitted from the response."
import { configError } from '../errors.js';

const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const ID_JAG_PROFILE = 'urn:ietf:params:oauth:grant-profile:id-jag';
const AUTH_METHODS = ['client_secret_basic', 'client_secret_post', 'private_key_jwt'];

// Checks an absolute URL without a fragment and returns it exactly as given (identifiers
// are compared as strings, so no normalisation).
function url(value, what) {
  let u = null;
  try {
    u = new URL(value);
  } catch {
    // refused below
  }
  if (typeof value !== 'string' || u === null || u.hash || value.includes('#')) {
    throw configError(`${what} must be an absolute url without a fragment`);
  }
  return value;
}

function stringList(value, what) {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && v.length > 0)) {
    throw configError(`${what} must be an array of non-empty strings`);
  }
  return [...value];
}

// RFC 8414 §3.2 / RFC 9728 §3.2: zero-element members are omitted, not sent as [].
function withoutEmptyArrays(doc, keep = []) {
  for (const [k, v] of Object.entries(doc)) {
    if (Array.isArray(v) && v.length === 0 && !keep.includes(k)) delete doc[k];
  }
  return doc;
}

/**
 * RFC 8414 metadata of the authorization server (serve it at
 * `/.well-known/oauth-authorization-server`). `issuer` is exactly the grants' `audience`.
 *
 * `refusingAuthorizationEndpoint`: for the MCP SDKs' clients, whose metadata schemas require an
 * `authorization_endpoint` although RFC 8414 §2 lets a server without the authorization code
 * flow leave it out (the TypeScript SDK's `OAuthMetadataSchema`, the Python SDK's `OAuthMetadata`
 * pydantic model). The URL is advertised as `authorization_endpoint` with
 * `response_types_supported: []` — the truth: it supports no response type — and whatever is
 * served there must be {@link refuseAuthorizationRequest}, which answers every request with an
 * RFC 6749 §4.1.2.1 error and never redirects.
 *
 * @param {{ issuer: string, tokenEndpoint: string, jwksUri: string,
 *   tokenEndpointAuthMethods?: string[], scopesSupported?: string[],
 *   refusingAuthorizationEndpoint?: string, [extra: string]: unknown }} options
 */
export function authorizationServerMetadata(options) {
  const {
    issuer, tokenEndpoint, jwksUri, tokenEndpointAuthMethods = AUTH_METHODS, scopesSupported,
    refusingAuthorizationEndpoint, ...extra
  } = options ?? {};
  if (typeof issuer !== 'string' || !issuer) throw configError('issuer is required');
  const methods = stringList(tokenEndpointAuthMethods, 'tokenEndpointAuthMethods');
  if (methods.some((m) => !AUTH_METHODS.includes(m) && m !== 'none')) throw configError('unknown token endpoint auth method');
  const scopes = scopesSupported === undefined ? [] : stringList(scopesSupported, 'scopesSupported');
  const keep = [];
  const authorization = {};
  if (refusingAuthorizationEndpoint !== undefined) {
    if ('authorization_endpoint' in extra || 'response_types_supported' in extra) {
      throw configError('refusingAuthorizationEndpoint describes the authorization endpoint: give no authorization_endpoint or response_types_supported with it');
    }
    authorization.authorization_endpoint = url(refusingAuthorizationEndpoint, 'refusingAuthorizationEndpoint');
    // RFC 8414 §2 makes this member REQUIRED and the TypeScript SDK's schema insists on it;
    // the endpoint supports no response type, so the only true value is the empty list (the
    // one exception to §3.2 here, made only with this option).
    authorization.response_types_supported = [];
    keep.push('response_types_supported');
  }
  return withoutEmptyArrays({
    ...extra,
    issuer,
    ...authorization,
    token_endpoint: url(tokenEndpoint, 'tokenEndpoint'),
    jwks_uri: url(jwksUri, 'jwksUri'),
    grant_types_supported: [JWT_BEARER],
    // The ID-JAG profile (JAG §7): the assertion types this server accepts for jwt-bearer.
    authorization_grant_profiles_supported: [ID_JAG_PROFILE],
    token_endpoint_auth_methods_supported: methods,
    ...(methods.includes('private_key_jwt')
      ? { token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'] }
      : {}),
    scopes_supported: scopes,
  }, keep);
}

/**
 * The handler for the URL given as `refusingAuthorizationEndpoint`: a real authorization
 * endpoint (GET and POST, RFC 6749 §3.1) that grants nothing. Every request is answered
 * directly with HTTP 400 and an RFC 6749 §4.1.2.1 error — `invalid_request` without a
 * `response_type`, else `unsupported_response_type` — and is never redirected: this server has
 * no client with a registered redirection URI, and §4.1.2.1 forbids redirecting to one that is
 * not. Other methods get 405.
 * @param {Request} request
 * @returns {Response}
 */
export function refuseAuthorizationRequest(request) {
  const headers = { 'cache-control': 'no-store', 'content-type': 'application/json' };
  if (request.method !== 'GET' && request.method !== 'POST') {
    return new Response(JSON.stringify({ error: 'invalid_request', error_description: 'use GET or POST' }), {
      status: 405, headers: { ...headers, allow: 'GET, POST' },
    });
  }
  // A POST's form body is not read: the answer is the same whatever it says.
  const hasType = request.method === 'GET' && new URL(request.url).searchParams.has('response_type');
  const body = request.method === 'GET' && !hasType
    ? { error: 'invalid_request', error_description: 'response_type is missing; this server supports none' }
    : {
      error: 'unsupported_response_type',
      error_description: 'this authorization server issues access tokens only for ID-JAGs (jwt-bearer at its token endpoint); it supports no response type',
    };
  return new Response(JSON.stringify(body), { status: 400, headers });
}

/**
 * RFC 9728 metadata of the MCP server (serve it at `/.well-known/oauth-protected-resource`
 * + the resource's path). `resource` is the MCP server's canonical URI (the tokens' `aud`).
 * @param {{ resource: string, authorizationServers: string[], scopesSupported?: string[],
 *   resourceName?: string, [extra: string]: unknown }} options
 */
export function protectedResourceMetadata(options) {
  const { resource, authorizationServers, scopesSupported, resourceName, ...extra } = options ?? {};
  if (typeof resource !== 'string' || !resource) throw configError('resource is required');
  url(resource, 'resource');
  if (!Array.isArray(authorizationServers) || authorizationServers.length === 0) throw configError('authorizationServers must list the authorization server issuer');
  return withoutEmptyArrays({
    ...extra,
    resource,
    authorization_servers: stringList(authorizationServers, 'authorizationServers'),
    bearer_methods_supported: ['header'], // what the bearer gates read (adapters/mcp.js): never the query string
    scopes_supported: scopesSupported === undefined ? [] : stringList(scopesSupported, 'scopesSupported'),
    ...(resourceName ? { resource_name: resourceName } : {}),
  });
}

/**
 * The metadata URL for a resource (RFC 9728 §3.1: the well-known string is inserted between
 * the host and the path, and the query, if any, is kept after them), for
 * `requireBearerAuth`'s `resourceMetadataUrl`. The same URL idjag's `discover()` fetches.
 * @param {string} resource
 */
export function protectedResourceMetadataUrl(resource) {
  const u = new URL(resource);
  const path = u.pathname === '/' ? '' : u.pathname;
  return `${u.origin}/.well-known/oauth-protected-resource${path}${u.search}`;
}
