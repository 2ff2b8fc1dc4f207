// The MCP server's authorization server: RFC 8414 metadata, its JWKS, and idjag's token
// endpoint for the jwt-bearer grant (RFC 7523) carrying an ID-JAG. A web-standard
// `(request: Request) => Promise<Response>` handler: it runs under node:http (through
// examples/lib/serve-fetch.js), Deno.serve, Bun.serve or a Worker.
//
// DEMO ONLY: the client secret below is public and the signing key lives in memory (pass
// `privateJwk` to keep it across restarts; a real server keeps it in a KMS).
import { AccessTokenIssuer, authorizationServerMetadata, createTokenEndpoint, refuseAuthorizationRequest } from 'idjag/server';

/**
 * The enterprise's deployment of the demo MCP client, as the enterprise IdP names it in ID-JAGs
 * (I5). Its grants must come from the enterprise IdP (`allowedIssuers`, set when the issuers are
 * known: demoClients()).
 */
export const DEMO_AS_CLIENT = Object.freeze({
  clientId: 'mcp-demo-client-at-files',
  clientSecret: 'mcp-demo-client-as-secret',
});

/** The partner company's deployment of the MCP client (examples/idp/partner.js); grants from the partner IdP only. */
export const PARTNER_AS_CLIENT = Object.freeze({
  clientId: 'partner-mcp-client-at-files',
  clientSecret: 'partner-mcp-client-as-secret',
});

/**
 * The client registrations: the enterprise client, and with a partner IdP the partner client,
 * each limited to its own company's IdP (issue 11: `allowedIssuers`, checked before the grant's
 * jti is consumed). With one IdP there is nothing to limit.
 */
export function demoClients({ idpIssuer, partnerIdpIssuer }) {
  if (partnerIdpIssuer === undefined) return [DEMO_AS_CLIENT];
  return [
    { ...DEMO_AS_CLIENT, allowedIssuers: [idpIssuer] },
    { ...PARTNER_AS_CLIENT, allowedIssuers: [partnerIdpIssuer] },
  ];
}

/**
 * The enterprise policy of this authorization server (a GrantPolicy, the same JSON in every
 * runtime). The IdPs already decide per user (examples/idp/policy.json, partner.js); here the
 * server says which IdP's grants may carry which scopes of its MCP server: the enterprise IdP's
 * every scope, the partner IdP's `files.read` at most. Which client may bring which IdP's grants
 * is in the client registrations (demoClients).
 */
export function demoGrantPolicy({ idpIssuer, partnerIdpIssuer, mcpServerUrl, scopes }) {
  if (partnerIdpIssuer === undefined) {
    return {
      rules: [
        {
          id: 'demo-client-files',
          effect: 'allow',
          issuers: [idpIssuer],
          clients: [DEMO_AS_CLIENT.clientId],
          resources: [mcpServerUrl],
          scopes,
        },
      ],
    };
  }
  return {
    rules: [
      { id: 'enterprise-files', effect: 'allow', issuers: [idpIssuer], resources: [mcpServerUrl], scopes },
      { id: 'partner-files-read', effect: 'allow', issuers: [partnerIdpIssuer], resources: [mcpServerUrl], scopes: scopes.filter((s) => s === 'files.read') },
    ],
  };
}

/**
 * @param {{
 *   issuer: string,              // this server's issuer identifier = its base URL (no trailing slash)
 *   idpIssuer: string,           // the trusted enterprise IdP; its keys are discovered (RFC 8414 / OIDC)
 *   partnerIdpIssuer?: string,   // a second trusted IdP, the partner company's: access-token subjects are then
 *                                // `<IdP iss>#<IdP sub>` (idjag's token endpoint, with more than one issuer)
 *   mcpServerUrl: string,        // the MCP server this server issues tokens for (RFC 8707 resource)
 *   scopes: string[],            // the MCP server's scopes
 *   policy?: object,             // a GrantPolicy; default demoGrantPolicy()
 *   clients?: Array<{ clientId: string, clientSecret: string, allowedIssuers?: string[] }>, // default demoClients()
 *   privateJwk?: JsonWebKey,     // the access-token signing key; default a generated ES256 key
 *   onDecision?: (event: object) => void, // the token endpoint's audit events (token-free)
 *   fetch?: typeof fetch,        // for the IdP's metadata and JWKS
 * }} options
 */
