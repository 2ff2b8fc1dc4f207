// Node-only lib: a key exported by node:crypto (its own JsonWebKey type, kty optional) goes in
// with a cast; idjag's JWK goes into createPublicKey({ format: 'jwk' }).
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'idjag';
import { TestIssuer } from 'idjag/testing';

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
new TestIssuer({ issuer: 'https://idp.test', privateJwk: privateKey.export({ format: 'jwk' }) as JWK });
const [first] = new TestIssuer({ issuer: 'https://idp.test' }).jwks().keys;
if (first) createPublicKey({ key: first, format: 'jwk' });
