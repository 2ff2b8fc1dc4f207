// The thin-shell promise (issue 12): every decision is made by the Rust core; the JS package reads
// requests, does the I/O the core asks for (fetching keys, the replay store, the clock) and writes
// responses. A rule id (docs/rules.md) cited in pkg/src or pkg/bin means JS enforces that rule, so
// none may be: where JS performs I/O for a decision, its comment names the core function or
// constant that decides instead. The scanner is tests/js/lib/rule-ids.js (the one that checks the
// rulebook defines every cited id): comments, string literals, bare-id object keys, ranges.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { AccessTokenVerifier, IdJagError, IdJagVerifier, JwksCache, requestIdJag } from 'idjag';
import { AccessTokenIssuer } from 'idjag/server';
import { TestIssuer } from 'idjag/testing';
import { fullCore, maxBodyBytes } from '../../pkg/src/core-full.js';
import { MAX_BODY_BYTES as NODE_MAX_BODY_BYTES } from '../../pkg/src/adapters/node.js';
import { ROOT, citationsIn, scannedFiles } from './lib/rule-ids.js';

const DIRS = ['pkg/src', 'pkg/bin'];

const SOURCE = /\.(js|mjs|cjs|ts|mts|cts)$/;

/** Every source file under `dir` (relative to the repository root), sorted. */
function walk(dir) {
  const out = [];
  for (const name of readdirSync(join(ROOT, dir))) {
    const rel = `${dir}/${name}`;
    const st = statSync(join(ROOT, rel));
    if (st.isDirectory()) out.push(...walk(rel));
    else if (st.isFile() && SOURCE.test(name)) out.push(rel);
  }
  return out.sort();
}

const files = DIRS.flatMap(walk);

describe('pkg/src and pkg/bin enforce no rule id', () => {
  test('the scan covers the package sources', () => {
    for (const f of ['pkg/src/verifier.js', 'pkg/src/access-token-verifier.js', 'pkg/src/token-cache.js', 'pkg/src/jwks-cache.js',
      'pkg/src/urls.js', 'pkg/src/client.js', 'pkg/src/server/token-endpoint.js', 'pkg/src/adapters/node.js', 'pkg/bin/idjag.js']) {
      assert.ok(files.includes(f), `${f} is scanned`);
    }
    // The same lexer as the rulebook check: every pkg/src file it scans is scanned here too.
    for (const f of scannedFiles().filter((p) => p.startsWith('pkg/src/') && SOURCE.test(p))) assert.ok(files.includes(f), `${f} is scanned`);
  });

  test('the scanner finds a citation where there is one (the test can fail)', () => {
    assert.deepEqual(citationsIn('// V7: exp with the tolerance\nconst x = 1;\n', 'x.js').map((c) => `${c.id}:${c.line}`), ['V7:1']);
    assert.deepEqual(citationsIn("throw violation('bad', 200, 'C1');\n", 'x.js').map((c) => c.id), ['C1']);
    assert.deepEqual([...new Set(citationsIn('// checks V2–V4\n', 'x.js').map((c) => c.id))], ['V2', 'V3', 'V4']);
    assert.deepEqual(citationsIn("const alg = 'ES256'; // x5t#S256\n", 'x.js'), []);
  });

  test('no file cites a rule id', () => {
    const found = new Set();
    for (const file of files) {
      for (const { id, line } of citationsIn(readFileSync(join(ROOT, file), 'utf8'), file)) {
        found.add(`${file}:${line} ${id}`);
      }
    }
    assert.deepEqual([...found], [], `JS cites (so enforces) rule ids; move the decision into the core, or name the core function that decides:\n${[...found].join('\n')}`);
  });
});

// ---------------------------------------------------------------------------------------------
// The decisions that moved from JS into the core (issue 12): each test fails if the core stopped
// making its decision (the JS would then serve, accept or word something differently).

