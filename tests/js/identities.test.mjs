// Issue 11 through the npm package: identities across IdPs, the published -04 draft (sub_id,
// aud_tenant/aud_sub, act, trust domains), RFC 9864 Ed25519, rfc7523bis client assertions, and
// the smaller defects (__proto__, the replay store's clock, one client filling the store).
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { SignJWT, decodeJwt, exportJWK, generateKeyPair } from 'jose';
import {
  AccessTokenIssuer, AccessTokenVerifier, IdJagError, IdJagVerifier, createTokenEndpoint, inspect,
} from 'idjag/server';
import { TestIssuer } from 'idjag/testing';

const AS = 'https://as.example';
const MCP = 'https://mcp.example/mcp';
const CLIENT = 'client-1';
const SECRET = 'a-long-enough-secret';
const GT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
const CAT = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const idpA = new TestIssuer({ issuer: 'https://idp-a.example' });
const idpB = new TestIssuer({ issuer: 'https://idp-b.example' });

function form(fields, { auth = [CLIENT, SECRET] } = {}) {
  const headers = { 'content-type': 'application/x-www-form-urlencoded' };
  if (auth) headers.authorization = `Basic ${Buffer.from(`${auth[0]}:${auth[1]}`).toString('base64')}`;
  return new Request(`${AS}/token`, { method: 'POST', headers, body: new URLSearchParams(fields).toString() });
}

const grant = (idp, params = {}) => idp.mint({ audience: AS, clientId: CLIENT, resource: MCP, subject: 'alice', ...params });

function endpoint(extra = {}, grants = {}) {
  const events = [];
  const tokens = new AccessTokenIssuer({ issuer: AS });
  const handler = createTokenEndpoint({
    grants: {
      audience: AS,
      issuers: [{ issuer: idpA.issuer, jwks: idpA.jwks() }, { issuer: idpB.issuer, jwks: idpB.jwks() }],
      resources: [MCP],
      ...grants,
    },
    accessTokenIssuer: tokens,
    clients: [
      { clientId: CLIENT, tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: SECRET },
      { clientId: 'a-only', tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: SECRET, allowedIssuers: [idpA.issuer] },
    ],
    onDecision: (e) => events.push(e),
    audit: { hashSubject: false },
    ...extra,
  });
  return { handler, events, tokens };
}

describe('point 1: subjects cannot collide across IdPs', () => {
  test('the same sub from two trusted IdPs gives two different access-token subjects, each naming its IdP', async () => {
    const { handler, events, tokens } = endpoint();
    const fromA = await (await handler(form({ grant_type: GT, assertion: grant(idpA) }))).json();
    const fromB = await (await handler(form({ grant_type: GT, assertion: grant(idpB) }))).json();
    const a = decodeJwt(fromA.access_token);
    const b = decodeJwt(fromB.access_token);
    assert.equal(a.sub, `${idpA.issuer}#alice`);
    assert.equal(b.sub, `${idpB.issuer}#alice`);
    assert.notEqual(a.sub, b.sub);
    assert.deepEqual(a.sub_id, { format: 'iss_sub', iss: idpA.issuer, sub: 'alice' });
    assert.deepEqual(b.sub_id, { format: 'iss_sub', iss: idpB.issuer, sub: 'alice' });
    // The MCP server tells them apart.
    const v = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: tokens.jwks() });
    const infoA = await v.verifyAccessToken(fromA.access_token);
    const infoB = await v.verifyAccessToken(fromB.access_token);
    assert.equal(infoA.extra.idpIssuer, idpA.issuer);
    assert.equal(infoB.extra.idpIssuer, idpB.issuer);
    assert.notEqual(infoA.extra.subject, infoB.extra.subject);
    // The audit events record the IdP and the subject the MCP servers see.
    const ok = events.filter((e) => e['event.outcome'] === 'success');
    assert.deepEqual(ok.map((e) => e['idjag.grant.issuer']), [idpA.issuer, idpB.issuer]);
    assert.deepEqual(ok.map((e) => e['idjag.access_token.sub']), [a.sub, b.sub]);
  });

  test('one trusted IdP: the sub stays as the IdP sent it (and sub_id still names the IdP)', async () => {
    const tokens = new AccessTokenIssuer({ issuer: AS });
    const handler = createTokenEndpoint({
      grants: { audience: AS, issuers: [{ issuer: idpA.issuer, jwks: idpA.jwks() }], resources: [MCP] },
      accessTokenIssuer: tokens,
      clients: [{ clientId: CLIENT, tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: SECRET }],
    });
    const at = decodeJwt((await (await handler(form({ grant_type: GT, assertion: grant(idpA) }))).json()).access_token);
    assert.equal(at.sub, 'alice');
    assert.equal(at.sub_id.iss, idpA.issuer);
  });

  test('mapSubject maps (iss, sub) to a local account; null refuses without burning the grant', async () => {
    const accounts = new Map([[`${idpA.issuer} alice`, 'acct-7']]);
    const { handler, events } = endpoint({ mapSubject: (g) => accounts.get(`${g.issuer} ${g.subject}`) ?? null });
    const res = await handler(form({ grant_type: GT, assertion: grant(idpA) }));
    assert.equal(decodeJwt((await res.json()).access_token).sub, 'acct-7');
    const unknown = grant(idpB);
    const refused = await handler(form({ grant_type: GT, assertion: unknown }));
    assert.equal(refused.status, 400);
    assert.equal(events.at(-1)['error.type'], 'ERR_POLICY');
    accounts.set(`${idpB.issuer} alice`, 'acct-8');
    const again = await handler(form({ grant_type: GT, assertion: unknown }));
    assert.equal(again.status, 200, 'the refused grant was not burned');
  });

  test('a client limited to some IdPs: a grant from another IdP is refused (ERR_ISSUER) and not burned', async () => {
    const { handler, events } = endpoint();
    const fromB = grant(idpB, { clientId: 'a-only' });
    const res = await handler(form({ grant_type: GT, assertion: fromB }, { auth: ['a-only', SECRET] }));
    assert.equal(res.status, 400);
    assert.equal((await res.json()).error, 'invalid_grant');
    assert.equal(events.at(-1)['error.type'], 'ERR_ISSUER');
    assert.match(events.at(-1)['idjag.reason'], /may not present grants from issuer/);
    const fromA = await handler(form({ grant_type: GT, assertion: grant(idpA, { clientId: 'a-only' }) }, { auth: ['a-only', SECRET] }));
    assert.equal(fromA.status, 200);
  });
});

