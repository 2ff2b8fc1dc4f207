// The world the README's snippets run in (loaded with `node --import` before each snippet by
// tests/js/readme-snippets.test.mjs). The snippets name real-looking https hosts; this module
// serves those hosts from one loopback HTTP server (node:http on 127.0.0.1, a free port) and
// routes `fetch` for exactly those hosts to it — every other URL goes to the real fetch. Every
// host is built from idjag itself, nothing is stubbed:
//
//   https://idp.example.com       a TestIssuer IdP: /jwks, RFC 8414 + OpenID metadata, and an RFC 8693
//                                 token endpoint (/oauth2/token) that issues ID-JAGs to idp-client-id
//   https://auth.mcp.example.com  an MCP authorization server: createTokenEndpoint (/token), /jwks,
//                                 RFC 8414 metadata; client mcp-client-id / mcp-client-secret (basic)
//   https://mcp.example.com/mcp   an MCP server: RFC 9728 metadata; /mcp answers 200 with a valid
//                                 access token (AccessTokenVerifier), 401 otherwise
//
// process.env.ID_TOKEN is the user's OpenID Connect ID token, signed by the IdP (sub alice).
import { createServer } from 'node:http';
import {
  AccessTokenIssuer, AccessTokenVerifier, authorizationServerMetadata, createTokenEndpoint, protectedResourceMetadata,
} from 'idjag/server';
import { TestIssuer } from 'idjag/testing';

const IDP = 'https://idp.example.com';
const AS = 'https://auth.mcp.example.com';
const MCP = 'https://mcp.example.com/mcp';
const TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';

const idp = new TestIssuer({ issuer: IDP });
const nowSec = () => Math.floor(Date.now() / 1000);
process.env.ID_TOKEN = idp.signJwt({}, { iss: IDP, sub: 'alice', aud: 'idp-client-id', iat: nowSec(), exp: nowSec() + 300 });

const json = (body, status = 200) => Response.json(body, { status, headers: { 'cache-control': 'no-store' } });
const oauthError = (error, status = 400) => json({ error }, status);

async function idpHandler(request, path) {
  if (path === '/jwks') return json(idp.jwks());
  if (path === '/.well-known/oauth-authorization-server' || path === '/.well-known/openid-configuration') {
    return json({ issuer: IDP, jwks_uri: `${IDP}/jwks`, token_endpoint: `${IDP}/oauth2/token`, grant_types_supported: [TOKEN_EXCHANGE] });
  }
  if (path !== '/oauth2/token' || request.method !== 'POST') return new Response('not found', { status: 404 });
  if (request.headers.get('authorization') !== `Basic ${btoa('idp-client-id:idp-client-secret')}`) return oauthError('invalid_client', 401);
  const form = new URLSearchParams(await request.text());
  if (form.get('grant_type') !== TOKEN_EXCHANGE) return oauthError('unsupported_grant_type');
  if (form.get('subject_token') !== process.env.ID_TOKEN) return oauthError('invalid_grant');
  const audience = form.get('audience');
  if (!audience) return oauthError('invalid_request');
  const scope = form.get('scope') ?? undefined;
  const grant = idp.mint({
    audience, clientId: 'mcp-client-id', subject: 'alice', resource: form.get('resource') ?? undefined, scope, lifetimeSec: 120,
  });
  return json({
    access_token: grant, issued_token_type: 'urn:ietf:params:oauth:token-type:id-jag', token_type: 'N_A', expires_in: 120,
    ...(scope ? { scope } : {}),
  });
}

const accessTokens = new AccessTokenIssuer({ issuer: AS });
const tokenEndpoint = createTokenEndpoint({
  grants: { audience: AS, issuers: [{ issuer: IDP, jwksUri: `${IDP}/jwks` }], resources: [MCP], scopeRequest: 'intersect' },
  accessTokenIssuer: accessTokens,
  clients: [{ clientId: 'mcp-client-id', tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: 'mcp-client-secret' }],
  tokenEndpoint: `${AS}/token`,
});
function asHandler(request, path) {
  if (path === '/token') return tokenEndpoint(request);
  if (path === '/jwks') return json(accessTokens.jwks());
  if (path === '/.well-known/oauth-authorization-server') {
    return json(authorizationServerMetadata({ issuer: AS, tokenEndpoint: `${AS}/token`, jwksUri: `${AS}/jwks` }));
  }
  return new Response('not found', { status: 404 });
}

const mcpVerifier = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwksUri: `${AS}/jwks` });
async function mcpHandler(request, path) {
  if (path === '/.well-known/oauth-protected-resource/mcp') {
    return json(protectedResourceMetadata({ resource: MCP, authorizationServers: [AS], scopesSupported: ['files:read', 'files:write'] }));
  }
  if (path !== '/mcp') return new Response('not found', { status: 404 });
  const token = /^Bearer (.+)$/.exec(request.headers.get('authorization') ?? '')?.[1];
  try {
    if (!token) throw new Error('no token');
    const info = await mcpVerifier.verify(token);
    return json({ subject: info.subject, scopes: info.scopes });
  } catch {
    return new Response(null, { status: 401, headers: { 'www-authenticate': 'Bearer error="invalid_token"' } });
  }
}

const HOSTS = new Map([['idp.example.com', idpHandler], ['auth.mcp.example.com', asHandler], ['mcp.example.com', mcpHandler]]);

const server = createServer(async (req, res) => {
  try {
    const host = req.headers['x-world-host'];
    const handler = HOSTS.get(typeof host === 'string' ? host : '');
    const chunks = [];
    for await (const chunk of req) chunks.push(chunk);
    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const request = new Request(`https://${host}${req.url}`, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
    const response = handler ? await handler(request, new URL(request.url).pathname) : new Response('no such host', { status: 502 });
    const out = { connection: 'close' };
    for (const [k, v] of response.headers) out[k] = v;
    res.writeHead(response.status, out);
    res.end(Buffer.from(await response.arrayBuffer()));
  } catch {
    if (!res.headersSent) res.writeHead(500, { connection: 'close' });
    res.end();
  }
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
server.unref();
const base = `http://127.0.0.1:${server.address().port}`;

const realFetch = globalThis.fetch;
globalThis.fetch = function worldFetch(input, init) {
  const url = new URL(input instanceof Request ? input.url : String(input));
  if (url.protocol !== 'https:' || !HOSTS.has(url.hostname)) return realFetch(input, init);
  const request = new Request(input, init);
  const headers = new Headers(request.headers);
  headers.set('x-world-host', url.hostname);
  return realFetch(`${base}${url.pathname}${url.search}`, {
    method: request.method, headers, body: request.body, duplex: 'half', redirect: request.redirect, signal: request.signal,
  });
};
