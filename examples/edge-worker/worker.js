// An MCP authorization server and an MCP-style resource in one Cloudflare Worker (module
// syntax), built on idjag/server:
//
//   POST /token                                   jwt-bearer with an ID-JAG → access token (createTokenEndpoint)
//   GET  /.well-known/oauth-authorization-server  RFC 8414 metadata
//   GET  /jwks                                    the access-token signing key (public part)
//   GET  /.well-known/oauth-protected-resource/mcp RFC 9728 metadata of the MCP resource
//   POST /mcp                                     JSON-RPC behind a bearer access token (AccessTokenVerifier)
//
// Settings come from env bindings (config.js); keys never appear in the source. Grants are
// consumed (R29) in a Durable Object shared by all isolates (replay-store.js).
import {
  AccessTokenIssuer, AccessTokenVerifier, authorizationServerMetadata, createTokenEndpoint,
  protectedResourceMetadata, protectedResourceMetadataUrl,
} from 'idjag/server';
import { ConfigError, readConfig } from './config.js';
import { createMcpHandler } from './mcp.js';

// The Durable Object class must be exported by the main module for its binding to find it.
export { ReplayDurableObject } from './replay-store.js';

// Built once per isolate from env (the same for every request of an isolate): the wasm
// verifier, the access-token issuer and the key caches are reused across requests.
let app = null;

function build(env) {
  const config = readConfig(env);
  const tokens = new AccessTokenIssuer({ issuer: config.issuer, privateJwk: config.signingKey });
  const jwks = tokens.jwks();
  const tokenEndpoint = `${config.issuer}/token`;
  const endpoint = createTokenEndpoint({
    grants: {
      audience: config.issuer,
      issuers: [config.idp],
      resources: [config.resource],
      replayStore: config.replayStore,
      scopeRequest: 'intersect',
      ...(config.policy !== undefined ? { policy: config.policy } : {}),
    },
    accessTokenIssuer: tokens,
    tokenEndpoint,
    clients: config.clients,
    // One token-free audit event per decision, to Workers Logs.
    onDecision: (event) => console.log(JSON.stringify(event)),
  });
  // The resource server checks tokens against the same key set, in process: no fetch of /jwks.
  const verifier = new AccessTokenVerifier({ issuer: config.issuer, audience: config.resource, jwks });
  const resourceMetadataUrl = protectedResourceMetadataUrl(config.resource);
  const mcp = createMcpHandler({ verifier, requiredScope: config.requiredScope, resourceMetadataUrl });

  const asMetadata = authorizationServerMetadata({
    issuer: config.issuer,
    tokenEndpoint,
    jwksUri: `${config.issuer}/jwks`,
    tokenEndpointAuthMethods: [...new Set(config.clients.map((c) => c.tokenEndpointAuthMethod))],
    scopesSupported: config.scopes,
  });
  const rsMetadata = protectedResourceMetadata({
    resource: config.resource, authorizationServers: [config.issuer], scopesSupported: config.scopes, resourceName: 'idjag edge worker',
  });
  const cached = { 'cache-control': 'public, max-age=300' };

  const routes = new Map([
    ['/token', endpoint], // answers 405 itself for anything but POST (R5a)
    ['/.well-known/oauth-authorization-server', get(() => Response.json(asMetadata, { headers: cached }))],
    ['/jwks', get(() => Response.json(jwks, { headers: cached }))],
    [new URL(resourceMetadataUrl).pathname, get(() => Response.json(rsMetadata, { headers: cached }))],
    [config.mcpPath, mcp],
  ]);
  return { routes, replayKind: config.replayKind };
}

function get(handler) {
  return (request) => (request.method === 'GET' || request.method === 'HEAD'
    ? handler(request)
    : Response.json({ error: 'method not allowed' }, { status: 405, headers: { allow: 'GET, HEAD' } }));
}

export default {
  /**
   * @param {Request} request
   * @param {Record<string, unknown>} env
   */
  async fetch(request, env) {
    if (app === null) {
      try {
        app = build(env);
      } catch (e) {
        // A broken deployment: say which binding, never a value.
        const why = e instanceof ConfigError || e?.name === 'IdJagError' ? e.message : 'internal error';
        console.error(JSON.stringify({ event: 'config.invalid', reason: why }));
        return Response.json({ error: 'server_error', error_description: 'the worker is misconfigured' }, { status: 500 });
      }
    }
    const route = app.routes.get(new URL(request.url).pathname);
    if (!route) return Response.json({ error: 'not found' }, { status: 404 });
    try {
      return await route(request);
    } catch {
      return Response.json({ error: 'server_error' }, { status: 500, headers: { 'cache-control': 'no-store' } });
    }
  },
};
