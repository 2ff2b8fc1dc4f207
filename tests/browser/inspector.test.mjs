// The Grant Inspector (www/) in headless Chromium, driven by playwright-core.
//
// Starts scripts/serve-www.mjs on a free port (PORT=0), and a loopback "IdP" serving RFC 8414
// metadata and a JWKS for the discovery path. Grants are minted here with `jose` (independent
// of idjag) and, through the page's playground, with idjag/testing.
//   node --test tests/browser/       (after `make build`)
// Env: CHROMIUM_PATH (default /usr/bin/chromium). Screenshots: tests/browser/artifacts/.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { chromium } from 'playwright-core';
import { TestIssuer } from 'idjag/testing';

const root = fileURLToPath(new URL('../../', import.meta.url));
const artifacts = fileURLToPath(new URL('./artifacts/', import.meta.url));
const executablePath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

const AS = 'https://auth.mcp.example.com';
const MCP = 'https://mcp.example.com/mcp';
const CLIENT = 'mcp-client-1';
const IDP = 'https://idp.example.com';

let server; // the serve-www child process
let origin; // http://127.0.0.1:<port>/
let idp; // loopback IdP for discovery
let idpIssuer;
let idpRequests = [];
let browser;
let page;
const pageLog = []; // console errors / warnings, page errors, failed requests
const pageRequests = []; // every request the page made

// --- keys and grants (jose, WebCrypto) ------------------------------------------------------

const { publicKey, privateKey } = await generateKeyPair('ES256', { extractable: true });
const jwk = { ...(await exportJWK(publicKey)), kid: 'browser-test-es256', alg: 'ES256', use: 'sig' };
const jwks = { keys: [jwk] };

async function mint({ iss = IDP, aud = AS, clientId = CLIENT, extra = {}, lifetime = 300 } = {}) {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id: clientId, resource: MCP, scope: 'files:read files:write', jti: crypto.randomUUID(), ...extra })
    .setProtectedHeader({ alg: 'ES256', typ: 'oauth-id-jag+jwt', kid: jwk.kid })
    .setIssuer(iss)
    .setSubject('alice@example.com')
    .setAudience(aud)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetime)
    .sign(privateKey);
}

// --- servers ------------------------------------------------------------------------------

