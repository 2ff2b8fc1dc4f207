// Vectors for the compact JWS, the JOSE header, keys and signatures (R6-R16), plus one
// valid grant per algorithm. Each case has exactly one defect relative to a valid grant.
// Registered in order into lib.mjs `cases`; see generate.mjs.
import {
  NOW, ISS2, AUD, RES, ATTACKER_URL, ALL_ALGS, defaultConfig, KEY_FOR, pub, rawSign, b64u, enc,
  basePayload, jws, flipSig, configs, okDefault, err, step, add, one, createHmac, createPublicKey,
} from './lib.mjs';

// --- valid grants, one per algorithm (R10, R14, R15) -------------------------

for (const alg of ALL_ALGS) {
  const inDefault = ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA'].includes(alg);
  one(`valid-${alg.toLowerCase()}`, ['R10', 'R14', 'R15'],
    `valid grant signed ${alg} with ${KEY_FOR[alg]}`, okDefault(),
    { alg, config: inDefault ? 'default' : 'all-algorithms' });
}
one('valid-one-element-aud', ['R20'], 'aud is a one-element array holding our issuer', okDefault(),
  { payload: { aud: [AUD] } });
one('valid-resource-array', ['R32'], 'resource is a one-element array of a registered resource', okDefault(),
  { payload: { resource: [RES] } });
one('valid-pretty-printed-json', ['R7'], 'header and payload JSON contain insignificant whitespace (legal JSON)',
  okDefault(), {
    headerRaw: JSON.stringify({ alg: 'RS256', typ: 'oauth-id-jag+jwt', kid: 'rsa-1' }, null, 2),
    payloadRaw: `\n ${JSON.stringify(basePayload('valid-pretty-printed-json'), null, 4)} \n`,
  });

// --- R6: compact serialization, strict base64url ------------------------------

{
  const id = 'r6-four-parts';
  add(id, ['R6'], 'four dot-separated parts', 'default',
    [step(`${jws(id)}.AAAA`, err('ERR_MALFORMED'))]);
}
{
  const id = 'r6-two-parts';
  const t = jws(id);
  add(id, ['R6'], 'two parts (header.payload, no signature part)', 'default',
    [step(t.slice(0, t.lastIndexOf('.')), err('ERR_MALFORMED'))]);
}
add('r6-one-part', ['R6'], 'a single base64url part', 'default',
  [step(enc({ alg: 'RS256', typ: 'oauth-id-jag+jwt' }), err('ERR_MALFORMED'))]);
add('r6-empty-token', ['R6'], 'empty string', 'default', [step('', err('ERR_MALFORMED'))]);
{
  const id = 'r6-six-parts';
  add(id, ['R6'], 'six dot-separated parts', 'default',
    [step(`${jws(id)}.AAAA.AAAA.AAAA`, err('ERR_MALFORMED'))]);
}
{
  // R6/R16: five parts = JWE; decryption is not supported → fail closed.
  const h = enc({ alg: 'RSA-OAEP-256', enc: 'A256GCM', typ: 'oauth-id-jag+jwt', cty: 'JWT' });
  const t = [h, b64u(Buffer.alloc(256, 7)), b64u(Buffer.alloc(12, 1)), b64u(Buffer.alloc(64, 2)), b64u(Buffer.alloc(16, 3))].join('.');
  add('r6-jwe-five-parts', ['R6', 'R16'], 'five parts (JWE compact serialization) is not supported', 'default',
    [step(t, err('ERR_UNSUPPORTED'))]);
}
/** Append base64 "=" padding (two characters when the length is already a multiple of 4). */
const padded = (part) => part + '='.repeat(part.length % 4 ? 4 - (part.length % 4) : 2);
one('r6-padding-on-signature', ['R6'], 'signature part carries base64 "=" padding', err('ERR_MALFORMED'),
  { mutate: (p) => { p.s = padded(p.s); } });
one('r6-padding-on-payload', ['R6'], 'payload part carries base64 "=" padding (signature over the padded part)', err('ERR_MALFORMED'),
  {
    // "=" appended, signature recomputed over the padded part: padding is the only defect
    mutate: (p) => {
      p.p = padded(p.p);
      p.s = b64u(rawSign('RS256', 'rsa-1', `${p.h}.${p.p}`));
    },
  });
