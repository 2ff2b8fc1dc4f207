// toNodeHandler(): a web-standard `(Request) => Promise<Response>` handler — createTokenEndpoint's
// — as a node:http request listener, an Express route handler and a Fastify route handler.
//
// Why it exists: a body parser that ran first (`app.use(express.urlencoded())`, Express's
// `express.json()`, Fastify's @fastify/formbody) has consumed the request stream and left
// `req.body` parsed; a hand-written bridge that reads the stream then finds it consumed, and
// either hands the endpoint an empty body or fails with a 500 before the endpoint decided
// anything (no audit event).
// Here the body comes from wherever it is: a parsed body is re-encoded as the form it came
// from, an unread stream is read with the endpoint's own 64 KiB cap (the core's MAX_BODY_BYTES,
// src/server/token_request.rs, which refuses a larger body), and the endpoint
// answers every request itself, so every request gets its real answer and its audit event.
//
// Web APIs only (no node: imports): it loads in every runtime `idjag/server` loads in.
import { configError } from '../errors.js';
import { checkOptions, is } from '../options.js';

/**
 * The token endpoint's body cap: the core's MAX_BODY_BYTES (src/server/token_request.rs; the full
 * build's `maxBodyBytes()`, which tests/js/js-enforces-no-rule.test.mjs holds this equal to).
 * Written out, not asked: this module loads no WebAssembly (adapters/index.js).
 */
export const MAX_BODY_BYTES = 64 * 1024;
// Hop-by-hop headers and those describing the bytes on the wire, which the re-built request
// does not have (its body is already decoded, its length is its own).
const DROPPED_HEADERS = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'content-length', 'content-encoding', 'te', 'trailer', 'proxy-connection']);

/**
 * @param {(request: Request) => Promise<Response> | Response} handler
 * @param {{ maxBodyBytes?: number }} [options] the cap on a body read from the stream
 *   (default 64 KiB, the token endpoint's): past it the endpoint is handed `cap + 1` bytes, so it
 *   refuses with its own 400 invalid_request and audit event, and the connection is closed.
 * @returns {(req: object, res: object, next?: (err?: unknown) => void) => Promise<unknown>}
 */
