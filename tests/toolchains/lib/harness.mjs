// The toolchain matrix's machinery (issue 13): pack pkg/ once, make a fresh project per case
// that installs the tarball, build it with the case's toolchain, run the product where it
// would run (Chromium, workerd, Node, Deno, Bun, `next start`) and assert what it verified.
// The cases themselves are data: ../cases.mjs. Entry point: ../toolchains.test.mjs.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  cpSync, createReadStream, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { createServer as createNetServer } from 'node:net';
import { basename, extname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { base64url, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { chromium } from 'playwright-core';

export const here = fileURLToPath(new URL('../', import.meta.url)); // tests/toolchains/
export const root = resolve(here, '../..');
// The projects live under tests/toolchains/work/ so that Node's resolution walks up from each
// one to tests/toolchains/node_modules for the toolchains (a hoisted install), while `idjag`
// is found first in the project's own node_modules, installed from the packed tarball.
export const workRoot = join(here, 'work');
const binDir = join(here, 'node_modules/.bin');
const fixturesDir = join(here, 'fixtures');

// --- the grants (jose, not idjag) -----------------------------------------------------------

const NOW = 1767225600; // 2026-01-01T00:00:00Z: the verifier's clock is passed in, so a slow build cannot expire them
const ISS = 'https://idp.example.com';
const AUD = 'https://as.example.com';
const RES = 'https://mcp.example.com/mcp';
const CLIENT = 'mcp-client-7f3a';
const SUB = 'user-1234';
const SCOPE = 'files:read files:write';
const ALGS = ['RS256', 'ES256'];

/** Keys, a public JWKS, one grant per algorithm and a tampered twin, all made by jose. */
export async function mintFixture() {
  const keys = [];
  const grants = {};
  const jtis = {};
  for (const alg of ALGS) {
    const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
    const kid = `toolchains-${alg.toLowerCase()}`;
    keys.push({ ...(await exportJWK(publicKey)), kid, alg, use: 'sig' });
    jtis[alg] = `toolchains-${alg}-${crypto.randomUUID()}`;
    grants[alg] = await new SignJWT({ client_id: CLIENT, resource: RES, scope: SCOPE })
      .setProtectedHeader({ alg, typ: 'oauth-id-jag+jwt', kid })
      .setIssuer(ISS)
      .setSubject(SUB)
      .setAudience(AUD)
      .setJti(jtis[alg])
      .setIssuedAt(NOW - 10)
      .setExpirationTime(NOW + 120)
      .sign(privateKey);
  }
  for (const k of keys) assert.equal(k.d, undefined, 'the JWKS must hold public keys only');
  // The RS256 grant with `sub` changed after signing: must be refused with ERR_SIGNATURE.
  const [h, p, s] = grants.RS256.split('.');
  const claims = JSON.parse(new TextDecoder().decode(base64url.decode(p)));
  claims.sub = 'admin';
  const tampered = `${h}.${base64url.encode(JSON.stringify(claims))}.${s}`;
  return {
    now: NOW, issuer: ISS, audience: AUD, resource: RES, clientId: CLIENT,
    jwks: { keys }, grants, tampered, jtis,
  };
}

/** What every product must have answered (the object check.js returns). */
export function assertResult(result, fixture) {
  assert.ok(result && typeof result === 'object', `no result object: ${JSON.stringify(result)}`);
  if (result.error) assert.fail(`the product reported an error: ${result.error}`);
  for (const alg of ALGS) {
    const g = result.grants?.[alg];
    assert.ok(g, `no verified ${alg} grant in ${JSON.stringify(result)}`);
    assert.equal(g.subject, SUB, `${alg} subject`);
    assert.equal(g.sub, SUB, `${alg} claims.sub`);
    assert.equal(g.clientId, CLIENT, `${alg} clientId`);
    assert.equal(g.client_id, CLIENT, `${alg} claims.client_id`);
    assert.equal(g.issuer, ISS, `${alg} issuer`);
    assert.equal(g.audience, AUD, `${alg} audience`);
    assert.deepEqual(g.resources, [RES], `${alg} resources`);
    assert.deepEqual([...g.scopes].sort(), ['files:read', 'files:write'], `${alg} scopes`);
    assert.equal(g.jti, fixture.jtis[alg], `${alg} jti`);
    assert.equal(g.alg, alg, `${alg} header.alg`);
  }
  const t = result.tampered;
  assert.equal(t?.accepted, false, `the tampered grant was accepted: ${JSON.stringify(t)}`);
  assert.equal(t.code, 'ERR_SIGNATURE', `tampered grant: code (${JSON.stringify(t)})`);
  assert.equal(t.oauthError, 'invalid_grant', 'tampered grant: oauthError');
  assert.equal(t.name, 'IdJagError', 'tampered grant: error name');
  assert.equal(t.isIdJagError, true, 'tampered grant: instanceof IdJagError (of the same bundle)');
  assert.equal(t.isError, true, 'tampered grant: instanceof Error');
}

// --- processes ------------------------------------------------------------------------------

export const env = {
  ...process.env,
  PATH: `${binDir}${process.platform === 'win32' ? ';' : ':'}${process.env.PATH}`, // like `npm run`
  NEXT_TELEMETRY_DISABLED: '1',
  WRANGLER_SEND_METRICS: 'false',
  DENO_NO_UPDATE_CHECK: '1',
  DENO_NO_PROMPT: '1',
  DO_NOT_TRACK: '1',
  NO_COLOR: '1',
  FORCE_COLOR: '0',
  BROWSERSLIST_IGNORE_OLD_DATA: '1',
};
delete env.NODE_OPTIONS;
delete env.NODE_PATH;

const children = new Set();
const killAll = () => {
  for (const c of children) {
    try {
      process.kill(-c.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
};
process.on('exit', killAll);

/**
 * Runs argv in cwd (niced: 2 cores), its own process group, killed after timeoutMs.
 * Resolves { code, signal, out } (stdout and stderr interleaved), never rejects.
 */
export function run(argv, { cwd, timeoutMs = 120_000, nice = true, extraEnv = {} } = {}) {
  const [cmd, ...args] = nice ? ['nice', '-n', '10', ...argv] : argv;
  return new Promise((ok) => {
    let out = '';
    const child = spawn(cmd, args, { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.add(child);
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { out += d; });
    const timer = setTimeout(() => {
      out += `\n[harness] timed out after ${timeoutMs} ms: killed`;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, timeoutMs);
    child.once('error', (e) => {
      clearTimeout(timer);
      children.delete(child);
      ok({ code: -1, signal: null, out: `${out}\n[harness] cannot start ${cmd}: ${e.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      ok({ code, signal, out });
    });
  });
}

/** Starts a long-running process (a server); returns { child, log(), stop() }. */
function startProcess(argv, { cwd, extraEnv = {} }) {
  let out = '';
  const child = spawn(argv[0], argv.slice(1), { cwd, env: { ...env, ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.add(child);
  child.stdout.on('data', (d) => { out += d; });
  child.stderr.on('data', (d) => { out += d; });
  child.once('error', (e) => { out += `\n[harness] cannot start ${argv[0]}: ${e.message}`; });
  const exited = new Promise((ok) => child.once('close', (code, signal) => { children.delete(child); ok({ code, signal }); }));
  return {
    child,
    exited,
    log: () => out,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        return;
      }
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid, 'SIGKILL');
        } catch {
          // gone
        }
      }, 3_000);
      await exited;
      clearTimeout(t);
    },
  };
}

export function freePort() {
  return new Promise((ok, ko) => {
    const s = createNetServer();
    s.once('error', ko);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

const tail = (text, n = 40) => text.trimEnd().split('\n').slice(-n).join('\n');

// --- binaries -------------------------------------------------------------------------------

const pick = (...cands) => cands.find((c) => c && existsSync(c) && statSync(c).isFile());
export const bins = {
  // The project's own pinned runtimes (root devDependencies), as tests/runtimes uses them.
  deno: () => pick(process.env.DENO_BIN, join(root, 'node_modules/.bin/deno'), join(root, 'node_modules/@deno/linux-x64-glibc/deno')),
  bun: () => pick(process.env.BUN_BIN, join(root, 'node_modules/bun/bin/bun.exe'), join(root, 'node_modules/.bin/bun')),
  workerd: () => pick(process.env.WORKERD_BIN, join(root, 'node_modules/.bin/workerd'), join(root, 'node_modules/workerd/bin/workerd'), join(binDir, 'workerd')),
  chromium: () => pick(process.env.CHROMIUM_PATH, '/usr/bin/chromium'),
};

// --- the package and the projects ----------------------------------------------------------

let packed; // { tarball, template }
/**
 * `npm pack` of pkg/ (once per run) and one `npm install --offline <tarball>` into a template
 * project; each case then gets a real copy (not a link) of the installed node_modules/idjag,
 * which is what the same install would give it (measured: 0.9 s per npm install, 15 ms per copy).
 */
export async function packOnce() {
  if (packed) return packed;
  // IDJAG_TOOLCHAINS_PKG: pack another built package directory (e.g. a branch's checkout).
  const pkgDir = resolve(process.env.IDJAG_TOOLCHAINS_PKG || join(root, 'pkg'));
  assert.ok(existsSync(join(pkgDir, 'wasm/idjag_bg.wasm')), `${join(pkgDir, 'wasm/idjag_bg.wasm')} is missing: run \`make build\` first`);
  rmSync(workRoot, { recursive: true, force: true });
  mkdirSync(workRoot, { recursive: true });
  const p = await run(['npm', 'pack', pkgDir, '--pack-destination', workRoot, '--silent'], { cwd: root, nice: false, timeoutMs: 60_000 });
  assert.equal(p.code, 0, `npm pack failed:\n${p.out}`);
  const tgz = readdirSync(workRoot).find((f) => f.endsWith('.tgz'));
  assert.ok(tgz, `npm pack wrote no tarball:\n${p.out}`);
  const template = join(workRoot, '_install');
  mkdirSync(template);
  writeFileSync(join(template, 'package.json'), `${JSON.stringify({ name: 'idjag-install', private: true }, null, 2)}\n`);
  const i = await run(['npm', 'install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', join(workRoot, tgz)], { cwd: template, nice: false, timeoutMs: 60_000 });
  assert.equal(i.code, 0, `npm install of the tarball failed:\n${i.out}`);
  const installed = join(template, 'node_modules/idjag');
  assert.ok(existsSync(join(installed, 'package.json')), 'the tarball installed no node_modules/idjag');
  const packageJson = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8'));
  packed = { tarball: join(workRoot, tgz), installed, version: packageJson.version, packageJson };
  return packed;
}

const esmToCjs = (src) => `${src.replace(/^export (async function|function|const) (\w+)/gm, '$1 $2')}\nmodule.exports = { check };\n`;

/**
 * A fresh project for a case: the fixture directories overlaid in order (common first), the
 * `idjag` specifier in the app sources rewritten when the case imports another subpath, the
 * jose-made fixture (ESM and CJS), a package.json depending on idjag, and the installed package.
 */
export async function createProject(kase, fixture) {
  const { installed, version } = await packOnce();
  const dir = join(workRoot, kase.id);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  for (const name of ['common', ...kase.fixture]) {
    const src = join(fixturesDir, name);
    assert.ok(existsSync(src), `fixture ${name} does not exist`);
    cpSync(src, dir, { recursive: true });
  }
  if (kase.importFrom) {
    for (const file of walk(dir)) {
      if (!/\.(c|m)?js$/.test(file) && !file.endsWith('.html')) continue;
      const src = readFileSync(file, 'utf8');
      const next = src.replace(/(from |require\()'idjag'/g, `$1'${kase.importFrom}'`);
      if (next !== src) writeFileSync(file, next);
    }
  }
  writeFileSync(join(dir, 'check.cjs'), esmToCjs(readFileSync(join(dir, 'check.js'), 'utf8')));
  const data = JSON.stringify(fixture, null, 2);
  writeFileSync(join(dir, 'fixture.js'), `// Generated by the harness: jose-minted grants.\nexport const fixture = ${data};\n`);
  writeFileSync(join(dir, 'fixture.cjs'), `// Generated by the harness: jose-minted grants.\nexports.fixture = ${data};\n`);
  const pj = { name: `idjag-toolchain-${kase.id}`, private: true, type: 'module', dependencies: { idjag: `^${version}` } };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(pj, null, 2)}\n`);
  cpSync(installed, join(dir, 'node_modules/idjag'), { recursive: true });
  // A real directory, not a link to pkg/: bundlers resolve links to their target, and a link
  // would let pkg/'s unpacked files (outside the tarball's `files`) stand in for the package.
  assert.ok(!lstatSync(join(dir, 'node_modules/idjag')).isSymbolicLink(), 'node_modules/idjag must be a copy of the installed tarball');
  return dir;
}

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules') continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else yield p;
  }
}

/** The case's build steps, in order; throws with the tool's output on the first failure. */
export async function build(kase, dir) {
  for (const argv of kase.build ?? []) {
    const r = await run(argv, { cwd: dir, timeoutMs: kase.buildTimeoutMs ?? 180_000, extraEnv: kase.env });
    if (r.code !== 0) {
      throw new Error(`build step \`${argv.join(' ')}\` exited ${r.code ?? r.signal}:\n${tail(r.out)}`);
    }
  }
}

// --- runners: each resolves the object check.js returned ------------------------------------

const resultLine = (out) => {
  const m = /^IDJAG_RESULT (\{.*\})$/m.exec(out);
  return m ? JSON.parse(m[1]) : undefined;
};

/** A command (node, deno, bun, vitest, jest): the result is its IDJAG_RESULT line or a file. */
async function commandRunner(kase, spec, dir) {
  const argv = spec.argv.map((a) => (typeof a === 'function' ? a() : a));
  assert.ok(argv.every(Boolean), `a binary of \`${spec.argv.join(' ')}\` is missing`);
  const r = await run(argv, { cwd: dir, timeoutMs: spec.timeoutMs ?? 60_000, nice: false, extraEnv: { ...kase.env, ...spec.env } });
  let result;
  if (spec.resultFile) {
    const f = join(dir, spec.resultFile);
    if (existsSync(f)) result = JSON.parse(readFileSync(f, 'utf8'));
  } else {
    result = resultLine(r.out);
  }
  if (r.code !== 0 || result === undefined) {
    throw new Error(`\`${argv.map((a) => basename(a)).join(' ')}\` exited ${r.code ?? r.signal}${result === undefined ? ' with no result' : ''}:\n${tail(r.out)}`);
  }
  return result;
}

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/** A loopback static server over `dir` (what any static host does), recording 4xx answers. */
async function staticServer(dir, log) {
  const server = createServer((req, res) => {
    const send = (status, text) => {
      log.push(`http ${status} ${req.method} ${req.url}`);
      res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' }).end(text);
    };
    let pathname;
    try {
      pathname = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    } catch {
      return send(400, 'bad url');
    }
    if (pathname === '/favicon.ico') return res.writeHead(204).end();
    const file = resolve(dir, `.${pathname}`);
    if (file !== dir && !file.startsWith(dir + sep)) return send(403, 'forbidden');
    let st;
    try {
      st = statSync(file);
    } catch {
      return send(404, 'not found');
    }
    if (!st.isFile()) return send(404, 'not found');
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream', 'content-length': st.size, 'cache-control': 'no-store' });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });
  await new Promise((ok, ko) => {
    server.once('error', ko);
    server.listen(0, '127.0.0.1', ok);
  });
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    close: () => new Promise((ok) => { server.closeAllConnections?.(); server.close(ok); }),
  };
}

let browserPromise;
/** One headless Chromium for the whole run (each page gets its own context). */
function browser() {
  browserPromise ??= (async () => {
    const executablePath = bins.chromium();
    assert.ok(executablePath, 'no chromium at /usr/bin/chromium (apt-get install chromium, or set CHROMIUM_PATH)');
    return chromium.launch({
      executablePath,
      timeout: 30_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  })();
  return browserPromise;
}
export async function closeBrowser() {
  if (!browserPromise) return;
  const b = await browserPromise.catch(() => undefined);
  browserPromise = undefined;
  await b?.close().catch(() => {});
}

/** A page in Chromium: serve `spec.serve` of the project, open `spec.page`, read window.__result. */
async function chromiumRunner(kase, spec, dir) {
  const log = [];
  // The case's own server (a dev server) when it has one, else a static server over the build.
  const server = kase.serve ? await caseServer(kase, dir, spec.page) : await staticServer(join(dir, spec.serve ?? '.'), log);
  const b = await browser();
  const context = await b.newContext();
  try {
    const page = await context.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') log.push(`console.${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => log.push(`pageerror: ${e?.message ?? e}`));
    page.on('requestfailed', (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    // An uncaught error (a rejected top-level await, a failed wasm fetch) ends the wait early:
    // the app will never publish a result then.
    let crashed;
    const pageError = new Promise((ok) => { crashed = ok; });
    page.on('pageerror', () => setTimeout(crashed, 500));
    await page.goto(`${server.origin}${spec.page}`, { waitUntil: 'load', timeout: 20_000 });
    const ok = await Promise.race([
      page
        .waitForFunction(() => window.__result !== undefined || window.__error !== undefined, null, { timeout: spec.timeoutMs ?? 20_000, polling: 100 })
        .then(() => true, () => false),
      pageError.then(() => false),
    ]);
    const { result, error } = await page.evaluate(() => ({ result: window.__result, error: window.__error }));
    if (!ok || error !== undefined) {
      throw new Error(`${ok ? `the page failed: ${error}` : 'the page set no window.__result (an uncaught error, or the time limit)'}${log.length ? `\npage log:\n  ${log.join('\n  ')}` : ''}`);
    }
    return result;
  } finally {
    await context.close().catch(() => {});
    await server.close();
  }
}

/**
 * workerd (no wrangler at run time): every .js/.mjs file under spec.dir becomes an ES module
 * and every .wasm a wasm module, named by its path there (so a bundle's relative imports
 * resolve), spec.main first; GET / answers the check's JSON.
 */
async function workerdRunner(kase, spec, dir) {
  const bin = bins.workerd();
  assert.ok(bin, 'no workerd binary (root devDependency workerd, or WORKERD_BIN)');
  const outDir = join(dir, spec.dir);
  const files = [...walk(outDir)].map((f) => relative(outDir, f).split(sep).join('/'));
  assert.ok(files.includes(spec.main), `the build wrote no ${spec.dir}/${spec.main} (files: ${files.join(', ')})`);
  const kinds = { '.js': 'esModule', '.mjs': 'esModule', '.wasm': 'wasm' };
  const mods = [spec.main, ...files.filter((f) => f !== spec.main)].filter((f) => kinds[extname(f)]);
  const q = JSON.stringify;
  const config = join(dir, 'workerd.capnp');
  writeFileSync(config, `# Generated by tests/toolchains/lib/harness.mjs
using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:0", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [
    ${mods.map((m) => `(name = ${q(m)}, ${kinds[extname(m)]} = embed ${q(`${spec.dir}/${m}`)})`).join(',\n    ')},
  ],
  compatibilityDate = ${q(spec.compatibilityDate ?? '2025-09-01')},
);
`);
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const proc = startProcess([bin, 'serve', config, 'config', '--socket-addr', `http=127.0.0.1:${port}`, '--verbose'], { cwd: dir });
    try {
      const res = await waitForHttp(`http://127.0.0.1:${port}/`, proc, 20_000);
      if (res === 'exited' && /address already in use/i.test(proc.log()) && attempt < 3) continue;
      if (typeof res === 'string') throw new Error(`workerd ${res}:\n${tail(proc.log())}`);
      const text = await res.text();
      let body;
      try {
        body = JSON.parse(text);
      } catch {
        throw new Error(`workerd answered ${res.status} with non-JSON: ${text.slice(0, 500)}\n${tail(proc.log())}`);
      }
      if (res.status !== 200) throw new Error(`workerd answered ${res.status}: ${body.error ?? text.slice(0, 500)}\n${tail(proc.log())}`);
      return body;
    } finally {
      await proc.stop();
    }
  }
}

/** Polls url until it answers (any status); 'exited' or 'timed out' otherwise. */
async function waitForHttp(url, proc, ms) {
  const by = Date.now() + ms;
  while (Date.now() < by) {
    if (proc.child.exitCode !== null || proc.child.signalCode !== null) return 'exited';
    try {
      return await fetch(url, { signal: AbortSignal.timeout(30_000) });
    } catch {
      await new Promise((ok) => setTimeout(ok, 200));
    }
  }
  return 'timed out';
}

const servers = new Map(); // case id -> started server (shared by the case's runs)
/** The server the case starts once (`kase.serve`, `$PORT` replaced), answering `path`. */
async function caseServer(kase, dir, path) {
  let s = servers.get(kase.id);
  if (!s) {
    const port = await freePort();
    const argv = kase.serve.map((a) => String(a).replace('$PORT', String(port)));
    s = { proc: startProcess(argv, { cwd: dir, extraEnv: kase.env }), origin: `http://127.0.0.1:${port}`, close: async () => {} };
    servers.set(kase.id, s);
  }
  const res = await waitForHttp(`${s.origin}${path}`, s.proc, 30_000);
  if (typeof res === 'string') throw new Error(`\`${kase.serve.join(' ')}\` ${res}:\n${tail(s.proc.log())}`);
  return Object.assign(s, { first: res });
}

/** An HTTP server the case starts once (`next start`); each run GETs one path. */
async function httpRunner(kase, spec, dir) {
  const s = await caseServer(kase, dir, spec.path);
  const res = s.first;
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    throw new Error(`GET ${spec.path} answered ${res.status} with non-JSON: ${text.slice(0, 800)}\n${tail(s.proc.log())}`);
  }
  if (res.status !== 200) throw new Error(`GET ${spec.path} answered ${res.status}: ${body.error ?? text.slice(0, 800)}\n${tail(s.proc.log())}`);
  return body;
}
export async function stopServers() {
  for (const [id, s] of servers) {
    servers.delete(id);
    await s.proc.stop();
  }
}

export const runners = { command: commandRunner, chromium: chromiumRunner, workerd: workerdRunner, http: httpRunner };