one('r6-whitespace-in-payload', ['R6'], 'a space inside the payload part (signature over the part as sent)', err('ERR_MALFORMED'),
  {
    mutate: (p) => {
      p.p = `${p.p.slice(0, 20)} ${p.p.slice(20)}`;
      p.s = b64u(rawSign('RS256', 'rsa-1', `${p.h}.${p.p}`));
    },
  });
one('r6-newline-in-signature', ['R6'], 'a line break inside the signature part', err('ERR_MALFORMED'),
  { mutate: (p) => { p.s = `${p.s.slice(0, 64)}\n${p.s.slice(64)}`; } });
one('r6-trailing-newline', ['R6'], 'the token ends with a line feed', err('ERR_MALFORMED'),
  { mutate: (p) => { p.s += '\n'; } });
one('r6-leading-space', ['R6'], 'the token starts with a space', err('ERR_MALFORMED'),
  { mutate: (p) => { p.h = ` ${p.h}`; } });
{
  // R6: signature in the standard base64 alphabet ('+' and '/'). RS256 signatures are
  // deterministic, so vary an unknown claim until the base64url form contains '-' or '_'.
  const id = 'r6-standard-base64-alphabet';
  let t;
  for (let i = 0; ; i++) {
    t = jws(id, { payload: { nonce_for_test: i } });
    const s = t.split('.')[2];
    if (/[-_]/.test(s)) break;
  }
  const [h, p, s] = t.split('.');
  add(id, ['R6'], 'signature encoded with the base64 alphabet ("+", "/") instead of base64url', 'default',
    [step(`${h}.${p}.${s.replace(/-/g, '+').replace(/_/g, '/')}`, err('ERR_MALFORMED'))]);
}
one('r6-invalid-character', ['R6'], 'a "*" inside the payload part (signature over the part as sent)', err('ERR_MALFORMED'),
  {
    mutate: (p) => {
      p.p = `${p.p.slice(0, 10)}*${p.p.slice(11)}`;
      p.s = b64u(rawSign('RS256', 'rsa-1', `${p.h}.${p.p}`));
    },
  });
one('r6-empty-signature', ['R6'], 'empty signature part (alg RS256)', err('ERR_MALFORMED'),
  { mutate: (p) => { p.s = ''; } });
one('r6-empty-header', ['R6', 'R7'], 'empty header part', err('ERR_MALFORMED'),
  { mutate: (p) => { p.h = ''; p.s = b64u(rawSign('RS256', 'rsa-1', `.${p.p}`)); } });

// --- R7: JSON objects, UTF-8, depth ------------------------------------------

one('r7-header-json-array', ['R7'], 'header is a JSON array', err('ERR_MALFORMED'),
  { headerRaw: '["RS256","oauth-id-jag+jwt"]' });
one('r7-header-not-json', ['R7'], 'header is not JSON', err('ERR_MALFORMED'),
  { headerRaw: 'alg=RS256' });
one('r7-payload-json-string', ['R7'], 'payload is a JSON string', err('ERR_MALFORMED'),
  { payloadRaw: JSON.stringify(JSON.stringify(basePayload('r7-payload-json-string'))) });
one('r7-payload-json-null', ['R7'], 'payload is JSON null', err('ERR_MALFORMED'),
  { payloadRaw: 'null' });
one('r7-payload-trailing-garbage', ['R7'], 'payload is a JSON object followed by garbage', err('ERR_MALFORMED'),
  { payloadRaw: `${JSON.stringify(basePayload('r7-payload-trailing-garbage'))}x` });