export function toNodeHandler(handler, options = {}) {
  if (typeof handler !== 'function') throw configError('toNodeHandler(handler): handler must be a (Request) => Promise<Response> function');
  checkOptions(options, 'options', 'toNodeHandler', { maxBodyBytes: is.positiveInteger });
  const { maxBodyBytes = MAX_BODY_BYTES } = options;

  return async function idjagNodeHandler(req, res, next) {
    // Fastify hands (request, reply) with the node objects as .raw.
    const fastify = res !== null && typeof res === 'object' && typeof res.send === 'function' && res.raw !== undefined && req?.raw !== undefined;
    const message = fastify ? req.raw : req;
    const out = fastify ? res.raw : res;
    let response;
    let overflow = false;
    try {
      const method = String(message.method ?? 'GET').toUpperCase();
      const body = method === 'GET' || method === 'HEAD' ? null : await bodyOf(req, message, maxBodyBytes);
      overflow = body?.overflow === true;
      const request = new Request(urlOf(message, req), {
        method,
        headers: headersOf(message),
        ...(body === null ? {} : { body: body.bytes }),
      });
      response = await handler(request);
    } catch (e) {
      if (fastify) throw e; // Fastify's error handler answers 500
      if (typeof next === 'function') return next(e); // Express's
      if (!out.headersSent) out.writeHead(500, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      // Never the error's text: it may quote the request (and so the grant).
      return void out.end('{"error":"server_error"}');
    }
    const headers = {};
    for (const [k, v] of response.headers) if (k !== 'set-cookie') headers[k] = v;
    const cookies = response.headers.getSetCookie?.() ?? [];
    if (cookies.length) headers['set-cookie'] = cookies;
    // The rest of an over-cap body is never read: close the connection instead of draining it.
    if (overflow) headers.connection = 'close';
    const bytes = new Uint8Array(await response.arrayBuffer());
    if (fastify) return res.code(response.status).headers(headers).send(bytes);
    out.writeHead(response.status, headers);
    out.end(bytes);
    return undefined;
  };
}

/**
 * A Fastify plugin serving `handler` at `url` (every method: the endpoint answers a GET with its
 * own 405). Its routes get pass-through content-type parsers, in the plugin's own encapsulation
 * context only, so Fastify refuses nothing first (no 415 without @fastify/formbody, no 400 of its
 * JSON parser): the endpoint reads the raw body and answers every request, with its audit event.
 * `app.register(toFastifyPlugin(endpoint), { prefix })` mounts it under a prefix.
 * @param {(request: Request) => Promise<Response> | Response} handler
 * @param {{ url?: string, maxBodyBytes?: number }} [options]
 */
export function toFastifyPlugin(handler, options = {}) {
  checkOptions(options, 'options', 'toFastifyPlugin', {
    url: Object.assign((v) => typeof v === 'string' && v.startsWith('/'), { what: 'a path starting with /' }),
    maxBodyBytes: is.positiveInteger,
  });
  const { url = '/token', ...rest } = options;
  const route = toNodeHandler(handler, rest);
  return async function idjagFastifyPlugin(app) {
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', (_request, _payload, done) => done(null));
    app.route({ method: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'], url, handler: route });
  };
}

/**
 * The request's body: `{ bytes, overflow }`. An unread stream is the body itself and
 * wins (Express 4's body-parser sets `req.body = {}` without reading a body of another type);
 * once something consumed it, what it left: the parsed `req.body`, else `req.rawBody` (a string
 * or bytes that raw-body middlewares keep).
 */
async function bodyOf(req, message, cap) {
  if (message.readableEnded === false && typeof message[Symbol.asyncIterator] === 'function') return readStream(message, cap);
  const parsed = req.body !== undefined ? req.body : message.body;
  if (parsed !== undefined && parsed !== null) return capped(bytesOfParsed(parsed, cap), cap);
  const raw = req.rawBody ?? message.rawBody;
  if (typeof raw === 'string' || raw instanceof Uint8Array) return capped(bytesOfParsed(raw, cap), cap);
  // Something read the body and kept nothing we know: answering as if it were empty would be
  // a wrong, misleading refusal. It is a deployment error (e.g. the middleware order).
  throw configError('the request body was consumed before the token endpoint could read it: mount the handler before the middleware that reads it, or use a body parser that sets req.body');
}

// A parsed body is held to the same cap as a streamed one: at most cap + 1 bytes go on, and
// more than cap is the endpoint's own "too large" refusal (the core's), with its audit event.
const capped = (bytes, cap) =>
  bytes.byteLength > cap ? { bytes: bytes.subarray(0, cap + 1), overflow: true } : { bytes, overflow: false };

// What a body parser produced → the bytes of the body it was parsed from.
function bytesOfParsed(parsed, cap) {
  if (typeof parsed === 'string') return new TextEncoder().encode(parsed);
  if (parsed instanceof Uint8Array) return parsed;
  if (parsed instanceof ArrayBuffer) return new Uint8Array(parsed);
  if (typeof parsed === 'object') return new TextEncoder().encode(formEncode(parsed, cap));
  return new TextEncoder().encode(String(parsed));
}

// Deeper than any form a body parser makes from a body within the cap (qs stops at depth 5).
const MAX_FORM_DEPTH = 32;

/**
 * An object from a urlencoded (or JSON) body parser, back to `application/x-www-form-urlencoded`.
 * Faithful where it matters to the endpoint: an array of two or more values was a parameter sent
 * more than once, and goes back as that many repetitions, so the endpoint still sees, and refuses,
 * a repeated parameter (RFC 6749 §3.2; src/server/token_request.rs parse_form). A one-element array or a nested object can only come
 * from qs's bracket syntax (`assertion[]=…`, `a[b]=…`): it goes back in that syntax, never as the
 * plain parameter it is not.
 */
export function formEncode(obj, maxChars = Infinity) {
  const parts = [];
  let size = 0;
  // Past the budget, or nested deeper than a form can be: stop and answer a body one character
  // over the budget, which the endpoint refuses as too large (never a deep recursion or a
  // quadratic build of bracketed names from a hostile object).
  const over = () => 'x'.repeat(Math.min(maxChars, 1 << 20) + 1);
  const TOO_BIG = Symbol('too big');
  const push = (part) => {
    size += part.length + 1;
    if (size > maxChars) throw TOO_BIG;
    parts.push(part);
  };
  const add = (name, value, depth = 0) => {
    if (depth > MAX_FORM_DEPTH || name.length > maxChars) throw TOO_BIG;
    if (Array.isArray(value)) {
      if (value.length >= 2 && value.every((v) => v === null || typeof v !== 'object')) {
        for (const v of value) push(`${enc(name)}=${enc(scalar(v))}`);
      } else if (value.length === 0) {
        push(`${enc(`${name}[]`)}=`);
      } else {
        value.forEach((v, i) => add(value.length === 1 ? `${name}[]` : `${name}[${i}]`, v, depth + 1));
      }
    } else if (value !== null && typeof value === 'object') {
      for (const k of Object.keys(value)) add(`${name}[${k}]`, value[k], depth + 1);
    } else {
      push(`${enc(name)}=${enc(scalar(value))}`);
    }
  };
  try {
    for (const k of Object.keys(obj)) add(k, obj[k]);
  } catch (e) {
    if (e === TOO_BIG) return over();
    throw e;
  }
  return parts.join('&');
}

const scalar = (v) => (v === null || v === undefined ? '' : String(v));
// application/x-www-form-urlencoded: as URLSearchParams writes it (space as +).
const enc = (s) => new URLSearchParams([['', s]]).toString().slice(1);

// Reads the unread stream, at most cap + 1 bytes: one byte past the cap is enough for the
// endpoint to refuse it as too large, and the rest is never read.
async function readStream(message, cap) {
  const chunks = [];
  let size = 0;
  let overflow = false;
  // destroyOnReturn false: leaving the loop early must not destroy the request (and with it
  // the socket the answer goes out on).
  const iterable = typeof message.iterator === 'function' ? message.iterator({ destroyOnReturn: false }) : message;
  for await (const chunk of iterable) {
    const bytes = typeof chunk === 'string' ? new TextEncoder().encode(chunk) : new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const room = cap + 1 - size;
    chunks.push(bytes.byteLength > room ? bytes.subarray(0, room) : bytes);
    size += Math.min(bytes.byteLength, room);
    if (size > cap) {
      overflow = true;
      break; // leaving the loop stops reading; the response closes the connection
    }
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return { bytes: out, overflow };
}

function headersOf(message) {
  const headers = new Headers();
  const raw = Array.isArray(message.rawHeaders) ? message.rawHeaders : null;
  const pairs = [];
  if (raw) for (let i = 0; i + 1 < raw.length; i += 2) pairs.push([raw[i], raw[i + 1]]);
  else for (const [k, v] of Object.entries(message.headers ?? {})) for (const x of [v].flat()) if (x !== undefined) pairs.push([k, String(x)]);
  for (const [k, v] of pairs) {
    const name = k.toLowerCase();
    if (DROPPED_HEADERS.has(name)) continue;
    if (name.startsWith(':')) continue; // HTTP/2 pseudo-headers
    try {
      headers.append(name, v);
    } catch {
      // A header value fetch's Headers refuses (bare CR/LF): node already refused worse ones.
    }
  }
  return headers;
}

// The URL the endpoint sees: the core reads only its query (and refuses a secret in it). Express's
// `originalUrl` is the path before a mount point was stripped.
function urlOf(message, req) {
  const path = typeof req.originalUrl === 'string' ? req.originalUrl : String(message.url ?? '/');
  const host = typeof message.headers?.host === 'string' && message.headers.host !== '' ? message.headers.host : 'localhost';
  const scheme = message.socket?.encrypted ? 'https' : 'http';
  try {
    return new URL(path, `${scheme}://${host}`);
  } catch {
    return new URL(path.startsWith('/') ? path : '/', `${scheme}://localhost`);
  }
}
