// No public type may collapse to `any`. Under skipLibCheck a type the declarations reference but
// the consumer's libs lack (the DOM's JsonWebKey under "lib": ["ES2022"]) becomes `any` without
// an error; these assertions fail to compile if that ever happens again.
import type {
  AccessTokenIssuerOptions, AccessTokenVerifierOptions, ClientRegistration, FetchLike, IssuerOptions, JWK, JWKSet,
  JwksCacheState, JwksReport, TokenEndpointOptions, VerifiedGrant, VerifierOptions,
} from 'idjag/server';
import type { InitInput, WasmModule } from 'idjag/manual';
import type { MintParams, TestIssuer, TestIssuerOptions } from 'idjag/testing';

type IsAny<T> = 0 extends 1 & T ? true : false;
type NotAny<T> = IsAny<T> extends true ? never : true;
type Check<T extends true> = T;

export type Checks = [
  Check<NotAny<JWK>>,
  Check<NotAny<JWKSet>>,
  Check<NotAny<JWKSet['keys'][number]>>,
  Check<NotAny<NonNullable<IssuerOptions['jwks']>>>,
  Check<NotAny<NonNullable<AccessTokenVerifierOptions['jwks']>>>,
  Check<NotAny<NonNullable<AccessTokenIssuerOptions['privateJwk']>>>,
  Check<NotAny<NonNullable<ClientRegistration['jwks']>>>,
  Check<NotAny<NonNullable<TestIssuerOptions['privateJwk']>>>,
  Check<NotAny<ReturnType<TestIssuer['jwks']>>>,
  Check<NotAny<ReturnType<TestIssuer['privateJwk']>>>,
  Check<NotAny<FetchLike>>,
  Check<NotAny<Parameters<FetchLike>[1]>>,
  Check<NotAny<Awaited<ReturnType<FetchLike>>>>,
  Check<NotAny<InitInput>>,
  Check<NotAny<WasmModule>>,
  Check<NotAny<JwksCacheState>>,
  Check<NotAny<JwksReport>>,
  Check<NotAny<MintParams>>,
  Check<NotAny<TokenEndpointOptions>>,
  Check<NotAny<VerifiedGrant>>,
  Check<NotAny<VerifierOptions>>,
];

// A JWK is an object with a string kty, not anything at all.
// @ts-expect-error a number is not a JWK
export const notAKey: JWK = 42;
