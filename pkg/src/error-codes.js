// GENERATED from src/error.rs (idjag::ErrorCode::ALL) by tests/js_contract.rs: do not edit.
// Regenerate with `IDJAG_BLESS=1 cargo test --test js_contract`; the test fails on drift.

/** The stable error codes, in the order of design.md; ERR_INTERNAL (a wasm trap, issue 10) last. */
export const ERROR_CODES = Object.freeze([
  'ERR_CONFIG',
  'ERR_MALFORMED',
  'ERR_HEADER',
  'ERR_TYP',
  'ERR_ALG',
  'ERR_ISSUER',
  'ERR_KEY',
  'ERR_SIGNATURE',
  'ERR_CLAIM',
  'ERR_AUDIENCE',
  'ERR_CLIENT',
  'ERR_EXPIRED',
  'ERR_NOT_YET_VALID',
  'ERR_LIFETIME',
  'ERR_RESOURCE',
  'ERR_SCOPE',
  'ERR_TENANT',
  'ERR_REPLAY',
  'ERR_UNSUPPORTED',
  'ERR_POLICY',
  'ERR_INTERNAL',
]);

/** The OAuth 2.0 `error` each code maps to on the wire; null for ERR_CONFIG (never sent). */
export const OAUTH_ERROR_OF = Object.freeze({
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
  ERR_INTERNAL: 'server_error',
});
