// inspect(): decoding without verifying (pkg/src/inspect.js over the wasm `inspect`).
// Tokens are hand-made here: inspect never checks a signature, so any signature will do.
//
//   node --test tests/js/inspect.test.mjs      (needs the built package: make build)

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { inspect } from 'idjag';

const NOW = 1767225600;
const now = () => NOW; // idjag's clock: epoch seconds
const AS = 'https://as.example.com';
const RES = 'https://mcp.example.com/mcp';
const expect = { audience: AS, resource: RES, clientId: 'client-1', now };

const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url');
function jwt(header = {}, claims = {}) {
  const h = { alg: 'ES256', typ: 'oauth-id-jag+jwt', kid: 'k1', ...header };
  const c = {
    iss: 'https://idp.example.com', sub: 'user-1', aud: AS, client_id: 'client-1', jti: 'j1',
    resource: RES, scope: 'files:read', iat: NOW - 10, exp: NOW + 110, ...claims,
  };
  for (const k of Object.keys(h)) if (h[k] === undefined) delete h[k];
  for (const k of Object.keys(c)) if (c[k] === undefined) delete c[k];
  return `${b64(h)}.${b64(c)}.c2lnbmF0dXJl`;
}

const find = (result, code) => result.findings.find((f) => f.code === code);
const errors = (result) => result.findings.filter((f) => f.severity === 'error');

describe('inspect', () => {
  test('a well-formed grant: header and claims, no errors or warnings, remaining lifetime', () => {
    const r = inspect(jwt(), expect);
    assert.equal(r.header.typ, 'oauth-id-jag+jwt');
    assert.equal(r.claims.sub, 'user-1');
    assert.deepEqual(r.findings.filter((f) => f.severity !== 'info'), [], JSON.stringify(r.findings));
    const e = find(r, 'expires-in');
    assert.ok(e, JSON.stringify(r.findings));
    assert.equal(e.rule, 'R23');
    for (const f of r.findings) {
      assert.deepEqual(Object.keys(f).filter((k) => !['code', 'severity', 'message', 'rule', 'claim'].includes(k)), []);
    }
  });

  test('aud with a trailing slash against the issuer: aud-mismatch naming the slash (R20)', () => {
    const r = inspect(jwt({}, { aud: `${AS}/` }), expect);
    const f = find(r, 'aud-mismatch');
    assert.ok(f, JSON.stringify(r.findings));
    assert.equal(f.severity, 'error');
    assert.equal(f.rule, 'R20');
    assert.equal(f.claim, 'aud');
    assert.match(f.message, /slash/);
  });

  test('aud in another letter case: aud-mismatch naming the case', () => {
    const f = find(inspect(jwt({}, { aud: 'https://AS.example.com' }), expect), 'aud-mismatch');
    assert.ok(f);
    assert.match(f.message, /case/i);
  });

  test('an access token passed as a grant: typ-access-token (S16)', () => {
    const r = inspect(jwt({ typ: 'at+jwt' }), expect);
    const f = find(r, 'typ-access-token');
    assert.ok(f, JSON.stringify(r.findings));
    assert.equal(f.severity, 'error');
    assert.equal(f.rule, 'S16');
  });

  test('an expired grant: expired (R23)', () => {
    const r = inspect(jwt({}, { iat: NOW - 400, exp: NOW - 300 }), expect);
    const f = find(r, 'expired');
    assert.ok(f, JSON.stringify(r.findings));
    assert.equal(f.severity, 'error');
    assert.equal(f.rule, 'R23');
    assert.equal(find(r, 'expires-in'), undefined);
  });

  test('expect.now decides: the same grant is fine an hour earlier', () => {
    const token = jwt({}, { iat: NOW - 400, exp: NOW - 300 });
    assert.equal(find(inspect(token, { ...expect, now: () => NOW - 3600 }), 'expired'), undefined);
  });

  test('alg none: alg-none (R10)', () => {
    const r = inspect(jwt({ alg: 'none', kid: undefined }), expect);
    const f = find(r, 'alg-none');
    assert.ok(f, JSON.stringify(r.findings));
    assert.equal(f.severity, 'error');
    assert.equal(f.rule, 'R10');
  });

  test('cnf: a warning the AS may refuse (R42)', () => {
    const f = find(inspect(jwt({}, { cnf: { jkt: 'abc' } }), expect), 'cnf');
    assert.ok(f);
    assert.equal(f.severity, 'warning');
    assert.equal(f.rule, 'R42');
  });

  test('email: pii (S18)', () => {
    const f = find(inspect(jwt({}, { email: 'alice@example.com' }), expect), 'pii');
    assert.ok(f);
    assert.equal(f.severity, 'info');
    assert.equal(f.rule, 'S18');
  });

  test('resource and client mismatches', () => {
    const r = inspect(jwt({}, { resource: `${RES}/`, client_id: 'client-2' }), expect);
    assert.ok(find(r, 'resource-mismatch'), JSON.stringify(r.findings));
    assert.ok(find(r, 'client-mismatch'), JSON.stringify(r.findings));
  });

  test('without expect only the token itself is judged', () => {
    const r = inspect(jwt({}, { aud: 'https://other.example.com' }), { now });
    assert.equal(find(r, 'aud-mismatch'), undefined);
    assert.deepEqual(errors(r), []);
    assert.ok(inspect(jwt()).findings.length >= 1, 'expect is optional; now defaults to the clock');
  });

  test('garbage is a malformed finding, not an exception', () => {
    for (const t of ['', 'abc', 'a.b', '!!!.???.###', `${b64({ alg: 'ES256' })}.bm90IGpzb24.c2ln`]) {
      const r = inspect(t, expect);
      assert.ok(find(r, 'malformed'), `${JSON.stringify(t)}: ${JSON.stringify(r.findings)}`);
    }
    const jwe = inspect('a.b.c.d.e', expect);
    assert.ok(find(jwe, 'jwe'), JSON.stringify(jwe.findings));
    assert.equal(inspect('abc').header, null);
  });

  test('a non-string token is a TypeError; a malformed expect is ERR_CONFIG naming the member', () => {
    assert.throws(() => inspect(42), TypeError);
    assert.throws(() => inspect(null), TypeError);
    const config = (start) => (e) => e.code === 'ERR_CONFIG' && e.message.startsWith(start);
    assert.throws(() => inspect(jwt(), { audience: 1 }), config('expect.audience must be a string'));
    assert.throws(() => inspect(jwt(), { now: 'today' }), config('expect.now must be'));
    assert.throws(() => inspect(jwt(), { now: () => Date.now() }), config('expect.now() returned'));
    assert.throws(() => inspect(jwt(), { bogus: 1 }), config('expect.bogus is not an option of inspect()'));
    assert.throws(() => inspect(jwt(), null), config('expect must be an object'));
  });
});
