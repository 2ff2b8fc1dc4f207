// Vectors for the claims, policy and replay (R17-R42). Each case has exactly one defect
// relative to a valid grant. Registered in order into lib.mjs `cases`; see generate.mjs.
import {
  NOW, ISS, ISS2, AUD, RES, RES2, CLIENT, SUB, SCOPES, TENANT, SAML_ISSUER, enc, basePayload, jws, ok,
  okDefault, err, step, add, one,
} from './lib.mjs';

// --- R17 / R18: issuer ------------------------------------------------------------------

one('r17-iss-missing', ['R17'], 'iss absent', err('ERR_ISSUER', 'iss'), { payload: { iss: undefined } });
one('r17-iss-number', ['R17'], 'iss is a number', err('ERR_ISSUER', 'iss'), { payload: { iss: 42 } });
one('r17-iss-untrusted', ['R17'], 'iss is not a configured issuer', err('ERR_ISSUER', 'iss'),
  { payload: { iss: 'https://evil.example.com' } });
one('r17-iss-trailing-slash', ['R17'], 'iss has a trailing slash (exact comparison)', err('ERR_ISSUER', 'iss'),
  { payload: { iss: `${ISS}/` } });
one('r17-iss-case-differs', ['R17'], 'iss host in upper case (exact comparison)', err('ERR_ISSUER', 'iss'),
  { payload: { iss: 'https://IDP.example.com' } });
one('r18-iss-is-our-audience', ['R18', 'R17'], 'iss equals this server\'s own issuer (self-issued)', err('ERR_ISSUER', 'iss'),
  { payload: { iss: AUD } });

// --- R19: sub ---------------------------------------------------------------------------

one('r19-sub-missing', ['R19'], 'sub absent', err('ERR_CLAIM', 'sub'), { payload: { sub: undefined } });
one('r19-sub-empty', ['R19'], 'sub is ""', err('ERR_CLAIM', 'sub'), { payload: { sub: '' } });
one('r19-sub-number', ['R19', 'R28'], 'sub is a number', err('ERR_CLAIM', 'sub'), { payload: { sub: 1234 } });
one('r19-sub-null', ['R19', 'R28'], 'sub is null', err('ERR_CLAIM', 'sub'), { payload: { sub: null } });

// --- R20: aud ---------------------------------------------------------------------------

one('r20-aud-missing', ['R20'], 'aud absent (a required claim)', err('ERR_CLAIM', 'aud'), { payload: { aud: undefined } });
one('r20-aud-number', ['R20', 'R28'], 'aud is a number', err('ERR_CLAIM', 'aud'), { payload: { aud: 1 } });
one('r20-aud-array-non-string', ['R20', 'R28'], 'aud is [1]', err('ERR_CLAIM', 'aud'), { payload: { aud: [1] } });
one('r20-aud-empty-array', ['R20'], 'aud is []', err('ERR_AUDIENCE', 'aud'), { payload: { aud: [] } });
one('r20-aud-two-elements', ['R20'], 'aud is a two-element array containing our issuer', err('ERR_AUDIENCE', 'aud'),
  { payload: { aud: [AUD, 'https://other-as.example.com'] } });
one('r20-aud-ours-twice', ['R20'], 'aud is [ours, ours] (exactly one element required)', err('ERR_AUDIENCE', 'aud'),
  { payload: { aud: [AUD, AUD] } });
one('r20-aud-case-differs', ['R20'], 'aud host in upper case', err('ERR_AUDIENCE', 'aud'),
  { payload: { aud: 'https://AS.example.com' } });
one('r20-aud-trailing-slash', ['R20'], 'aud with a trailing slash', err('ERR_AUDIENCE', 'aud'),
  { payload: { aud: `${AUD}/` } });
one('r20-aud-token-endpoint', ['R20'], 'aud is our token endpoint URL, not our issuer', err('ERR_AUDIENCE', 'aud'),
  { payload: { aud: `${AUD}/oauth2/token` } });
