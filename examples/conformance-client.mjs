// An MCP client for Enterprise-Managed Authorization built on idjag's client helpers and the
// MCP TypeScript SDK, run by the MCP conformance suite:
//
//   npx @modelcontextprotocol/conformance client \
//     --command "node examples/conformance-client.mjs" --scenario auth/cross-app-access-complete-flow
//   (0.1.x; the 0.2.0 alphas call the same scenario auth/enterprise-managed-authorization)
//
// The suite appends the MCP server URL as the last argument and passes the scenario's context
// in MCP_CONFORMANCE_CONTEXT (JSON): client_id / client_secret (this client at the MCP
// authorization server), idp_client_id, idp_id_token (the user's ID token), idp_issuer,
// idp_token_endpoint.
//
// Two ways to wire it, picked by a flag before the URL:
//   (default)         discover → requestIdJag → exchangeIdJag, then the SDK Client with a
//                     bearer AuthProvider: every step is idjag's.
//   --sdk-provider    the SDK's CrossAppAccessProvider does discovery and the jwt-bearer
//                     request; idjag's requestIdJag is its `assertion` callback.
//
// Nothing here prints a token.
import { Client, CrossAppAccessProvider, StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { discover, exchangeIdJag, requestIdJag } from 'idjag';

const ID_TOKEN = 'urn:ietf:params:oauth:token-type:id_token';

const serverUrl = process.argv.at(-1);
const useSdkProvider = process.argv.includes('--sdk-provider');
const ctx = JSON.parse(process.env.MCP_CONFORMANCE_CONTEXT ?? '{}');
const log = (msg) => console.log(`[idjag-client] ${msg}`);

for (const key of ['client_id', 'client_secret', 'idp_client_id', 'idp_id_token', 'idp_token_endpoint']) {
  if (typeof ctx[key] !== 'string') throw new Error(`MCP_CONFORMANCE_CONTEXT has no ${key}`);
}
if (!serverUrl?.startsWith('http')) throw new Error('usage: node examples/conformance-client.mjs [--sdk-provider] <mcp-server-url>');

/** RFC 8693 at the IdP; refuses a grant whose own findings say the AS will refuse it. */
async function idJagFor({ audience, resource, scope, fetch }) {
  const { grant, expiresIn, findings } = await requestIdJag({
    tokenEndpoint: ctx.idp_token_endpoint,
    audience,
    resource,
    scope,
    subjectToken: ctx.idp_id_token,
    subjectTokenType: ID_TOKEN,
    clientId: ctx.idp_client_id, // a public client at this IdP: client_id in the body
    grantClientId: ctx.client_id, // the grant must name us as the MCP AS knows us
    fetch,
  });
  for (const f of findings) log(`grant finding: ${f.severity} ${f.code} (${f.rule}): ${f.message}`);
  const errors = findings.filter((f) => f.severity === 'error');
  if (errors.length > 0) throw new Error(`the IdP's grant would be refused: ${errors.map((f) => f.code).join(', ')}`);
  log(`got an ID-JAG from the IdP${expiresIn ? ` (expires in ${expiresIn} s)` : ''}`);
  return grant;
}

async function connect(authProvider) {
  const client = new Client({ name: 'idjag-conformance-client', version: '0.1.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(serverUrl), { authProvider }));
  const { tools } = await client.listTools();
  log(`connected; tools: ${tools.map((t) => t.name).join(', ') || '(none)'}`);
  await client.close();
}

// Discovery with the identity checks (PRM resource = server URL, AS issuer = its URL).
const found = await discover(serverUrl);
log(`resource ${found.resource}, authorization server ${found.authorizationServer}, id-jag profile advertised: ${found.supportsIdJag}`);

if (useSdkProvider) {
  const provider = new CrossAppAccessProvider({
    // ctx.authorizationServerUrl is the AS issuer the SDK discovered; ctx.resourceUrl its PRM resource.
    assertion: (c) => idJagFor({ audience: c.authorizationServerUrl, resource: c.resourceUrl, scope: c.scope, fetch: c.fetchFn }),
    clientId: ctx.client_id,
    clientSecret: ctx.client_secret,
    expectedIssuer: found.authorizationServer,
  });
  await connect(provider);
} else {
  let accessToken;
  const obtain = async () => {
    const grant = await idJagFor({ audience: found.authorizationServer, resource: found.resource });
    const token = await exchangeIdJag({
      tokenEndpoint: found.metadata.token_endpoint,
      grant,
      resource: found.resource, // RFC 8707, as MCP asks of token requests
      clientId: ctx.client_id,
      clientSecret: ctx.client_secret, // client_secret_basic
    });
    log(`got a ${token.tokenType} access token${token.expiresIn ? ` (expires in ${token.expiresIn} s)` : ''}`);
    accessToken = token.accessToken;
  };
  await obtain();
  await connect({
    token: async () => accessToken,
    onUnauthorized: obtain, // expired or revoked: run the exchange again
  });
}
log('done');
