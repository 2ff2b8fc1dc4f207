// The worker's settings, read from its env bindings (wrangler.toml [vars] and secrets, or the
// `bindings` of a workerd config). No key and no secret is in the source: the signing key and
// the client secrets are bindings (secrets in production: `wrangler secret put`).
//
//   AS_ISSUER          text    this authorization server's issuer = the worker's origin, no path
//                              (the grants' `aud`, the access tokens' `iss`)
//   MCP_RESOURCE       text    the MCP server's resource identifier (the access tokens' `aud`);
//                              default `${AS_ISSUER}/mcp`. Its path is the MCP route.
//   AS_SIGNING_KEY     secret  the private JWK the access tokens are signed with (JSON; ES256 or
//                              EdDSA, from AccessTokenIssuer#privateJwk() or any JWK tool)
//   IDP_ISSUER         text    the enterprise IdP whose ID-JAGs are accepted
//   IDP_JWKS           json    its public JWK Set, or
//   IDP_JWKS_URI       text    where to fetch it (else: discovered from IDP_ISSUER's metadata)
//   CLIENTS            json    the registered clients: [{ clientId, tokenEndpointAuthMethod,
//                              clientSecret | jwks | jwksUri }] (a secret when it holds secrets)
//   MCP_SCOPES         text    the scopes the MCP server knows, space-separated (default "files.read files.write")
//   MCP_REQUIRED_SCOPE text    the scope every MCP call needs (default "files.read")
//   POLICY             json    optional enterprise grant policy (GrantPolicy of idjag)
//   REPLAY             DO      the Durable Object namespace of ReplayDurableObject (R29), or
//   REPLAY_STORE       text    "memory" to accept grants with a per-isolate store (development only)
//
// A json value may come as an object (a workerd `json` binding, a wrangler [vars] table) or as
// JSON text (a secret, a `text` binding).
import { MemoryReplayStore } from 'idjag/server';
import { DurableObjectReplayStore } from './replay-store.js';

/** A configuration problem: names the binding, never its value. */
export class ConfigError extends Error {
  constructor(message) {
    super(message);
    this.name = 'ConfigError';
  }
}

function text(env, name, fallback) {
  const v = env[name];
  if (v === undefined || v === '') {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`binding ${name} is missing`);
  }
  if (typeof v !== 'string') throw new ConfigError(`binding ${name} must be text`);
  return v;
}

function json(env, name, { optional = false } = {}) {
  const v = env[name];
  if (v === undefined || v === '') {
    if (optional) return undefined;
    throw new ConfigError(`binding ${name} is missing`);
  }
  if (typeof v !== 'string') return v;
  try {
    return JSON.parse(v);
  } catch {
    throw new ConfigError(`binding ${name} is not valid JSON`);
  }
}

function origin(env, name) {
  const v = text(env, name);
  let u;
  try {
    u = new URL(v);
  } catch {
    throw new ConfigError(`binding ${name} must be an absolute url`);
  }
  if (u.origin !== v) throw new ConfigError(`binding ${name} must be an origin (scheme://host[:port]) without a path or a trailing slash`);
  return v;
}

/**
 * @param {Record<string, unknown>} env the worker's env
 * @returns {{ issuer: string, resource: string, mcpPath: string, signingKey: JsonWebKey,
 *   idp: { issuer: string, jwks?: object, jwksUri?: string, discover?: true }, clients: object[],
 *   scopes: string[], requiredScope: string, policy?: object, replayStore: object, replayKind: string }}
 */
export function readConfig(env) {
  const issuer = origin(env, 'AS_ISSUER');
  const resource = text(env, 'MCP_RESOURCE', `${issuer}/mcp`);
  let mcpPath;
  try {
    const u = new URL(resource);
    if (u.origin !== issuer || u.pathname === '/' || u.search || u.hash) throw new Error();
    mcpPath = u.pathname;
  } catch {
    throw new ConfigError('binding MCP_RESOURCE must be a url with a path on the AS_ISSUER origin');
  }

  const signingKey = json(env, 'AS_SIGNING_KEY');
  if (signingKey === null || typeof signingKey !== 'object' || typeof signingKey.d !== 'string') {
    throw new ConfigError('binding AS_SIGNING_KEY must be a private JWK');
  }

  const idpIssuer = text(env, 'IDP_ISSUER');
  const jwks = json(env, 'IDP_JWKS', { optional: true });
  const jwksUri = env.IDP_JWKS_URI === '' ? undefined : env.IDP_JWKS_URI;
  if (jwks !== undefined && jwksUri !== undefined) throw new ConfigError('give one of IDP_JWKS and IDP_JWKS_URI');
  const idp = { issuer: idpIssuer, ...(jwks !== undefined ? { jwks } : jwksUri !== undefined ? { jwksUri } : { discover: true }) };

  const clients = json(env, 'CLIENTS');
  if (!Array.isArray(clients) || clients.length === 0) throw new ConfigError('binding CLIENTS must be a non-empty JSON array');

  const scopes = text(env, 'MCP_SCOPES', 'files.read files.write').split(' ').filter(Boolean);
  const requiredScope = text(env, 'MCP_REQUIRED_SCOPE', 'files.read');
  const policy = json(env, 'POLICY', { optional: true });

  // R29: a store every isolate shares. The in-memory one only with an explicit opt-in: it
  // lets a grant be redeemed once per isolate.
  let replayStore;
  let replayKind;
  if (env.REPLAY !== undefined) {
    replayStore = new DurableObjectReplayStore({ namespace: env.REPLAY });
    replayKind = 'durable-object';
  } else if (env.REPLAY_STORE === 'memory') {
    replayStore = new MemoryReplayStore();
    replayKind = 'memory';
  } else {
    throw new ConfigError('bind REPLAY (the ReplayDurableObject namespace), or set REPLAY_STORE = "memory" for development');
  }

  return { issuer, resource, mcpPath, signingKey, idp, clients, scopes, requiredScope, policy, replayStore, replayKind };
}
