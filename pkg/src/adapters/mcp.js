// The MCP TypeScript SDK's bearer gate with idjag's AccessTokenVerifier, without the 500 trap:
// `requireBearerAuth` answers 401 / 403 only for the SDK's own OAuth error classes and turns
// anything else (idjag's IdJagError) into a 500 server_error. These adapters import the SDK's
// classes themselves, from the same SDK package as its `requireBearerAuth`, so the mapping
// always holds: the core's refusals → 401 invalid_token, a missing scope (ERR_SCOPE) → 403 insufficient_scope,
// both with the SDK's WWW-Authenticate challenge; the description on the wire is generic and
// the IdJagError with the reason is the error's `cause` (and goes to `onRefusal`).
//
// Two SDK generations are in use:
//   '@modelcontextprotocol/server' (v2): requireBearerAuth(options) → a fetch gate
//     `(Request) => Promise<AuthInfo | Response>`; one OAuthError(code, message) class,
//     code 'invalid_token' → 401, 'insufficient_scope' → 403, 'server_error' → 500.
//   '@modelcontextprotocol/sdk' (v1, server/auth/middleware/bearerAuth.js): an Express
//     middleware; InvalidTokenError → 401, InsufficientScopeError → 403, ServerError → 500,
//     any other OAuthError → 400.
// The SDKs are optional peers: imported only when an adapter is created, with a computed
// specifier so bundlers of `idjag/server` never require them.
import { configError } from '../errors.js';
import { checkOptions, is } from '../options.js';

export const MCP_SERVER_SDK = '@modelcontextprotocol/server';
export const MCP_LEGACY_SDK = '@modelcontextprotocol/sdk';

const WIRE_DESCRIPTIONS = {
  invalid_token: 'the access token is not valid',
  insufficient_scope: 'the access token lacks a required scope',
  server_error: 'the access token could not be checked',
};
const GATE_OPTIONS = ['requiredScopes', 'resourceMetadataUrl', 'expectedResource'];

// An IdJagError of any copy of the package (ESM, the CommonJS bundles): by shape, not class.
const isIdJagError = (e) => e instanceof Error && e.name === 'IdJagError' && typeof e.code === 'string';

const load = (specifier) => import(specifier);

async function sdkClasses(sdk) {
  if (sdk === MCP_SERVER_SDK) {
    let mod;
    try {
      mod = await load(MCP_SERVER_SDK);
    } catch (e) {
      throw configError(`${MCP_SERVER_SDK} is not installed (npm install ${MCP_SERVER_SDK})`, e);
    }
    const { OAuthError, requireBearerAuth } = mod;
    if (typeof OAuthError !== 'function' || typeof requireBearerAuth !== 'function') throw configError(`${MCP_SERVER_SDK} has no OAuthError / requireBearerAuth: an unsupported version`);
    return {
      requireBearerAuth,
      error: (code, message) => new OAuthError(code, message),
    };
  }
  if (sdk === MCP_LEGACY_SDK) {
    let errors;
    let middleware;
    try {
      [errors, middleware] = await Promise.all([
        load(`${MCP_LEGACY_SDK}/server/auth/errors.js`),
        load(`${MCP_LEGACY_SDK}/server/auth/middleware/bearerAuth.js`),
      ]);
    } catch (e) {
      throw configError(`${MCP_LEGACY_SDK} is not installed (npm install ${MCP_LEGACY_SDK})`, e);
    }
    const { InvalidTokenError, InsufficientScopeError, ServerError } = errors;
    if ([InvalidTokenError, InsufficientScopeError, ServerError, middleware.requireBearerAuth].some((c) => typeof c !== 'function')) {
      throw configError(`${MCP_LEGACY_SDK} has no InvalidTokenError / InsufficientScopeError / requireBearerAuth: an unsupported version`);
    }
    const classes = { invalid_token: InvalidTokenError, insufficient_scope: InsufficientScopeError, server_error: ServerError };
    return {
      requireBearerAuth: middleware.requireBearerAuth,
      error: (code, message) => new classes[code](message),
    };
  }
  throw configError(`sdk must be ${JSON.stringify(MCP_SERVER_SDK)} or ${JSON.stringify(MCP_LEGACY_SDK)}`);
}

function checkVerifier(verifier) {
  if (verifier === null || typeof verifier !== 'object' || typeof verifier.verifyAccessToken !== 'function') {
    throw configError('verifier must be an AccessTokenVerifier');
  }
}

