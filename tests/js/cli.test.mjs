// `npx idjag` (pkg/bin/idjag.js), spawned for real: inspect of a grant minted by jose (which
// nobody here wrote), human and --json, colour only when asked for; verify against a real
// loopback JWKS server and a JWKS file, with the exit code as the verdict (0 valid, 1 invalid,
// 2 usage, 3 configuration); mint → verify round trip; standard input; and no token text in
// any error output.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { SignJWT, exportJWK, generateKeyPair } from 'jose';
import { closeJwksServers, json, jwksServer } from './lib/jwks-server.js';

const PKG = fileURLToPath(new URL('../../pkg/', import.meta.url));
const BIN = join(PKG, 'bin', 'idjag.js');
const IDP = 'https://idp.example';
const AS = 'https://as.example';
const MCP = 'https://mcp.example/mcp';
const CLIENT = 'mcp-client';

/** Runs the CLI; resolves to { code, stdout, stderr }. */
function idjag(args, { input, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const childEnv = { ...process.env, ...env };
    for (const k of ['NO_COLOR', 'FORCE_COLOR']) if (!(k in env)) delete childEnv[k];
    const child = spawn(process.execPath, [BIN, ...args], { env: childEnv, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => { stdout += d; });
    child.stderr.on('data', (d) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input ?? '');
  });
}

