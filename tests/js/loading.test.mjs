// Loading the package (issue 13, "Every JS toolchain with zero configuration"), at the Node
// level: one wasm instance per process whatever mix of import / require / subpaths, errors
// recognised across the package's copies, trap recovery on the shared instance, server bundles
// (esbuild, platform node, ESM and CJS) that find their wasm or fail with the documented
// recipe, and browser bundles (iife, es2020) that build: no top-level await. The full
// toolchain matrix (webpack, Vite, Rollup, real browsers) is tests/toolchains.
//
//   node --test tests/js/loading.test.mjs      (needs the built package: make build)

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import vm from 'node:vm';
import { after, before, describe, test } from 'node:test';
import { build } from 'esbuild';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const pkgDir = join(root, 'pkg');
const pkgJson = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));

const NOW = 1767225600; // 2026-01-01T00:00:00Z
const ISS = 'https://idp.example.com';
const AUD = 'https://as.example.com';
const RES = 'https://mcp.example.com/mcp';
const CLIENT = 'mcp-client-7f3a';

/** Runs `code` as an ES module in a fresh Node process (cwd: the repo, so `idjag` resolves). */
async function node(code, { cwd = root, input } = {}) {
  const child = run(process.execPath, ['--input-type=module', '-e', code], { cwd, maxBuffer: 1 << 24 });
  if (input !== undefined) {
    child.child.stdin.end(input);
  }
  const { stdout } = await child;
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

describe('one wasm instance per process', () => {
  test('import + require of idjag, idjag/server, idjag/testing, all used: 1 instance, the full build', async () => {
    const out = await node(`
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const esm = await import('idjag');
      const esmServer = await import('idjag/server');
      const esmTesting = await import('idjag/testing');
      const cjs = require('idjag');
      const cjsServer = require('idjag/server');
      const cjsTesting = require('idjag/testing');
      const { registryStateForTests } = await import('./pkg/src/core.js');
      const before = registryStateForTests();
      const AS = 'https://as.example', MCP = 'https://mcp.example/mcp';
      // Each copy makes objects in the instance: verifiers (ESM, CJS), issuers (both testing copies),
      // the access-token issuer and token endpoint of both server copies, inspect of each.
      const idp = new esmTesting.TestIssuer({ issuer: 'https://idp.example' });
      const idp2 = new cjsTesting.TestIssuer({ issuer: 'https://idp2.example' });
      const issuers = [{ issuer: idp.issuer, jwks: idp.jwks() }, { issuer: idp2.issuer, jwks: idp2.jwks() }];
      const verdicts = [];
      for (const [m, i] of [[esm, idp], [cjs, idp2], [esmServer, idp], [cjsServer, idp2]]) {
        const v = new m.IdJagVerifier({ audience: AS, issuers, resources: [MCP] });
        const g = await v.verify(i.mint({ audience: AS, clientId: 'c', resource: MCP }), { clientId: 'c' });
        verdicts.push(g.issuer);
        m.inspect(i.mint({ audience: AS, clientId: 'c' }));
      }
      for (const s of [esmServer, cjsServer]) new s.AccessTokenIssuer({ issuer: AS }).mint({ subject: 'u', clientId: 'c', resources: [MCP], scopes: [] });
      const state = registryStateForTests();
      console.log(JSON.stringify({ before, state, verdicts, memory: process.memoryUsage().rss }));
    `);
    // Lazy: importing instantiates nothing; the first use makes the one instance.
    assert.equal(out.before.instances, 0);
    assert.equal(out.state.instances, 1, JSON.stringify(out.state));
    assert.equal(out.state.main, 'full');
    assert.equal(out.state.extraFull, null);
    assert.deepEqual(out.state.registered, ['full'], 'Node entries register the full build only');
    assert.deepEqual(out.verdicts, ['https://idp.example', 'https://idp2.example', 'https://idp.example', 'https://idp2.example']);
  });

  test('only the entries and core*.js touch the wasm-bindgen glue (everything else goes through the shared instance)', async () => {
    const { readdirSync } = await import('node:fs');
    const src = join(pkgDir, 'src');
    const files = readdirSync(src, { recursive: true }).filter((f) => f.endsWith('.js') && !/(^|\/)(entry-|core)[^/]*$/.test(f));
    assert.ok(files.includes('verifier.js') && files.includes('server/token-endpoint.js'));
    for (const f of files) {
      // A direct import would use a glue copy that may never be instantiated (the shared
      // instance can be another copy's, or the other build's): import from core-verifier.js
      // or core-full.js instead.
      assert.doesNotMatch(readFileSync(join(src, f), 'utf8'), /from\s+'(\.\.\/)+wasm(-full)?\/idjag\.js'/, f);
    }
  });

  test('the registry key names the version of pkg/package.json', async () => {
    const { VERSION } = await import('../../pkg/src/core.js');
    assert.equal(VERSION, pkgJson.version);
    assert.ok(Object.getOwnPropertySymbols(globalThis).every((s) => !String(s).includes('idjag') || String(s) === `Symbol(idjag.core@${VERSION})`));
  });

  test('a trap in the shared instance restarts it once for every copy; each copy rebuilds its objects', async () => {
    const out = await node(`
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const esm = await import('idjag');
      const cjs = require('idjag');
      const cjsTesting = require('idjag/testing');
      const { verifierCore } = await import('./pkg/src/core-verifier.js');
      const { fullCore } = await import('./pkg/src/core-full.js');
      const { registryStateForTests } = await import('./pkg/src/core.js');
      const AS = 'https://as.example', MCP = 'https://mcp.example/mcp';
      const idp = new cjsTesting.TestIssuer({ issuer: 'https://idp.example' });
      const opts = { audience: AS, issuers: [{ issuer: idp.issuer, jwks: idp.jwks() }], resources: [MCP] };
      const vEsm = new esm.IdJagVerifier(opts);
      const vCjs = new cjs.IdJagVerifier(opts);
      // One clock for the three: g2 must not expire later than g0 (a second boundary between
      // the mints would make g2's deadline later, and the restarted store rightly accept it).
      const t0 = Math.floor(Date.now() / 1000);
      const at = () => t0;
      const g0 = idp.mint({ audience: AS, clientId: 'c', resource: MCP, jti: 'zeroth', now: at });
      const g1 = idp.mint({ audience: AS, clientId: 'c', resource: MCP, now: at });
      const g2 = idp.mint({ audience: AS, clientId: 'c', resource: MCP, jti: 'second', now: at });
      await vCjs.verify(g0, { clientId: 'c' }); // the CJS verifier's replay store holds g0
      const gen0 = [verifierCore.generation, fullCore.generation];
      verifierCore.armTrapForTests(); // armed through the ESM copy, fired by the CJS copy's call
      const err = await vCjs.verify(g1, { clientId: 'c' }).then(() => null, (e) => e);
      const gen1 = [verifierCore.generation, fullCore.generation];
      // After the restart: both verifiers and the issuer (other copies) rebuild and work.
      const laterSec = Date.now() / 1000 + 5;
      const later = () => laterSec;
      const g3 = idp.mint({ audience: AS, clientId: 'c', resource: MCP, now: later });
      const ok = [(await vEsm.verify(g3, { clientId: 'c', now: later })).issuer, (await vCjs.verify(g2, { clientId: 'c' }).then((g) => g.issuer, (e) => e.code))];
      console.log(JSON.stringify({ code: err?.code, esmSees: err instanceof esm.IdJagError, gen0, gen1, ok, state: registryStateForTests() }));
    `);
    assert.equal(out.code, 'ERR_INTERNAL');
    assert.equal(out.esmSees, true);
    assert.deepEqual(out.gen1, [out.gen0[0] + 1, out.gen0[1] + 1], 'one instance: both handles see the one restart');
    // g2 was minted before the restart and expires no later than g0: the lost replay state
    // makes the CJS verifier's own store refuse it (ERR_REPLAY), never accept it silently.
    assert.deepEqual(out.ok, ['https://idp.example', 'ERR_REPLAY']);
    assert.equal(out.state.instances, 1, 'a restart is not a new instance from a loader');
  });
});

describe('idjag/manual', () => {
  for (const how of ['initSync', 'init']) {
    test(`${how}() instantiates the verifier build, which becomes the shared instance`, async () => {
      const out = await node(`
        import { readFileSync } from 'node:fs';
        const m = await import('idjag/manual');
        const { registryStateForTests } = await import('./pkg/src/core.js');
        let before;
        try { m.inspect('a.b.c'); } catch (e) { before = e.code + ': ' + e.message; }
        const bytes = readFileSync(new URL(import.meta.resolve('idjag/idjag_bg.wasm')));
        ${how === 'init' ? 'await m.init({ module_or_path: bytes });' : 'm.initSync({ module: bytes });'}
        const findings = m.inspect('a.b.c').findings.length;
        console.log(JSON.stringify({ before, findings, state: registryStateForTests() }));
      `);
      assert.match(out.before, /^ERR_CONFIG: .*no wasm build was registered/);
      assert.ok(out.findings > 0);
      assert.deepEqual(out.state, { instances: 1, main: 'verifier', extraFull: null, registered: ['verifier'] });
    });
  }
});

describe('IdJagError across copies of the package', () => {
  test('an error of require("idjag/server") is instanceof the IdJagError of import and require("idjag"), and IdJagError.is', async () => {
    const out = await node(`
      import { createRequire } from 'node:module';
      const require = createRequire(process.cwd() + '/');
      const esm = await import('idjag');
      const copies = { esm, esmServer: await import('idjag/server'), esmTesting: await import('idjag/testing'),
        cjs: require('idjag'), cjsServer: require('idjag/server'), cjsTesting: require('idjag/testing') };
      const errors = {};
      for (const [name, m] of Object.entries(copies)) {
        try { new (m.IdJagVerifier ?? esm.IdJagVerifier)(null); } catch (e) { errors[name] = e; }
      }
      try { new copies.cjsTesting.TestIssuer({ issuer: 'x', alg: 'none' }); } catch (e) { errors.testingCore = e; }
      const matrix = {};
      for (const [en, e] of Object.entries(errors)) {
        matrix[en] = Object.entries(copies).filter(([, m]) => m.IdJagError).map(([cn, m]) => [cn, e instanceof m.IdJagError, m.IdJagError.is(e)]);
      }
      const plain = new Error('x');
      const lookalike = { code: 'ERR_CONFIG', name: 'IdJagError', message: 'x' };
      const revoked = Proxy.revocable({}, {}); revoked.revoke();
      class Sub extends copies.cjs.IdJagError {}
      const sub = new Sub('ERR_CONFIG', 'sub');
      const oauth = new copies.cjsServer.OAuthResponseError('refused', { error: 'invalid_grant', status: 400 });
      console.log(JSON.stringify({
        oauth: [oauth instanceof esm.OAuthResponseError, esm.OAuthResponseError.is(oauth), copies.cjs.OAuthResponseError.is(oauth), esm.IdJagError.is(oauth), oauth instanceof esm.IdJagError, errors.cjs instanceof esm.OAuthResponseError],
        matrix,
        codes: Object.fromEntries(Object.entries(errors).map(([k, e]) => [k, e.code])),
        negatives: [plain, lookalike, null, undefined, 'ERR_CONFIG', 42, revoked.proxy].map((v) => esm.IdJagError.is(v) || v instanceof esm.IdJagError),
        sub: [sub instanceof Sub, sub instanceof esm.IdJagError, errors.cjs instanceof Sub, esm.IdJagError.is(sub)],
        json: JSON.stringify(errors.cjsServer),
        keys: Object.keys(errors.cjsServer),
      }));
    `);
    for (const [en, row] of Object.entries(out.matrix)) {
      for (const [cn, isInstance, is] of row) {
        assert.equal(isInstance, true, `${en} instanceof ${cn}.IdJagError`);
        assert.equal(is, true, `${cn}.IdJagError.is(${en})`);
      }
    }
    assert.deepEqual(out.oauth, [true, true, true, false, false, false], 'OAuthResponseError is branded too, and distinct');
    assert.equal(out.codes.cjsServer, 'ERR_CONFIG');
    assert.equal(out.codes.testingCore, 'ERR_CONFIG');
    assert.deepEqual(out.negatives, [false, false, false, false, false, false, false]);
    assert.deepEqual(out.sub, [true, true, false, true], 'a subclass keeps the ordinary instanceof');
    // The brand is a symbol on the prototype: the logged shape is unchanged.
    assert.deepEqual(out.keys, ['name', 'code', 'oauthError']);
    assert.equal(out.json, '{"name":"IdJagError","code":"ERR_CONFIG","oauthError":null}');
  });
});

// --- bundles -----------------------------------------------------------------------------

let work; // a temp dir OUTSIDE the repo: a bundle there cannot find node_modules/idjag
let grantInput; // { token, jwks } minted by jose (an implementation nobody here wrote)

// The app a user bundles for a server: reads { token, jwks } on stdin, verifies the grant.
const APP = (spec) => `
import { IdJagVerifier } from '${spec}';
let text = '';
process.stdin.on('data', (c) => { text += c; });
process.stdin.on('end', async () => {
  const { token, jwks } = JSON.parse(text);
  try {
    const v = new IdJagVerifier({ audience: '${AUD}', issuers: [{ issuer: '${ISS}', jwks }], resources: ['${RES}'] });
    const g = await v.verify(token, { clientId: '${CLIENT}', now: () => ${NOW} });
    console.log(JSON.stringify({ ok: true, subject: g.subject, issuer: g.issuer }));
  } catch (e) {
    console.log(JSON.stringify({ ok: false, code: e.code, message: e.message }));
  }
});
`;

before(async () => {
  work = mkdtempSync(join(tmpdir(), 'idjag-loading-'));
  const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
  const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }] };
  const token = await new SignJWT({ client_id: CLIENT, resource: RES, scope: 'files:read' })
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt', kid: 'k1' })
    .setIssuer(ISS).setSubject('user-1').setAudience(AUD).setJti('loading-1')
    .setIssuedAt(NOW - 10).setExpirationTime(NOW + 120)
    .sign(privateKey);
  grantInput = JSON.stringify({ token, jwks });
});
after(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

/** Bundles APP(spec) with esbuild for Node into `dir`/app.<ext>; returns the file. */
async function bundleApp(dir, spec, format) {
  mkdirSync(dir, { recursive: true });
  const src = join(dir, 'app-src.mjs');
  writeFileSync(src, APP(spec));
  const outfile = join(dir, format === 'esm' ? 'app.mjs' : 'app.cjs');
  const res = await build({
    entryPoints: [src], outfile, bundle: true, platform: 'node', format, target: 'node20',
    nodePaths: [join(root, 'node_modules')], // the app's dir is outside the repo
    logLevel: 'silent',
  });
  assert.deepEqual(res.errors, []);
  return outfile;
}

async function runBundle(file) {
  const child = run(process.execPath, [file], { cwd: work, maxBuffer: 1 << 24 });
  child.child.stdin.end(grantInput);
  const { stdout } = await child;
  return JSON.parse(stdout.trim().split('\n').at(-1));
}

describe('server bundles (esbuild --platform=node) verify a jose-minted grant', () => {
  for (const format of ['esm', 'cjs']) {
    test(`${format}: idjag/embedded works anywhere`, async () => {
      const file = await bundleApp(join(work, `embedded-${format}`), 'idjag/embedded', format);
      assert.deepEqual(await runBundle(file), { ok: true, subject: 'user-1', issuer: ISS });
    });

    test(`${format}: idjag, bundle moved away from node_modules: ERR_CONFIG naming the recipes`, async () => {
      const file = await bundleApp(join(work, `plain-${format}`), 'idjag', format);
      const out = await runBundle(file);
      assert.equal(out.ok, false);
      assert.equal(out.code, 'ERR_CONFIG');
      assert.match(out.message, /idjag\/embedded/);
      assert.match(out.message, /--packages=external/);
      assert.match(out.message, /idjag_full_bg\.wasm/);
    });

    test(`${format}: idjag, with the wasm copied next to the bundle as idjag_full_bg.wasm`, async () => {
      const dir = join(work, `copied-${format}`);
      const file = await bundleApp(dir, 'idjag', format);
      copyFileSync(join(pkgDir, 'wasm-full', 'idjag_bg.wasm'), join(dir, 'idjag_full_bg.wasm'));
      assert.deepEqual(await runBundle(file), { ok: true, subject: 'user-1', issuer: ISS });
    });

    test(`${format}: idjag, deployed with node_modules/idjag next to the bundle`, async () => {
      const dir = join(work, `with-modules-${format}`);
      const file = await bundleApp(dir, 'idjag', format);
      mkdirSync(join(dir, 'node_modules'), { recursive: true });
      symlinkSync(pkgDir, join(dir, 'node_modules', 'idjag'), 'dir');
      assert.deepEqual(await runBundle(file), { ok: true, subject: 'user-1', issuer: ISS });
    });
  }
});

describe('browser bundles: no top-level await, so iife and es2020 build', () => {
  const BROWSER_APP = (spec) => `import * as idjag from '${spec}';\nglobalThis.__idjag = idjag;\n`;

  // Without conditions esbuild gets the embedded entries; with `production` (as Vite and
  // webpack resolve) the fetching ones. Both kinds must build as iife / es2020.
  for (const conditions of [[], ['production']]) {
    for (const spec of ['idjag', 'idjag/server', 'idjag/testing']) {
      test(`${spec}${conditions.length ? ` (conditions ${conditions})` : ''}: esbuild --platform=browser --format=iife --target=es2020`, async () => {
        const res = await build({
          stdin: { contents: BROWSER_APP(spec), resolveDir: root, loader: 'js' },
          bundle: true, write: false, platform: 'browser', format: 'iife', target: 'es2020', logLevel: 'silent', conditions, metafile: true,
        });
        assert.deepEqual(res.errors, []);
        // Zero configuration: not even a warning (the glue's unused import.meta default is
        // removed by scripts/build.sh; the fetching entries need import.meta, by design).
        if (conditions.length === 0) assert.deepEqual(res.warnings.map((w) => w.text), []);
        assert.match(res.outputFiles[0].text, /__idjag = /);
        const inputs = Object.keys(res.metafile.inputs).join('\n');
        assert.match(inputs, conditions.length ? /src\/entry(-\w+)?-web\.js/ : /src\/entry(-\w+)?-embedded\.js/);
      });
    }
  }

  test('conditions: worker no longer selects the workerd entry (webpack webworker); edge-light gets the embedded entry', () => {
    for (const sub of ['.', './server', './testing']) {
      assert.equal(pkgJson.exports[sub].worker, undefined, sub);
      assert.match(pkgJson.exports[sub].workerd.default, /workerd/);
      // Asset-aware bundlers (Vite, webpack: their mode is a condition) fetch the .wasm; every
      // other browser or neutral resolution gets the embedded wasm, which needs no asset.
      for (const c of ['development', 'production']) assert.match(pkgJson.exports[sub][c].default, /-web\.js$/, `${sub} ${c}`);
      for (const c of ['browser', 'import', 'default']) assert.match(pkgJson.exports[sub][c].default, /-?embedded\.js$/, `${sub} ${c}`);
      const keys = Object.keys(pkgJson.exports[sub]);
      for (const [a, b] of [['node', 'production'], ['workerd', 'browser'], ['edge-light', 'browser'], ['production', 'browser']]) {
        assert.ok(keys.indexOf(a) < keys.indexOf(b), `${sub}: ${a} before ${b}`);
      }
      // Edge runtimes (Next.js edge routes, Vercel): no asset fetch there, the wasm is embedded.
      assert.match(pkgJson.exports[sub]['edge-light'].default, /-?embedded\.js$/);
    }
  });

  test('idjag bundled by esbuild as iife, on a page (window, document): embedded, loads asynchronously; verify needs nothing, sync APIs before ready() say so', async () => {
    const res = await build({
      stdin: { contents: BROWSER_APP('idjag'), resolveDir: root, loader: 'js' },
      bundle: true, write: false, platform: 'browser', format: 'iife', target: 'es2020', logLevel: 'silent',
    });
    // A page-like realm: window and document exist (synchronous compilation is refused there
    // by Chromium beyond 4 KB, so the embedded entry must take the async path).
    const ctx = vm.createContext({ WebAssembly, atob, TextDecoder, TextEncoder, console, URL, FinalizationRegistry, WeakRef, document: {}, Promise, queueMicrotask, crypto: globalThis.crypto });
    ctx.window = ctx;
    ctx.globalThis = ctx;
    vm.runInContext(res.outputFiles[0].text, ctx);
    const { ready, inspect, IdJagVerifier, IdJagError } = ctx.__idjag;
    const { token, jwks } = JSON.parse(grantInput);
    // Constructing and verifying needs nothing: verify() waits for the wasm.
    const v = new IdJagVerifier({ audience: AUD, issuers: [{ issuer: ISS, jwks }], resources: [RES] });
    // An unknown option is refused by the JS shell at once (src/options.js); a meaning only the
    // core checks (an unknown alg name) waits for the wasm, so it is refused at the first verify().
    assert.throws(() => new IdJagVerifier({ audience: AUD, issuers: [{ issuer: ISS, jwks }], resources: [RES], noSuchOption: 1 }), (e) => IdJagError.is(e) && e.code === 'ERR_CONFIG');
    const bad = new IdJagVerifier({ audience: AUD, issuers: [{ issuer: ISS, jwks }], resources: [RES], algorithms: ['XS999'] });
    // A synchronous API before the wasm is there says what to do.
    let early;
    try {
      inspect('a.b.c');
    } catch (e) {
      early = e;
    }
    assert.equal(early?.code, 'ERR_CONFIG');
    assert.match(early.message, /await ready\(\)/);
    const now = vm.runInContext(`() => ${NOW}`, ctx); // a clock of the page's realm (epoch seconds)
    const grant = await v.verify(token, { clientId: CLIENT, now });
    assert.equal(grant.subject, 'user-1');
    // Options only the core checks are refused at the first verify() when the constructor ran early.
    const refused = await bad.verify(token, { clientId: CLIENT, now }).then(() => null, (e) => e);
    assert.ok(IdJagError.is(refused) && refused.code === 'ERR_CONFIG', String(refused));
    await ready();
    const got = inspect(token, { audience: AUD });
    assert.equal(got.claims.iss, ISS);
    assert.equal(vm.runInContext('Object.getOwnPropertySymbols(globalThis).map(String).join()', ctx), `Symbol(idjag.core@${pkgJson.version})`);
  });

  test('idjag fetch entry (condition production) bundled as iife: no import.meta.url, ready() rejects naming idjag/embedded', async () => {
    const res = await build({
      stdin: { contents: BROWSER_APP('idjag'), resolveDir: root, loader: 'js' },
      bundle: true, write: false, platform: 'browser', format: 'iife', target: 'es2020', logLevel: 'silent', conditions: ['production'],
    });
    const ctx = vm.createContext({ WebAssembly, console, URL, FinalizationRegistry, WeakRef, document: {}, Promise, TextDecoder, TextEncoder, fetch: () => assert.fail('must not fetch') });
    ctx.window = ctx;
    vm.runInContext(res.outputFiles[0].text, ctx);
    const err = await ctx.__idjag.ready().then(() => null, (e) => e);
    assert.equal(err?.code, 'ERR_CONFIG');
    assert.match(err.message, /idjag\/embedded/);
  });
});