one('r7-payload-two-objects', ['R7'], 'payload is two concatenated JSON objects', err('ERR_MALFORMED'),
  { payloadRaw: `${JSON.stringify(basePayload('r7-payload-two-objects'))}{}` });
{
  // Invalid UTF-8 inside an otherwise valid payload (in an unknown claim).
  const mk = (id, bad) => {
    const text = JSON.stringify({ ...basePayload(id), name: 'X@X' });
    const [a, b] = text.split('@');
    return Buffer.concat([Buffer.from(a, 'utf8'), Buffer.from(bad), Buffer.from(b, 'utf8')]);
  };
  one('r7-payload-invalid-utf8', ['R7'], 'payload contains the byte sequence C3 28 (invalid UTF-8)', err('ERR_MALFORMED'),
    { payloadRaw: mk('r7-payload-invalid-utf8', [0xc3, 0x28]) });
  one('r7-payload-overlong-utf8', ['R7'], 'payload contains an overlong UTF-8 encoding of "/" (C0 AF)', err('ERR_MALFORMED'),
    { payloadRaw: mk('r7-payload-overlong-utf8', [0xc0, 0xaf]) });
  one('r7-payload-lone-byte-ff', ['R7'], 'payload contains the byte FF', err('ERR_MALFORMED'),
    { payloadRaw: mk('r7-payload-lone-byte-ff', [0xff]) });
}
{
  // Nesting depth: the payload object counts as level 1.
  const nested = (id, depth) => {
    const inner = '['.repeat(depth - 1) + ']'.repeat(depth - 1);
    const text = JSON.stringify(basePayload(id));
    return `${text.slice(0, -1)},"deep":${inner}}`;
  };
  one('r7-nesting-depth-40', ['R7'], 'payload nesting depth 40 (limit 32)', err('ERR_MALFORMED'),
    { payloadRaw: nested('r7-nesting-depth-40', 40) });
  one('r7-nesting-depth-16-ok', ['R7', 'R30'], 'payload nesting depth 16 (under the limit) in an unknown claim', okDefault(),
    { payloadRaw: nested('r7-nesting-depth-16-ok', 16) });
}
one('r7-oversized-token', ['R6', 'R7'], 'token longer than the default maxTokenBytes (16384)', err('ERR_MALFORMED'),
  { payload: { padding: 'x'.repeat(17000) } });
{
  // maxTokenBytes boundary: config small-max-token allows exactly the length of the first token.
  const tOk = jws('max-token-bytes-exact', { alg: 'ES256', payload: { pad: 'aaaa' } });
  const tOver = jws('max-token-bytes-plus1', { alg: 'ES256', payload: { pad: 'aaaaa' } });
  if (!(tOver.length > tOk.length)) throw new Error('size setup');
  configs['small-max-token'] = { ...defaultConfig(), maxTokenBytes: tOk.length };
  add('max-token-bytes-exact', ['R6'], `token of exactly maxTokenBytes (${tOk.length}) is accepted`, 'small-max-token',
    [step(tOk, okDefault())]);
  add('max-token-bytes-plus1', ['R6'], `token of ${tOver.length} bytes, over maxTokenBytes (${tOk.length})`, 'small-max-token',
    [step(tOver, err('ERR_MALFORMED'))]);
}

// --- R8: duplicate member names -----------------------------------------------

one('r8-duplicate-header-alg', ['R8', 'R10'], 'header has "alg" twice ("none" then "RS256"; a last-wins parser would accept)',
  err('ERR_MALFORMED'),
  { headerRaw: '{"alg":"none","typ":"oauth-id-jag+jwt","kid":"rsa-1","alg":"RS256"}' });
{
  const id = 'r8-duplicate-payload-aud';
  const text = JSON.stringify(basePayload(id));
  one(id, ['R8', 'R20'], 'payload has "aud" twice (another AS, then ours; a last-wins parser would accept)',
    err('ERR_MALFORMED'), { payloadRaw: `{"aud":"https://other-as.example.com",${text.slice(1)}` });
}
{
  const id = 'r8-duplicate-payload-escaped-name';
  const text = JSON.stringify(basePayload(id));
  one(id, ['R8', 'R19'], 'payload has "sub" and "s\\u0075b" (the same name once unescaped)',
    err('ERR_MALFORMED'), { payloadRaw: `{"s\\u0075b":"admin",${text.slice(1)}` });
}

// --- R9: typ ---------------------------------------------------------------------