one('r20-aud-resource-server', ['R20'], 'aud is the MCP server (resource) URL', err('ERR_AUDIENCE', 'aud'),
  { payload: { aud: RES } });
one('r20-aud-other-as', ['R20'], 'aud is another authorization server (S4)', err('ERR_AUDIENCE', 'aud'),
  { payload: { aud: 'https://other-as.example.com' } });

// --- R21: client_id ---------------------------------------------------------------------

one('r21-client-id-missing', ['R21'], 'client_id absent', err('ERR_CLAIM', 'client_id'), { payload: { client_id: undefined } });
one('r21-client-id-empty', ['R21'], 'client_id is ""', err('ERR_CLAIM', 'client_id'), { payload: { client_id: '' } });
one('r21-client-id-number', ['R21', 'R28'], 'client_id is a number', err('ERR_CLAIM', 'client_id'), { payload: { client_id: 7 } });
one('r21-client-id-mismatch', ['R21'], 'client_id names another client than the authenticated one', err('ERR_CLIENT', 'client_id'),
  { payload: { client_id: 'other-client' } });
one('r21-client-id-case-differs', ['R21'], 'client_id differs from the authenticated client only in case', err('ERR_CLIENT', 'client_id'),
  { payload: { client_id: CLIENT.toUpperCase() } });
one('r21-ctx-client-differs', ['R21'], 'the authenticated client (ctx.clientId) is another client', err('ERR_CLIENT', 'client_id'),
  { ctx: { clientId: 'attacker-client' } });

// --- R22: jti ---------------------------------------------------------------------------

one('r22-jti-missing', ['R22'], 'jti absent', err('ERR_CLAIM', 'jti'), { payload: { jti: undefined } });
one('r22-jti-empty', ['R22'], 'jti is ""', err('ERR_CLAIM', 'jti'), { payload: { jti: '' } });
one('r22-jti-number', ['R22', 'R28'], 'jti is a number', err('ERR_CLAIM', 'jti'), { payload: { jti: 12345 } });

// --- R23: exp ---------------------------------------------------------------------------

one('r23-exp-missing', ['R23'], 'exp absent', err('ERR_CLAIM', 'exp'), { payload: { exp: undefined } });
one('r23-exp-string', ['R23', 'R28'], 'exp is a numeric string', err('ERR_CLAIM', 'exp'), { payload: { exp: String(NOW + 120) } });
one('r23-exp-null', ['R23', 'R28'], 'exp is null', err('ERR_CLAIM', 'exp'), { payload: { exp: null } });
one('r23-expired-at-tolerance', ['R23'], 'now = exp + tolerance (60): expired', err('ERR_EXPIRED', 'exp'),
  { payload: { iat: NOW - 100, exp: NOW - 60 } });
one('r23-expired-one-second-inside-tolerance-ok', ['R23'], 'now = exp + 59: still inside the tolerance', okDefault(),
  { payload: { iat: NOW - 100, exp: NOW - 59 } });
one('r23-expired-long-ago', ['R23'], 'expired an hour ago', err('ERR_EXPIRED', 'exp'),
  { payload: { iat: NOW - 3700, exp: NOW - 3600 } });
one('r23-exp-fractional-ok', ['R23'], 'exp is a non-integer NumericDate', okDefault(),
  { payload: { exp: NOW + 120.5 } });
one('r23-tight-clock-expired', ['R23'], 'tolerance 5: now = exp + 5 is expired (the default 60 would accept)',
  err('ERR_EXPIRED', 'exp'), { config: 'tight-clock', payload: { iat: NOW - 30, exp: NOW - 5 } });
one('r23-tight-clock-ok', ['R23'], 'tolerance 5: now = exp + 4 is accepted', okDefault(),
  { config: 'tight-clock', payload: { iat: NOW - 30, exp: NOW - 4 } });

