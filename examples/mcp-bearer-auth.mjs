// An MCP server (resource server) that checks idjag access tokens with the MCP SDK's own bearer
// gate: mcpBearerAuth brings the SDK's OAuth error classes, so a bad token is the SDK's 401
// invalid_token (with the RFC 9728 resource_metadata challenge), a missing scope its 403
// insufficient_scope — not the 500 a bare AccessTokenVerifier gets. For the Express middleware
// of @modelcontextprotocol/sdk (v1) the same is mcpExpressBearerAuth.
//   node examples/mcp-bearer-auth.mjs
import { createMcpHandler, McpServer } from '@modelcontextprotocol/server';
import { AccessTokenIssuer, AccessTokenVerifier, mcpBearerAuth, protectedResourceMetadataUrl } from 'idjag/server';
import { serveFetch } from './lib/serve-fetch.js';

const accessTokens = new AccessTokenIssuer({ issuer: 'https://as.example' }); // the authorization server's
let gate;
const mcp = createMcpHandler(() => {
  const server = new McpServer({ name: 'files', version: '1.0.0' });
  server.registerTool('whoami', { description: 'who is calling' }, (ctx) => ({
    content: [{ type: 'text', text: `${ctx.http?.authInfo?.extra?.subject} via ${ctx.http?.authInfo?.clientId}` }],
  }));
  return server;
});
const server = await serveFetch(async (request) => {
  const auth = await gate(request);            // AuthInfo, or the 401/403 Response to return
  if (auth instanceof Response) return auth;
  return mcp.fetch(request, { authInfo: auth });
});
const resource = `${server.url}/mcp`;          // this MCP server's resource identifier

const verifier = new AccessTokenVerifier({ issuer: 'https://as.example', audience: resource, jwks: accessTokens.jwks() }); // or jwksUri
gate = await mcpBearerAuth(verifier, {
  resourceMetadataUrl: protectedResourceMetadataUrl(resource),
  onRefusal: (error) => console.log('refused:', error.code, error.message), // the reason; the wire says only "not valid"
});

const call = (token) => fetch(resource, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
  body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list', params: {} }),
});
const good = accessTokens.mint({ subject: 'alice', clientId: 'mcp-client', resources: [resource], scopes: ['files.read'] });
const expired = accessTokens.mint({ subject: 'alice', clientId: 'mcp-client', resources: [resource], scopes: ['files.read'] }, { now: () => Date.now() / 1000 - 3600 });
const ok = await call(good.accessToken);
console.log('valid token', ok.status);
const refused = await call(expired.accessToken);
console.log('expired token', refused.status, refused.headers.get('www-authenticate'));
await server.close();
if (ok.status !== 200 || refused.status !== 401) process.exit(1);
