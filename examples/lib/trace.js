// A fetch that reports every exchange of the EMA flow to a callback, with every token
// reduced to a preview and its decoded header and claims — the full token never leaves this
// file (C10, S17). Runtime-neutral: fetch, Request/Response, atob, TextDecoder only.

const TOKEN_TYPE_ID_JAG = 'urn:ietf:params:oauth:token-type:id-jag';
const GRANT_TOKEN_EXCHANGE = 'urn:ietf:params:oauth:grant-type:token-exchange';
const GRANT_JWT_BEARER = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
// Form parameters that carry tokens or secrets: shown as previews, or not at all.
const TOKEN_PARAMS = ['assertion', 'subject_token', 'actor_token', 'client_assertion'];
const SECRET_PARAMS = ['client_secret', 'password'];

/** A token as it may be shown: its first characters and its length. */
export function preview(token) {
  return `${token.slice(0, 24)}…(${token.length} chars)`;
}

function b64urlJson(part) {
  const b64 = part.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(part.length / 4) * 4, '=');
  const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
  return JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
}

/**
 * A token named by what it is and which one it is (its `jti`, else its `sub`), for request
 * lines: `at+jwt jti=kKAaCrr64BzafxBIHfhU7g (446 chars)`. Lets a reader match a token sent with
 * the one received earlier and with the audit events, which carry the same `jti`.
 */
export function label(token) {
  const decoded = decodeToken(token);
  if (!decoded) return preview(token);
  const { header, claims } = decoded;
  const typ = typeof header.typ === 'string' ? header.typ : 'JWT';
  const id = typeof claims.jti === 'string' ? `jti=${claims.jti}` : typeof claims.sub === 'string' ? `sub=${claims.sub}` : '';
  return `<${[typ, id].filter(Boolean).join(' ')}> (${token.length} chars)`;
}

/**
 * Decodes a compact JWS for display — NOT verified. The signature is dropped.
 * @returns {{ preview: string, header: object, claims: object } | null}
 */
export function decodeToken(token) {
  if (typeof token !== 'string' || !JWT.test(token)) return null;
  try {
    const [h, c] = token.split('.');
    return { preview: preview(token), header: b64urlJson(h), claims: b64urlJson(c) };
  } catch {
    return null;
  }
}

/** What kind of exchange this is, from the request alone. */
function classify(method, url, form, rpc, mcpServerUrl) {
  const { pathname } = url;
  if (pathname.startsWith('/.well-known/oauth-protected-resource')) return 'discovery.resource';
  if (pathname.startsWith('/.well-known/oauth-authorization-server') || pathname.startsWith('/.well-known/openid-configuration')) {
    return 'discovery.authorization_server';
  }
  if (form?.grant_type === GRANT_TOKEN_EXCHANGE) return 'idp.token_exchange';
  if (form?.grant_type === GRANT_JWT_BEARER) return 'as.token';
  if (pathname.endsWith('/demo-login')) return 'idp.login';
  if (mcpServerUrl && url.href === mcpServerUrl) return rpc ? 'mcp' : `mcp.${method.toLowerCase()}`;
  return 'http';
}

async function bodyText(body) {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  if (body instanceof Uint8Array || body instanceof ArrayBuffer) return new TextDecoder().decode(body);
  return null; // streams, FormData: not shown
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

/** The JSON-RPC messages in a body: plain JSON, or the `data:` lines of an event stream. */
function rpcMessages(text, contentType) {
  if (!text) return [];
  if (contentType.includes('text/event-stream')) {
    return text.split('\n').filter((l) => l.startsWith('data:')).map((l) => parseJson(l.slice(5).trim())).filter(Boolean);
  }
  const parsed = parseJson(text);
  if (parsed === null) return [];
  return Array.isArray(parsed) ? parsed : [parsed];
}

/** RFC 6750 §3 challenge parameters: error, scope, resource_metadata, … */
export function parseChallenge(header) {
  if (!header) return null;
  const params = {};
  for (const m of header.matchAll(/([A-Za-z_]+)="((?:[^"\\]|\\.)*)"/g)) params[m[1]] = m[2].replace(/\\(.)/g, '$1');
  return { scheme: header.split(/\s/)[0], ...params };
}

function summarizeForm(text) {
  const form = Object.fromEntries(new URLSearchParams(text));
  const shown = {};
  const tokens = [];
  for (const [k, v] of Object.entries(form)) {
    if (SECRET_PARAMS.includes(k)) continue;
    if (TOKEN_PARAMS.includes(k)) {
      shown[k] = label(v);
      const decoded = decodeToken(v);
      if (decoded) tokens.push({ name: k, ...decoded });
    } else {
      shown[k] = v;
    }
  }
  return { form, shown, tokens };
}