describe('point 2: -04 subjects and claims, RFC 9864, rfc7523bis', () => {
  const SAML = 'https://saml.idp-a.example/metadata';
  const nameId = { format: 'saml-nameid', issuer: SAML, nameid: 'alice@example.com', nameid_format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress' };
  const verifier = (issuerExtra = {}, extra = {}) => new IdJagVerifier({
    audience: AS, issuers: [{ issuer: idpA.issuer, jwks: idpA.jwks(), ...issuerExtra }], resources: [MCP], ...extra,
  });
  const refusal = (p) => p.then(() => null, (e) => e);

  test('sub_id (saml-nameid): type-checked, trusted only when its issuer is mapped to iss, required when configured', async () => {
    const withSubId = grant(idpA, { claims: { sub_id: nameId } });
    const plain = await verifier().verify(withSubId, { clientId: CLIENT });
    assert.deepEqual(plain.subId, nameId);
    assert.equal(plain.subIdTrusted, false, 'no subIdIssuers mapping: informative only (R55)');
    const mapped = await verifier({ subIdIssuers: [SAML] }).verify(grant(idpA, { claims: { sub_id: nameId } }), { clientId: CLIENT });
    assert.equal(mapped.subIdTrusted, true);
    const required = verifier({ subIdIssuers: [SAML], requireSubId: 'saml-nameid' });
    for (const claims of [{}, { sub_id: { ...nameId, issuer: 'https://other.example' } }, { sub_id: { format: 'saml_nameid', issuer: SAML, nameid: 'x' } }]) {
      const e = await refusal(required.verify(grant(idpA, { claims }), { clientId: CLIENT }));
      assert.equal(e?.code, 'ERR_CLAIM', JSON.stringify(claims));
      assert.equal(e.oauthError, 'invalid_grant');
    }
    const malformed = await refusal(verifier().verify(grant(idpA, { claims: { sub_id: 'alice' } }), { clientId: CLIENT }));
    assert.equal(malformed?.code, 'ERR_CLAIM');
    assert.equal(malformed.claim, 'sub_id');
    assert.ok(inspect(withSubId).findings.some((f) => f.code === 'sub-id'));
  });

  test('aud_tenant and aud_sub are checked where configured', async () => {
    const v = verifier({}, { audTenant: 'tenant-1', audSub: 'app-9' });
    await v.verify(grant(idpA, { claims: { aud_tenant: 'tenant-1', aud_sub: 'app-9' } }), { clientId: CLIENT });
    assert.equal((await refusal(v.verify(grant(idpA, { claims: { aud_tenant: 'tenant-2', aud_sub: 'app-9' } }), { clientId: CLIENT })))?.code, 'ERR_TENANT');
    assert.equal((await refusal(v.verify(grant(idpA, { claims: { aud_tenant: 'tenant-1' } }), { clientId: CLIENT })))?.code, 'ERR_AUDIENCE');
  });

  test('act travels into the access token and inspect shows it', async () => {
    const act = { sub: 'agent-1', act: { sub: 'gateway' } };
    const g = grant(idpA, { claims: { act } });
    assert.ok(inspect(g).findings.some((f) => f.code === 'act' && /agent-1/.test(f.message)));
    const { handler } = endpoint();
    const at = decodeJwt((await (await handler(form({ grant_type: GT, assertion: g }))).json()).access_token);
    assert.deepEqual(at.act, act);
  });

  test('the self-issued rule compares trust domains: our own issuer from another tenant is accepted, from ours refused', async () => {
    const own = new TestIssuer({ issuer: AS });
    assert.throws(() => new IdJagVerifier({ audience: AS, issuers: [{ issuer: AS, jwks: own.jwks() }], resources: [MCP] }),
      (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG');
    const v = new IdJagVerifier({
      audience: AS, tenant: 'provider', issuers: [{ issuer: AS, jwks: own.jwks(), tenant: 'customer-1' }], resources: [MCP],
    });
    assert.equal((await v.verify(grant(own, { tenant: 'customer-1' }), { clientId: CLIENT })).issuer, AS);
    assert.equal((await refusal(v.verify(grant(own, { tenant: 'provider' }), { clientId: CLIENT })))?.code, 'ERR_TENANT');
  });

  test('RFC 9864: a grant signed with alg "Ed25519" (jose) verifies wherever EdDSA is allowed', async () => {
    const { privateKey, publicKey } = await generateKeyPair('Ed25519', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'ed', use: 'sig' };
    const iss = 'https://ed-idp.example';
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ client_id: CLIENT, jti: randomUUID(), resource: MCP })
      .setProtectedHeader({ alg: 'Ed25519', typ: 'oauth-id-jag+jwt', kid: 'ed' })
      .setIssuer(iss).setSubject('u').setAudience(AS).setIssuedAt(now).setExpirationTime(now + 60).sign(privateKey);
    for (const algorithms of [undefined, ['EdDSA'], ['Ed25519']]) {
      const v = new IdJagVerifier({ audience: AS, issuers: [{ issuer: iss, jwks: { keys: [jwk] } }], resources: [MCP], replay: 'reusable', ...(algorithms ? { algorithms } : {}) });
      assert.equal((await v.verify(token, { clientId: CLIENT })).subject, 'u', JSON.stringify(algorithms));
    }
  });

  test('client assertions per rfc7523bis: sole aud is the issuer, numeric times, typ checked', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'ck', alg: 'ES256' };
    const tokenEndpoint = `${AS}/token`;
    const make = (legacy) => createTokenEndpoint({
      grants: { audience: AS, issuers: [{ issuer: idpA.issuer, jwks: idpA.jwks() }], resources: [MCP] },
      accessTokenIssuer: new AccessTokenIssuer({ issuer: AS }),
      clients: [{ clientId: 'jwt-client', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] } }],
      tokenEndpoint,
      ...(legacy ? { legacyClientAssertionAudience: true } : {}),
    });
    const strict = make(false);
    const assertion = ({ aud = AS, typ, claims = {} } = {}) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: 'jwt-client', sub: 'jwt-client', aud, jti: randomUUID(), iat: now, exp: now + 60, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'ck', ...(typ ? { typ } : {}) }).sign(privateKey);
    };
    const send = async (handler, opts) => (await handler(form({
      grant_type: GT, assertion: grant(idpA, { clientId: 'jwt-client' }), client_assertion_type: CAT, client_assertion: await assertion(opts),
    }, { auth: null }))).status;
    assert.equal(await send(strict, {}), 200);
    assert.equal(await send(strict, { typ: 'client-authentication+jwt' }), 200);
    assert.equal(await send(strict, { typ: 'JWT' }), 200);
    assert.equal(await send(strict, { aud: tokenEndpoint }), 401, 'the token endpoint URL is no longer an audience');
    assert.equal(await send(strict, { aud: ['https://other.example', AS] }), 401, 'aud must be the issuer alone');
    assert.equal(await send(strict, { claims: { iat: String(Math.floor(Date.now() / 1000)) } }), 401, 'iat as a string');
    assert.equal(await send(strict, { claims: { exp: String(Math.floor(Date.now() / 1000) + 60) } }), 401, 'exp as a string');
    assert.equal(await send(strict, { typ: 'oauth-id-jag+jwt' }), 401, 'typ of another kind');
    assert.equal(await send(make(true), { aud: tokenEndpoint }), 200, 'the documented compatibility switch');
  });
});