for (const [suffix, typ] of [
  ['application-prefix', 'application/oauth-id-jag+jwt'],
  ['upper-case', 'OAUTH-ID-JAG+JWT'],
  ['mixed-case-prefix', 'Application/OAuth-ID-JAG+JWT'],
]) {
  one(`r9-typ-${suffix}-ok`, ['R9'], `typ "${typ}" is the same media type`, okDefault(), { header: { typ } });
}
for (const [suffix, typ, why] of [
  ['jwt', 'JWT', 'a plain JWT (e.g. an ID Token)'],
  ['at-jwt', 'at+jwt', 'an RFC 9068 access token'],
  ['application-at-jwt', 'application/at+jwt', 'an RFC 9068 access token'],
  ['dpop-jwt', 'dpop+jwt', 'a DPoP proof'],
  ['oauth-id-jag', 'oauth-id-jag', 'missing the +jwt suffix'],
  ['missing', undefined, 'typ absent'],
  ['number', 1, 'typ is a number'],
]) {
  one(`r9-typ-${suffix}`, ['R9'], `typ ${JSON.stringify(typ) ?? 'absent'}: ${why}`, err('ERR_TYP'), { header: { typ } });
}

// --- R10: alg ---------------------------------------------------------------------

one('r10-alg-none-empty-signature', ['R10', 'R6'], 'alg "none" with an empty signature (an unsecured JWS is an alg attack: ERR_ALG)',
  err('ERR_ALG'), { header: { alg: 'none', kid: undefined }, mutate: (p) => { p.s = ''; } });
one('r10-alg-none-with-signature', ['R10'], 'alg "none" with a non-empty (RS256) signature',
  err('ERR_ALG'), { header: { alg: 'none' }, signAlg: 'RS256' });
