// The token endpoint the framework examples (express-/fastify-/hono-token-endpoint.mjs) mount:
// createTokenEndpoint with a test IdP (idjag/testing stands in for Okta/Entra), one client with a
// secret, one MCP server resource. And the client side of one exchange, to run them end to end.
import { AccessTokenIssuer, createTokenEndpoint } from 'idjag/server';
import { TestIssuer } from 'idjag/testing';

export const AS_ISSUER = 'https://as.example';            // the authorization server's issuer identifier
export const MCP_RESOURCE = 'https://mcp.example/mcp';    // the MCP server its tokens are for
export const CLIENT_ID = 'mcp-client';
export const CLIENT_SECRET = 'a-long-random-client-secret';
export const JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

/**
 * @param {{ onDecision?: (event: object) => void }} [options]
 * @returns {{ endpoint: (request: Request) => Promise<Response>, idp: TestIssuer, accessTokens: AccessTokenIssuer }}
 */
export function demoTokenEndpoint({ onDecision } = {}) {
  const idp = new TestIssuer({ issuer: 'https://idp.example' });
  const accessTokens = new AccessTokenIssuer({ issuer: AS_ISSUER });
  const endpoint = createTokenEndpoint({
    grants: { audience: AS_ISSUER, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP_RESOURCE] },
    accessTokenIssuer: accessTokens,
    clients: [{ clientId: CLIENT_ID, tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: CLIENT_SECRET }],
    ...(onDecision ? { onDecision } : {}),
  });
  return { endpoint, idp, accessTokens };
}

/** A fresh grant of `idp` for the demo client, as its IdP token exchange would return it. */
export function demoGrant(idp, params = {}) {
  return idp.mint({ audience: AS_ISSUER, clientId: CLIENT_ID, resource: MCP_RESOURCE, scope: 'files.read', subject: 'alice', ...params });
}

/**
 * The RFC 7523 jwt-bearer request of the demo client (client_secret_basic): `body` is the form,
 * as an object or as the exact text to send.
 * @returns {Promise<{ status: number, body: any, headers: Headers }>}
 */
export async function tokenRequest(url, body, { secret = CLIENT_SECRET, headers = {} } = {}) {
  const res = await fetch(url, {
    method: 'POST',
    headers: {
      authorization: `Basic ${btoa(`${CLIENT_ID}:${secret}`)}`,
      'content-type': 'application/x-www-form-urlencoded',
      ...headers,
    },
    body: typeof body === 'string' ? body : new URLSearchParams(body),
  });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {
    json = { unparsed: text.slice(0, 200) };
  }
  return { status: res.status, body: json, headers: res.headers };
}

/**
 * What each example does when run directly: redeems one grant (200, an access token), then the
 * same grant again (400 invalid_grant: single use, R29), printing both and every audit event.
 * Exits non-zero when an answer is not the expected one.
 */
export async function runDemo(start, name) {
  const events = [];
  const server = await start({ onDecision: (e) => { events.push(e); console.log('audit', JSON.stringify(e)); } });
  try {
    const url = `${server.url}/token`;
    const assertion = demoGrant(server.idp);
    const first = await tokenRequest(url, { grant_type: JWT_BEARER, assertion });
    console.log(`${name}: token response`, first.status, { ...first.body, access_token: first.body.access_token ? `${first.body.access_token.slice(0, 24)}…` : undefined });
    const again = await tokenRequest(url, { grant_type: JWT_BEARER, assertion });
    console.log(`${name}: the same grant again`, again.status, again.body);
    const ok = first.status === 200 && again.status === 400 && again.body.error === 'invalid_grant' && events.length === 2;
    if (!ok) process.exitCode = 1;
  } finally {
    await server.close();
  }
}