// --- R24: iat ---------------------------------------------------------------------------

one('r24-iat-missing', ['R24'], 'iat absent', err('ERR_CLAIM', 'iat'), { payload: { iat: undefined } });
one('r24-iat-string', ['R24', 'R28'], 'iat is a string', err('ERR_CLAIM', 'iat'), { payload: { iat: 'yesterday' } });
one('r24-iat-future-beyond-tolerance', ['R24'], 'iat = now + 61 (tolerance 60)', err('ERR_NOT_YET_VALID', 'iat'),
  { payload: { iat: NOW + 61, exp: NOW + 180 } });
one('r24-iat-future-at-tolerance-ok', ['R24'], 'iat = now + 60 (within tolerance)', okDefault(),
  { payload: { iat: NOW + 60, exp: NOW + 180 } });
one('r24-iat-future-within-tolerance-ok', ['R24'], 'iat = now + 30 (clock skew)', okDefault(),
  { payload: { iat: NOW + 30, exp: NOW + 150 } });
one('r24-tight-clock-iat-future', ['R24'], 'tolerance 5: iat = now + 6', err('ERR_NOT_YET_VALID', 'iat'),
  { config: 'tight-clock', payload: { iat: NOW + 6, exp: NOW + 50 } });

// --- R25: nbf ---------------------------------------------------------------------------

one('r25-nbf-future', ['R25'], 'nbf = now + 61 (tolerance 60)', err('ERR_NOT_YET_VALID', 'nbf'),
  { payload: { nbf: NOW + 61 } });
one('r25-nbf-at-tolerance-ok', ['R25'], 'nbf = now + 60 (within tolerance)', okDefault(), { payload: { nbf: NOW + 60 } });
one('r25-nbf-past-ok', ['R25'], 'nbf = iat', okDefault(), { payload: { nbf: NOW - 10 } });
one('r25-nbf-string', ['R25', 'R28'], 'nbf is a string', err('ERR_CLAIM', 'nbf'), { payload: { nbf: 'now' } });

// --- R26 / R27: lifetime ------------------------------------------------------------------

one('r26-lifetime-over-max', ['R26'], 'exp - iat = 301 (max 300)', err('ERR_LIFETIME'),
  { payload: { iat: NOW - 10, exp: NOW + 291 } });
one('r26-lifetime-at-max-ok', ['R26'], 'exp - iat = 300 (max 300)', okDefault(),
  { payload: { iat: NOW - 10, exp: NOW + 290 } });
one('r26-tight-clock-lifetime-over', ['R26'], 'maxLifetimeSec 60: exp - iat = 61', err('ERR_LIFETIME'),
  { config: 'tight-clock', payload: { iat: NOW - 10, exp: NOW + 51 } });
one('r26-tight-clock-lifetime-at-max-ok', ['R26'], 'maxLifetimeSec 60: exp - iat = 60', okDefault(),
  { config: 'tight-clock', payload: { iat: NOW - 10, exp: NOW + 50 } });
one('r26-lifetime-one-day', ['R26'], 'exp - iat = 86400', err('ERR_LIFETIME'),
  { payload: { iat: NOW - 10, exp: NOW - 10 + 86400 } });
one('r27-exp-equals-iat', ['R27'], 'exp = iat', err('ERR_LIFETIME'), { payload: { iat: NOW - 10, exp: NOW - 10 } });
one('r27-exp-before-iat', ['R27'], 'exp < iat (both inside the tolerance window)', err('ERR_LIFETIME'),
  { payload: { iat: NOW + 10, exp: NOW + 5 } });
one('r27-nbf-after-exp', ['R27'], 'nbf > exp (nbf within the tolerance window)', err('ERR_LIFETIME'),
  { payload: { iat: NOW - 10, nbf: NOW + 50, exp: NOW + 40 } });

// --- R28: claim types and forms -------------------------------------------------------------

