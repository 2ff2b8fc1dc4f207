#!/usr/bin/env node
// Sanity check for tests/vectors/grants.json, independent of the Rust core:
//  * structural checks of the file (format of docs/internals.md, known codes, oauthError
//    mapping of design.md, rule ids cited, unique ids, configs referenced exist);
//  * a small JavaScript MODEL of the check order of docs/internals.md, run over every case,
//    so that a generator mistake (a case with two defects, a wrong expected code, a bad
//    signature on a "valid" grant) is caught before the real implementations see it;
//  * a summary: number of cases per error code and per rule.
//
//   node tests/vectors/check.mjs [path/to/grants.json]
//
// The model is test tooling only: it is NOT the verifier and must not be used as one.
// Exit code 1 on any mismatch.

import { createPublicKey, verify as cryptoVerify, constants } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const file = process.argv[2] ?? join(here, 'grants.json');
const doc = JSON.parse(readFileSync(file, 'utf8'));

const OAUTH = {
  ERR_CONFIG: null, ERR_MALFORMED: 'invalid_grant', ERR_HEADER: 'invalid_grant', ERR_TYP: 'invalid_grant',
  ERR_ALG: 'invalid_grant', ERR_ISSUER: 'invalid_grant', ERR_KEY: 'invalid_grant', ERR_SIGNATURE: 'invalid_grant',
  ERR_CLAIM: 'invalid_grant', ERR_AUDIENCE: 'invalid_grant', ERR_CLIENT: 'invalid_grant', ERR_EXPIRED: 'invalid_grant',
  ERR_NOT_YET_VALID: 'invalid_grant', ERR_LIFETIME: 'invalid_grant', ERR_RESOURCE: 'invalid_target',
  ERR_SCOPE: 'invalid_scope', ERR_TENANT: 'invalid_grant', ERR_REPLAY: 'invalid_grant', ERR_UNSUPPORTED: 'invalid_grant',
  ERR_POLICY: 'invalid_grant',
};
const REQUIRED_RULES = [...Array.from({ length: 26 }, (_, i) => `R${i + 6}`), 'R40', 'R42'];
const SUPPORTED = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA', 'Ed25519'];
// R10a: Ed25519 (RFC 9864) is the same algorithm as EdDSA (the only EdDSA curve supported).
const canonAlg = (a) => (a === 'Ed25519' ? 'EdDSA' : a);
const DEFAULT_ALGS = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'];

class Refusal extends Error {
  constructor(code, claim) { super(code); this.code = code; this.claim = claim; }
}
const fail = (code, claim) => { throw new Refusal(code, claim); };

// --- strict JSON (duplicates, depth) -----------------------------------------------------

function strictJson(text, maxDepth = 32) {
  let i = 0;
  const ws = () => { while (i < text.length && ' \t\n\r'.includes(text[i])) i++; };
  const bad = () => { throw new SyntaxError(`bad json at ${i}`); };
  function str() {
    const m = /^"(?:[^"\\\u0000-\u001f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"/.exec(text.slice(i));
    if (!m) bad();
    i += m[0].length;
    return JSON.parse(m[0]);
  }
  function value(depth) {
    ws();
    const c = text[i];
    if (c === '{' || c === '[') {
      if (depth + 1 > maxDepth) throw new SyntaxError('too deep');
      i++; ws();
      const isObj = c === '{';
      const out = isObj ? {} : [];
      const seen = new Set();
      if (text[i] === (isObj ? '}' : ']')) { i++; return out; }
      for (;;) {
        if (isObj) {
          ws(); if (text[i] !== '"') bad();
          const k = str();
          if (seen.has(k)) throw new SyntaxError(`duplicate member ${k}`);
          seen.add(k);
          ws(); if (text[i++] !== ':') bad();
          Object.defineProperty(out, k, { value: value(depth + 1), enumerable: true, writable: true, configurable: true });
        } else out.push(value(depth + 1));
        ws();
        if (text[i] === ',') { i++; continue; }
        if (text[i] === (isObj ? '}' : ']')) { i++; return out; }
        bad();
      }
    }
    if (c === '"') return str();
    const m = /^(?:-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null)/.exec(text.slice(i));
    if (!m) bad();
    i += m[0].length;
    return JSON.parse(m[0]);
  }
  const v = value(0);
  ws();
  if (i !== text.length) bad();
  return v;
}

// --- config model ----------------------------------------------------------------------------

