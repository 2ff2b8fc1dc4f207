// Shared building blocks of the vectors generator: constants, test keys, the hand-made
// compact-JWS builder, the configs and the case registry. The cases themselves live in
// cases-*.mjs; generate.mjs runs them and writes grants.json. See README.md.

import {
  createHmac, createPrivateKey, createPublicKey, sign as cryptoSign, constants,
} from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export { createHmac, createPublicKey };
const keysDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'keys');

// ---------------------------------------------------------------------------
// Constants
// ---------------------------------------------------------------------------

export const NOW = 1767225600; // 2026-01-01T00:00:00Z, the `now` of every step
export const ISS = 'https://idp.example.com';
export const ISS2 = 'https://idp2.example.com';
export const AUD = 'https://as.example.com';
export const RES = 'https://mcp.example.com/mcp';
export const RES2 = 'https://mcp2.example.com/mcp';
export const CLIENT = 'mcp-client-7f3a';
export const SUB = 'user-1234';
export const SCOPE = 'files:read files:write';
export const SCOPES = ['files:read', 'files:write'];
export const TENANT = 'tenant-a';
export const SAML_ISSUER = 'https://saml.idp.example.com/metadata';
export const ATTACKER_URL = 'https://attacker.example/jwks.json';

export const ALL_ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'EdDSA'];

export const OAUTH = {
  ERR_CONFIG: null,
  ERR_MALFORMED: 'invalid_grant',
  ERR_HEADER: 'invalid_grant',
  ERR_TYP: 'invalid_grant',
  ERR_ALG: 'invalid_grant',
  ERR_ISSUER: 'invalid_grant',
  ERR_KEY: 'invalid_grant',
  ERR_SIGNATURE: 'invalid_grant',
  ERR_CLAIM: 'invalid_grant',
  ERR_AUDIENCE: 'invalid_grant',
  ERR_CLIENT: 'invalid_grant',
  ERR_EXPIRED: 'invalid_grant',
  ERR_NOT_YET_VALID: 'invalid_grant',
  ERR_LIFETIME: 'invalid_grant',
  ERR_RESOURCE: 'invalid_target',
  ERR_SCOPE: 'invalid_scope',
  ERR_TENANT: 'invalid_grant',
  ERR_REPLAY: 'invalid_grant',
  ERR_UNSUPPORTED: 'invalid_grant',
  ERR_POLICY: 'invalid_grant',
};

// ---------------------------------------------------------------------------
// Keys (tests/keys, generated once by generate-keys.mjs)
// ---------------------------------------------------------------------------

const readJson = (name) => JSON.parse(readFileSync(join(keysDir, name), 'utf8'));
const privJwks = [
  ...readJson('idp.private.jwks.json').keys,
  ...readJson('attacker.private.jwks.json').keys,
];
export const PRIV = Object.fromEntries(privJwks.map((k) => [k.kid, k]));
export const RSA1024 = readJson('rsa-1024.public.jwk.json');

const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/** Public JWK of test key `kid`, with extra members (use/alg/key_ops…); `kid: undefined` drops the kid. */
// Certificate members idjag never reads (R12): plausible shapes, not real certificates.
const FAKE_X5C = Buffer.from('idjag test: not a certificate').toString('base64');
const FAKE_X5T = Buffer.alloc(20, 7).toString('base64url');
const FAKE_X5T256 = Buffer.alloc(32, 7).toString('base64url');

/** A P-256 coordinate with its first octet dropped (31 octets), as some libraries export it. */
export function shortCoordinate(x) {
  return b64u(Buffer.from(x, 'base64url').subarray(1));
}

export function pub(kid, extra = {}) {
  const src = PRIV[kid];
  if (!src) throw new Error(`no key ${kid}`);
  const out = { kid };
  for (const [k, v] of Object.entries(src)) if (!PRIVATE_MEMBERS.includes(k) && k !== 'kid') out[k] = v;
  Object.assign(out, extra);
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out;
}
const privateKeyObject = (kid) => createPrivateKey({ key: PRIV[kid], format: 'jwk' });

// default signing key per algorithm (the IdP's)
export const KEY_FOR = {
  RS256: 'rsa-1', RS384: 'rsa-1', RS512: 'rsa-1',
  PS256: 'rsa-pss', PS384: 'rsa-pss', PS512: 'rsa-pss',
  ES256: 'ec-256', ES384: 'ec-384', EdDSA: 'ed-1',
};
const HASH = { 256: 'sha256', 384: 'sha384', 512: 'sha512' };

