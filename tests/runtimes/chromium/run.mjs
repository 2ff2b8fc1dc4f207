// Chromium (headless, driven by playwright-core): serves pkg/ and tests/ from a loopback
// static server, opens tests/runtimes/chromium/index.html (import map `idjag` → the
// package's browser entry, no bundler), waits for `window.__results`, prints the report and
// saves a screenshot to tests/runtimes/artifacts/chromium.png.
//   node tests/runtimes/chromium/run.mjs [--verdicts]
// Env: CHROMIUM_PATH (default /usr/bin/chromium), IDJAG_RUNTIME_TIMEOUT_MS (default 55000).
import { createReadStream, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { isGreen, reportLines } from '../lib/harness.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const artifacts = fileURLToPath(new URL('../artifacts/', import.meta.url));
const pagePath = '/tests/runtimes/chromium/index.html';
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const deadlineMs = Number(process.env.IDJAG_RUNTIME_TIMEOUT_MS) || 55_000;
const wantVerdicts = process.argv.includes('--verdicts');

const started = Date.now();
const remaining = () => deadlineMs - (Date.now() - started);
const pageLog = []; // console errors/warnings, page errors, failed requests, HTTP errors
const fail = (msg) => {
  for (const l of pageLog) console.error(`chromium: ${l}`);
  console.error(`chromium: ERROR ${msg}`);
  process.exit(2); // playwright-core kills the browser it launched on exit
};

// Nothing may hang: a hard deadline for the whole run.
setTimeout(() => fail(`timed out after ${deadlineMs} ms`), deadlineMs).unref();

// The import map in index.html must point at the entry that fetches the .wasm next to the
// package's files: in pkg/package.json, the one of the asset-aware bundlers (condition
// `production`; `browser` without them is the embedded entry, for esbuild and Rollup).
{
  const exp = JSON.parse(readFileSync(join(root, 'pkg/package.json'), 'utf8')).exports?.['.']?.production;
  const target = typeof exp === 'string' ? exp : exp?.default;
  const html = readFileSync(join(root, pagePath), 'utf8');
  const mapped = /"idjag"\s*:\s*"\/pkg\/([^"]+)"/.exec(html)?.[1];
  if (!target || `./${mapped}` !== target) {
    fail(`index.html maps idjag to /pkg/${mapped}, but pkg/package.json exports["."].production is ${JSON.stringify(target)}`);
  }
}
try {
  statSync(join(root, 'pkg/wasm/idjag_bg.wasm'));
} catch {
  fail('pkg/wasm/idjag_bg.wasm is missing: run `make build` first');
}

// --- static server: GET/HEAD of files under pkg/ and tests/ only --------------------------
const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
};
const server = createServer((req, res) => {
  const send = (status, text) => {
    if (status >= 400) pageLog.push(`http: ${status} ${req.method} ${req.url}`);
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
  };
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed');
  let pathname;
  try {
    pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
  } catch {
    return send(400, 'bad url');
  }
  if (pathname === '/favicon.ico') return res.writeHead(204).end();
  const file = resolve(root, `.${pathname}`);
  const allowed = [join(root, 'pkg') + sep, join(root, 'tests') + sep];
  if (!allowed.some((dir) => file.startsWith(dir))) return send(403, 'forbidden');
  let st;
  try {
    st = statSync(file);
  } catch {
    return send(404, 'not found');
  }
  if (!st.isFile()) return send(404, 'not found');
  const type = MIME[extname(file)];
  if (!type) return send(415, `no MIME type for ${extname(file) || 'files without an extension'}`);
  res.writeHead(200, { 'content-type': type, 'content-length': st.size, 'cache-control': 'no-store' });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file).pipe(res);
});
await new Promise((ok, ko) => {
  server.once('error', ko);
  server.listen(0, '127.0.0.1', ok); // port 0: the kernel picks a free one
});
const origin = `http://127.0.0.1:${server.address().port}`;

// --- browser -------------------------------------------------------------------------------
let browser;
const cleanup = async () => {
  await browser?.close().catch(() => {});
  server.closeAllConnections?.();
  server.close();
};
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.once(sig, () => {
    console.error(`chromium: ${sig}, shutting down`);
    cleanup().finally(() => process.exit(130));
  });
}

let result;
let page;
try {
  browser = await chromium.launch({
    executablePath,
    timeout: 30_000,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = await browser.newPage({ viewport: { width: 1024, height: 640 } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') pageLog.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => pageLog.push(`pageerror: ${e?.stack ?? e}`));
  page.on('requestfailed', (r) => pageLog.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));

  await page.goto(`${origin}${pagePath}`, { waitUntil: 'load', timeout: 20_000 });
  const waitMs = Math.max(1_000, remaining() - 5_000);
  await page
    .waitForFunction(() => window.__results !== undefined, null, { timeout: waitMs, polling: 100 })
    .catch((e) => {
      throw new Error(`the page set no window.__results within ${waitMs} ms (hung or crashed): ${e.message}`);
    });
  result = await page.evaluate(() => window.__results);
  mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: join(artifacts, 'chromium.png'), fullPage: true, timeout: 10_000 });
  console.log(`chromium: ${browser.version()}, screenshot tests/runtimes/artifacts/chromium.png`);
} catch (e) {
  // Best effort: a screenshot of whatever the page shows, for the post-mortem.
  if (page) {
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'chromium.png'), timeout: 3_000 }).catch(() => {});
  }
  await cleanup();
  fail(e?.message ?? String(e));
}
await cleanup();

if (result?.error) fail(`the page could not run the vectors:\n${result.error}`);
for (const l of pageLog) console.error(`chromium: ${l}`);
for (const line of reportLines(result, { verdicts: wantVerdicts, resolved: result.resolved })) console.log(line);
process.exit(isGreen(result) ? 0 : 1);
