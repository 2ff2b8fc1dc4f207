// With the DOM lib: WebCrypto's JsonWebKey (every member optional, kty too) goes in with a cast;
// idjag's JWK goes anywhere a JsonWebKey is expected (crypto.subtle.importKey).
import type { JWK } from 'idjag';
import { TestIssuer } from 'idjag/testing';

declare const exported: JsonWebKey;
const key: JWK = exported as JWK;
new TestIssuer({ issuer: 'https://idp.test', privateJwk: key });
const idp = new TestIssuer({ issuer: 'https://idp.test' });
const [first] = idp.jwks().keys;
if (first) await crypto.subtle.importKey('jwk', first, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
