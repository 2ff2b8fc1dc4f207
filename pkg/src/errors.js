// IdJagError and the stable error codes (design.md "Error codes").
// The codes and their OAuth mapping are decided by the Rust core; this module only
// turns the plain objects the wasm bindings throw into real Error subclasses.

// The codes and their OAuth mapping: one list, generated from Rust's ErrorCode::ALL.
import { ERROR_CODES, OAUTH_ERROR_OF } from './error-codes.js';

export { ERROR_CODES };

// Errors are recognised across copies of the package (issue 13): the ESM sources and each CJS
// bundle (dist/*.cjs) carry their own error classes, so each class is branded with a
// registered symbol and `instanceof` / `Class.is(e)` check the brand.

/**
 * Brands `cls` (its prototype carries Symbol.for(key)) and gives it `is(value)` and an
 * `instanceof` that accepts any copy's instances; a subclass keeps the ordinary check.
 */
export function brandErrorClass(cls, key) {
  const brand = Symbol.for(key);
  Object.defineProperty(cls.prototype, brand, { value: true, enumerable: false, writable: false, configurable: false });
  const is = (value) => {
    if (value === null || (typeof value !== 'object' && typeof value !== 'function')) return false;
    try {
      return value[brand] === true;
    } catch {
      return false; // a revoked proxy, a throwing getter: not ours
    }
  };
  Object.defineProperty(cls, 'is', { value: is, writable: true, configurable: true });
  Object.defineProperty(cls, Symbol.hasInstance, {
    value(value) {
      return this === cls ? is(value) : Function.prototype[Symbol.hasInstance].call(this, value);
    },
    configurable: true,
  });
}

export class IdJagError extends Error {

  /**
   * @param {string} code one of ERROR_CODES
   * @param {string} message short, lower-case, never the token
   * @param {{ oauthError?: string | null, claim?: string, cause?: unknown }} [options]
   */
  constructor(code, message, options = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'IdJagError';
    this.code = code;
    this.oauthError = options.oauthError ?? null;
    if (options.claim !== undefined) this.claim = options.claim;
  }
}
// IdJagError.is(e): true for an IdJagError of any copy of idjag (ESM, CJS, any subpath, bundle).
brandErrorClass(IdJagError, 'idjag.IdJagError');

// The wasm bindings throw `{ code, oauthError, message, claim? }` (docs/internals.md).
export function isWasmError(e) {
  return e !== null && typeof e === 'object' && !(e instanceof Error) && typeof e.code === 'string';
}

/** Converts what a wasm call threw into an IdJagError; anything else (a trap, a TypeError) is returned as is. */
export function fromWasm(e) {
  if (!isWasmError(e)) return e;
  const err = new IdJagError(e.code, typeof e.message === 'string' ? e.message : e.code, {
    oauthError: e.oauthError ?? null,
    claim: typeof e.claim === 'string' ? e.claim : undefined,
  });
  // The verifier's checks run up to the failing one, for audit events (not enumerable:
  // an error logged as JSON stays the short public shape).
  if (Array.isArray(e.checks)) Object.defineProperty(err, 'checks', { value: e.checks, enumerable: false });
  // The key layer's "load these keys, then ask again" (src/jose/jwk.rs KeySlot): for the loader.
  if (e.keysNeeded !== null && typeof e.keysNeeded === 'object') {
    Object.defineProperty(err, 'keysNeeded', { value: e.keysNeeded, enumerable: false });
  }
  return err;
}

/** Runs a wasm call, rethrowing a WasmError as IdJagError. */
export function callWasm(fn) {
  try {
    return fn();
  } catch (e) {
    throw fromWasm(e);
  }
}

// Errors raised by the JS layer itself (I/O: replay store, JWKS fetch, options it owns),
// with the OAuth mapping the core decides (OAUTH_ERROR_OF).
const jsError = (code, message, cause) => new IdJagError(code, message, { oauthError: OAUTH_ERROR_OF[code], cause });
export const configError = (message, cause) => jsError('ERR_CONFIG', message, cause);
export const replayError = (message, cause) => jsError('ERR_REPLAY', message, cause);
export const malformed = (message) => jsError('ERR_MALFORMED', message);
export const keyError = (message, cause) => jsError('ERR_KEY', message, cause);
export const internalError = (cause) =>
  jsError('ERR_INTERNAL', 'the wasm core failed; the call was refused and the core restarted', cause);
