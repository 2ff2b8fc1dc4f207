// Type-checks pkg/adapters.d.ts (`idjag/adapters`, re-exported by `idjag/server`) as an ESM consumer sees it.
import { AccessTokenIssuer, AccessTokenVerifier, createTokenEndpoint, toNodeHandler as fromServer } from 'idjag/server';
import {
  mcpBearerAuth, mcpExpressBearerAuth, toFastifyPlugin, toHonoHandler, toMcpVerifier, toNodeHandler,
  type FetchHandler, type McpAuthInfo, type McpTokenVerifier,
} from 'idjag/adapters';

const tokens = new AccessTokenIssuer({ issuer: 'https://as.example' });
const endpoint: FetchHandler = createTokenEndpoint({
  grants: { audience: 'https://as.example', issuers: [{ issuer: 'https://idp.example', discover: true }], resources: ['https://mcp.example/mcp'] },
  accessTokenIssuer: tokens,
  clients: [{ clientId: 'c1', tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: '0123456789abcdef' }],
});
const listener = toNodeHandler(endpoint, { maxBodyBytes: 65536 }); // node:http createServer(listener), Express app.post(path, listener)
const same: typeof toNodeHandler = fromServer;
const plugin: (app: any) => Promise<void> = toFastifyPlugin(endpoint, { url: '/token' });
const hono: (c: any) => Promise<Response> = toHonoHandler(endpoint);

const verifier = new AccessTokenVerifier({ issuer: 'https://as.example', audience: 'https://mcp.example/mcp', jwksUri: 'https://as.example/jwks' });
export async function gates(request: Request): Promise<Response | string> {
  const gate = await mcpBearerAuth(verifier, { resourceMetadataUrl: 'https://mcp.example/.well-known/oauth-protected-resource/mcp', onRefusal: (e) => console.log(e.code) });
  const auth: McpAuthInfo | Response = await gate(request);
  if (auth instanceof Response) return auth;
  const v: McpTokenVerifier = await toMcpVerifier(verifier, { sdk: '@modelcontextprotocol/sdk' });
  const middleware = await mcpExpressBearerAuth(verifier, { requiredScopes: ['files.read'] });
  void v; void middleware; void listener; void same; void plugin; void hono;
  return auth.clientId;
}
