// AccessTokenIssuer (idjag/server) and AccessTokenVerifier (idjag): RFC 9068 tokens, V2–V8, keys
// from a jwksUri on loopback with rotation, and the error mapping the MCP SDK's gate expects.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SignJWT, decodeJwt, decodeProtectedHeader, importJWK } from 'jose';
import { AccessTokenVerifier, IdJagError, JwksCache } from 'idjag';
import { AccessTokenIssuer } from 'idjag/server';
import { OAuthError } from '@modelcontextprotocol/server';
import { serveFetch } from '../../examples/lib/serve-fetch.js';

const AS = 'https://as.example';
const MCP = 'https://mcp.example/mcp';
const grant = { subject: 'alice', clientId: 'c1', resources: [MCP], scopes: ['files.read'], claims: { acr: 'mfa' } };

test('minted tokens: at+jwt, the RFC 9068 claims, integer times, a fresh jti each time', () => {
  const issuer = new AccessTokenIssuer({ issuer: AS });
  const now = () => Date.parse('2026-11-26T10:00:00Z') / 1000; // idjag's clock: epoch seconds
  const a = issuer.mint(grant, { now });
  const b = issuer.mint(grant, { now });
  assert.notEqual(a.jti, b.jti);
  assert.equal(decodeProtectedHeader(a.accessToken).typ, 'at+jwt');
  assert.equal(decodeProtectedHeader(a.accessToken).alg, 'ES256');
  const c = decodeJwt(a.accessToken);
  assert.deepEqual(
    { iss: c.iss, sub: c.sub, aud: c.aud, client_id: c.client_id, scope: c.scope, acr: c.acr, iat: c.iat, exp: c.exp },
    { iss: AS, sub: 'alice', aud: MCP, client_id: 'c1', scope: 'files.read', acr: 'mfa', iat: 1795687200, exp: 1795687500 },
  );
  assert.match(JSON.stringify(c), /"iat":1795687200,/); // not 1795687200.0
  assert.throws(() => issuer.mint({ ...grant, resources: [MCP, 'https://b.example'] }), (e) => e.code === 'ERR_RESOURCE');
  assert.equal('d' in issuer.jwks().keys[0], false);
  assert.equal(typeof issuer.privateJwk().d, 'string');
});

test('EdDSA, and an imported RS256 key; bad options are ERR_CONFIG', async () => {
  const ed = new AccessTokenIssuer({ issuer: AS, alg: 'EdDSA' });
  assert.equal(decodeProtectedHeader(ed.mint(grant).accessToken).alg, 'EdDSA');
  const { generateKeyPair, exportJWK } = await import('jose');
  const { privateKey } = await generateKeyPair('RS256', { extractable: true, modulusLength: 2048 });
  const rs = new AccessTokenIssuer({ issuer: AS, alg: 'RS256', privateJwk: { ...(await exportJWK(privateKey)), kid: 'r1' } });
  const token = rs.mint(grant).accessToken;
  const v = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: rs.jwks() });
  assert.equal((await v.verify(token)).subject, 'alice');
  for (const bad of [{ issuer: AS, lifetimeSec: 5 }, { issuer: AS, alg: 'HS256' }, { issuer: AS, colour: 'red' }]) {
    assert.throws(() => new AccessTokenIssuer(bad), (e) => e instanceof IdJagError && e.code === 'ERR_CONFIG', JSON.stringify(bad));
  }
  assert.throws(() => new AccessTokenVerifier({ issuer: AS, audience: MCP }), (e) => e.code === 'ERR_CONFIG');
  assert.throws(() => new AccessTokenVerifier({ issuer: AS, audience: MCP, jwksUri: 'http://as.example/jwks' }), (e) => e.code === 'ERR_CONFIG');
});

test('V2–V8 refusals, and the SDK error mapping (401 invalid_token / 403 insufficient_scope)', async () => {
  const issuer = new AccessTokenIssuer({ issuer: AS });
  const token = issuer.mint(grant).accessToken;
  const v = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: issuer.jwks(), OAuthError });
  assert.deepEqual((await v.verifyAccessToken(token)).scopes, ['files.read']);
  const key = await importJWK(issuer.privateJwk(), 'ES256');
  const now = Math.floor(Date.now() / 1000);
  const sign = (claims, header = {}) => new SignJWT({ client_id: 'c1', jti: 'j', scope: 'files.read', ...claims })
    .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: issuer.jwks().keys[0].kid, ...header })
    .setIssuer(claims.iss ?? AS).setSubject('alice').setAudience(claims.aud ?? MCP).setIssuedAt(now - 10)
    .setExpirationTime(claims.exp ?? now + 60).sign(key);
  const cases = [
    ['V2 an ID-JAG typ', await sign({}, { typ: 'oauth-id-jag+jwt' }), 'ERR_TYP'],
    ['V4 another issuer', await sign({ iss: 'https://evil.example' }), 'ERR_ISSUER'],
    ['V5 another resource', await sign({ aud: 'https://other.example/mcp' }), 'ERR_AUDIENCE'],
    ['V6 a bad signature', `${token.slice(0, -4)}AAAA`, 'ERR_SIGNATURE'],
    ['V7 expired', await sign({ exp: now - 3600 }), 'ERR_EXPIRED'],
  ];
  for (const [name, t, code] of cases) {
    await assert.rejects(new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: issuer.jwks() }).verify(t), (e) => e.code === code, name);
    await assert.rejects(v.verifyAccessToken(t), (e) => e instanceof OAuthError && e.code === 'invalid_token', name);
  }
  const strict = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwks: issuer.jwks(), OAuthError, requiredScopes: ['files.write'] });
  await assert.rejects(strict.verifyAccessToken(token), (e) => e instanceof OAuthError && e.code === 'insufficient_scope');
});

test('jwksUri: loaded on first use, an unknown kid refetched once (key rotation)', async () => {
  let current = new AccessTokenIssuer({ issuer: AS, kid: 'k1' });
  let requests = 0;
  const server = await serveFetch(() => {
    requests += 1;
    return Response.json(current.jwks(), { headers: { 'cache-control': 'max-age=600' } });
  });
  try {
    let clock = Date.now() / 1000;
    const jwksCache = new JwksCache({ now: () => clock });
    const v = new AccessTokenVerifier({ issuer: AS, audience: MCP, jwksUri: `${server.url}/jwks`, jwksCache });
    assert.equal((await v.verify(current.mint(grant).accessToken)).subject, 'alice');
    assert.equal((await v.verify(current.mint(grant).accessToken)).subject, 'alice');
    assert.equal(requests, 1);
    current = new AccessTokenIssuer({ issuer: AS, kid: 'k2' }); // the authorization server rotated
    clock += 31;
    assert.equal((await v.verify(current.mint(grant).accessToken)).subject, 'alice');
    assert.equal(requests, 2);
  } finally {
    await server.close();
  }
});