one('r10-alg-none-capitalised', ['R10'], 'alg "None"', err('ERR_ALG'), { header: { alg: 'None' }, signAlg: 'RS256' });
{
  const id = 'r10-hs256-with-rsa-public-key';
  const h = enc({ alg: 'HS256', typ: 'oauth-id-jag+jwt', kid: 'rsa-1' });
  const p = enc(basePayload(id));
  const pem = createPublicKey({ key: pub('rsa-1'), format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const s = b64u(createHmac('sha256', pem).update(`${h}.${p}`).digest());
  add(id, ['R10', 'R14'], 'HS256, HMAC keyed with the PEM of the issuer\'s RSA public key (key confusion)', 'default',
    [step(`${h}.${p}.${s}`, err('ERR_ALG'))]);
}
one('r10-alg-missing', ['R10'], 'alg absent', err('ERR_ALG'), { header: { alg: undefined }, signAlg: 'RS256' });
one('r10-alg-number', ['R10'], 'alg is a number', err('ERR_ALG'), { header: { alg: 256 }, signAlg: 'RS256' });
one('r10-rs384-not-in-default-allow-list', ['R10'], 'RS384 is not in the default allow-list', err('ERR_ALG'),
  { alg: 'RS384' });
one('r10-es512-never-allowed', ['R10'], 'ES512 is not representable (P-521 unsupported), even with every algorithm enabled',
  err('ERR_ALG'), { config: 'all-algorithms', header: { alg: 'ES512', kid: 'ec-256' }, signAlg: 'ES256' });
one('r10-issuer-narrowing-refuses-rs256', ['R10'], 'issuer allows only ES256; token is RS256', err('ERR_ALG'),
  { config: 'issuer-es256-only' });
one('r10-issuer-narrowing-refuses-eddsa', ['R10'], 'issuer allows only ES256; token is EdDSA', err('ERR_ALG'),
  { config: 'issuer-es256-only', alg: 'EdDSA' });
one('r10-issuer-narrowing-allows-es256', ['R10'], 'issuer allows only ES256; token is ES256', okDefault(),
  { config: 'issuer-es256-only', alg: 'ES256' });

// --- R11: crit, b64 and other headers the verifier will not honour ----------------

one('r11-crit', ['R11'], 'crit ["exp"] naming a header member', err('ERR_HEADER'),
  { header: { crit: ['exp'], exp: NOW + 120 } });
one('r11-crit-empty', ['R11'], 'crit [] (must be non-empty if present)', err('ERR_HEADER'), { header: { crit: [] } });
one('r11-b64-false', ['R11'], 'b64 false (RFC 7797 unencoded payload) with crit ["b64"]', err('ERR_HEADER'),
  { header: { b64: false, crit: ['b64'] } });
one('r11-b64-false-without-crit', ['R11'], 'b64 false without crit', err('ERR_HEADER'), { header: { b64: false } });
one('r11-b64-true', ['R11'], 'b64 true (any b64 member is refused)', err('ERR_HEADER'), { header: { b64: true } });
one('r11-zip', ['R11'], 'zip "DEF" in a JWS header', err('ERR_HEADER'), { header: { zip: 'DEF' } });
one('r11-enc', ['R11', 'R16'], 'enc "A256GCM" in a three-part token', err('ERR_HEADER'), { header: { enc: 'A256GCM' } });

// --- R12: jku / jwk / x5u / x5c are never used to find a key ----------------------

const atkRsaPub = pub('atk-rsa');
const atkEcPub = pub('atk-ec-256');
one('r12-jku-attacker-signed', ['R12', 'R15'], 'jku points to the attacker\'s JWKS, kid "rsa-1", signed by the attacker',
  err('ERR_SIGNATURE'), { header: { jku: ATTACKER_URL }, signKey: 'atk-rsa' });
one('r12-jku-attacker-kid', ['R12', 'R13'], 'jku points to the attacker\'s JWKS, kid is the attacker\'s key',
  err('ERR_KEY'), { header: { jku: ATTACKER_URL, kid: 'atk-rsa' }, signKey: 'atk-rsa' });
one('r12-jwk-attacker-signed', ['R12', 'R15'], 'embedded jwk is the attacker\'s key, no kid, signed by the attacker',
  err('ERR_SIGNATURE'), { header: { jwk: atkRsaPub, kid: undefined }, signKey: 'atk-rsa' });
one('r12-jwk-attacker-signed-es256', ['R12', 'R15'], 'embedded jwk is the attacker\'s P-256 key, kid "ec-256", signed by the attacker',
  err('ERR_SIGNATURE'), { alg: 'ES256', header: { jwk: atkEcPub }, signKey: 'atk-ec-256' });
one('r12-x5u-attacker-signed', ['R12', 'R15'], 'x5u points to the attacker, kid "rsa-1", signed by the attacker',
  err('ERR_SIGNATURE'), { header: { x5u: 'https://attacker.example/cert.pem' }, signKey: 'atk-rsa' });
one('r12-jku-issuer-signed-ok', ['R12'], 'issuer-signed grant with a stray jku header is accepted (jku ignored)',
  okDefault(), { header: { jku: ATTACKER_URL } });
one('r12-jwk-issuer-signed-ok', ['R12'], 'issuer-signed grant with a stray embedded (attacker) jwk is accepted (jwk ignored)',
  okDefault(), { header: { jwk: atkRsaPub } });
one('r12-x5u-x5c-issuer-signed-ok', ['R12'], 'issuer-signed grant with stray x5u and x5c headers is accepted (ignored)',
  okDefault(), { header: { x5u: 'https://attacker.example/cert.pem', x5c: [Buffer.from('not a certificate').toString('base64')] } });
one('r12-unknown-header-ok', ['R12'], 'unknown non-critical header members are ignored', okDefault(),
  { header: { 'x-trace': 'abc', cty: 'application/json', ver: 2 } });

// --- R13 / R14: key selection and key/alg binding --------------------------------

one('r13-kid-unknown', ['R13'], 'kid "rsa-9" is not in the issuer\'s JWKS', err('ERR_KEY'), { header: { kid: 'rsa-9' } });
one('r13-kid-case-differs', ['R13'], 'kid "RSA-1" (kids compare case-sensitively)', err('ERR_KEY'), { header: { kid: 'RSA-1' } });
one('r13-kid-absent-rs256-ok', ['R13'], 'no kid: RS256 key chosen among the issuer\'s RSA keys', okDefault(),
  { header: { kid: undefined } });
one('r13-kid-absent-ps256-ok', ['R13'], 'no kid: PS256 key chosen among the issuer\'s RSA keys', okDefault(),
  { alg: 'PS256', header: { kid: undefined } });
one('r13-kid-absent-es384-ok', ['R13'], 'no kid: ES384 key chosen by curve', okDefault(),
  { alg: 'ES384', header: { kid: undefined } });
one('r13-kid-absent-eddsa-ok', ['R13'], 'no kid: EdDSA key chosen', okDefault(),
  { alg: 'EdDSA', header: { kid: undefined } });
one('r13-jwks-without-kid-rs256-ok', ['R13'], 'JWKS without kids, token without kid, RS256', okDefault(),
  { config: 'jwks-without-kid', header: { kid: undefined } });
one('r13-jwks-without-kid-es256-ok', ['R13'], 'JWKS without kids, token without kid, ES256', okDefault(),
  { config: 'jwks-without-kid', alg: 'ES256', header: { kid: undefined } });
one('r13-jwks-without-kid-token-kid', ['R13'], 'JWKS without kids, token names kid "rsa-1"', err('ERR_KEY'),
  { config: 'jwks-without-kid' });
one('r13-jwks-without-kid-no-compatible-key', ['R13', 'R14'], 'JWKS without kids has no P-384 key; token ES384 without kid',
  err('ERR_KEY'), { config: 'jwks-without-kid', alg: 'ES384', header: { kid: undefined } });
one('r13-kid-of-other-issuer', ['R13', 'R15'], 'kid "rsa-2" belongs to the other trusted issuer, iss is idp.example.com',
  err('ERR_KEY'), { config: 'two-issuers', header: { kid: 'rsa-2' }, signKey: 'rsa-2' });
one('r15-no-kid-signed-by-other-issuer', ['R13', 'R15'], 'no kid, signed with the other trusted issuer\'s key: no fallback to its keys',
  err('ERR_SIGNATURE'), { config: 'two-issuers', header: { kid: undefined }, signKey: 'rsa-2' });
one('r13-second-issuer-ok', ['R13', 'R17'], 'grant of the second trusted issuer signed with its key', okDefault(),
  { config: 'two-issuers', header: { kid: 'rsa-2' }, signKey: 'rsa-2', payload: { iss: ISS2 } });

one('r14-es256-with-rsa-kid', ['R14'], 'ES256 with kid "rsa-1" (an RSA key)', err('ERR_ALG'),
  { alg: 'ES256', header: { kid: 'rsa-1' } });
one('r14-rs256-with-ec-kid', ['R14'], 'RS256 with kid "ec-256" (an EC key)', err('ERR_ALG'),
  { header: { kid: 'ec-256' } });
one('r14-es384-with-p256-kid', ['R14'], 'ES384 with kid "ec-256" (P-256 curve)', err('ERR_ALG'),
  { alg: 'ES384', header: { kid: 'ec-256' } });
one('r14-eddsa-with-ec-kid', ['R14'], 'EdDSA with kid "ec-256"', err('ERR_ALG'),
  { alg: 'EdDSA', header: { kid: 'ec-256' } });
one('r14-jwk-use-enc', ['R14'], 'kid "rsa-1" is published with use "enc" (set aside: no usable key)', err('ERR_KEY'),
  { config: 'jwk-use-enc' });
one('r14-jwk-use-enc-no-kid', ['R13', 'R14'], 'no kid and the only RSA key has use "enc"', err('ERR_KEY'),
  { config: 'jwk-use-enc', header: { kid: undefined } });
one('r14-jwk-use-sig-ok', ['R14'], 'ES256 key with use "sig" next to an enc key', okDefault(),
  { config: 'jwk-use-enc', alg: 'ES256' });
one('r14-jwk-key-ops-encrypt', ['R14'], 'kid "rsa-1" has key_ops ["encrypt"] (set aside: no usable key)', err('ERR_KEY'),
  { config: 'jwk-key-ops' });
one('r14-jwk-key-ops-verify-ok', ['R14'], 'ES256 key with key_ops ["verify"]', okDefault(),
  { config: 'jwk-key-ops', alg: 'ES256' });
one('r14-jwk-alg-mismatch', ['R14'], 'JWK alg RS384, token RS256 with the same key', err('ERR_ALG'),
  { config: 'jwk-alg-rs384' });
one('r14-jwk-alg-match-ok', ['R14'], 'JWK alg RS384, token RS384', okDefault(),
  { config: 'jwk-alg-rs384', alg: 'RS384' });
// Issue 10: unusable keys are set aside; the good keys of the same set still verify.
for (const alg of ['RS256', 'PS256', 'ES256', 'EdDSA']) {
  one(`vendor-jwks-${alg.toLowerCase()}-ok`, ['R12', 'R13', 'R14'],
    `${alg} by ${KEY_FOR[alg]} in an Okta/Entra/Auth0/Keycloak/Google-shaped set with a legacy RSA-1024 and an enc key`,
    okDefault(), { config: 'vendor-jwks', alg });
}
one('vendor-jwks-rs256-by-entra-key-ok', ['R13', 'R14'], 'RS256 by the Entra-shaped rsa-2 key (x5c, x5t, issuer members)', okDefault(),
  { config: 'vendor-jwks', signKey: 'rsa-2', header: { kid: 'rsa-2' } });
one('vendor-jwks-enc-key-named', ['R14'], 'kid names the Keycloak encryption key (use enc): set aside', err('ERR_KEY'),
  { config: 'vendor-jwks', signKey: 'rsa-2', header: { kid: 'keycloak-enc' } });
one('r14-set-aside-keys-rs256-ok', ['R13', 'R14'], 'RS256 by rsa-1 in a set that also holds unusable keys', okDefault(),
  { config: 'jwks-with-unusable-keys' });
one('r14-set-aside-keys-es256-ok', ['R13', 'R14'], 'ES256 by ec-256 in a set that also holds unusable keys', okDefault(),
  { config: 'jwks-with-unusable-keys', alg: 'ES256' });
one('r14-set-aside-key-named', ['R13', 'R14'], 'kid names the set-aside RSA-1024 key', err('ERR_KEY'),
  { config: 'jwks-with-unusable-keys', header: { kid: 'rsa-1024' } });
one('r14-set-aside-duplicate-kid', ['R13'], 'kid names a kid two keys share (both set aside)', err('ERR_KEY'),
  { config: 'jwks-with-unusable-keys', alg: 'EdDSA', header: { kid: 'dup' } });

// --- R15: signature ------------------------------------------------------------------

one('r15-signed-by-another-key', ['R15'], 'kid "rsa-1" but signed with rsa-2', err('ERR_SIGNATURE'), { signKey: 'rsa-2' });
for (const alg of ['RS256', 'PS256', 'ES256', 'ES384', 'EdDSA']) {
  one(`r15-flipped-signature-${alg.toLowerCase()}`, ['R15'], `${alg} signature with one bit flipped`, err('ERR_SIGNATURE'),
    { alg, mutate: flipSig });
}
one('r15-ecdsa-der-signature', ['R14', 'R15'], 'ES256 signature DER-encoded instead of R||S', err('ERR_SIGNATURE'),
  { alg: 'ES256', der: true });
one('r15-ecdsa-truncated-signature', ['R14', 'R15'], 'ES256 signature of 63 bytes', err('ERR_SIGNATURE'),
  { alg: 'ES256', mutate: (p) => { p.s = b64u(Buffer.from(p.s, 'base64url').subarray(0, 63)); } });
one('r15-ps256-header-rs256-signature', ['R15'], 'header PS256, signature made with RSASSA-PKCS1-v1_5 SHA-256', err('ERR_SIGNATURE'),
  { alg: 'PS256', signAlg: 'RS256', signKey: 'rsa-pss' });
one('r15-rs256-header-rs384-signature', ['R15'], 'header RS256, signature made with RS384 (hash mismatch)', err('ERR_SIGNATURE'),
  { config: 'all-algorithms', signAlg: 'RS384' });
one('r15-attacker-signed-no-kid', ['R15'], 'no kid, signed by the attacker\'s RSA key', err('ERR_SIGNATURE'),
  { header: { kid: undefined }, signKey: 'atk-rsa' });
one('r15-header-alg-swapped-after-signing', ['R15'], 'signed as RS256, then the header rewritten to RS512', err('ERR_SIGNATURE'),
  {
    config: 'all-algorithms',
    mutate: (p) => { p.h = enc({ alg: 'RS512', typ: 'oauth-id-jag+jwt', kid: 'rsa-1' }); },
  });

