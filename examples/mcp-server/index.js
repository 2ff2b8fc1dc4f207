// createDemoServers(): the demo MCP server and its authorization server, both web-standard
// `(request: Request) => Promise<Response>` handlers. They trust the enterprise IdP
// (examples/idp) for ID-JAGs, and optionally a partner company's IdP too (examples/idp/partner.js:
// access-token subjects are then `<IdP iss>#<IdP sub>`); the MCP server trusts the authorization
// server for access tokens and fetches its keys from its jwks_uri, as two separate deployments would.
//
//   const { authorizationServer, mcpServer } = createDemoServers({ asIssuer, mcpServerUrl, idpIssuer, partnerIdpIssuer });
//   Deno.serve({ port: 8788 }, authorizationServer.handle); Deno.serve({ port: 8789 }, mcpServer.handle);
//
// node.js next to this file starts both on node:http.
import { createAuthorizationServer, DEMO_AS_CLIENT, demoClients, demoGrantPolicy, PARTNER_AS_CLIENT } from './authorization-server.js';
import { createFilesMcpServer, SCOPE_READ, SCOPE_WRITE } from './mcp-server.js';

export { DEMO_AS_CLIENT, demoClients, demoGrantPolicy, PARTNER_AS_CLIENT, SCOPE_READ, SCOPE_WRITE };

/**
 * @param {{
 *   asIssuer: string,        // the authorization server's issuer = its base URL
 *   mcpServerUrl: string,    // the MCP server's URL, e.g. http://127.0.0.1:8789/mcp
 *   idpIssuer: string,       // the enterprise IdP whose ID-JAGs are accepted
 *   partnerIdpIssuer?: string, // a partner company's IdP, also trusted (its own client: PARTNER_AS_CLIENT)
 *   policy?: object,         // the authorization server's GrantPolicy (default demoGrantPolicy)
 *   onDecision?: (event: object) => void, // every audit event of both servers, token-free
 *   fetch?: typeof fetch,
 *   files?: Record<string, string>,
 * }} options
 */
export function createDemoServers({ asIssuer, mcpServerUrl, idpIssuer, partnerIdpIssuer, policy, onDecision, fetch, files }) {
  for (const [name, value] of Object.entries({ asIssuer, mcpServerUrl, idpIssuer })) {
    if (typeof value !== 'string' || !URL.canParse(value)) throw new TypeError(`${name} must be an absolute url`);
  }
  if (partnerIdpIssuer !== undefined && (typeof partnerIdpIssuer !== 'string' || !URL.canParse(partnerIdpIssuer))) {
    throw new TypeError('partnerIdpIssuer must be an absolute url');
  }
  const scopes = [SCOPE_READ, SCOPE_WRITE];
  const authorizationServer = createAuthorizationServer({
    issuer: asIssuer, idpIssuer, partnerIdpIssuer, mcpServerUrl, scopes, policy, onDecision, fetch,
  });
  const mcpServer = createFilesMcpServer({
    url: mcpServerUrl, authorizationServer: asIssuer, jwksUri: authorizationServer.jwksUri, onDecision, fetch, files,
  });
  return { authorizationServer, mcpServer };
}