function startServeWww() {
  return new Promise((ok, ko) => {
    const child = spawn(process.execPath, [fileURLToPath(new URL('../../scripts/serve-www.mjs', import.meta.url))], {
      cwd: root,
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    const timer = setTimeout(() => ko(new Error(`serve-www printed no URL within 15 s: ${out}${err}`)), 15_000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = /Grant Inspector: (http:\/\/127\.0\.0\.1:\d+\/)/.exec(out);
      if (m) {
        clearTimeout(timer);
        ok({ child, url: m[1] });
      }
    });
    child.stderr.on('data', (d) => { err += d; });
    child.once('exit', (code) => {
      clearTimeout(timer);
      ko(new Error(`serve-www exited with ${code}: ${out}${err}`));
    });
  });
}

// The loopback IdP: RFC 8414 metadata at the inserted well-known path, and its JWKS. A browser
// page on another origin can read them only with CORS, as from a real IdP.
function startIdp() {
  const srv = createServer((req, res) => {
    idpRequests.push({ method: req.method, url: req.url });
    const cors = { 'access-control-allow-origin': '*', 'content-type': 'application/json' };
    if (req.url === '/.well-known/oauth-authorization-server') {
      return res.writeHead(200, cors).end(JSON.stringify({ issuer: idpIssuer, jwks_uri: `${idpIssuer}/jwks`, token_endpoint: `${idpIssuer}/token` }));
    }
    if (req.url === '/liar/.well-known/oauth-authorization-server' || req.url === '/.well-known/oauth-authorization-server/liar') {
      return res.writeHead(200, cors).end(JSON.stringify({ issuer: 'https://evil.example', jwks_uri: `${idpIssuer}/jwks` }));
    }
    if (req.url === '/jwks') return res.writeHead(200, cors).end(JSON.stringify(jwks));
    res.writeHead(404, cors).end('{}');
  });
  return new Promise((ok) => srv.listen(0, '127.0.0.1', () => ok(srv)));
}

// --- page helpers -----------------------------------------------------------------------------

async function fresh(width = 1280, height = 900) {
  await page?.close();
  page = await browser.newPage({ viewport: { width, height } });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') pageLog.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => pageLog.push(`pageerror: ${e?.stack ?? e}`));
  page.on('requestfailed', (r) => pageLog.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  page.on('request', (r) => pageRequests.push({ method: r.method(), url: r.url(), body: r.postData() ?? '' }));
  await page.goto(origin, { waitUntil: 'load', timeout: 20_000 });
  await page.waitForFunction(() => document.documentElement.dataset.ready === 'true', null, { timeout: 20_000 });
  return page;
}

async function paste(token, { aud = AS, resource = MCP, client = CLIENT } = {}) {
  await page.fill('#exp-aud', aud);
  await page.fill('#exp-resource', resource);
  await page.fill('#exp-client', client);
  await page.fill('#token', token);
  await page.click('#inspect');
  await page.waitForSelector('#results:not([hidden]) #claim-rows tr');
}

/** Clicks Verify and resolves to { kind: 'ok' | 'bad', code, text }. */
async function verify() {
  await page.evaluate(() => document.getElementById('verdict').replaceChildren());
  await page.click('#verify');
  const box = await page.waitForSelector('#verdict.verdict-ok, #verdict.verdict-bad', { timeout: 10_000 });
  const kind = (await box.getAttribute('class')).includes('verdict-ok') ? 'ok' : 'bad';
  const code = kind === 'bad' ? await page.locator('#verdict .v-code').first().textContent().catch(() => null) : null;
  return { kind, code, text: await box.textContent() };
}

const claimRow = (name) => page.locator('#claim-rows tr', { has: page.locator(`th code:text-is("${name}")`) });

// --- the suite --------------------------------------------------------------------------------

describe('Grant Inspector (www/) in Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    const s = await startServeWww();
    server = s.child;
    origin = s.url;
    idp = await startIdp();
    idpIssuer = `http://127.0.0.1:${idp.address().port}`;
    browser = await chromium.launch({
      executablePath,
      timeout: 30_000,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await browser?.close().catch(() => {});
    server?.kill('SIGTERM');
    idp?.closeAllConnections?.();
    idp?.close();
  });

  test('the import map points where pkg/package.json sends browsers', () => {
    const pkg = JSON.parse(readFileSync(`${root}pkg/package.json`, 'utf8'));
    const html = readFileSync(`${root}www/index.html`, 'utf8');
    const map = JSON.parse(/<script type="importmap">([\s\S]*?)<\/script>/.exec(html)[1]).imports;
    // The fetching entries (condition `production`: asset-aware bundlers; `browser` alone is
    // the embedded entry for esbuild and Rollup).
    assert.equal(map.idjag, `/pkg/${pkg.exports['.'].production.default.replace(/^\.\//, '')}`);
    assert.equal(map['idjag/testing'], `/pkg/${pkg.exports['./testing'].production.default.replace(/^\.\//, '')}`);
  });

  test('serve-www: MIME types, CSP, and nothing outside www/ and pkg/', async () => {
    const wasm = await fetch(new URL('pkg/wasm/idjag_bg.wasm', origin), { method: 'HEAD' });
    assert.equal(wasm.status, 200);
    assert.equal(wasm.headers.get('content-type'), 'application/wasm');
    const html = await fetch(origin);
    assert.match(html.headers.get('content-type'), /^text\/html/);
    assert.match(html.headers.get('content-security-policy'), /script-src 'self' 'wasm-unsafe-eval' 'sha256-/);
    const js = await fetch(new URL('app.js', origin), { method: 'HEAD' });
    assert.match(js.headers.get('content-type'), /^text\/javascript/);
    for (const path of ['/../Makefile', '/..%2fMakefile', '/pkg/..%2fCargo.toml', '/pkg/%2e%2e%2fCargo.toml', '/pkg/..%5cCargo.toml']) {
      const r = await fetch(`${origin.slice(0, -1)}${path}`);
      assert.ok(r.status === 403 || r.status === 404, `${path} → ${r.status}`);
    }
    assert.equal((await fetch(origin, { method: 'POST' })).status, 405);
  });

  test('the page loads with no console errors, and every control has a label', async () => {
    await fresh();
    assert.equal(await page.title(), 'Grant Inspector — idjag');
    const variants = await page.locator('#variant option').count();
    assert.equal(variants, TestIssuer.variants.length);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, textarea, select')].filter((e) => e.labels.length === 0).map((e) => e.id));
    assert.deepEqual(unlabelled, []);
    assert.equal(await page.locator('[onclick], div[role="button"]').count(), 0);
    assert.equal(await page.getAttribute('#verdict', 'aria-live'), 'polite');
    assert.deepEqual(pageLog, []);
  });

  test('a pasted grant is decoded into header and claims tables, chips, timeline and findings', async () => {
    const token = await mint({ extra: { email: 'alice@example.com' } });
    await paste(token);
    assert.match(await claimRow('client_id').textContent(), /mcp-client-1/);
    assert.match(await claimRow('client_id').textContent(), /authenticates at the token endpoint/);
    assert.match(await claimRow('aud').textContent(), /https:\/\/auth\.mcp\.example\.com/);
    assert.match(await claimRow('exp').textContent(), /UTC · in 5 min/);
    assert.match(await page.locator('#header-rows').textContent(), /oauth-id-jag\+jwt/);
    assert.deepEqual(await page.locator('#chips ul[aria-label="scopes"] .chip').allTextContents(), ['files:read', 'files:write']);
    assert.match(await page.locator('.tl-status').textContent(), /Valid now/);
    const codes = await page.locator('#findings .finding').evaluateAll((l) => l.map((e) => e.dataset.code));
    assert.ok(codes.includes('pii'), `findings: ${codes}`);
    assert.ok(!(await page.locator('#findings .sev-error').count()), 'no error findings for a good grant');
    // Rule ids link to their entry in the rulebook (docs/rules.md, served rendered as rules.html),
    // in a new tab so the grant stays on the page.
    const link = page.locator('#findings [data-code="pii"] a.rule').first();
    const href = await link.getAttribute('href');
    assert.match(href, /^rules\.html#S18$/);
    assert.equal(await link.getAttribute('target'), '_blank');
    const all = await page.locator('#findings a.rule, #claim-rows a.rule, #rule-list a').evaluateAll((l) => l.map((a) => a.getAttribute('href')));
    assert.ok(all.length > 10 && all.every((h) => /^rules\.html#[RVSATCIOX][1-9]\d{0,2}[a-z]?$/.test(h)), `${all}`);
  });

  test('a finding’s rule link opens the rulebook at that rule', async () => {
    await paste(await mint({ aud: 'https://auth.mcp.example.com/' }));
    const href = await page.locator('#findings [data-code="aud-mismatch"] a.rule').first().getAttribute('href');
    assert.equal(href, 'rules.html#R20');
    const rules = await browser.newPage();
    rules.on('pageerror', (e) => pageLog.push(`rules.html pageerror: ${e?.stack ?? e}`));
    rules.on('console', (m) => { if (m.type() === 'error') pageLog.push(`rules.html console.error: ${m.text()}`); });
    try {
      const res = await rules.goto(new URL(href, origin).href, { waitUntil: 'load', timeout: 20_000 });
      assert.equal(res.status(), 200);
      assert.match(res.headers()['content-type'], /^text\/html/);
      assert.match(res.headers()['content-security-policy'], /default-src 'none'/);
      const target = await rules.evaluate(() => {
        const el = document.getElementById(decodeURIComponent(location.hash.slice(1)));
        return el && { tag: el.tagName, text: el.textContent, next: el.nextElementSibling?.textContent ?? '', targeted: el.matches(':target') };
      });
      assert.ok(target, 'an element with the id R20 exists');
      assert.deepEqual([target.tag, target.text, target.targeted], ['H3', 'R20', true]);
      assert.match(target.next, /MUST/);
      // Every rule the findings and explanations can cite has its anchor there.
      const { RULES } = await import('../../www/explain.js');
      const missing = await rules.evaluate((ids) => ids.filter((id) => !document.getElementById(id)), Object.keys(RULES));
      assert.deepEqual(missing, []);
      assert.equal(await rules.locator('link[rel="stylesheet"]').evaluate((l) => l.sheet?.cssRules.length > 0), true, 'rules.css applied');
    } finally {
      await rules.close();
    }
  });

  test('a good grant with its JWKS is accepted', async () => {
    await paste(await mint({ extra: { email: 'alice@example.com' } }));
    await page.fill('#issuer', IDP);
    await page.fill('#jwks', JSON.stringify(jwks, null, 2));
    const v = await verify();
    assert.equal(v.kind, 'ok', v.text);
    assert.match(v.text, /Accepted/);
    assert.match(v.text, /alice@example\.com/);
    assert.match(v.text, /files:read/);
    assert.match(v.text, /https:\/\/mcp\.example\.com\/mcp/);
    await page.evaluate(() => { for (const id of ['token', 'jwks']) document.getElementById(id).scrollTop = 0; });
    await page.screenshot({ path: `${artifacts}inspector.png`, fullPage: true });
  });

  test('a grant for another audience is refused with ERR_AUDIENCE, and inspect flags it', async () => {
    await paste(await mint({ aud: 'https://auth.mcp.example.com/' }));
    const codes = await page.locator('#findings .finding').evaluateAll((l) => l.map((e) => e.dataset.code));
    assert.ok(codes.includes('aud-mismatch'), `findings: ${codes}`);
    assert.match(await page.locator('#findings [data-code="aud-mismatch"]').textContent(), /R20/);
    const v = await verify();
    assert.equal(v.kind, 'bad', v.text);
    assert.equal(v.code, 'ERR_AUDIENCE');
    assert.match(v.text, /invalid_grant/);
  });

  test('Ctrl+Enter in the grant box verifies (keyboard path)', async () => {
    await paste(await mint({ clientId: 'someone-else' }));
    await page.evaluate(() => document.getElementById('verdict').replaceChildren());
    await page.focus('#token');
    await page.keyboard.press('Control+Enter');
    await page.waitForSelector('#verdict.verdict-bad');
    assert.equal(await page.locator('#verdict .v-code').textContent(), 'ERR_CLIENT');
  });

  test('every playground variant gets the verdict it advertises', async () => {
    const seen = [];
    for (const v of TestIssuer.variants) {
      await page.evaluate(() => document.getElementById('verdict').replaceChildren());
      await page.selectOption('#variant', v.name);
      await page.click('#mint');
      const box = await page.waitForSelector('#verdict.verdict-ok, #verdict.verdict-bad', { timeout: 10_000 });
      const text = await box.textContent();
      if (v.code === null) {
        assert.match(text, /Accepted/, `${v.name}: ${text}`);
      } else {
        assert.equal(await page.locator('#verdict .v-code').textContent(), v.code, `${v.name}: ${text}`);
      }
      assert.equal(await page.locator('#verdict .expected-ok').count(), 1, `${v.name}: ${text}`);
      seen.push(v.name);
      if (v.name === 'wrong-aud') await page.screenshot({ path: `${artifacts}inspector-refused.png`, fullPage: true });
    }
    assert.ok(seen.includes('valid') && seen.includes('bad-signature') && seen.includes('replayed'), `${seen}`);
  });

  test('discovery: keys are found through the issuer’s RFC 8414 metadata, then the grant verifies', async () => {
    idpRequests = [];
    const token = await mint({ iss: idpIssuer });
    await paste(token);
    await page.fill('#issuer', idpIssuer);
    await page.fill('#jwks', '');
    await page.click('#discover');
    await page.waitForSelector('#discover-status.status-ok, #discover-status.status-error');
    assert.match(await page.textContent('#discover-status'), /Found 1 key/);
    assert.match(await page.inputValue('#jwks'), /browser-test-es256/);
    const v = await verify();
    assert.equal(v.kind, 'ok', v.text);
    assert.deepEqual(idpRequests.map((r) => `${r.method} ${r.url}`), ['GET /.well-known/oauth-authorization-server', 'GET /jwks']);

    // Verify with an empty key box discovers by itself.
    await page.fill('#jwks', '');
    const again = await verify();
    assert.equal(again.kind, 'ok', again.text);
  });

  test('discovery refuses metadata that names another issuer', async () => {
    await page.fill('#issuer', `${idpIssuer}/liar`);
    await page.click('#discover');
    await page.waitForSelector('#discover-status.status-ok, #discover-status.status-error');
    assert.match(await page.textContent('#discover-status'), /Discovery failed: .*names issuer "https:\/\/evil\.example"/);
  });

  test('the grant never leaves the page', () => {
    const tokens = pageRequests.filter((r) => /eyJ[\w-]+\.eyJ[\w-]+\./.test(r.url + r.body));
    assert.deepEqual(tokens, []);
    assert.deepEqual(pageRequests.filter((r) => r.method !== 'GET'), []);
    const foreign = pageRequests.filter((r) => !r.url.startsWith(origin) && !r.url.startsWith(idpIssuer));
    assert.deepEqual(foreign.map((r) => r.url), []);
  });

  test('at 375 px wide nothing overflows horizontally', async () => {
    await fresh(375, 812);
    await page.selectOption('#variant', 'expired');
    await page.click('#mint');
    await page.waitForSelector('#verdict.verdict-bad');
    const overflow = await page.evaluate(() => {
      const w = document.documentElement.clientWidth;
      const wide = [...document.querySelectorAll('body *')]
        .filter((e) => e.getClientRects().length && e.getBoundingClientRect().right > w + 0.5)
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? `#${e.id}` : ''}.${e.className}`);
      return { scroll: document.documentElement.scrollWidth, w, wide };
    });
    assert.equal(overflow.scroll, overflow.w, JSON.stringify(overflow));
    assert.deepEqual(overflow.wide, []);
    await page.screenshot({ path: `${artifacts}inspector-375.png`, fullPage: true });
  });

  test('no console errors, page errors or failed requests during the whole run', () => {
    assert.deepEqual(pageLog, []);
  });
});