function adapt(verifier, error, onRefusal) {
  return {
    async verifyAccessToken(token) {
      try {
        return await verifier.verifyAccessToken(token);
      } catch (thrown) {
        // A verifier built with the `OAuthError` option already wrapped it: take the reason back.
        const cause = isIdJagError(thrown) ? thrown : isIdJagError(thrown?.cause) ? thrown.cause : null;
        if (cause === null) throw thrown; // not a verdict (a bug, a TypeError): the SDK's 500
        // A missing scope (ERR_SCOPE) is 403 insufficient_scope; a failed core (ERR_INTERNAL) is a 500;
        // every other refusal is 401 invalid_token.
        const code = cause.code === 'ERR_SCOPE' ? 'insufficient_scope' : cause.code === 'ERR_INTERNAL' ? 'server_error' : 'invalid_token';
        if (onRefusal) {
          try {
            onRefusal(cause);
          } catch {
            // A log sink that throws must not change the answer.
          }
        }
        const err = error(code, WIRE_DESCRIPTIONS[code]);
        err.cause = cause;
        throw err;
      }
    },
  };
}

// Issue 13: the one options checker (unknown / mistyped members named by path); the gate's own
// members go to the SDK's requireBearerAuth as given.
function gateOptions(options, what, passThrough = GATE_OPTIONS) {
  checkOptions(options, 'options', what, { sdk: is.string, onRefusal: is.function }, { passThrough });
  const { sdk, onRefusal, ...rest } = options;
  return { sdk, onRefusal, rest };
}

/**
 * The SDK's `OAuthTokenVerifier` over an AccessTokenVerifier, rejecting with that SDK's OAuth
 * error classes: hand it to the SDK's own `requireBearerAuth({ verifier })`.
 * @param {import('../access-token-verifier.js').AccessTokenVerifier} verifier
 * @param {{ sdk?: string, onRefusal?: (error: Error) => void }} [options]
 *   sdk: '@modelcontextprotocol/server' (default, v2) or '@modelcontextprotocol/sdk' (v1) — the
 *   package whose `requireBearerAuth` will use it.
 */
export async function toMcpVerifier(verifier, options = {}) {
  checkVerifier(verifier);
  const { sdk = MCP_SERVER_SDK, onRefusal } = gateOptions(options, 'toMcpVerifier', []);
  const { error } = await sdkClasses(sdk);
  return adapt(verifier, error, onRefusal);
}

/**
 * `requireBearerAuth` of `@modelcontextprotocol/server` (v2) with the verifier adapted: a fetch
 * gate `(request) => Promise<AuthInfo | Response>` (return the Response: 401/403 with the
 * challenge, or 500).
 * @param {import('../access-token-verifier.js').AccessTokenVerifier} verifier
 * @param {{ requiredScopes?: string[], resourceMetadataUrl?: string, expectedResource?: URL, onRefusal?: (error: Error) => void }} [options]
 */
export async function mcpBearerAuth(verifier, options = {}) {
  checkVerifier(verifier);
  const { sdk, onRefusal, rest } = gateOptions(options, 'mcpBearerAuth');
  if (sdk !== undefined && sdk !== MCP_SERVER_SDK) throw configError(`mcpBearerAuth is the ${MCP_SERVER_SDK} gate; for ${MCP_LEGACY_SDK} use mcpExpressBearerAuth`);
  const { requireBearerAuth, error } = await sdkClasses(MCP_SERVER_SDK);
  return requireBearerAuth({ ...rest, verifier: adapt(verifier, error, onRefusal) });
}

/**
 * `requireBearerAuth` of `@modelcontextprotocol/sdk` (v1) with the verifier adapted: an Express
 * middleware that sets `req.auth` and calls `next()`, or answers 401/403/500 itself.
 * @param {import('../access-token-verifier.js').AccessTokenVerifier} verifier
 * @param {{ requiredScopes?: string[], resourceMetadataUrl?: string, expectedResource?: URL, onRefusal?: (error: Error) => void }} [options]
 */
export async function mcpExpressBearerAuth(verifier, options = {}) {
  checkVerifier(verifier);
  const { sdk, onRefusal, rest } = gateOptions(options, 'mcpExpressBearerAuth');
  if (sdk !== undefined && sdk !== MCP_LEGACY_SDK) throw configError(`mcpExpressBearerAuth is the ${MCP_LEGACY_SDK} middleware; for ${MCP_SERVER_SDK} use mcpBearerAuth`);
  const { requireBearerAuth, error } = await sdkClasses(MCP_LEGACY_SDK);
  return requireBearerAuth({ ...rest, verifier: adapt(verifier, error, onRefusal) });
}
