// The server side in one file: an authorization server's token endpoint that accepts ID-JAGs,
// and an MCP-style resource that checks the access tokens it mints. Run: node examples/server-quickstart.mjs
// (the README's "Server side" section is this file). A test IdP (idjag/testing) stands in for Okta/Entra.
import { AccessTokenIssuer, AccessTokenVerifier, createTokenEndpoint, authorizationServerMetadata } from 'idjag/server';
import { TestIssuer } from 'idjag/testing';
import { serveFetch } from './lib/serve-fetch.js';

const idp = new TestIssuer({ issuer: 'https://idp.example' });       // in production: { issuer, discover: true }
const mcpResource = 'https://mcp.example/mcp';
const secret = 'a-long-random-client-secret';

// The authorization server. Its issuer identifier is the grants' audience.
const as = await serveFetch(async (request) => {
  const path = new URL(request.url).pathname;
  if (path === '/token') return tokenEndpoint(request);
  if (path === '/jwks') return Response.json(accessTokens.jwks());
  if (path === '/.well-known/oauth-authorization-server') {
    return Response.json(authorizationServerMetadata({ issuer: as.url, tokenEndpoint: `${as.url}/token`, jwksUri: `${as.url}/jwks` }));
  }
  return new Response('not found', { status: 404 });
});
const accessTokens = new AccessTokenIssuer({ issuer: as.url });        // ES256 key generated; pass privateJwk to keep one
const tokenEndpoint = createTokenEndpoint({
  grants: {
    audience: as.url,
    issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }],
    resources: [mcpResource],
    scopeRequest: 'intersect',
    policy: { rules: [{ id: 'staff', effect: 'allow', groups: ['staff'], scopes: ['files.read'] }] },
  },
  accessTokenIssuer: accessTokens,
  clients: [{ clientId: 'mcp-client', tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: secret }],
  onDecision: (event) => console.log('audit', JSON.stringify(event)),
});

// The MCP server checks every call's bearer token (or hand `verifier` to requireBearerAuth).
const verifier = new AccessTokenVerifier({ issuer: as.url, audience: mcpResource, jwksUri: `${as.url}/jwks` });

// A client redeems a grant (from its IdP token exchange) for an access token.
const grant = idp.mint({ audience: as.url, clientId: 'mcp-client', resource: mcpResource,
  scope: 'files.read files.write', claims: { groups: ['staff'] } });
const response = await fetch(`${as.url}/token`, {
  method: 'POST',
  headers: { authorization: `Basic ${btoa(`mcp-client:${secret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: grant }),
});
const token = await response.json();
console.log('token response', response.status, { ...token, access_token: `${token.access_token?.slice(0, 24)}…` });

const info = await verifier.verify(token.access_token);
console.log('the MCP server sees', { subject: info.subject, clientId: info.clientId, scopes: info.scopes });

const replay = await fetch(`${as.url}/token`, {
  method: 'POST',
  headers: { authorization: `Basic ${btoa(`mcp-client:${secret}`)}`, 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer', assertion: grant }),
});
console.log('the same grant again', replay.status, await replay.json());
await as.close();
if (response.status !== 200 || info.scopes.join(' ') !== 'files.read' || replay.status !== 400) process.exit(1);
