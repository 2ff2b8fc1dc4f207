// Reading a response body with a running size cap: the bytes are counted as they arrive and
// the stream is cancelled as soon as the count passes the cap, so a server that sends a huge
// (or endless, chunked) body costs at most `maxBytes` plus one chunk of memory, never the
// whole body. A declared Content-Length above the cap is refused before reading anything.
//
// Shared by the client helpers (client.js) and, later, the JWKS cache.

/** Thrown when a body is larger than its cap. `declared` is true when Content-Length said so. */
export class BodyTooLargeError extends Error {
  /** @param {number} maxBytes @param {boolean} declared */
  constructor(maxBytes, declared) {
    super(`response body is larger than ${maxBytes} bytes`);
    this.name = 'BodyTooLargeError';
    this.maxBytes = maxBytes;
    this.declared = declared;
  }
}

/**
 * The body of `res` as bytes, at most `maxBytes` of them.
 * @param {Response} res
 * @param {number} maxBytes
 * @returns {Promise<Uint8Array>}
 * @throws {BodyTooLargeError} when the body (or its declared length) is over the cap; the
 *   body stream is cancelled first. Read errors of the stream propagate unchanged.
 */
export async function readCapped(res, maxBytes) {
  const declared = res.headers?.get?.('content-length');
  if (declared !== null && declared !== undefined && declared !== '' && Number(declared) > maxBytes) {
    res.body?.cancel?.().catch(() => {});
    throw new BodyTooLargeError(maxBytes, true);
  }
  const body = res.body;
  if (!body || typeof body.getReader !== 'function') {
    // A fetch without streams (some polyfills, an empty body): the cap still holds, after the fact.
    const buf = new Uint8Array(await res.arrayBuffer());
    if (buf.byteLength > maxBytes) throw new BodyTooLargeError(maxBytes, false);
    return buf;
  }
  const reader = body.getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => {}); // closes the connection: the rest is never read
      throw new BodyTooLargeError(maxBytes, false);
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/**
 * The body of `res` as text (UTF-8, invalid sequences replaced, as `Response.text()` does), at
 * most `maxBytes` bytes of it. Same errors as {@link readCapped}.
 * @param {Response} res
 * @param {number} maxBytes
 */
export async function readCappedText(res, maxBytes) {
  return new TextDecoder('utf-8').decode(await readCapped(res, maxBytes));
}