for (const [claim, value, why] of [
  ['resource', 42, 'resource is a number'],
  ['resource', [RES, 42], 'resource array with a number'],
  ['resource', 'mcp.example.com/mcp', 'resource is not an absolute URI'],
  ['resource', '/mcp', 'resource is a relative reference'],
  ['resource', `${RES}#tools`, 'resource has a fragment'],
  ['resource', [RES, `${RES}#x`], 'resource array with a fragment'],
  ['scope', 42, 'scope is a number'],
  ['scope', SCOPES, 'scope is an array (must be a space-separated string)'],
  ['scope', 'files:read fi"les', 'scope contains a double quote (not a scope-token character)'],
  ['scope', 'files:read\\files', 'scope contains a backslash'],
  ['scope', 'files:read  files:write', 'scope has two spaces between tokens'],
  ['scope', ' files:read', 'scope starts with a space'],
  ['scope', 'files:lecture é', 'scope has a non-ASCII character'],
  ['tenant', 5, 'tenant is a number'],
  ['aud_tenant', 5, 'aud_tenant is a number'],
  ['aud_sub', { id: 1 }, 'aud_sub is an object'],
  ['email', true, 'email is a boolean'],
  ['acr', 2, 'acr is a number'],
  ['amr', 'pwd', 'amr is a string, not an array'],
  ['amr', ['pwd', 2], 'amr has a non-string element'],
  ['auth_time', '2026-01-01', 'auth_time is a string'],
  ['act', 'agent-1', 'act is a string, not an object'],
  ['cnf', 'jkt', 'cnf is a string, not an object'],
  ['authorization_details', { type: 'mcp_tools' }, 'authorization_details is an object, not an array'],
  ['authorization_details', [{ tools: ['x'] }], 'authorization_details element without type'],
  ['authorization_details', [{ type: 5 }], 'authorization_details element type is a number'],
  ['authorization_details', ['mcp_tools'], 'authorization_details element is a string'],
]) {
  const slug = why.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase();
  one(`r28-${slug}`, ['R28'], why, err('ERR_CLAIM', claim), { payload: { [claim]: value } });
}
one('r28-authorization-details-malformed-when-enabled', ['R28', 'R36'], 'authorization_details enabled; element without type',
  err('ERR_CLAIM', 'authorization_details'),
  { config: 'authorization-details', payload: { authorization_details: [{ actions: ['read'] }] } });
one('r28-optional-claims-well-typed-ok', ['R28', 'R30'], 'every optional claim present with its correct type (no cnf / authorization_details)',
  okDefault({ tenant: 'tenant-z' }), {
    payload: {
      nbf: NOW - 10, auth_time: NOW - 300, acr: 'urn:mace:incommon:iap:silver', amr: ['pwd', 'mfa'],
      email: 'user@example.com', tenant: 'tenant-z', aud_tenant: 'as-tenant-1', aud_sub: 'as-user-9',
      act: { sub: 'agent-42' },
    },
  });

// --- R30: unknown claims ------------------------------------------------------------------

one('r30-unknown-claims-ok', ['R30'], 'unknown extra claims of every JSON type are accepted', okDefault(), {
  payload: {
    'https://example.com/claims/role': 'admin', department: 7, flags: [true, null], profile: { a: { b: [1, 2] } },
    azp: 'something', nonce: 'n-0S6_WzA2Mj',
  },
});

// --- R31: claims are checked on the verified payload only --------------------------------

{
  const id = 'r31-payload-swapped-after-signing';
  const signed = jws(id, { payload: { client_id: 'other-client' } });
  const [h, , s] = signed.split('.');
  const p = enc(basePayload(id));
  add(id, ['R31', 'R15'], 'grant signed for another client; payload replaced by one naming this client, signature kept', 'default',
    [step(`${h}.${p}.${s}`, err('ERR_SIGNATURE'))]);
}
{
  const id = 'r31-exp-extended-after-signing';
  const signed = jws(id, { payload: { iat: NOW - 3700, exp: NOW - 3600 } });
  const [h, , s] = signed.split('.');
  const p = enc(basePayload(id));
  add(id, ['R31', 'R23'], 'expired grant whose exp was extended after signing', 'default',
    [step(`${h}.${p}.${s}`, err('ERR_SIGNATURE'))]);
}

