#!/usr/bin/env node
// Serves the Grant Inspector: `www/` at `/` and the npm package `pkg/` at `/pkg/`, on
// 127.0.0.1 only, with exact MIME types (`application/wasm` for the module) and a strict
// Content-Security-Policy (the page's inline import map is allowed by its sha256 hash).
// `/rules.html` is the rulebook, docs/rules.md rendered on each request (scripts/rules-html.mjs):
// the Inspector's findings link to `rules.html#<rule id>`.
//
//   node scripts/serve-www.mjs          PORT=8787 by default; PORT=0 picks a free port
//
// Prints `idjag Grant Inspector: http://127.0.0.1:<port>/` once the server answers, then
// serves until Ctrl-C. Also importable: `const { url, close } = await serveWww({ port })`.
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rulebookHtml } from './rules-html.mjs';

const root = fileURLToPath(new URL('../', import.meta.url));
const HOST = '127.0.0.1';
const DEFAULT_PORT = 8787;

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
  '.ts': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

// URL prefix → directory. Nothing outside these directories is ever served.
const MOUNTS = [
  ['/pkg/', join(root, 'pkg')],
  ['/', join(root, 'www')],
];

/** sha256 CSP sources for every inline <script> of www/index.html (the import map). */
function inlineScriptHashes() {
  const html = readFileSync(join(root, 'www/index.html'), 'utf8');
  const hashes = [];
  for (const m of html.matchAll(/<script\b(?![^>]*\bsrc=)[^>]*>([\s\S]*?)<\/script>/gi)) {
    hashes.push(`'sha256-${createHash('sha256').update(m[1], 'utf8').digest('base64')}'`);
  }
  return hashes;
}

function csp() {
  return [
    "default-src 'none'",
    // 'wasm-unsafe-eval' lets the page compile idjag_bg.wasm; nothing else is evaluated.
    `script-src 'self' 'wasm-unsafe-eval' ${inlineScriptHashes().join(' ')}`.trim(),
    "style-src 'self'",
    "img-src 'self'",
    // Discovery fetches an issuer's metadata and JWKS (https, or http on loopback). The
    // grant itself is never sent anywhere.
    "connect-src 'self' https: http://127.0.0.1:* http://localhost:*",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function resolvePath(pathname) {
  for (const [prefix, dir] of MOUNTS) {
    if (!pathname.startsWith(prefix)) continue;
    let rel = pathname.slice(prefix.length);
    if (rel === '' || rel.endsWith('/')) rel += 'index.html';
    const file = resolve(dir, rel);
    if (!file.startsWith(dir + sep)) return null; // ../ escapes
    return file;
  }
  return null;
}

function handler(req, res) {
  const base = {
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
    'cross-origin-opener-policy': 'same-origin',
  };
  const send = (status, text) =>
    res.writeHead(status, { ...base, 'content-type': 'text/plain; charset=utf-8' }).end(req.method === 'HEAD' ? '' : text);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return send(405, 'method not allowed\n');
  }
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    return send(400, 'bad url\n');
  }
  if (pathname.includes('\0')) return send(400, 'bad url\n');
  if (pathname === '/favicon.ico') return res.writeHead(204, base).end();
  if (pathname === '/pkg') return res.writeHead(301, { ...base, location: '/pkg/' }).end();
  if (pathname === '/rules.html') {
    let html;
    try {
      html = Buffer.from(rulebookHtml(), 'utf8');
    } catch {
      return send(404, 'not found\n');
    }
    res.writeHead(200, { ...base, 'content-type': MIME['.html'], 'content-length': html.length, 'content-security-policy': csp() });
    return res.end(req.method === 'HEAD' ? undefined : html);
  }
  const file = resolvePath(pathname);
  if (!file) return send(403, 'forbidden\n');
  let st;
  try {
    st = statSync(file);
  } catch {
    return send(404, 'not found\n');
  }
  if (st.isDirectory()) return res.writeHead(301, { ...base, location: `${pathname}/` }).end();
  if (!st.isFile()) return send(404, 'not found\n');
  const type = MIME[extname(file).toLowerCase()];
  if (!type) return send(404, 'not found\n');
  const headers = { ...base, 'content-type': type, 'content-length': st.size };
  if (type.startsWith('text/html')) headers['content-security-policy'] = csp();
  res.writeHead(200, headers);
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).on('error', () => res.destroy()).pipe(res);
}

/**
 * Starts the server. Resolves once it listens and has answered its own request for the page
 * and the wasm module (so a printed URL always works).
 * @param {{ port?: number }} [options]
 */
export async function serveWww({ port = DEFAULT_PORT } = {}) {
  const server = createServer(handler);
  await new Promise((ok, ko) => {
    server.once('error', ko);
    server.listen(port, HOST, () => {
      server.off('error', ko);
      ok();
    });
  });
  const url = `http://${HOST}:${server.address().port}/`;
  const close = () =>
    new Promise((ok) => {
      server.closeAllConnections?.();
      server.close(() => ok());
    });
  try {
    for (const [path, want] of [['', 'text/html'], ['pkg/wasm/idjag_bg.wasm', 'application/wasm']]) {
      const r = await fetch(new URL(path, url), { method: 'HEAD' });
      if (r.status !== 200 || !r.headers.get('content-type')?.startsWith(want)) {
        const hint = path.startsWith('pkg/') ? ' (run `make build` first)' : '';
        throw new Error(`self-check: GET /${path} answered ${r.status}${hint}`);
      }
    }
  } catch (e) {
    await close();
    throw e;
  }
  return { url, server, close };
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  const raw = process.env.PORT ?? String(DEFAULT_PORT);
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    console.error(`serve-www: PORT must be a port number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  let running;
  try {
    running = await serveWww({ port });
  } catch (e) {
    if (e?.code === 'EADDRINUSE') {
      console.error(`serve-www: port ${port} is in use; try \`make demo PORT=${port + 1}\` (or PORT=0 for any free port)`);
    } else {
      console.error(`serve-www: ${e?.message ?? e}`);
    }
    process.exit(1);
  }
  console.log(`idjag Grant Inspector: ${running.url}`);
  console.log('  (serving www/ and pkg/ on loopback only; Ctrl-C to stop)');
  const stop = (sig) => {
    console.log(`\nserve-www: ${sig}, stopped`);
    running.close().finally(() => process.exit(0));
    setTimeout(() => process.exit(0), 1000).unref();
  };
  process.once('SIGINT', () => stop('SIGINT'));
  process.once('SIGTERM', () => stop('SIGTERM'));
}
