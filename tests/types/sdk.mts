// requestIdJag slots into @modelcontextprotocol/client's CrossAppAccessProvider `assertion`
// callback (README "Client side"): this must compile against the SDK's own declarations.
import { CrossAppAccessProvider, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { discover, requestIdJag } from 'idjag';

declare function getIdToken(): Promise<string>;

export async function connect(serverUrl: string) {
  const { authorizationServer } = await discover(serverUrl);
  const provider = new CrossAppAccessProvider({
    assertion: async (ctx) => {
      const { grant, findings } = await requestIdJag({
        tokenEndpoint: 'https://acme.okta.com/oauth2/v1/token',
        audience: ctx.authorizationServerUrl,
        resource: ctx.resourceUrl,
        scope: ctx.scope,
        subjectToken: await getIdToken(),
        subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token',
        clientId: 'idp-client-id',
        clientSecret: 'idp-client-secret',
        fetch: ctx.fetchFn,
      });
      if (findings.some((f) => f.severity === 'error')) throw new Error('the grant would be refused');
      return grant;
    },
    clientId: 'mcp-client-id',
    clientSecret: 'mcp-client-secret',
    expectedIssuer: authorizationServer,
  });
  return new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider: provider });
}

// idjag's AccessTokenVerifier is the MCP server SDK's OAuthTokenVerifier (requireBearerAuth's `verifier`).
import { AccessTokenVerifier } from 'idjag';
import { OAuthError, requireBearerAuth, type OAuthTokenVerifier } from '@modelcontextprotocol/server';
const tokenVerifier: OAuthTokenVerifier = new AccessTokenVerifier({
  issuer: 'https://as.example', audience: 'https://mcp.example/mcp', jwksUri: 'https://as.example/jwks', OAuthError,
});
const gate: (request: Request) => Promise<unknown> = requireBearerAuth({ verifier: tokenVerifier });
void gate;
