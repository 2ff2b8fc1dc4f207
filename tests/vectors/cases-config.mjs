// Invalid VerifierOptions: each must make the constructor throw ERR_CONFIG.
// Registered into lib.mjs `configErrors`; see generate.mjs.
import {
  ISS, AUD, RES, PRIV, RSA1024, pub, b64u, idpJwks, defaultConfig, withIssuer, cfgErr, withKeys,
  offCurve,
} from './lib.mjs';

cfgErr('config-private-rsa-key', ['R13'], 'JWKS holds a private RSA key (d, p, q, …)',
  withKeys([{ ...PRIV['rsa-1'], use: 'sig' }]));
cfgErr('config-private-member-d-only', ['R13'], 'JWKS key carries a "d" member', withKeys([{ ...pub('ec-256'), d: PRIV['ec-256'].d }]));
cfgErr('config-private-okp-key', ['R13'], 'JWKS holds a private Ed25519 key', withKeys([{ ...PRIV['ed-1'] }]));
cfgErr('config-kty-oct', ['R10', 'R14'], 'JWKS holds only a symmetric (kty oct) key: no usable key',
  withKeys([{ kty: 'oct', kid: 'hmac-1', k: b64u(Buffer.alloc(32, 9)) }]));
cfgErr('config-rsa-1024', ['R14'], 'JWKS holds only an RSA 1024 key: no usable key', withKeys([RSA1024]));
cfgErr('config-only-unusable-keys', ['R13', 'R14'], 'every key is set aside (enc, 1024-bit, no e): no usable key',
  withKeys([pub('rsa-1', { use: 'enc' }), RSA1024, { kty: 'RSA', kid: 'no-e', n: pub('rsa-2').n }]));
cfgErr('config-rsa-over-8192', ['R14'], 'JWKS holds an RSA key with an 8200-bit modulus', withKeys([{
  kty: 'RSA', kid: 'rsa-huge', e: 'AQAB', n: b64u(Buffer.concat([Buffer.from([0x80]), Buffer.alloc(1023, 0x5a), Buffer.from([0x01])])),
}]));
cfgErr('config-rsa-even-exponent', ['R14'], 'RSA key with exponent 65536 (even)', withKeys([{ ...pub('rsa-1'), e: 'AQAA' }]));
cfgErr('config-rsa-exponent-one', ['R14'], 'RSA key with exponent 1', withKeys([{ ...pub('rsa-1'), e: 'AQ' }]));
cfgErr('config-ec-point-not-on-curve', ['R14'], 'P-256 key whose point is not on the curve', withKeys([offCurve()]));
cfgErr('config-duplicate-kid', ['R13'], 'two different keys share kid "rsa-1"',
  withKeys([pub('rsa-1'), pub('rsa-2', { kid: 'rsa-1' })]));
cfgErr('config-jwks-keys-not-array', ['R13'], 'jwks.keys is not an array', withIssuer({ jwks: { keys: pub('rsa-1') } }));
cfgErr('config-algorithms-hs256', ['R10'], 'algorithms contains HS256', { ...defaultConfig(), algorithms: ['RS256', 'HS256'] });
cfgErr('config-algorithms-none', ['R10'], 'algorithms contains none', { ...defaultConfig(), algorithms: ['none'] });
cfgErr('config-algorithms-es512', ['R10'], 'algorithms contains ES512 (not supported)', { ...defaultConfig(), algorithms: ['ES256', 'ES512'] });
cfgErr('config-issuer-algorithms-hs256', ['R10'], 'an issuer\'s algorithms contains HS256', withIssuer({ algorithms: ['HS256'] }));
cfgErr('config-issuer-algorithms-none', ['R10'], 'an issuer\'s algorithms contains none', withIssuer({ algorithms: ['ES256', 'none'] }));
cfgErr('config-issuers-empty', ['R17'], 'issuers is []', { ...defaultConfig(), issuers: [] });
cfgErr('config-issuers-missing', ['R17'], 'issuers absent', { audience: AUD, resources: [RES] });
cfgErr('config-issuer-equals-audience', ['R18'], 'a trusted issuer equals our own issuer', withIssuer({ issuer: AUD }));
cfgErr('config-issuer-empty', ['R17'], 'an issuer identifier is ""', withIssuer({ issuer: '' }));
cfgErr('config-issuer-duplicate', ['R17'], 'the same issuer configured twice', {
  ...defaultConfig(), issuers: [{ issuer: ISS, jwks: idpJwks() }, { issuer: ISS, jwks: { keys: [pub('rsa-2')] } }],
});
cfgErr('config-issuer-without-keys', ['R13'], 'an issuer with neither jwks nor jwksUri', { ...defaultConfig(), issuers: [{ issuer: ISS }] });
cfgErr('config-audience-missing', ['R20'], 'audience absent', { issuers: [{ issuer: ISS, jwks: idpJwks() }], resources: [RES] });
cfgErr('config-audience-empty', ['R20'], 'audience is ""', { ...defaultConfig(), audience: '' });
cfgErr('config-require-resource-without-resources', ['R33'], 'requireResource defaults to true and resources is absent',
  { audience: AUD, issuers: [{ issuer: ISS, jwks: idpJwks() }] });
cfgErr('config-require-resource-empty-resources', ['R33'], 'requireResource true and resources is []',
  { ...defaultConfig(), requireResource: true, resources: [] });
cfgErr('config-negative-tolerance', ['R23'], 'clockToleranceSec is -1', { ...defaultConfig(), clockToleranceSec: -1 });
cfgErr('config-fractional-max-lifetime', ['R26'], 'maxLifetimeSec is 1.5', { ...defaultConfig(), maxLifetimeSec: 1.5 });
cfgErr('config-replay-mode-unknown', ['R29'], 'replay is "multi-use"', { ...defaultConfig(), replay: 'multi-use' });


// -04 (R18a, R54, qualified access-token subjects)
cfgErr('config-own-issuer-without-tenants', ['R18a', 'R18'], 'our own issuer as a trusted issuer, no tenants',
  { ...defaultConfig(), issuers: [{ issuer: AUD, jwks: idpJwks() }] });
cfgErr('config-own-issuer-same-tenant', ['R18a'], 'our own issuer pinned to our own tenant (same trust domain)',
  { ...defaultConfig(), tenant: 't1', issuers: [{ issuer: AUD, tenant: 't1', jwks: idpJwks() }] });
cfgErr('config-require-sub-id-without-issuers', ['R54', 'R55'], 'requireSubId without subIdIssuers',
  withIssuer({ requireSubId: 'saml-nameid' }));
cfgErr('config-require-sub-id-typo', ['R54', 'R52'], 'requireSubId spelled saml_nameid',
  withIssuer({ requireSubId: 'saml_nameid', subIdIssuers: ['https://saml.example'] }));
cfgErr('config-two-issuers-with-hash', ['R17'], 'two issuers, one with "#" (qualified subjects would be ambiguous)',
  { ...defaultConfig(), issuers: [{ issuer: ISS, jwks: idpJwks() }, { issuer: 'https://idp2.example.com#x', jwks: idpJwks() }] });