const isObj = (v) => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegInt = (v) => Number.isInteger(v) && v >= 0;

function bitLength(b64) {
  const b = Buffer.from(b64, 'base64url');
  let i = 0; while (i < b.length && b[i] === 0) i++;
  if (i === b.length) return 0;
  return (b.length - i - 1) * 8 + b[i].toString(2).length;
}

// The key layer (src/jose/jwk.rs): a key idjag cannot use is set aside; a set is refused only
// when no usable key remains (issue 10).
function usableKeys(keys) {
  if (!Array.isArray(keys)) throw new Error('keys');
  const kidCount = new Map();
  for (const k of keys) if (isObj(k) && typeof k.kid === 'string') kidCount.set(k.kid, (kidCount.get(k.kid) ?? 0) + 1);
  const usable = keys.filter((k) => {
    try { checkJwk(k); } catch { return false; }
    return !(typeof k.kid === 'string' && kidCount.get(k.kid) > 1);
  });
  if (usable.length === 0) throw new Error('no usable key');
  return usable;
}

function checkJwk(k) {
  if (!isObj(k) || typeof k.kty !== 'string') throw new Error('jwk');
  if (k.use !== undefined && k.use !== 'sig') throw new Error('use');
  if (k.key_ops !== undefined && !(Array.isArray(k.key_ops) && k.key_ops.includes('verify'))) throw new Error('key_ops');
  if (k.alg !== undefined && !SUPPORTED.includes(k.alg)) throw new Error('jwk alg');
  for (const m of ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k']) if (m in k) throw new Error(`private member ${m}`);
  if (k.kty === 'RSA') {
    const bits = bitLength(k.n);
    if (bits < 2048 || bits > 8192) throw new Error('rsa size');
    const e = BigInt(`0x${Buffer.from(k.e, 'base64url').toString('hex') || '0'}`);
    if (e < 3n || e % 2n === 0n || e >= 1n << 64n) throw new Error('rsa exponent');
  } else if (k.kty === 'EC') {
    if (!['P-256', 'P-384'].includes(k.crv)) throw new Error('curve');
    const len = k.crv === 'P-256' ? 32 : 48;
    for (const c of ['x', 'y']) if (Buffer.from(k[c] ?? '', 'base64url').length !== len) throw new Error('coordinate length');
  } else if (k.kty === 'OKP') {
    if (k.crv !== 'Ed25519') throw new Error('okp curve');
  } else throw new Error(`kty ${k.kty}`);
  createPublicKey({ key: k, format: 'jwk' }); // rejects points off the curve
}

function checkConfig(o) {
  if (!isObj(o) || typeof o.audience !== 'string' || !o.audience) throw new Error('audience');
  if (!Array.isArray(o.issuers) || o.issuers.length === 0) throw new Error('issuers');
  const algs = o.algorithms ?? DEFAULT_ALGS;
  if (!Array.isArray(algs) || algs.some((a) => !SUPPORTED.includes(a))) throw new Error('algorithms');
  for (const n of ['tenant', 'audTenant', 'audSub']) if (n in o && (typeof o[n] !== 'string' || !o[n])) throw new Error(n);
  const seenIss = new Set();
  for (const is of o.issuers) {
    if (typeof is.issuer !== 'string' || !is.issuer || seenIss.has(is.issuer)) throw new Error('issuer');
    // R18a: our own issuer only across a tenant boundary
    if (is.issuer === o.audience && !(is.tenant !== undefined && o.tenant !== undefined && is.tenant !== o.tenant)) throw new Error('own issuer');
    // qualified access-token subjects <iss>#<sub>
    if (o.issuers.length > 1 && is.issuer.includes('#')) throw new Error('issuer with #');
    if (is.requireSubId !== undefined && (is.requireSubId !== 'saml-nameid' || !(is.subIdIssuers?.length > 0))) throw new Error('requireSubId');
    if (is.subIdIssuers !== undefined && !(Array.isArray(is.subIdIssuers) && is.subIdIssuers.every((x) => typeof x === 'string' && x))) throw new Error('subIdIssuers');
    seenIss.add(is.issuer);
    if ([is.jwks, is.jwksUri, is.discover === true ? true : undefined].filter((x) => x !== undefined).length !== 1) throw new Error('keys: exactly one of jwks, jwksUri, discover');
    if (is.algorithms && (!Array.isArray(is.algorithms) || is.algorithms.some((a) => !SUPPORTED.includes(a)))) throw new Error('issuer algorithms');
    if (is.jwks) usableKeys(is.jwks.keys);
  }
  const requireResource = o.requireResource ?? true;
  if (requireResource && !(Array.isArray(o.resources) && o.resources.length)) throw new Error('resources');
  for (const n of ['clockToleranceSec', 'maxLifetimeSec', 'maxTokenBytes']) if (n in o && !isNonNegInt(o[n])) throw new Error(n);
  if ('replay' in o && !['single-use', 'reusable'].includes(o.replay)) throw new Error('replay');
}

// --- verification model (docs/internals.md "Check order") ----------------------------------

const B64U = /^[A-Za-z0-9_-]+$/;
const SCOPE_RE = /^[\x21\x23-\x5B\x5D-\x7E]+(?: [\x21\x23-\x5B\x5D-\x7E]+)*$/;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodePart(s) {
  if (!B64U.test(s) || s.length % 4 === 1) fail('ERR_MALFORMED');
  return Buffer.from(s, 'base64url');
}
function jsonObject(bytes) {
  let v;
  try { v = strictJson(utf8.decode(bytes)); } catch { fail('ERR_MALFORMED'); }
  if (!isObj(v)) fail('ERR_MALFORMED');
  return v;
}

function compatible(k, alg) {
  if (k.alg !== undefined && canonAlg(k.alg) !== alg) return false;
  if (/^(RS|PS)/.test(alg)) return k.kty === 'RSA';
  if (alg === 'ES256') return k.kty === 'EC' && k.crv === 'P-256';
  if (alg === 'ES384') return k.kty === 'EC' && k.crv === 'P-384';
  if (alg === 'EdDSA') return k.kty === 'OKP' && k.crv === 'Ed25519';
  return false;
}
function sigOk(k, alg, input, sig) {
  try {
    const key = createPublicKey({ key: k, format: 'jwk' });
    const data = Buffer.from(input, 'ascii');
    const hash = { 256: 'sha256', 384: 'sha384', 512: 'sha512' }[alg.slice(2)];
    if (alg.startsWith('RS')) return cryptoVerify(hash, data, key, sig);
    if (alg.startsWith('PS')) return cryptoVerify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(alg.slice(2)) / 8 }, sig);
    if (alg.startsWith('ES')) return sig.length === (alg === 'ES256' ? 64 : 96) && cryptoVerify(hash, data, { key, dsaEncoding: 'ieee-p1363' }, sig);
    if (alg === 'EdDSA') return cryptoVerify(null, data, key, sig);
  } catch { return false; }
  return false;
}
// R51/R52 (RFC 9493 §3, -04 §3.2.1): Subject Identifier shapes.
const SUBJECT_FORMATS = {
  account: [['uri'], []], email: [['email'], []], iss_sub: [['iss', 'sub'], []], opaque: [['id'], []],
  phone_number: [['phone_number'], []], did: [['url'], []], uri: [['uri'], []],
  'saml-nameid': [['issuer', 'nameid'], ['nameid_format', 'name_qualifier', 'sp_name_qualifier', 'sp_provided_id']],
};
function subjectIdOk(v, inAliases = false) {
  if (!isObj(v) || typeof v.format !== 'string' || !v.format) return false;
  if (v.format === 'aliases') {
    return !inAliases && Array.isArray(v.identifiers) && v.identifiers.length > 0 && v.identifiers.every((i) => subjectIdOk(i, true));
  }
  const f = SUBJECT_FORMATS[v.format];
  if (!f) return true;
  return f[0].every((m) => typeof v[m] === 'string' && v[m] !== '') && f[1].every((m) => !(m in v) || typeof v[m] === 'string');
}
const isAbsUriNoFrag = (s) => typeof s === 'string' && /^[A-Za-z][A-Za-z0-9+.-]*:[^\s#]*$/.test(s);

function makeVerifier(o) {
  checkConfig(o);
  const tol = o.clockToleranceSec ?? 60;
  const maxLife = o.maxLifetimeSec ?? 300;
  const maxBytes = o.maxTokenBytes ?? 16384;
  const algs = o.algorithms ?? DEFAULT_ALGS;
  const requireResource = o.requireResource ?? true;
  const resources = o.resources ?? [];
  const consumed = new Map();

  return function verify(token, ctx) {
    const now = ctx.now;
    if (Buffer.byteLength(token, 'utf8') > maxBytes) fail('ERR_MALFORMED');
    const parts = token.split('.');
    if (parts.length === 5) fail('ERR_UNSUPPORTED');
    if (parts.length !== 3) fail('ERR_MALFORMED');
    const header = jsonObject(decodePart(parts[0]));
    // R10: alg none with an empty signature is an alg attack (ERR_ALG), not just malformed.
    if (parts[2] === '') fail(typeof header.alg === 'string' && header.alg.toLowerCase() === 'none' ? 'ERR_ALG' : 'ERR_MALFORMED');
    const payload = jsonObject(decodePart(parts[1]));
    const sig = decodePart(parts[2]);
    // 4. headers not honoured (R11); jku/x5u/jwk/x5c ignored (R12)
    for (const h of ['crit', 'b64', 'zip', 'enc']) if (h in header) fail('ERR_HEADER');
    // 5. typ (R9)
    if (typeof header.typ !== 'string' || !/^(application\/)?oauth-id-jag\+jwt$/i.test(header.typ)) fail('ERR_TYP');
    // 6. alg (R10)
    if (typeof header.alg !== 'string' || !SUPPORTED.includes(header.alg)) fail('ERR_ALG');
    const alg = canonAlg(header.alg);
    if (!algs.map(canonAlg).includes(alg)) fail('ERR_ALG');
    // 7. iss (unverified, only to pick keys) (R17, R18, R18a: checkConfig admits our own issuer only across a tenant)
    if (typeof payload.iss !== 'string') fail('ERR_ISSUER', 'iss');
    const issuer = o.issuers.find((x) => x.issuer === payload.iss);
    if (!issuer) fail('ERR_ISSUER', 'iss');
    // 8. issuer algorithms
    if (issuer.algorithms && !issuer.algorithms.map(canonAlg).includes(alg)) fail('ERR_ALG');
    // 9. key selection (R13, R14)
    const keys = usableKeys(issuer.jwks.keys);
    let candidates;
    if ('kid' in header) {
      const k = keys.find((x) => x.kid !== undefined && x.kid === header.kid);
      if (!k) fail('ERR_KEY');
      if (!compatible(k, alg)) fail('ERR_ALG');
      candidates = [k];
    } else {
      candidates = keys.filter((k) => compatible(k, alg));
      if (!candidates.length) fail('ERR_KEY');
    }
    // 10. signature (R15)
    const input = `${parts[0]}.${parts[1]}`;
    if (!candidates.some((k) => sigOk(k, alg, input, sig))) fail('ERR_SIGNATURE');
    // 11. claim types on the verified payload (R19, R22, R28, R31)
    const c = payload;
    for (const n of ['sub', 'client_id', 'jti']) if (typeof c[n] !== 'string' || c[n] === '') fail('ERR_CLAIM', n);
    if (!(typeof c.aud === 'string' || (Array.isArray(c.aud) && c.aud.every((a) => typeof a === 'string')))) fail('ERR_CLAIM', 'aud');
    for (const n of ['exp', 'iat']) if (typeof c[n] !== 'number') fail('ERR_CLAIM', n);
    for (const n of ['nbf', 'auth_time']) if (n in c && typeof c[n] !== 'number') fail('ERR_CLAIM', n);
    if ('resource' in c) {
      const r = c.resource;
      if (!(isAbsUriNoFrag(r) || (Array.isArray(r) && r.every(isAbsUriNoFrag)))) fail('ERR_CLAIM', 'resource');
    }
    if ('scope' in c && (typeof c.scope !== 'string' || !SCOPE_RE.test(c.scope))) fail('ERR_CLAIM', 'scope');
    if ('authorization_details' in c) {
      const ad = c.authorization_details;
      if (!Array.isArray(ad) || !ad.every((d) => isObj(d) && typeof d.type === 'string')) fail('ERR_CLAIM', 'authorization_details');
    }
    for (const n of ['tenant', 'aud_tenant', 'aud_sub', 'email', 'acr']) if (n in c && typeof c[n] !== 'string') fail('ERR_CLAIM', n);
    if ('amr' in c && !(Array.isArray(c.amr) && c.amr.every((x) => typeof x === 'string'))) fail('ERR_CLAIM', 'amr');
    for (const n of ['act', 'cnf']) if (n in c && !isObj(c[n])) fail('ERR_CLAIM', n);
    if ('sub_id' in c && !subjectIdOk(c.sub_id)) fail('ERR_CLAIM', 'sub_id');
    // 12. aud (R20); aud_sub when configured
    if (!(c.aud === o.audience || (Array.isArray(c.aud) && c.aud.length === 1 && c.aud[0] === o.audience))) fail('ERR_AUDIENCE', 'aud');
    if (o.audSub !== undefined && c.aud_sub !== o.audSub) fail('ERR_AUDIENCE', 'aud_sub');
    // 13. client_id (R21)
    if (c.client_id !== ctx.clientId) fail('ERR_CLIENT', 'client_id');
    // 14. time (R23-R27)
    if (now >= c.exp + tol) fail('ERR_EXPIRED', 'exp');
    if ('nbf' in c && c.nbf > now + tol) fail('ERR_NOT_YET_VALID', 'nbf');
    if (c.iat > now + tol) fail('ERR_NOT_YET_VALID', 'iat');
    if (c.exp <= c.iat || ('nbf' in c && c.nbf > c.exp) || c.exp - c.iat > maxLife) fail('ERR_LIFETIME');
    // 15. tenant (R40)
    if (issuer.tenant !== undefined && c.tenant !== issuer.tenant) fail('ERR_TENANT', 'tenant');
    if (o.audTenant !== undefined && c.aud_tenant !== o.audTenant) fail('ERR_TENANT', 'aud_tenant');
    // 16. cnf (R42), authorization_details (R36)
    if ('cnf' in c) fail('ERR_UNSUPPORTED', 'cnf');
    if ('authorization_details' in c && o.allowAuthorizationDetails !== true) fail('ERR_UNSUPPORTED', 'authorization_details');
    // 16a. subject (R54, R55): requireSubId
    if (issuer.requireSubId !== undefined) {
      const s = c.sub_id;
      if (!isObj(s) || s.format !== 'saml-nameid' || !issuer.subIdIssuers.includes(s.issuer)) fail('ERR_CLAIM', 'sub_id');
    }
    // 17. resource (R32, R33, R38)
    const grantRes = c.resource === undefined ? [] : [].concat(c.resource);
    if (requireResource && grantRes.length === 0) fail('ERR_RESOURCE', 'resource');
    if (resources.length > 0 && grantRes.some((r) => !resources.includes(r))) fail('ERR_RESOURCE', 'resource');
    if (ctx.resource !== undefined && !grantRes.includes(ctx.resource)) fail('ERR_RESOURCE');
    // 18. scope (R34, R35)
    const grantScopes = c.scope === undefined ? [] : [...new Set(c.scope.split(' '))];
    let scopes = grantScopes;
    if (ctx.scope !== undefined) {
      if (!SCOPE_RE.test(ctx.scope)) fail('ERR_SCOPE');
      const req = [...new Set(ctx.scope.split(' '))];
      if (req.some((s) => !grantScopes.includes(s))) fail('ERR_SCOPE');
      scopes = req;
    }
    // 19. replay (R29), only after every other check
    if ((o.replay ?? 'single-use') === 'single-use') {
      const key = JSON.stringify([c.iss, c.jti]);
      if (consumed.has(key) && consumed.get(key) > now) fail('ERR_REPLAY');
      consumed.set(key, c.exp + tol);
    }
    return { subject: c.sub, scopes, resources: grantRes, tenant: c.tenant };
  };
}

// --- run ------------------------------------------------------------------------------------

const problems = [];
const problem = (id, msg) => problems.push(`${id}: ${msg}`);
const byCode = {};
const byRule = {};
const count = (map, k) => { map[k] = (map[k] ?? 0) + 1; };
const sameSet = (a, b) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

if (doc.version !== 1) problem('file', 'version must be 1');
const allIds = new Set();
for (const [name, cfg] of Object.entries(doc.configs)) {
  try { checkConfig(cfg); } catch (e) { problem(`config ${name}`, `model refuses a config the cases rely on: ${e.message}`); }
}
for (const cs of doc.cases) {
  if (allIds.has(cs.id)) problem(cs.id, 'duplicate id');
  allIds.add(cs.id);
  if (!Array.isArray(cs.rules) || !cs.rules.length) problem(cs.id, 'no rules cited');
  if (!doc.configs[cs.config]) { problem(cs.id, `unknown config ${cs.config}`); continue; }
  if (typeof cs.description !== 'string' || !cs.description) problem(cs.id, 'no description');
  for (const r of cs.rules) count(byRule, r);
  let verify;
  try { verify = makeVerifier(doc.configs[cs.config]); } catch (e) { problem(cs.id, `config: ${e.message}`); continue; }
  cs.steps.forEach((st, n) => {
    const where = `${cs.id}[${n}]`;
    const ex = st.expect;
    if (typeof st.token !== 'string' || typeof st.ctx?.clientId !== 'string' || typeof st.ctx?.now !== 'number') problem(where, 'bad step shape');
    if (ex.ok === false) {
      if (!(ex.code in OAUTH) || ex.code === 'ERR_CONFIG') problem(where, `bad code ${ex.code}`);
      if (ex.oauthError !== OAUTH[ex.code]) problem(where, `oauthError ${ex.oauthError} ≠ ${OAUTH[ex.code]}`);
      count(byCode, ex.code);
    } else if (ex.ok === true) count(byCode, 'OK');
    else problem(where, 'expect.ok must be a boolean');
    let got;
    try { got = { ok: true, grant: verify(st.token, st.ctx) }; } catch (e) {
      if (!(e instanceof Refusal)) throw e;
      got = { ok: false, code: e.code, claim: e.claim };
    }
    if (ex.ok !== got.ok) { problem(where, `model says ${got.ok ? 'OK' : got.code}, vector expects ${ex.ok ? 'OK' : ex.code}`); return; }
    if (!ex.ok) {
      if (ex.code !== got.code) problem(where, `model says ${got.code}, vector expects ${ex.code}`);
      if ('claim' in ex && ex.claim !== got.claim) problem(where, `model claim ${got.claim}, vector expects ${ex.claim}`);
      return;
    }
    const g = got.grant;
    if ('subject' in ex && ex.subject !== g.subject) problem(where, `subject ${g.subject}`);
    if ('tenant' in ex && ex.tenant !== g.tenant) problem(where, `tenant ${g.tenant}`);
    if ('scopes' in ex && !sameSet(ex.scopes, g.scopes)) problem(where, `scopes ${g.scopes}`);
    if ('resources' in ex && !sameSet(ex.resources, g.resources)) problem(where, `resources ${g.resources}`);
  });
}
for (const ce of doc.configErrors) {
  if (allIds.has(ce.id)) problem(ce.id, 'duplicate id');
  allIds.add(ce.id);
  if (ce.expect?.code !== 'ERR_CONFIG') problem(ce.id, 'configErrors must expect ERR_CONFIG');
  for (const r of ce.rules ?? []) count(byRule, r);
  count(byCode, 'ERR_CONFIG');
  try { checkConfig(ce.options); problem(ce.id, 'model accepts this config'); } catch { /* expected */ }
}

// coverage
// ERR_POLICY has no trigger in the check order of docs/internals.md (no enterprise policy
// hook is specified yet), so no vector can expect it: reported, not failed.
const KNOWN_GAPS = ['ERR_POLICY'];
for (const code of Object.keys(OAUTH)) if (!byCode[code] && !KNOWN_GAPS.includes(code)) problem('coverage', `no case for ${code}`);
for (const r of REQUIRED_RULES) if (!byRule[r]) problem('coverage', `no case cites ${r}`);

const pad = (s, n) => String(s).padEnd(n);
console.log(`${file}\n${doc.cases.length} cases (${doc.cases.reduce((n, c) => n + c.steps.length, 0)} steps), ${doc.configErrors.length} config errors, ${Object.keys(doc.configs).length} configs\n`);
console.log('expected outcome per step (ERR_CONFIG: configErrors entries)');
for (const k of ['OK', ...Object.keys(OAUTH)]) console.log(`  ${pad(k, 18)} ${byCode[k] ?? 0}`);
console.log('\ncases citing each rule');
const ruleKeys = Object.keys(byRule).sort((a, b) => parseInt(a.slice(1), 10) - parseInt(b.slice(1), 10));
console.log(ruleKeys.map((r) => `  ${pad(r, 4)} ${byRule[r]}`).join('\n'));
if (problems.length) {
  console.log(`\n${problems.length} PROBLEM(S):`);
  for (const p of problems) console.log(`  ${p}`);
  process.exit(1);
}
for (const code of KNOWN_GAPS) if (!byCode[code]) console.log(`\nnote: no vector for ${code} (nothing in the check order produces it)`);
console.log('\nall vectors agree with the model of docs/internals.md');
