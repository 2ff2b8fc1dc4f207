// The demo MCP server: two file tools and `whoami` on `@modelcontextprotocol/server`, protected by idjag.
//
//   GET  /.well-known/oauth-protected-resource/mcp   RFC 9728 metadata (→ the authorization server)
//   POST /mcp                                        MCP (Streamable HTTP), Bearer access tokens only
//
// Every request to /mcp passes `requireBearerAuth` of the SDK with idjag's AccessTokenVerifier
// (V2–V8: typ at+jwt, exact iss, aud = this server, signature, expiry): 401 invalid_token with
// a `resource_metadata` challenge otherwise. Each tool then needs its own scope (V8):
// `read_file` files.read, `write_file` files.write; a token without it gets 403
// insufficient_scope naming the scope. `whoami` needs a valid token only: it answers who the
// token says the user is — its `sub` and the IdP that vouched for them (`sub_id`), so two IdPs'
// users with the same IdP `sub` are visibly two users. Each decision is one token-free audit event.
//
// A web-standard `(request: Request) => Promise<Response>` handler: node:http through
// examples/lib/serve-fetch.js, Deno.serve, Bun.serve or a Worker.
import { AccessTokenVerifier } from 'idjag';
import {
  createMcpHandler, fromJsonSchema, hostHeaderValidationResponse, McpServer, OAuthError, requireBearerAuth,
  requireScopes,
} from '@modelcontextprotocol/server';
import { protectedResourceMetadata, protectedResourceMetadataUrl } from 'idjag/server';

export const SCOPE_READ = 'files.read';
export const SCOPE_WRITE = 'files.write';

const MAX_FILE_CHARS = 4096;
const MAX_FILES = 100;

/**
 * @param {{
 *   url: string,                    // this MCP server's URL = its resource identifier (path /mcp)
 *   authorizationServer: string,    // the issuer of its authorization server
 *   jwksUri: string,                // where that server publishes its access-token keys
 *   onDecision?: (event: object) => void, // audit events: refusals at the gate, each tool decision
 *   files?: Record<string, string>, // the initial files
 *   fetch?: typeof fetch,           // for the JWKS
 *   now?: () => number,   // epoch seconds (idjag's clock shape)
 * }} options
 */
