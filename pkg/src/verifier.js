// IdJagVerifier: the JS face of WasmVerifier. Every check is made by the Rust core; this
// class converts arguments, maps errors to IdJagError and does the I/O the core cannot
// (fetching jwksUri, consuming the jti in a possibly remote replay store).
import { WasmVerifier } from '../wasm/idjag.js';
import { IdJagError, callWasm, configError, fromWasm, keyError, malformed, replayError } from './errors.js';
import { JwksLoader } from './jwks-fetch.js';
import { MemoryReplayStore } from './replay.js';

export class IdJagVerifier {
  #core;
  #store; // null in 'reusable' mode
  #jwks;

  /** @param {import('../index.js').VerifierOptions} options */
  constructor(options) {
    if (options === null || typeof options !== 'object' || Array.isArray(options)) {
      throw configError('options must be an object');
    }
    const { replayStore, ...coreOptions } = options;
    if (replayStore !== undefined && (replayStore === null || typeof replayStore.consume !== 'function')) {
      throw configError('replayStore must have a consume(key, expiresAtMs) method');
    }
    const core = callWasm(() => new WasmVerifier(coreOptions));
    try {
      this.#jwks = new JwksLoader(coreOptions.issuers, (issuer, jwks) => callWasm(() => core.setIssuerJwks(issuer, jwks)));
    } catch (e) {
      core.free();
      throw configError(e.message);
    }
    this.#core = core;
    this.#store = core.replayMode() === 'single-use' ? (replayStore ?? new MemoryReplayStore()) : null;
  }

  /**
   * @param {string} token the ID-JAG (the `assertion` parameter)
   * @param {{ clientId: string, now?: Date, scope?: string, resource?: string }} ctx
   */
  async verify(token, ctx) {
    // The assertion comes straight from a request body and may be any JSON value. A non-string
    // must never reach the wasm string marshalling (it writes out of bounds and traps).
    if (typeof token !== 'string') throw malformed('token is not a string');
    if (ctx === null || typeof ctx !== 'object') throw new TypeError('verify(token, ctx): ctx must be an object');
    const now = ctx.now ?? new Date();
    if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new TypeError('ctx.now must be a valid Date');
    const nowMs = now.getTime();
    const coreCtx = { clientId: ctx.clientId, nowSec: nowMs / 1000 };
    if (ctx.scope !== undefined) coreCtx.scope = ctx.scope;
    if (ctx.resource !== undefined) coreCtx.resource = ctx.resource;

    const grant = await this.#verifyLoadingKeys(token, coreCtx);
    const { replayKey, replayUntil, ...verified } = grant;
    if (verified.tenant == null) delete verified.tenant; // the core may send null

    // R29: the jti is consumed only now, after every other check passed.
    if (this.#store) {
      let fresh;
      try {
        fresh = await this.#store.consume(replayKey, replayUntil * 1000, nowMs);
      } catch (e) {
        if (e instanceof IdJagError && e.code === 'ERR_REPLAY') throw e; // e.g. MemoryReplayStore full
        throw replayError('replay store failed; grant refused', e);
      }
      if (fresh === false) throw replayError('grant already used');
      if (fresh !== true) throw replayError('replay store failed; consume() must return a boolean');
    }
    return verified;
  }

  // Keys of `jwksUri` issuers are fetched the first time a token needs them: the core
  // answers ERR_KEY while an issuer has no keys; then the pending issuers are loaded and
  // the token is verified once more.
  async #verifyLoadingKeys(token, coreCtx) {
    try {
      return this.#core.verify(token, coreCtx);
    } catch (e) {
      const err = fromWasm(e);
      if (!(err instanceof IdJagError && err.code === 'ERR_KEY' && this.#jwks.pending)) throw err;
    }
    const failures = await this.#jwks.loadPending();
    try {
      return this.#core.verify(token, coreCtx);
    } catch (e) {
      const err = fromWasm(e);
      if (err instanceof IdJagError && err.code === 'ERR_KEY' && failures.length > 0) {
        const f = failures[0];
        throw keyError(`could not load the jwks of ${quote(f.issuer)}: ${f.error?.message ?? 'failed'}`, f.error);
      }
      throw err;
    }
  }
}

// Issuer identifiers come from our configuration, but keep messages short anyway.
function quote(s) {
  const str = String(s);
  return str.length > 64 ? `${str.slice(0, 64)}…` : str;
}
