// The client helpers' 1 MiB response cap is a running cap (pkg/src/read-capped.js): a server
// that streams a huge chunked body is cut off soon after 1 MiB, instead of the whole body
// being read and measured afterwards. Real loopback HTTP; the server counts what it managed
// to hand to the socket, with backpressure, so a client that stops reading stops the count.
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { discover, exchangeIdJag, requestIdJag, OAuthResponseError } from 'idjag';
import { BodyTooLargeError, readCapped } from '../../pkg/src/read-capped.js';

const MiB = 1 << 20;
const TOTAL = 48 * MiB; // what the server would send if the client kept reading
const CHUNK = Buffer.alloc(64 * 1024, 'a'.charCodeAt(0));

/** A server answering every request with an endless-looking chunked JSON body. */
function hugeBodyServer() {
  const runs = [];
  const server = createServer((req, res) => {
    req.resume();
    const run = { written: 0 };
    run.done = new Promise((resolve) => {
      res.on('close', () => resolve(run.written));
    });
    runs.push(run);
    res.writeHead(200, { 'content-type': 'application/json' }); // no content-length: chunked
    res.write('{"padding":"');
    const pump = () => {
      while (run.written < TOTAL && !res.destroyed) {
        run.written += CHUNK.length;
        if (!res.write(CHUNK)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end('"}');
    };
    pump();
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => resolve({
      url: `http://127.0.0.1:${server.address().port}`,
      runs,
      close: () => new Promise((r) => { server.closeAllConnections(); server.close(r); }),
    }));
  });
}

describe('a huge chunked response is refused after about 1 MiB', () => {
  let srv;
  before(async () => { srv = await hugeBodyServer(); });
  after(() => srv.close());

  const cases = {
    discover: () => discover(`${srv.url}/mcp`),
    requestIdJag: () => requestIdJag({
      tokenEndpoint: `${srv.url}/token`, audience: 'https://as.example.com', subjectToken: 'id-token',
      subjectTokenType: 'urn:ietf:params:oauth:token-type:id_token', clientId: 'c', clientSecret: 's',
    }),
    exchangeIdJag: () => exchangeIdJag({ tokenEndpoint: `${srv.url}/token`, grant: 'a.b.c', clientId: 'c', clientSecret: 's' }),
  };
  for (const [name, call] of Object.entries(cases)) {
    test(`${name}: invalid_response "too large", and the server could not send the rest`, async () => {
      const n = srv.runs.length;
      const started = performance.now();
      await assert.rejects(call(), (e) => e instanceof OAuthResponseError && e.error === 'invalid_response' && /too large/.test(e.message));
      const elapsed = performance.now() - started;
      const written = await srv.runs[n].done; // the response's socket closed: the client hung up
      // 1 MiB read, plus what the loopback socket buffers hold: far from the 48 MiB on offer.
      assert.ok(written < 12 * MiB, `the server wrote ${(written / MiB).toFixed(1)} MiB before the client gave up`);
      assert.ok(elapsed < 5000, `refused after ${elapsed.toFixed(0)} ms`);
    });
  }
});

describe('readCapped', () => {
  const stream = (parts) => new Response(new ReadableStream({
    start(c) { for (const p of parts) c.enqueue(new TextEncoder().encode(p)); c.close(); },
  }));

  test('returns the body when it fits, across chunks', async () => {
    assert.equal(new TextDecoder().decode(await readCapped(stream(['ab', 'cd', 'e']), 5)), 'abcde');
  });
  test('refuses one byte over, and a declared content-length over the cap before reading', async () => {
    await assert.rejects(readCapped(stream(['abc', 'def']), 5), (e) => e instanceof BodyTooLargeError && e.declared === false);
    const declared = new Response('x', { headers: { 'content-length': '999' } });
    await assert.rejects(readCapped(declared, 5), (e) => e instanceof BodyTooLargeError && e.declared === true);
  });
  test('cancels the stream when the cap is passed', async () => {
    let cancelled = false;
    let pulls = 0;
    const res = new Response(new ReadableStream({
      pull(c) { pulls += 1; c.enqueue(new Uint8Array(1024)); },
      cancel() { cancelled = true; },
    }, { highWaterMark: 0 }));
    await assert.rejects(readCapped(res, 10 * 1024), BodyTooLargeError);
    assert.equal(cancelled, true);
    assert.ok(pulls <= 12, `${pulls} chunks pulled`);
  });
  test('an empty body is empty', async () => {
    assert.equal((await readCapped(new Response(null), 5)).byteLength, 0);
  });
});