// --- R32 / R33 / R38: resource --------------------------------------------------------------

one('r33-resource-missing-required', ['R33'], 'resource absent while required (default)', err('ERR_RESOURCE', 'resource'),
  { payload: { resource: undefined } });
one('r33-resource-missing-optional-ok', ['R33'], 'resource absent, requireResource false', ok({ subject: SUB, scopes: SCOPES, resources: [] }),
  { config: 'resource-optional', payload: { resource: undefined } });
one('r32-resource-with-no-registered-resources-ok', ['R32', 'R33'], 'requireResource false and no resource registry: the grant names one, accepted as granted',
  okDefault(), { config: 'resource-optional' });
one('r32-resource-not-registered', ['R32'], 'resource is not a registered MCP server', err('ERR_RESOURCE', 'resource'),
  { payload: { resource: 'https://other-mcp.example.com/mcp' } });
one('r32-resource-array-one-unregistered', ['R32'], 'resource array: one registered, one not', err('ERR_RESOURCE', 'resource'),
  { payload: { resource: [RES, 'https://other-mcp.example.com/mcp'] } });
one('r32-resource-trailing-slash', ['R32'], 'resource with a trailing slash (exact comparison)', err('ERR_RESOURCE', 'resource'),
  { payload: { resource: `${RES}/` } });
one('r32-resource-case-differs', ['R32'], 'resource host in upper case (exact comparison, O29)', err('ERR_RESOURCE', 'resource'),
  { payload: { resource: 'https://MCP.example.com/mcp' } });
one('r32-resource-array-all-registered-ok', ['R32'], 'resource array of two registered MCP servers', okDefault({ resources: [RES, RES2] }),
  { config: 'two-resources', payload: { resource: [RES, RES2] } });
one('r38-ctx-resource-not-in-grant', ['R38'], 'request resource parameter names a registered server the grant does not cover',
  err('ERR_RESOURCE'), { config: 'two-resources', ctx: { resource: RES2 } });
one('r38-ctx-resource-unregistered', ['R38'], 'request resource parameter names an unknown server', err('ERR_RESOURCE'),
  { ctx: { resource: 'https://other-mcp.example.com/mcp' } });
one('r38-ctx-resource-in-grant-ok', ['R38'], 'request resource parameter is one of the grant\'s resources', ok({ subject: SUB, scopes: SCOPES }),
  { config: 'two-resources', payload: { resource: [RES, RES2] }, ctx: { resource: RES2 } });

// --- R34 / R35: scope -------------------------------------------------------------------------

one('r35-no-requested-scope-ok', ['R34', 'R35'], 'no scope parameter: every grant scope is granted', okDefault());
one('r35-requested-subset-ok', ['R35'], 'scope parameter is a subset: granted = the intersection', okDefault({ scopes: ['files:read'] }),
  { ctx: { scope: 'files:read' } });
one('r35-requested-reordered-ok', ['R34', 'R35'], 'scope parameter lists the grant scopes in another order', okDefault(),
  { ctx: { scope: 'files:write files:read' } });
one('r35-requested-outside-grant', ['R35'], 'scope parameter names a scope outside the grant', err('ERR_SCOPE'),
  { ctx: { scope: 'files:read admin' } });
one('r35-requested-case-differs', ['R34', 'R35'], 'scope parameter differs in case (scopes are case-sensitive)', err('ERR_SCOPE'),
  { ctx: { scope: 'FILES:READ' } });
one('r35-requested-malformed', ['R35'], 'scope parameter contains a double quote', err('ERR_SCOPE'),
  { ctx: { scope: 'files:"read' } });
