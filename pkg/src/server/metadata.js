// Discovery documents: RFC 8414 authorization server metadata (advertising the jwt-bearer
// grant and the ID-JAG profile) and RFC 9728 protected resource metadata for the MCP server.
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

/**
 * RFC 8414 metadata of the authorization server (serve it at
 * `/.well-known/oauth-authorization-server`). `issuer` is exactly the grants' `audience`.
 * @param {{ issuer: string, tokenEndpoint: string, jwksUri: string,
 *   tokenEndpointAuthMethods?: string[], scopesSupported?: string[], [extra: string]: unknown }} options
 */
export function authorizationServerMetadata(options) {
  const { issuer, tokenEndpoint, jwksUri, tokenEndpointAuthMethods = AUTH_METHODS, scopesSupported, ...extra } = options ?? {};
  if (typeof issuer !== 'string' || !issuer) throw configError('issuer is required');
  const methods = [...tokenEndpointAuthMethods];
  if (methods.some((m) => !AUTH_METHODS.includes(m) && m !== 'none')) throw configError('unknown token endpoint auth method');
  return {
    ...extra,
    issuer,
    token_endpoint: url(tokenEndpoint, 'tokenEndpoint'),
    jwks_uri: url(jwksUri, 'jwksUri'),
    grant_types_supported: [JWT_BEARER],
    // The ID-JAG profile (JAG §7): the assertion types this server accepts for jwt-bearer.
    authorization_grant_profiles_supported: [ID_JAG_PROFILE],
    token_endpoint_auth_methods_supported: methods,
    ...(methods.includes('private_key_jwt')
      ? { token_endpoint_auth_signing_alg_values_supported: ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'] }
      : {}),
    response_types_supported: [],
    ...(scopesSupported ? { scopes_supported: [...scopesSupported] } : {}),
  };
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
  return {
    ...extra,
    resource,
    authorization_servers: [...authorizationServers],
    bearer_methods_supported: ['header'], // V1: never the query string
    ...(scopesSupported ? { scopes_supported: [...scopesSupported] } : {}),
    ...(resourceName ? { resource_name: resourceName } : {}),
  };
}

/**
 * The metadata URL for a resource (RFC 9728 §3.1: the well-known segment is inserted
 * before the resource's path), for `requireBearerAuth`'s `resourceMetadataUrl`.
 * @param {string} resource
 */
export function protectedResourceMetadataUrl(resource) {
  const u = new URL(resource);
  const path = u.pathname === '/' ? '' : u.pathname;
  return `${u.origin}/.well-known/oauth-protected-resource${path}`;
}