/** JWS signature (RFC 7518 §3) over `input` with private key `kid` using algorithm `alg`. */
export function rawSign(alg, kid, input, { der = false } = {}) {
  const data = Buffer.from(input, 'ascii');
  const key = privateKeyObject(kid);
  const bits = alg.slice(2);
  if (alg.startsWith('RS')) return cryptoSign(HASH[bits], data, key);
  if (alg.startsWith('PS')) {
    return cryptoSign(HASH[bits], data, {
      key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: Number(bits) / 8,
    });
  }
  if (alg.startsWith('ES')) {
    return cryptoSign(HASH[bits], data, { key, dsaEncoding: der ? 'der' : 'ieee-p1363' });
  }
  if (alg === 'EdDSA') return cryptoSign(null, data, key);
  throw new Error(`cannot sign ${alg}`);
}

// ---------------------------------------------------------------------------
// Token builder
// ---------------------------------------------------------------------------

export const b64u = (buf) => Buffer.from(buf).toString('base64url');
export const enc = (v) => b64u(typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.isBuffer(v) ? v : Buffer.from(JSON.stringify(v), 'utf8'));

/** The claims of a valid grant for case `id` (unique jti per case). */
export function basePayload(id) {
  return {
    iss: ISS,
    sub: SUB,
    aud: AUD,
    client_id: CLIENT,
    jti: `jti-${id}`,
    iat: NOW - 10,
    exp: NOW + 120,
    resource: RES,
    scope: SCOPE,
  };
}

/**
 * Build a compact JWS for case `id`.
 *  alg       header alg (default RS256) and signing algorithm
 *  header    header members merged over {alg, typ, kid}; a value `undefined` removes the member
 *  payload   claims merged over basePayload(id); `undefined` removes the claim
 *  headerRaw / payloadRaw   exact JSON text (string) or bytes (Buffer) instead of the objects
 *  signKey   kid of the private key to sign with (default KEY_FOR[alg])
 *  signAlg   algorithm actually used to sign (default: alg)
 *  signature Buffer|string(b64url) to use instead of signing
 *  der       ECDSA signature DER-encoded instead of R||S
 *  mutate    (parts: {h, p, s}) => void, applied to the encoded parts before joining
 */
export function jws(id, opts = {}) {
  const alg = opts.alg ?? 'RS256';
  const header = { alg, typ: 'oauth-id-jag+jwt', kid: KEY_FOR[alg], ...opts.header };
  const payload = { ...basePayload(id), ...opts.payload };
  const h = opts.headerRaw !== undefined ? enc(opts.headerRaw) : enc(header);
  const p = opts.payloadRaw !== undefined ? enc(opts.payloadRaw) : enc(payload);
  let s;
  if (opts.signature !== undefined) {
    s = Buffer.isBuffer(opts.signature) ? b64u(opts.signature) : opts.signature;
  } else {
    const signAlg = opts.signAlg ?? alg;
    const signKey = opts.signKey ?? KEY_FOR[signAlg];
    s = b64u(rawSign(signAlg, signKey, `${h}.${p}`, { der: opts.der }));
  }
  const parts = { h, p, s };
  if (opts.mutate) opts.mutate(parts);
  return [parts.h, parts.p, parts.s].join('.');
}

/** Flip one bit in the middle byte of a b64url signature (stays strict base64url). */
export function flipSig(parts) {
  const sig = Buffer.from(parts.s, 'base64url');
  sig[sig.length >> 1] ^= 0x01;
  parts.s = b64u(sig);
}

// ---------------------------------------------------------------------------
// Configs
// ---------------------------------------------------------------------------

export const idpJwks = () => ({
  keys: [
    pub('rsa-1', { use: 'sig' }),
    pub('rsa-pss', { use: 'sig' }),
    pub('ec-256', { use: 'sig', alg: 'ES256' }),
    pub('ec-384', { use: 'sig', alg: 'ES384' }),
    pub('ed-1', { use: 'sig', alg: 'EdDSA' }),
  ],
});
export const defaultConfig = () => ({
  audience: AUD,
  issuers: [{ issuer: ISS, jwks: idpJwks() }],
  resources: [RES],
});
export const withIssuer = (extra, base = defaultConfig()) => ({
  ...base, issuers: [{ ...base.issuers[0], ...extra }],
});