one('r35-grant-without-scope-requested', ['R34', 'R35'], 'grant has no scope, the request asks for one', err('ERR_SCOPE'),
  { payload: { scope: undefined }, ctx: { scope: 'files:read' } });
one('r34-grant-without-scope-ok', ['R34'], 'grant has no scope and none is requested: no scopes', okDefault({ scopes: [] }),
  { payload: { scope: undefined } });
one('r34-duplicate-scope-tokens-ok', ['R34'], 'grant scope repeats a token (a set)', okDefault(),
  { payload: { scope: 'files:read files:write files:read' } });

// --- R40: tenant ---------------------------------------------------------------------------------

one('r40-tenant-missing', ['R40'], 'issuer pins tenant-a; the grant has no tenant', err('ERR_TENANT', 'tenant'),
  { config: 'tenant-pinned' });
one('r40-tenant-wrong', ['R40'], 'issuer pins tenant-a; the grant says tenant-b', err('ERR_TENANT', 'tenant'),
  { config: 'tenant-pinned', payload: { tenant: 'tenant-b' } });
one('r40-tenant-case-differs', ['R40'], 'issuer pins tenant-a; the grant says TENANT-A', err('ERR_TENANT', 'tenant'),
  { config: 'tenant-pinned', payload: { tenant: 'TENANT-A' } });
one('r40-tenant-right-ok', ['R40'], 'issuer pins tenant-a; the grant says tenant-a', okDefault({ tenant: TENANT }),
  { config: 'tenant-pinned', payload: { tenant: TENANT } });
one('r40-tenant-unpinned-ok', ['R40'], 'issuer pins no tenant; the grant\'s tenant is returned', okDefault({ tenant: 'tenant-b' }),
  { payload: { tenant: 'tenant-b' } });

// --- R42 / R36: cnf and authorization_details -----------------------------------------------------

const JKT = '0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I';
one('r42-cnf-present', ['R42'], 'cnf.jkt present and no DPoP proof can be checked', err('ERR_UNSUPPORTED', 'cnf'),
  { payload: { cnf: { jkt: JKT } } });
one('r42-cnf-present-authz-enabled', ['R42'], 'cnf.jkt present (authorization_details enabled does not matter)', err('ERR_UNSUPPORTED', 'cnf'),
  { config: 'authorization-details', payload: { cnf: { jkt: JKT } } });
const AD = [{ type: 'mcp_tools', tools: ['search', 'read_file'], locations: [RES] }];
one('r36-authorization-details-not-enabled', ['R36'], 'authorization_details present, not enabled', err('ERR_UNSUPPORTED', 'authorization_details'),
  { payload: { authorization_details: AD } });
one('r36-authorization-details-enabled-ok', ['R36', 'R37'], 'authorization_details present and enabled', okDefault(),
  { config: 'authorization-details', payload: { authorization_details: AD } });

// --- R29: replay ----------------------------------------------------------------------------------