function summarizeAuthorization(value) {
  if (!value) return undefined;
  const [scheme, credentials = ''] = value.split(' ');
  if (/^basic$/i.test(scheme)) {
    try {
      const id = decodeURIComponent(atob(credentials).split(':')[0]);
      return `Basic (client_id ${id.slice(0, 64)}, secret elided)`;
    } catch {
      return 'Basic (elided)';
    }
  }
  return `${scheme} ${label(credentials)}`;
}

/** Tokens in a token response, named for what they are. */
function responseTokens(json) {
  if (!json || typeof json !== 'object') return [];
  const out = [];
  if (typeof json.id_token === 'string') out.push({ name: 'ID token', token: json.id_token });
  if (typeof json.access_token === 'string') {
    out.push({ name: json.issued_token_type === TOKEN_TYPE_ID_JAG ? 'ID-JAG' : 'access token', token: json.access_token });
  }
  return out.map(({ name, token }) => ({ name, ...(decodeToken(token) ?? { preview: preview(token) }) }));
}

function redactResponse(json) {
  if (!json || typeof json !== 'object' || Array.isArray(json)) return json;
  const out = {};
  for (const [k, v] of Object.entries(json)) out[k] = ['access_token', 'id_token', 'refresh_token'].includes(k) && typeof v === 'string' ? preview(v) : v;
  return out;
}

/**
 * @param {{ fetch?: typeof fetch, mcpServerUrl?: string,
 *   onRequest?: (exchange: { kind: string, request: object }) => void,   // before it is sent
 *   onExchange: (exchange: { kind: string, request: object, response: object, tokens: object[] }) => void }} options
 * @returns {typeof fetch}
 */
export function tracingFetch({ fetch: inner = globalThis.fetch, onRequest = () => {}, onExchange, mcpServerUrl }) {
  return async function tracedFetch(input, init = {}) {
    const request = input instanceof Request ? input : null;
    const url = new URL(request ? request.url : String(input));
    const method = (init.method ?? request?.method ?? 'GET').toUpperCase();
    const headers = new Headers(init.headers ?? request?.headers);
    const text = await bodyText(init.body);
    const contentType = headers.get('content-type') ?? '';
    let form = null;
    let rpc = null;
    const out = { request: { method, url: url.href }, response: null, tokens: [] };
    if (text !== null && contentType.startsWith('application/x-www-form-urlencoded')) {
      const summary = summarizeForm(text);
      form = summary.form;
      out.request.form = summary.shown;
      out.tokens.push(...summary.tokens.map((t) => ({ ...t, sent: true })));
    } else if (text !== null && contentType.startsWith('application/json')) {
      const messages = rpcMessages(text, contentType);
      rpc = messages.map((m) => ({ id: m.id, method: m.method, ...(m.params?.name ? { name: m.params.name } : {}), ...(m.params?.arguments ? { arguments: m.params.arguments } : {}) }));
    }
    if (rpc) out.request.rpc = rpc;
    const authorization = summarizeAuthorization(headers.get('authorization'));
    if (authorization) out.request.authorization = authorization;
    out.kind = classify(method, url, form, rpc?.length ? rpc : null, mcpServerUrl);
    try {
      onRequest({ kind: out.kind, request: out.request });
    } catch {
      // a failing printer must not change the flow
    }

    const response = await inner(input, init);
    const resType = response.headers.get('content-type') ?? '';
    out.response = { status: response.status };
    const wwwAuthenticate = response.headers.get('www-authenticate');
    if (wwwAuthenticate) {
      out.response.wwwAuthenticate = wwwAuthenticate;
      out.response.challenge = parseChallenge(wwwAuthenticate);
    }
    // Never wait on a stream that stays open (a GET event stream).
    const readable = !(method === 'GET' && resType.includes('text/event-stream'));
    if (readable && response.body) {
      const body = await response.clone().text().catch(() => '');
      if (resType.includes('json') && !resType.includes('event-stream') && !out.kind.startsWith('mcp')) {
        const json = parseJson(body);
        out.response.json = redactResponse(json);
        out.tokens.push(...responseTokens(json));
      } else if (out.kind.startsWith('mcp')) {
        out.response.rpc = rpcMessages(body, resType);
        if (out.response.rpc.length === 0) {
          const json = parseJson(body);
          if (json) out.response.json = json;
        }
      }
    }
    try {
      onExchange(out);
    } catch {
      // a failing printer must not change the flow
    }
    return response;
  };
}