export const configs = {
  default: defaultConfig(),
  // every algorithm the verifier can represent (R10)
  'all-algorithms': { ...defaultConfig(), algorithms: ALL_ALGS },
  // R40: issuer with a pinned tenant
  'tenant-pinned': withIssuer({ tenant: TENANT }),
  // R10: issuer-level narrowing of the allow-list
  'issuer-es256-only': withIssuer({ algorithms: ['ES256'] }),
  // R33: resource not required, no registered resources
  'resource-optional': {
    audience: AUD, issuers: [{ issuer: ISS, jwks: idpJwks() }], requireResource: false,
  },
  // R32/R38: two registered MCP servers
  'two-resources': { ...defaultConfig(), resources: [RES, RES2] },
  // R29: reusable mode (O4)
  reusable: { ...defaultConfig(), replay: 'reusable' },
  // R36: authorization_details enabled
  'authorization-details': { ...defaultConfig(), allowAuthorizationDetails: true },
  // small-max-token: maxTokenBytes filled in below (exact length of a reference token)
  // R23-R27: custom clock tolerance and lifetime cap
  'tight-clock': { ...defaultConfig(), clockToleranceSec: 5, maxLifetimeSec: 60 },
  // R13: a JWKS whose keys have no kid (key chosen by alg)
  'jwks-without-kid': withIssuer({
    jwks: { keys: [pub('rsa-1', { kid: undefined, use: 'sig' }), pub('ec-256', { kid: undefined, use: 'sig' })] },
  }),
  // R14: rsa-1 published for encryption only (use: enc)
  'jwk-use-enc': withIssuer({
    jwks: { keys: [pub('rsa-1', { use: 'enc' }), pub('ec-256', { use: 'sig' })] },
  }),
  // R14: rsa-1 with key_ops [encrypt]; ec-256 with key_ops [verify]
  'jwk-key-ops': withIssuer({
    jwks: { keys: [pub('rsa-1', { key_ops: ['encrypt'] }), pub('ec-256', { key_ops: ['verify'] })] },
  }),
  // R14: rsa-1 bound to RS384 by its JWK `alg`
  'jwk-alg-rs384': withIssuer({
    jwks: { keys: [pub('rsa-1', { use: 'sig', alg: 'RS384' }), pub('ec-256', { use: 'sig' })] },
  }, { ...defaultConfig(), algorithms: ALL_ALGS }),
  // R13/R14 (issue 10): a real-world set with keys idjag must set aside — a legacy RSA-1024
  // key, an RSA key without e, a P-256 key with a 31-octet coordinate (as some libraries
  // export), an encryption key, a duplicated kid — next to the good rsa-1 and ec-256.
  'jwks-with-unusable-keys': withIssuer({
    jwks: {
      keys: [
        RSA1024,
        { kty: 'RSA', kid: 'legacy-no-e', n: pub('rsa-2').n },
        { kty: 'EC', kid: 'short-x', crv: 'P-256', x: shortCoordinate(pub('ec-256').x), y: pub('ec-256').y },
        pub('rsa-2', { kid: 'enc-1', use: 'enc' }),
        pub('ed-1', { kid: 'dup' }),
        pub('ed-1', { kid: 'dup' }),
        pub('rsa-1', { use: 'sig' }),
        pub('ec-256'),
        // e = 2^40 + 15: odd, above the rsa crate's bound, accepted by other verifiers
        pub('rsa-2', { kid: 'big-e', e: b64u(Buffer.from([0x01, 0x00, 0x00, 0x00, 0x00, 0x0f])) }),
      ],
    },
  }),
  // Issue 10: a set shaped like real IdPs' (Okta, Entra ID, Auth0, Keycloak, Google: their
  // members, x5c/x5t included, which idjag ignores per R12), plus a legacy RSA-1024 key and a
  // Keycloak-style encryption key (RSA-OAEP, use enc), both set aside.
  'vendor-jwks': withIssuer({
    jwks: {
      keys: [
        // Okta (org authorization server /oauth2/v1/keys)
        { kty: 'RSA', alg: 'RS256', kid: 'rsa-1', use: 'sig', e: pub('rsa-1').e, n: pub('rsa-1').n },
        // Entra ID (x5t, x5c, issuer, cloud_instance_name)
        { kty: 'RSA', use: 'sig', kid: 'rsa-2', x5t: FAKE_X5T, n: pub('rsa-2').n, e: pub('rsa-2').e, x5c: [FAKE_X5C],
          cloud_instance_name: 'microsoftonline.com', issuer: 'https://login.microsoftonline.com/{tenantid}/v2.0' },
        // Auth0 (x5t, x5c, alg)
        { kty: 'RSA', use: 'sig', n: pub('rsa-pss').n, e: pub('rsa-pss').e, kid: 'rsa-pss', x5t: FAKE_X5T, x5c: [FAKE_X5C], alg: 'PS256' },
        // Keycloak signing key (x5t#S256) and its encryption key
        { kid: 'ec-256', kty: 'EC', alg: 'ES256', use: 'sig', crv: 'P-256', x: pub('ec-256').x, y: pub('ec-256').y,
          x5c: [FAKE_X5C], x5t: FAKE_X5T, 'x5t#S256': FAKE_X5T256 },
        { kid: 'keycloak-enc', kty: 'RSA', alg: 'RSA-OAEP', use: 'enc', n: pub('rsa-2').n, e: pub('rsa-2').e, x5c: [FAKE_X5C], x5t: FAKE_X5T },
        // Google (kty, use, alg, kid, n, e)
        { kty: 'OKP', use: 'sig', alg: 'EdDSA', kid: 'ed-1', crv: 'Ed25519', x: pub('ed-1').x },
        // a legacy key nobody removed
        { ...RSA1024, use: 'sig', alg: 'RS256' },
      ],
    },
  }),
  // R10a: allow-list and JWK alg spelled Ed25519 (RFC 9864); EdDSA tokens still verify.
  'ed25519-names': withIssuer({
    jwks: { keys: [pub('ed-1', { use: 'sig', alg: 'Ed25519' })] },
  }, { ...defaultConfig(), algorithms: ['Ed25519'] }),
  // R54/R55: the issuer requires a saml-nameid sub_id from one associated SAML issuer.
  'sub-id-required': withIssuer({ subIdIssuers: [SAML_ISSUER], requireSubId: 'saml-nameid' }),
  // -04 §3.1: aud_tenant and aud_sub required when configured.
  'aud-tenant-sub': { ...defaultConfig(), audTenant: 'as-tenant-1', audSub: 'as-app-9' },
  // R18a: our own issuer trusted across a tenant boundary (its tenant differs from ours).
  'own-issuer-other-tenant': {
    ...defaultConfig(), tenant: 'provider-tenant', issuers: [{ issuer: AUD, tenant: TENANT, jwks: idpJwks() }],
  },
  // R13/R15/R29: a second trusted issuer whose only key is rsa-2
  'two-issuers': {
    ...defaultConfig(),
    issuers: [
      { issuer: ISS, jwks: idpJwks() },
      { issuer: ISS2, jwks: { keys: [pub('rsa-2', { use: 'sig' })] } },
    ],
  },
};