describe('point 4: smaller defects', () => {
  test('a "__proto__" member of a grant stays an own property: no inherited claims in verify() or inspect()', async () => {
    const now = Math.floor(Date.now() / 1000);
    const enc = (text) => Buffer.from(text).toString('base64url');
    // A grant whose payload has a "__proto__" member: JSON.parse makes it an own property, and
    // the test issuer signs exactly those members.
    const payload = `{"iss":"${idpA.issuer}","sub":"eve","aud":"${AS}","client_id":"${CLIENT}","jti":"${randomUUID()}","iat":${now},"exp":${now + 60},"resource":"${MCP}","__proto__":{"isAdmin":true,"groups":["admins"]}}`;
    const ownIdp = new TestIssuer({ issuer: idpA.issuer, alg: 'ES256' });
    const signed = ownIdp.signJwt({ typ: 'oauth-id-jag+jwt' }, JSON.parse(payload));
    const parts = signed.split('.');
    const decoded = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
    assert.ok(Object.hasOwn(decoded, '__proto__'), 'the signed payload carries the member');
    const v = new IdJagVerifier({ audience: AS, issuers: [{ issuer: ownIdp.issuer, jwks: ownIdp.jwks() }], resources: [MCP] });
    const g = await v.verify(signed, { clientId: CLIENT });
    assert.equal(Object.getPrototypeOf(g.claims), Object.prototype);
    assert.equal(g.claims.isAdmin, undefined);
    assert.equal(g.claims.groups, undefined);
    assert.ok(Object.hasOwn(g.claims, '__proto__'));
    const seen = inspect(signed);
    assert.equal(Object.getPrototypeOf(seen.claims), Object.prototype);
    assert.equal(seen.claims.isAdmin, undefined);
    const h = inspect(`${enc('{"alg":"ES256","typ":"oauth-id-jag+jwt","__proto__":{"polluted":1}}')}.${enc(payload)}.AAAA`);
    assert.equal(h.header.polluted, undefined);
    assert.ok(Object.hasOwn(h.header, '__proto__'));
  });

  test('the in-memory replay store: a verify() with a future now does not let a redeemed grant through', async () => {
    const v = new IdJagVerifier({ audience: AS, issuers: [{ issuer: idpA.issuer, jwks: idpA.jwks() }], resources: [MCP], clockToleranceSec: 3600, maxLifetimeSec: 86400 });
    const redeemed = grant(idpA, { lifetimeSec: 7200 });
    await v.verify(redeemed, { clientId: CLIENT });
    const laterSec = Date.now() / 1000 + 3 * 3600;
    const later = () => laterSec;
    await v.verify(grant(idpA, { now: later, lifetimeSec: 7200 }), { clientId: CLIENT, now: later });
    const e = await v.verify(redeemed, { clientId: CLIENT }).then(() => null, (x) => x);
    assert.equal(e?.code, 'ERR_REPLAY');
  });

  test('one private_key_jwt client cannot fill the store and lock others out', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = { ...(await exportJWK(publicKey)), kid: 'ck', alg: 'ES256' };
    const handler = createTokenEndpoint({
      grants: { audience: AS, issuers: [{ issuer: idpA.issuer, jwks: idpA.jwks() }], resources: [MCP] },
      accessTokenIssuer: new AccessTokenIssuer({ issuer: AS }),
      clients: [
        { clientId: 'noisy', tokenEndpointAuthMethod: 'private_key_jwt', jwks: { keys: [jwk] } },
        { clientId: CLIENT, tokenEndpointAuthMethod: 'client_secret_basic', clientSecret: SECRET },
      ],
      maxAssertionsPerClient: 3,
    });
    const noisy = async () => {
      const now = Math.floor(Date.now() / 1000);
      const ca = await new SignJWT({ iss: 'noisy', sub: 'noisy', aud: AS, jti: randomUUID(), iat: now, exp: now + 60 })
        .setProtectedHeader({ alg: 'ES256', kid: 'ck' }).sign(privateKey);
      // An invalid grant: the assertion is consumed, the grant refused (what a flooding client does).
      return (await handler(form({ grant_type: GT, assertion: 'x.y.z', client_assertion_type: CAT, client_assertion: ca }, { auth: null }))).status;
    };
    const statuses = [];
    for (let i = 0; i < 5; i += 1) statuses.push(await noisy());
    assert.deepEqual(statuses.slice(3), [401, 401], `over the cap: ${statuses}`);
    const other = await handler(form({ grant_type: GT, assertion: grant(idpA) }));
    assert.equal(other.status, 200, 'another client is unaffected');
  });
});
