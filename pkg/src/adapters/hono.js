// toHonoHandler(): a web-standard handler (createTokenEndpoint's) as a Hono route handler.
// Hono hands the raw Request (`c.req.raw`), which works as is — until a middleware read the
// body first (`c.req.parseBody()`, `c.req.text()`, a validator): the stream is then used and the
// endpoint would fail with a 500 and no audit event. The body is then taken back from Hono's
// body cache: the bytes as they came when Hono kept them (parseBody, text, arrayBuffer, json),
// else the cached FormData re-encoded as a form, every repetition kept (RFC 6749 §3.2), so the
// core still sees, and refuses, a repeated parameter (src/server/token_request.rs parse_form).
import { configError } from '../errors.js';

/**
 * @param {(request: Request) => Promise<Response> | Response} handler
 * @returns {(c: { req: { raw: Request, bodyCache?: object, arrayBuffer(): Promise<ArrayBuffer> } }) => Promise<Response>}
 */
export function toHonoHandler(handler) {
  if (typeof handler !== 'function') throw configError('toHonoHandler(handler): handler must be a (Request) => Promise<Response> function');
  return async function idjagHonoHandler(c) {
    const req = c?.req;
    const raw = req?.raw;
    if (!(raw instanceof Request)) throw configError('toHonoHandler: not a Hono context');
    if (!raw.bodyUsed) return handler(raw);
    const cache = req.bodyCache ?? {};
    if (!['arrayBuffer', 'text', 'blob', 'json', 'formData'].some((k) => cache[k])) {
      // Read from c.req.raw directly: Hono kept nothing, and an empty body would be a wrong answer.
      throw configError('the request body was consumed before the token endpoint could read it: read it through c.req (parseBody, text, …), not c.req.raw');
    }
    let body;
    if (cache.formData && !cache.arrayBuffer && !cache.text && !cache.blob && !cache.json) {
      const form = await cache.formData;
      const params = new URLSearchParams();
      for (const [k, v] of form) {
        if (typeof v !== 'string') throw configError('toHonoHandler: the cached body holds a file, not a form');
        params.append(k, v);
      }
      body = params.toString();
    } else {
      body = await req.arrayBuffer(); // Hono answers from its cache: the bytes as received
    }
    const headers = new Headers(raw.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    return handler(new Request(raw.url, { method: raw.method, headers, body, signal: raw.signal }));
  };
}