{
  const id = 'r29-replay-same-token';
  const t = jws(id);
  add(id, ['R29'], 'the same grant presented twice', 'default',
    [step(t, okDefault()), step(t, err('ERR_REPLAY'))]);
}
{
  const id = 'r29-replay-same-jti-other-token';
  const a = jws(id);
  const b = jws(id, { alg: 'ES256', payload: { scope: 'files:read' } });
  add(id, ['R29'], 'a second, different grant with the same (iss, jti)', 'default',
    [step(a, okDefault()), step(b, err('ERR_REPLAY'))]);
}
{
  const id = 'r29-refused-client-does-not-burn-jti';
  const t = jws(id);
  add(id, ['R29', 'R21'], 'a refused presentation (wrong client) does not consume the jti', 'default', [
    step(t, err('ERR_CLIENT', 'client_id'), { clientId: 'attacker-client' }),
    step(t, okDefault()),
    step(t, err('ERR_REPLAY')),
  ]);
}
{
  const id = 'r29-refused-scope-does-not-burn-jti';
  const t = jws(id);
  add(id, ['R29', 'R35'], 'a presentation refused at the last check (scope) does not consume the jti', 'default', [
    step(t, err('ERR_SCOPE'), { scope: 'admin' }),
    step(t, okDefault({ scopes: ['files:write'] }), { scope: 'files:write' }),
  ]);
}
{
  const id = 'r29-refused-resource-does-not-burn-jti';
  const t = jws(id);
  add(id, ['R29', 'R38'], 'a presentation refused for its resource parameter does not consume the jti', 'two-resources', [
    step(t, err('ERR_RESOURCE'), { resource: RES2 }),
    step(t, okDefault()),
  ]);
}
{
  const id = 'r29-refused-early-does-not-burn-jti';
  const t = jws(id);
  add(id, ['R29', 'R24'], 'presented before its iat (clock far behind): refused; later accepted once', 'default', [
    step(t, err('ERR_NOT_YET_VALID', 'iat'), { now: NOW - 100 }),
    step(t, okDefault()),
    step(t, err('ERR_REPLAY'), { now: NOW + 30 }),
  ]);
}
{
  const id = 'r29-replay-key-includes-issuer';
  const a = jws(id, { payload: { jti: 'shared-jti' } });
  const b = jws(id, { header: { kid: 'rsa-2' }, signKey: 'rsa-2', payload: { iss: ISS2, jti: 'shared-jti' } });
  add(id, ['R29'], 'the same jti from two issuers is two grants; each replay is caught', 'two-issuers', [
    step(a, okDefault()), step(b, okDefault()), step(a, err('ERR_REPLAY')), step(b, err('ERR_REPLAY')),
  ]);
}
{
  const id = 'r29-reusable-mode-ok';
  const t = jws(id);
  add(id, ['R29'], 'replay "reusable": the same grant is accepted twice', 'reusable',
    [step(t, okDefault()), step(t, okDefault())]);
}


// --- -04: R10a (Ed25519), R18a (own issuer across a tenant), R51-R55 (sub_id), aud_tenant / aud_sub --

one('r10a-ed25519-header-ok', ['R10a', 'R10', 'R14'], 'alg "Ed25519" (RFC 9864) with the Ed25519 key whose JWK alg is EdDSA',
  okDefault(), { alg: 'EdDSA', header: { alg: 'Ed25519' } });
one('r10a-ed25519-allow-list-accepts-eddsa', ['R10a'], 'allow-list and JWK alg say Ed25519; the token says EdDSA',
  okDefault(), { config: 'ed25519-names', alg: 'EdDSA' });
one('r10a-ed25519-not-allowed', ['R10a', 'R10'], 'issuer allows only ES256; token alg is Ed25519', err('ERR_ALG'),
  { config: 'issuer-es256-only', alg: 'EdDSA', header: { alg: 'Ed25519' } });

one('r18a-own-issuer-other-tenant-ok', ['R18a', 'R40'], 'our own issuer, configured across a tenant boundary; tenant is the pinned one',
  okDefault({ tenant: TENANT }), { config: 'own-issuer-other-tenant', payload: { iss: AUD, tenant: TENANT } });
one('r18a-own-issuer-no-tenant', ['R18a', 'R40'], 'our own issuer across a tenant boundary, but the grant names no tenant',
  err('ERR_TENANT', 'tenant'), { config: 'own-issuer-other-tenant', payload: { iss: AUD } });
one('r18a-own-issuer-our-tenant', ['R18a', 'R40'], 'our own issuer and our own tenant: the same trust domain',
  err('ERR_TENANT', 'tenant'), { config: 'own-issuer-other-tenant', payload: { iss: AUD, tenant: 'provider-tenant' } });