const keys = await generateKeyPair('ES256', { extractable: true });
const publicJwk = { ...(await exportJWK(keys.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };

async function grant({ aud = AS, iat = Math.floor(Date.now() / 1000), lifetime = 120, ...claims } = {}) {
  return new SignJWT({ client_id: CLIENT, resource: MCP, scope: 'files.read', jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'oauth-id-jag+jwt' })
    .setIssuer(IDP).setSubject('alice').setAudience(aud)
    .setIssuedAt(iat).setExpirationTime(iat + lifetime)
    .sign(keys.privateKey);
}

let jwks;
let tmp;
let jwksFile;
before(async () => {
  jwks = await jwksServer();
  jwks.route('/jwks', json({ keys: [publicJwk] }, { 'cache-control': 'max-age=300' }));
  tmp = mkdtempSync(join(tmpdir(), 'idjag-cli-'));
  jwksFile = join(tmp, 'jwks.json');
  writeFileSync(jwksFile, JSON.stringify({ keys: [publicJwk] }));
});
after(async () => {
  await closeJwksServers();
  rmSync(tmp, { recursive: true, force: true });
});

const verifyArgs = (extra = []) => ['verify', '--issuer', IDP, '--jwks-uri', `${jwks.base}/jwks`, '--audience', AS, '--client-id', CLIENT, '--resource', MCP, ...extra];
// Every output of a refusal or an error is checked for the token, or any of its three parts.
function assertNoToken(r, token) {
  for (const part of [token, ...token.split('.')]) {
    assert.ok(!r.stdout.includes(part), 'token text on stdout');
    assert.ok(!r.stderr.includes(part), 'token text on stderr');
  }
}

describe('package wiring', () => {
  test('package.json bin names pkg/bin/idjag.js, which starts with a node shebang', () => {
    const pkg = JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8'));
    assert.deepEqual(pkg.bin, { idjag: 'bin/idjag.js' });
    assert.match(readFileSync(BIN, 'utf8'), /^#!\/usr\/bin\/env node\n/);
  });

  test('--help documents the commands and the exit codes; --version is the package version', async () => {
    const help = await idjag(['--help']);
    assert.equal(help.code, 0);
    for (const s of ['idjag inspect', 'idjag verify', 'idjag mint', 'Exit codes', 'NO_COLOR']) assert.ok(help.stdout.includes(s), s);
    for (const code of [0, 1, 2, 3]) assert.match(help.stdout, new RegExp(`^  ${code}  `, 'm'));
    const v = await idjag(['--version']);
    assert.equal(v.code, 0);
    assert.equal(v.stdout.trim(), JSON.parse(readFileSync(join(PKG, 'package.json'), 'utf8')).version);
  });
});

describe('inspect', () => {
  test('a jose-minted grant, human output: header, claims, lifetime with time left, findings with rule ids, no colour off a TTY', async () => {
    const g = await grant();
    const r = await idjag(['inspect', g]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /NOT verified/);
    assert.match(r.stdout, /"typ": "oauth-id-jag\+jwt"/);
    assert.match(r.stdout, /"sub": "alice"/);
    assert.match(r.stdout, /lifetime\n .* -> .* \(2 min 0 s\), \d+ (min \d+ )?s left/);
    assert.match(r.stdout, /info +R23 +expires-in/);
    assert.ok(!r.stdout.includes('\x1b['), 'no ANSI colour when stdout is not a terminal');
  });

  test('--json: header, claims, findings (rule ids), lifetime', async () => {
    const g = await grant({ lifetime: 60 });
    const r = await idjag(['inspect', '--json', g]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.header.typ, 'oauth-id-jag+jwt');
    assert.equal(out.claims.client_id, CLIENT);
    assert.ok(out.findings.every((f) => typeof f.rule === 'string' && /^[A-Z]+\d+[a-z]?$/.test(f.rule)));
    assert.equal(out.lifetime.lifetimeSec, 60);
    assert.equal(out.lifetime.expired, false);
    assert.ok(out.lifetime.remainingSec > 0 && out.lifetime.remainingSec <= 60);
  });

  test('an expired grant: exit 1, an error finding (R23), "expired … ago"', async () => {
    const g = await grant({ iat: Math.floor(Date.now() / 1000) - 3600 });
    const r = await idjag(['inspect', g]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /expired 5\d min \d+ s ago/);
    assert.match(r.stdout, /error +R23 +expired/);
    const j = JSON.parse((await idjag(['inspect', '--json', g])).stdout);
    assert.equal(j.lifetime.expired, true);
    assert.ok(j.lifetime.expiredSinceSec >= 3480);
    assert.ok(j.findings.some((f) => f.severity === 'error' && f.rule === 'R23'));
  });

  test('--audience adds a finding when the grant is for another server', async () => {
    const j = JSON.parse((await idjag(['inspect', '--json', '--audience', 'https://other.example', await grant()])).stdout);
    assert.ok(j.findings.some((f) => f.claim === 'aud' && f.severity === 'error'), JSON.stringify(j.findings));
  });

  test('not a JWT: exit 1, findings, the input not echoed', async () => {
    const junk = 'definitely-not.a-jwt-payload-xyz.sig';
    const r = await idjag(['inspect', junk]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /not a decodable JWT/);
    assert.ok(!r.stdout.includes('a-jwt-payload-xyz') && !r.stderr.includes('a-jwt-payload-xyz'));
  });

  test('colour: with FORCE_COLOR, and never with NO_COLOR', async () => {
    const g = await grant();
    assert.ok((await idjag(['inspect', g], { env: { FORCE_COLOR: '1' } })).stdout.includes('\x1b['));
    assert.ok(!(await idjag(['inspect', g], { env: { FORCE_COLOR: '1', NO_COLOR: '1' } })).stdout.includes('\x1b['));
  });

  test('standard input ("-"), with surrounding whitespace', async () => {
    const g = await grant();
    const r = await idjag(['inspect', '--json', '-'], { input: `\n  ${g}\n` });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).claims.sub, 'alice');
    const empty = await idjag(['inspect', '-'], { input: '' });
    assert.equal(empty.code, 3);
  });
});

describe('verify (real loopback JWKS server)', () => {
  test('valid: exit 0, the verified claims', async () => {
    const g = await grant();
    const r = await idjag(verifyArgs([g]));
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^valid/);
    assert.match(r.stdout, /subject +alice/);
    assert.match(r.stdout, /scopes +files\.read/);
    const j = await idjag(verifyArgs(['--json', g]));
    assert.equal(j.code, 0);
    const out = JSON.parse(j.stdout);
    assert.equal(out.valid, true);
    assert.equal(out.grant.subject, 'alice');
    assert.equal(out.grant.issuer, IDP);
    assert.deepEqual(out.grant.resources, [MCP]);
    assert.ok(jwks.hits.includes('/jwks'), 'the keys came from the JWKS server');
  });

  test('expired: exit 1, ERR_EXPIRED, no token text', async () => {
    const g = await grant({ iat: Math.floor(Date.now() / 1000) - 3600 });
    const r = await idjag(verifyArgs([g]));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /^invalid ERR_EXPIRED \(invalid_grant\)/);
    assertNoToken(r, g);
    const j = JSON.parse((await idjag(verifyArgs(['--json', g]))).stdout);
    assert.deepEqual([j.valid, j.code, j.oauthError], [false, 'ERR_EXPIRED', 'invalid_grant']);
  });

  test('wrong audience: exit 1, ERR_AUDIENCE', async () => {
    const g = await grant({ aud: 'https://other-as.example' });
    const r = await idjag(verifyArgs(['--json', g]));
    assert.equal(r.code, 1);
    assert.equal(JSON.parse(r.stdout).code, 'ERR_AUDIENCE');
    assertNoToken(r, g);
  });

  test('another key (forged): exit 1, no token text', async () => {
    const other = await generateKeyPair('ES256');
    const now = Math.floor(Date.now() / 1000);
    const g = await new SignJWT({ client_id: CLIENT, resource: MCP, jti: 'j1' }).setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'oauth-id-jag+jwt' })
      .setIssuer(IDP).setSubject('alice').setAudience(AS).setIssuedAt(now).setExpirationTime(now + 60).sign(other.privateKey);
    const r = await idjag(verifyArgs([g]));
    assert.equal(r.code, 1);
    assert.match(r.stdout, /ERR_SIGNATURE/);
    assertNoToken(r, g);
  });

  test('standard input', async () => {
    const r = await idjag(verifyArgs(['-']), { input: `${await grant()}\n` });
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  test('usage errors: exit 2, nothing of the token echoed', async () => {
    const g = await grant();
    for (const args of [
      verifyArgs(['--bogus', g]),
      [...verifyArgs(), `--bogus=${g}`, g],
      ['verify', '--issuer', IDP, '--audience', AS, '--client-id', CLIENT, g], // no keys
      [...verifyArgs(['--jwks-file', jwksFile]), g], // both sources
      ['verify', '--jwks-uri', `${jwks.base}/jwks`, '--audience', AS, '--client-id', CLIENT, g], // no issuer
      verifyArgs([g, g]),
      [g],
      ['frobnicate', g],
    ]) {
      const r = await idjag(args);
      assert.equal(r.code, 2, `${args.slice(0, 2).join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^idjag: /);
      assert.equal(r.stdout, '');
      assertNoToken(r, g);
    }
  });

  test('configuration errors: exit 3 (an unusable jwks_uri, an unreadable file, ERR_CONFIG options)', async () => {
    const g = await grant();
    const cases = [
      ['verify', '--issuer', IDP, '--jwks-uri', `${jwks.base}/missing`, '--audience', AS, '--client-id', CLIENT, g],
      ['verify', '--issuer', IDP, '--jwks-file', join(tmp, 'nope.json'), '--audience', AS, '--client-id', CLIENT, g],
      ['verify', '--issuer', IDP, '--jwks-file', jwksFile, '--audience', 'not a url', '--client-id', CLIENT, '--resource', 'also not', g],
    ];
    for (const args of cases) {
      const r = await idjag(args);
      assert.equal(r.code, 3, `${r.stdout}${r.stderr}`);
      assertNoToken(r, g);
    }
  });
});

describe('mint', () => {
  test('mint --jwks → verify --jwks-file: a round trip through the TestIssuer', async () => {
    const m = await idjag(['mint', '--audience', AS, '--client-id', CLIENT, '--resource', MCP, '--scope', 'files.read files.write', '--sub', 'bob', '--lifetime-sec', '90', '--jwks']);
    assert.equal(m.code, 0, m.stderr);
    const [token, jwksLine] = m.stdout.trim().split('\n');
    assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/);
    const file = join(tmp, 'minted.json');
    writeFileSync(file, jwksLine);
    const v = await idjag(['verify', '--issuer', 'https://idp.example', '--jwks-file', file, '--audience', AS, '--client-id', CLIENT, '--resource', MCP, '--json', token]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    const out = JSON.parse(v.stdout).grant;
    assert.equal(out.subject, 'bob');
    assert.deepEqual(out.scopes, ['files.read', 'files.write']);
    assert.equal(out.expiresAt - JSON.parse(Buffer.from(token.split('.')[1], 'base64url')).iat, 90);
    // Another client presenting it: refused.
    assert.equal((await idjag(['verify', '--issuer', 'https://idp.example', '--jwks-file', file, '--audience', AS, '--client-id', 'someone-else', token])).code, 1);
  });

  test('--json, --issuer; usage errors', async () => {
    const m = await idjag(['mint', '--json', '--jwks', '--issuer', 'https://login.acme.example', '--audience', AS, '--client-id', CLIENT]);
    assert.equal(m.code, 0, m.stderr);
    const out = JSON.parse(m.stdout);
    assert.equal(JSON.parse(Buffer.from(out.grant.split('.')[1], 'base64url')).iss, 'https://login.acme.example');
    assert.equal(out.jwks.keys.length, 1);
    assert.equal('d' in out.jwks.keys[0], false, 'public keys only');
    assert.equal((await idjag(['mint', '--client-id', CLIENT])).code, 2); // no audience
    assert.equal((await idjag(['mint', '--audience', AS, '--client-id', CLIENT, '--lifetime-sec', 'soon'])).code, 2);
  });
});
