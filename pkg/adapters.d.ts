/**
 * `idjag/adapters` (also re-exported by `idjag/server`): idjag's web-standard handlers in Node
 * frameworks, and idjag's AccessTokenVerifier behind the MCP TypeScript SDK's bearer gate.
 * No WebAssembly of its own: it adapts objects made with `idjag` or `idjag/server`.
 *
 * @example
 * ```ts
 * import express from 'express';
 * import { createTokenEndpoint } from 'idjag/server';
 * import { toNodeHandler } from 'idjag/adapters';
 * const app = express();
 * app.use(express.urlencoded());                                 // parsed or not: same answer
 * app.post('/token', toNodeHandler(createTokenEndpoint(options))); // every request audited
 * ```
 */
import type { AccessTokenVerifier } from './index.js';

/** A web-standard handler, such as what `createTokenEndpoint` returns. */
export type FetchHandler = (request: Request) => Promise<Response> | Response;

export interface NodeHandlerOptions {
  /**
   * Cap on a body read from the request stream, in bytes (default 65536, the token endpoint's
   * R5a cap). Past it the endpoint gets `cap + 1` bytes, refuses with its own 400 and audit
   * event, and the connection is closed.
   */
  maxBodyBytes?: number;
}

/**
 * `handler` as a node:http request listener `(req, res)`, an Express handler `(req, res, next)`
 * and a Fastify route handler `(request, reply)`. The body is taken from wherever it is: the
 * unread stream (read with the cap), else what a body parser left on `req.body` (re-encoded as
 * the form it came from: a parameter a parser turned into an array of values was repeated and
 * goes back repeated, so the endpoint still refuses it, RFC 6749 §3.2), else `req.rawBody`.
 * A body consumed by something that kept nothing is refused with `IdJagError` `ERR_CONFIG`
 * (Express: `next(err)`; Fastify: thrown; node:http: a bare 500).
 * @throws {IdJagError} `ERR_CONFIG` for a handler that is not a function or bad options.
 */
export declare function toNodeHandler(
  handler: FetchHandler,
  options?: NodeHandlerOptions,
): (req: any, res: any, next?: (err?: unknown) => void) => Promise<unknown>;

/**
 * A Fastify plugin serving `handler` at `url` (default `/token`) for every method, with
 * pass-through content-type parsers in its own encapsulation context, so Fastify refuses
 * nothing first (no 415 without @fastify/formbody): `app.register(toFastifyPlugin(endpoint))`.
 */
export declare function toFastifyPlugin(
  handler: FetchHandler,
  options?: NodeHandlerOptions & { url?: string },
): (app: any) => Promise<void>;

/**
 * `handler` as a Hono route handler: `app.post('/token', toHonoHandler(endpoint))`. The raw
 * Request goes through as is; when a middleware already read the body, it is taken back from
 * Hono's body cache (the bytes as received, or the cached FormData re-encoded, repetitions kept).
 */
export declare function toHonoHandler(handler: FetchHandler): (c: any) => Promise<Response>;

/** What the MCP SDKs' `requireBearerAuth` resolves to (their `AuthInfo`), as idjag fills it. */
export interface McpAuthInfo {
  token: string;
  clientId: string;
  scopes: string[];
  expiresAt?: number;
  resource?: URL;
  extra?: Record<string, unknown>;
}

/** The MCP SDKs' `OAuthTokenVerifier`. */
export interface McpTokenVerifier {
  verifyAccessToken(token: string): Promise<McpAuthInfo>;
}

export interface McpGateOptions {
  /** Scopes every request needs (the SDK's check: 403 insufficient_scope). */
  requiredScopes?: string[];
  /** RFC 9728 metadata URL for the `resource_metadata` of the challenge (protectedResourceMetadataUrl). */
  resourceMetadataUrl?: string;
  /** The SDK's own check of `AuthInfo.resource` (idjag already checks `aud`, V5). */
  expectedResource?: URL;
  /** Called with the IdJagError behind each refusal (the wire carries a generic description). */
  onRefusal?: (error: Error & { code: string }) => void;
}

/**
 * The SDK's `OAuthTokenVerifier` over an AccessTokenVerifier, rejecting with that SDK's own
 * OAuth error classes (401 invalid_token; 403 insufficient_scope for ERR_SCOPE; 500 for
 * ERR_INTERNAL), the IdJagError as `cause`. `sdk`: the package whose `requireBearerAuth` will
 * use it, `'@modelcontextprotocol/server'` (v2, default) or `'@modelcontextprotocol/sdk'` (v1).
 * @throws {IdJagError} `ERR_CONFIG` (as a rejection) when the SDK cannot be imported or the verifier is not one.
 */
export declare function toMcpVerifier(
  verifier: AccessTokenVerifier,
  options?: { sdk?: '@modelcontextprotocol/server' | '@modelcontextprotocol/sdk'; onRefusal?: (error: Error & { code: string }) => void },
): Promise<McpTokenVerifier>;

/**
 * `requireBearerAuth` of `@modelcontextprotocol/server` (v2) over the verifier: a fetch gate that
 * resolves to the AuthInfo, or to the Response to return (401/403 with the challenge, 500).
 */
export declare function mcpBearerAuth(
  verifier: AccessTokenVerifier,
  options?: McpGateOptions,
): Promise<(request: Request) => Promise<McpAuthInfo | Response>>;

/**
 * `requireBearerAuth` of `@modelcontextprotocol/sdk` (v1) over the verifier: an Express
 * middleware that sets `req.auth` and calls `next()`, or answers 401/403/500.
 */
export declare function mcpExpressBearerAuth(
  verifier: AccessTokenVerifier,
  options?: McpGateOptions,
): Promise<(req: any, res: any, next: (err?: unknown) => void) => Promise<void>>;