export function createFilesMcpServer(options) {
  const { url, authorizationServer, jwksUri, onDecision = () => {}, fetch, now = () => Date.now() / 1000 } = options;
  const resource = new URL(url);
  const metadataUrl = protectedResourceMetadataUrl(url);
  const metadataPath = new URL(metadataUrl).pathname;
  const files = new Map(Object.entries(options.files ?? { 'welcome.txt': 'Hello from the idjag demo MCP server.\n' }));

  const metadata = protectedResourceMetadata({
    resource: url,
    authorizationServers: [authorizationServer],
    scopesSupported: [SCOPE_READ, SCOPE_WRITE],
    resourceName: 'idjag demo files',
  });

  // OAuthError: verifyAccessToken then rejects with the SDK's own error, which
  // requireBearerAuth maps to 401 invalid_token / 403 insufficient_scope (V8).
  const accessTokens = new AccessTokenVerifier({
    issuer: authorizationServer, audience: url, jwksUri, OAuthError, ...(fetch ? { fetch } : {}),
  });

  // The 401's description is generic; idjag's reason (ERR_TYP, ERR_EXPIRED, …) is the error's
  // cause. Keep it for the audit event of this request (keyed by the token, dropped at once).
  const reasons = new Map();
  const verifier = {
    verifyAccessToken: (token) => accessTokens.verifyAccessToken(token).catch((e) => {
      if (e?.cause?.code) reasons.set(token, e.cause);
      throw e;
    }),
  };
  const gate = requireBearerAuth({ verifier, resourceMetadataUrl: metadataUrl, expectedResource: resource });

  const emit = (fields) => {
    try {
      onDecision({ 'event.name': 'idjag.mcp_request', time: new Date(now() * 1000).toISOString(), ...fields });
    } catch {
      // a failing audit sink must not change the answer
    }
  };

  /** V8 per tool: the SDK answers 403 insufficient_scope (scope="…") when this returns a challenge. */
  const needs = (scope) => {
    const check = requireScopes(scope);
    return (context) => {
      const challenge = check(context);
      const { authInfo, request } = context;
      emit({
        'event.outcome': challenge ? 'failure' : 'success',
        ...(challenge ? { 'http.response.status_code': 403, 'error.type': 'insufficient_scope' } : {}),
        'mcp.method.name': request.method,
        'gen_ai.tool.name': request.params?.name,
        'idjag.scopes.required': [scope],
        ...tokenFacts(authInfo),
      });
      return challenge;
    };
  };

  // One McpServer per request (createMcpHandler): the files live outside it.
  const mcp = createMcpHandler(() => {
    const server = new McpServer({ name: 'idjag-demo-files', version: '0.1.0' });
    server.registerTool('read_file', {
      description: `Reads a file (needs ${SCOPE_READ}).`,
      inputSchema: fromJsonSchema({ type: 'object', properties: { path: { type: 'string' } }, required: ['path'] }),
      scopeChallenge: needs(SCOPE_READ),
    }, ({ path }, ctx) => {
      refuseWithout(ctx, SCOPE_READ);
      const text = files.get(path);
      if (text === undefined) return { isError: true, content: [{ type: 'text', text: `no such file: ${path.slice(0, 64)}` }] };
      return { content: [{ type: 'text', text }] };
    });
    // Who the access token says the caller is (AccessTokenVerifier's authInfo.extra): the
    // authorization server's `sub` — `<IdP iss>#<IdP sub>` when it trusts several IdPs — and the
    // IdP with its own `sub` (the token's `sub_id`). A tool keys per-user state on `subject`.
    server.registerTool('whoami', {
      description: 'Who the access token says you are: its subject and the IdP that signed you in (any valid token).',
      inputSchema: fromJsonSchema({ type: 'object', properties: {} }),
      outputSchema: fromJsonSchema({
        type: 'object',
        properties: { sub: { type: 'string' }, idp: { type: ['string', 'null'] }, idp_sub: { type: ['string', 'null'] } },
        required: ['sub', 'idp', 'idp_sub'],
      }),
    }, (_args, ctx) => {
      const extra = ctx.http?.authInfo?.extra;
      if (!extra) return { isError: true, content: [{ type: 'text', text: 'no access token' }] };
      emit({
        'event.outcome': 'success', 'mcp.method.name': 'tools/call', 'gen_ai.tool.name': 'whoami', ...tokenFacts(ctx.http.authInfo),
      });
      const who = { sub: extra.subject, idp: extra.idpIssuer ?? null, idp_sub: extra.subId?.sub ?? null };
      const text = `you are ${who.sub}${who.idp ? ` (${who.idp_sub} at IdP ${who.idp})` : ''}`;
      return { content: [{ type: 'text', text }], structuredContent: who };
    });
    server.registerTool('write_file', {
      description: `Writes a file (needs ${SCOPE_WRITE}).`,
      inputSchema: fromJsonSchema({
        type: 'object',
        properties: { path: { type: 'string', maxLength: 128 }, content: { type: 'string', maxLength: MAX_FILE_CHARS } },
        required: ['path', 'content'],
      }),
      scopeChallenge: needs(SCOPE_WRITE),
    }, ({ path, content }, ctx) => {
      refuseWithout(ctx, SCOPE_WRITE);
      if (!files.has(path) && files.size >= MAX_FILES) return { isError: true, content: [{ type: 'text', text: 'too many files' }] };
      files.set(path, content);
      return { content: [{ type: 'text', text: `wrote ${content.length} characters to ${path}` }] };
    });
    return server;
  });

  /** @param {Request} request @returns {Promise<Response>} */
  async function handle(request) {
    // DNS rebinding: only requests addressed to this server's own host name.
    const rejected = hostHeaderValidationResponse(request, [resource.hostname]);
    if (rejected) return rejected;
    const { pathname } = new URL(request.url);
    if (pathname === metadataPath) {
      if (request.method !== 'GET' && request.method !== 'HEAD') {
        return Response.json({ error: 'invalid_request' }, { status: 405, headers: { allow: 'GET, HEAD' } });
      }
      return Response.json(metadata, { headers: { 'access-control-allow-origin': '*', 'cache-control': 'max-age=300' } });
    }
    if (pathname !== resource.pathname) return Response.json({ error: 'not_found' }, { status: 404 });

    const auth = await gate(request);
    if (auth instanceof Response) {
      // The challenge's body is the OAuth error the client sees; it holds no token.
      const body = await auth.clone().json().catch(() => ({}));
      const token = /^Bearer (\S+)$/i.exec(request.headers.get('authorization') ?? '')?.[1];
      const cause = token === undefined ? undefined : reasons.get(token);
      if (token !== undefined) reasons.delete(token);
      emit({
        'event.outcome': 'failure',
        'http.response.status_code': auth.status,
        'error.type': cause?.code ?? body.error ?? 'invalid_token',
        'oauth.error': body.error ?? 'invalid_token',
        'idjag.reason': String(cause?.message ?? body.error_description ?? '').slice(0, 128),
      });
      return auth;
    }
    return mcp.fetch(request, { authInfo: auth });
  }

  return { url, handle, metadata, metadataUrl, files };
}

/** What an audit event may say about the caller: the access token's jti, client, scopes, the IdP. */
function tokenFacts(authInfo) {
  if (!authInfo) return {};
  return {
    'oauth.client.id': authInfo.clientId,
    ...(authInfo.extra?.idpIssuer ? { 'idjag.idp.issuer': authInfo.extra.idpIssuer } : {}),
    'idjag.access_token.jti': authInfo.extra?.jti,
    'idjag.scopes.granted': authInfo.scopes,
  };
}

// Defence in depth: the scope challenge above already refused, unless a transport skipped it.
function refuseWithout(ctx, scope) {
  if (!ctx.http?.authInfo?.scopes?.includes(scope)) throw new Error(`insufficient scope: ${scope} is required`);
}