const NOW = 1767225600; // 2026-01-01T00:00:00Z
const AS = 'https://as.example';
const MCP = 'https://mcp.example/mcp';
const IDP = 'https://idp.example';
const refusal = (p) => p.then((v) => assert.fail(`accepted: ${JSON.stringify(v)}`), (e) => e);
const configError = (message) => (e) => IdJagError.is(e) && e.code === 'ERR_CONFIG' && e.message === message;

describe('the decisions moved from JS are the core\'s', () => {
  test('the fetch URL policy: the same codes and messages as before, from the core (fetch_policy.rs)', async () => {
    for (const [uri, why] of [
      ['https://user:pw@idp.example/jwks', 'must not carry credentials'],
      ['https://user@idp.example/jwks', 'must not carry credentials'],
      ['http://idp.example/jwks', 'must use https (http only on loopback hosts)'],
      ['http://127.0.0.1.nip.io/jwks', 'must use https (http only on loopback hosts)'],
      ['ftp://idp.example/jwks', 'must use https'],
      ['https://idp.example/jwks#k1', 'must not have a fragment'],
    ]) {
      assert.throws(() => new AccessTokenVerifier({ issuer: AS, audience: MCP, jwksUri: uri }), configError(`jwksUri ${why}`), uri);
      assert.throws(() => new IdJagVerifier({ audience: AS, issuers: [{ issuer: IDP, jwksUri: uri }], resources: [MCP] }), configError(`issuers[0].jwksUri ${why}`), uri);
      const e = await refusal(new JwksCache({ fetch: () => assert.fail('fetched') }).get(uri));
      assert.ok(configError(`jwks uri ${why}`)(e), `${uri}: ${e.message}`);
      const c = await refusal(requestIdJag({ tokenEndpoint: uri, audience: AS, subjectToken: 'x', subjectTokenType: 'urn:x', clientId: 'c', fetch: () => assert.fail('fetched') }));
      assert.ok(configError(`tokenEndpoint ${why}`)(c), `${uri}: ${c.message}`);
    }
    for (const uri of ['http://localhost:8080/jwks', 'http://127.0.0.1/jwks', 'http://127.9.8.7/jwks', 'http://[::1]:9/jwks', 'https://idp.example/jwks']) {
      assert.doesNotThrow(() => new AccessTokenVerifier({ issuer: AS, audience: MCP, jwksUri: uri }), uri);
    }
  });

  test('an https issuer\'s metadata may not name a plain-http jwks_uri, even on loopback (the core\'s from-https rule)', async () => {
    const metadata = (jwksUri) => async (url) => {
      if (String(url).startsWith(`${IDP}/.well-known/`)) {
        return new Response(JSON.stringify({ issuer: IDP, jwks_uri: jwksUri }), { status: 200, headers: { 'content-type': 'application/json' } });
      }
      return new Response('not here', { status: 404 });
    };
    const e = await refusal(new JwksCache({ fetch: metadata('http://127.0.0.1:9/keys') }).discover(IDP));
    assert.match(e.message, /metadata jwks_uri "http:\/\/127\.0\.0\.1:9\/keys" must use https/);
    assert.equal(await new JwksCache({ fetch: metadata(`${IDP}/keys`) }).discover(IDP), `${IDP}/keys`);
  });

  test('the replay store\'s answer is judged by the core (Consumed::grant_verdict): codes, messages, cause', async () => {
    const idp = new TestIssuer({ issuer: IDP });
    const grant = () => idp.mint({ audience: AS, clientId: 'c1', resource: MCP, now: () => NOW });
    const verifier = (consume) => new IdJagVerifier({ audience: AS, issuers: [{ issuer: IDP, jwks: idp.jwks() }], resources: [MCP], replayStore: { consume } });
    const ctx = { clientId: 'c1', now: () => NOW };
    assert.equal((await verifier(() => true).verify(grant(), ctx)).clientId, 'c1');
    const used = await refusal(verifier(() => false).verify(grant(), ctx));
    assert.deepEqual([used.code, used.oauthError, used.message], ['ERR_REPLAY', 'invalid_grant', 'grant already used']);
    for (const answer of [undefined, 1, 'yes', null]) {
      const e = await refusal(verifier(async () => answer).verify(grant(), ctx));
      assert.deepEqual([e.code, e.message], ['ERR_REPLAY', 'replay store failed; consume() must return a boolean'], String(answer));
    }
    const boom = new Error('connection reset');
    const failed = await refusal(verifier(() => { throw boom; }).verify(grant(), ctx));
    assert.deepEqual([failed.code, failed.message, failed.cause], ['ERR_REPLAY', 'replay store failed; grant refused', boom]);
    // A store's own ERR_REPLAY keeps its message (MemoryReplayStore full).
    const full = await refusal(verifier(() => { throw new IdJagError('ERR_REPLAY', 'replay store is full', { oauthError: 'invalid_grant' }); }).verify(grant(), ctx));
    assert.deepEqual([full.code, full.message], ['ERR_REPLAY', 'replay store is full']);
  });

  test('required scopes are scope tokens by the core (claims.rs is_scope_token), at construction and per call', async () => {
    const issuer = new AccessTokenIssuer({ issuer: AS });
    const token = issuer.mint({ subject: 'alice', clientId: 'c1', resources: [MCP], scopes: ['files:read'] }, { now: () => NOW }).accessToken;
    const v = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: issuer.jwks(), now: () => NOW });
    // Refused by the core, not by a JS regex: DEL, a non-ASCII letter, a quote, a backslash.
    for (const bad of ['a\u007f', 'é', 'a"b', 'a\\b', 'a b', '']) {
      assert.throws(() => new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: issuer.jwks(), requiredScopes: [bad] }),
        configError('requiredScopes must be an array of scope tokens (RFC 6749 §3.3)'), JSON.stringify(bad));
      assert.ok(configError('options.requiredScopes must be an array of scope tokens (RFC 6749 §3.3)')(await refusal(v.verify(token, { requiredScopes: ['files:read', bad] }))));
    }
    assert.equal((await v.verify(token, { requiredScopes: ['files:read'] })).subject, 'alice');
    assert.equal((await refusal(v.verify(token, { requiredScopes: ['files:write'] }))).code, 'ERR_SCOPE');
  });

  test('a cached verdict lives in the core\'s window: the tolerance as the core clamps it (3600 s), not as given', async () => {
    const issuer = new AccessTokenIssuer({ issuer: AS }); // exp = iat + 300
    const token = issuer.mint({ subject: 'alice', clientId: 'c1', resources: [MCP], scopes: ['files:read'] }, { now: () => NOW }).accessToken;
    const v = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: issuer.jwks(), clockToleranceSec: 7200, cache: { maxAgeSec: 86400 } });
    await v.verify(token, { now: () => NOW + 200 });
    await v.verify(token, { now: () => NOW + 300 + 3599 }); // inside exp + 3600: a hit
    const stats = v.cacheStats();
    assert.deepEqual([stats.hits, stats.misses], [1, 1]);
    // exp + 3600: outside the core's window, so not a hit (a JS window of exp + 7200 would serve it).
    assert.equal((await refusal(v.verify(token, { now: () => NOW + 300 + 3600 }))).code, 'ERR_EXPIRED');
    assert.deepEqual([v.cacheStats().hits, v.cacheStats().misses], [1, 2]);
  });

  test('the token endpoint\'s body cap is the core\'s MAX_BODY_BYTES (the Node adapter\'s default too)', async () => {
    const cap = fullCore.call(() => maxBodyBytes());
    assert.equal(cap, 64 * 1024);
    assert.equal(NODE_MAX_BODY_BYTES, cap, 'adapters/node.js writes the core\'s cap out (it loads no wasm)');
  });
});