const nameid = (extra = {}) => ({
  format: 'saml-nameid', issuer: SAML_ISSUER, nameid: 'user-1234@example.com',
  nameid_format: 'urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress', ...extra,
});
one('r51-sub-id-string', ['R51'], 'sub_id is a string, not an RFC 9493 object', err('ERR_CLAIM', 'sub_id'),
  { payload: { sub_id: 'user-1234@example.com' } });
one('r51-sub-id-format-missing', ['R51'], 'sub_id has no format', err('ERR_CLAIM', 'sub_id'),
  { payload: { sub_id: { issuer: SAML_ISSUER, nameid: 'x' } } });
one('r51-sub-id-email-not-string', ['R51'], 'sub_id email format with a numeric email', err('ERR_CLAIM', 'sub_id'),
  { payload: { sub_id: { format: 'email', email: 42 } } });
one('r52-saml-nameid-nameid-missing', ['R52'], 'saml-nameid sub_id without nameid', err('ERR_CLAIM', 'sub_id'),
  { payload: { sub_id: nameid({ nameid: undefined }) } });
one('r52-saml-nameid-optional-not-string', ['R52'], 'saml-nameid sub_id with a numeric sp_name_qualifier', err('ERR_CLAIM', 'sub_id'),
  { payload: { sub_id: nameid({ sp_name_qualifier: 7 }) } });
one('r52-saml-nameid-ok', ['R52', 'R51'], 'a well-formed saml-nameid sub_id is accepted (informative without subIdIssuers)',
  okDefault(), { payload: { sub_id: nameid({ sp_name_qualifier: AUD }) } });
one('r54-sub-id-required-ok', ['R54', 'R55'], 'saml-nameid required; sub_id.issuer is associated with this iss',
  okDefault(), { config: 'sub-id-required', payload: { sub_id: nameid() } });
one('r54-sub-id-required-missing', ['R54'], 'saml-nameid required; no sub_id', err('ERR_CLAIM', 'sub_id'),
  { config: 'sub-id-required' });
one('r54-sub-id-required-other-format', ['R54'], 'saml-nameid required; sub_id is an email identifier', err('ERR_CLAIM', 'sub_id'),
  { config: 'sub-id-required', payload: { sub_id: { format: 'email', email: 'user@example.com' } } });
one('r54-sub-id-required-underscore-typo', ['R54', 'R52'], 'saml-nameid required; format spelled saml_nameid (not accepted)',
  err('ERR_CLAIM', 'sub_id'), { config: 'sub-id-required', payload: { sub_id: nameid({ format: 'saml_nameid' }) } });
one('r55-sub-id-issuer-not-associated', ['R55', 'R54'], 'saml-nameid required; sub_id.issuer is not associated with this iss',
  err('ERR_CLAIM', 'sub_id'), { config: 'sub-id-required', payload: { sub_id: nameid({ issuer: 'https://saml.attacker.example' }) } });

one('aud-tenant-sub-ok', ['R28'], 'audTenant and audSub configured; the grant carries both', okDefault(),
  { config: 'aud-tenant-sub', payload: { aud_tenant: 'as-tenant-1', aud_sub: 'as-app-9' } });
one('aud-tenant-missing', ['R40'], 'audTenant configured; the grant has no aud_tenant', err('ERR_TENANT', 'aud_tenant'),
  { config: 'aud-tenant-sub', payload: { aud_sub: 'as-app-9' } });
one('aud-tenant-wrong', ['R40'], 'audTenant configured; aud_tenant names another tenant', err('ERR_TENANT', 'aud_tenant'),
  { config: 'aud-tenant-sub', payload: { aud_tenant: 'as-tenant-2', aud_sub: 'as-app-9' } });
one('aud-sub-wrong', ['R20'], 'audSub configured; aud_sub names another resource application', err('ERR_AUDIENCE', 'aud_sub'),
  { config: 'aud-tenant-sub', payload: { aud_tenant: 'as-tenant-1', aud_sub: 'as-app-10' } });