// ---------------------------------------------------------------------------
// Cases
// ---------------------------------------------------------------------------

export const cases = [];
const ids = new Set();

export const ok = (extra = {}) => ({ ok: true, ...extra });
export const okDefault = (extra = {}) => ok({ subject: SUB, scopes: SCOPES, resources: [RES], ...extra });
export function err(code, claim) {
  if (!(code in OAUTH)) throw new Error(`unknown code ${code}`);
  const e = { ok: false, code, oauthError: OAUTH[code] };
  if (claim !== undefined) e.claim = claim;
  return e;
}
export const step = (token, expect, ctx = {}) => ({ token, ctx: { clientId: CLIENT, now: NOW, ...ctx }, expect });

export function add(id, rules, description, config, steps) {
  if (ids.has(id)) throw new Error(`duplicate case id ${id}`);
  if (!configs[config]) throw new Error(`${id}: unknown config ${config}`);
  if (!rules.length) throw new Error(`${id}: no rules`);
  ids.add(id);
  cases.push({ id, rules, description, config, steps });
}
/** One-step case. o: jws() options, plus config / ctx. */
export function one(id, rules, description, expect, o = {}) {
  const { config = 'default', ctx, ...jwsOpts } = o;
  add(id, rules, description, config, [step(jws(id, jwsOpts), expect, ctx)]);
}

// configErrors registry (cases-config.mjs)
export const configErrors = [];
export function cfgErr(id, rules, description, options) {
  if (ids.has(id)) throw new Error(`duplicate id ${id}`);
  ids.add(id);
  configErrors.push({ id, rules, description, options, expect: { code: 'ERR_CONFIG' } });
}
export const withKeys = (keys) => withIssuer({ jwks: { keys } });

/** A P-256 public key with y changed so that the point is not on the curve (asserted here). */
export function offCurve() {
  const k = pub('ec-256', { use: 'sig' });
  const p = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
  const b = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
  const toBig = (s) => BigInt(`0x${Buffer.from(s, 'base64url').toString('hex')}`);
  const mod = (v) => ((v % p) + p) % p;
  const onCurve = (x, y) => mod(y * y) === mod(x * x * x - 3n * x + b);
  const x = toBig(k.x);
  if (!onCurve(x, toBig(k.y))) throw new Error('ec-256 should be on the curve');
  let y = toBig(k.y);
  do { y = mod(y + 1n); } while (onCurve(x, y));
  return { ...k, y: b64u(Buffer.from(y.toString(16).padStart(64, '0'), 'hex')) };
}