export function createAuthorizationServer(options) {
  const { issuer, idpIssuer, partnerIdpIssuer, mcpServerUrl, scopes, privateJwk, onDecision, fetch } = options;
  const clients = options.clients ?? demoClients({ idpIssuer, partnerIdpIssuer });
  const policy = options.policy ?? demoGrantPolicy({ idpIssuer, partnerIdpIssuer, mcpServerUrl, scopes });
  const idpIssuers = partnerIdpIssuer === undefined ? [idpIssuer] : [idpIssuer, partnerIdpIssuer];
  const tokenEndpoint = `${issuer}/token`;
  const jwksUri = `${issuer}/jwks`;
  const tokens = new AccessTokenIssuer({ issuer, ...(privateJwk ? { privateJwk } : {}) });

  const endpoint = createTokenEndpoint({
    grants: {
      audience: issuer, // R20: aud must be exactly this issuer
      // Two IdPs: the same `sub` may name two people, so the token endpoint mints
      // `sub: "<IdP iss>#<IdP sub>"` (and always records the IdP in `sub_id`).
      issuers: idpIssuers.map((i) => ({ issuer: i, discover: true })),
      resources: [mcpServerUrl], // R32
      // The SDK's CrossAppAccessProvider asks for every scope the MCP server advertises;
      // grant exactly what the ID-JAG carries of them instead of refusing (R35, RFC 6749 §3.3).
      scopeRequest: 'intersect',
      policy,
    },
    accessTokenIssuer: tokens,
    tokenEndpoint,
    clients: clients.map((c) => ({
      clientId: c.clientId, clientSecret: c.clientSecret, tokenEndpointAuthMethod: 'client_secret_basic',
      ...(c.allowedIssuers ? { allowedIssuers: c.allowedIssuers } : {}),
    })),
    ...(onDecision ? { onDecision } : {}),
    ...(fetch ? { fetch } : {}),
  });

  const authorizationEndpoint = `${issuer}/authorize`;
  const metadata = authorizationServerMetadata({
    issuer,
    tokenEndpoint,
    jwksUri,
    tokenEndpointAuthMethods: ['client_secret_basic'],
    scopesSupported: scopes,
    // The MCP SDKs' clients (TypeScript 2.4, Python mcp 2.3) refuse metadata without an
    // authorization_endpoint. This one is real and grants nothing: served by
    // refuseAuthorizationRequest below, advertised with response_types_supported [].
    refusingAuthorizationEndpoint: authorizationEndpoint,
  });

  /** @param {Request} request @returns {Promise<Response>} */
  async function handle(request) {
    const { pathname } = new URL(request.url);
    if (pathname === '/token') return endpoint(request); // answers 405 itself for other methods
    if (pathname === '/authorize') return refuseAuthorizationRequest(request); // RFC 6749 §4.1.2.1, never a redirect
    const document = {
      '/.well-known/oauth-authorization-server': metadata,
      '/jwks': tokens.jwks(),
    }[pathname];
    if (document === undefined) return Response.json({ error: 'not_found' }, { status: 404 });
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return Response.json({ error: 'invalid_request' }, { status: 405, headers: { allow: 'GET, HEAD' } });
    }
    // Public documents: readable cross-origin (the Grant Inspector, browser clients).
    return Response.json(document, { headers: { 'access-control-allow-origin': '*', 'cache-control': 'max-age=300' } });
  }

  return { issuer, handle, metadata, tokenEndpoint, jwksUri, jwks: () => tokens.jwks() };
}
