// `idjag/testing`: a test identity provider (src/jose/sign.rs via WasmTestIssuer). It generates a
// key (getrandom), publishes its JWKS, and mints valid grants and the broken variants a
// verifier must refuse. For tests only: its keys live in memory, nothing here is secret-safe.
//
// It runs on the *full* wasm build (pkg/wasm-full: the verifier plus signing), which the
// runtime entries (entry-testing-*.js) instantiate; `idjag` itself loads the smaller
// verifier-only build. The JS error classes are shared, so errors stay `instanceof IdJagError`.
import { WasmTestIssuer, fullCore, testVariants } from './core-full.js';
import { jsonText } from './core.js';
import { checkOptions, is, nowSec, readClock } from './options.js';

const callWasm = (fn) => fullCore.call(fn);

let variantsCache = null;

export class TestIssuer {
  #optionsText;
  #core = null;
  #generation = -1;
  #now;

  /**
   * @param {{ issuer: string, alg?: string, kid?: string, privateJwk?: object, now?: () => number }} options
   *   `now`: the clock of `mint` (epoch seconds), unless a call gives its own
   */
  constructor(options) {
    checkOptions(options, 'options', 'TestIssuer', {
      'issuer!': is.string, alg: is.string, kid: is.string, privateJwk: is.object, now: is.clock,
    });
    if (options.now !== undefined) readClock(options.now, 'options.now');
    this.#now = options.now;
    const core = {};
    for (const name of ['issuer', 'alg', 'kid', 'privateJwk']) if (options[name] !== undefined) core[name] = options[name];
    this.#optionsText = jsonText(core, 'options');
    const made = this.#live();
    // Keep a generated key so the issuer survives a restart of the wasm core (src/core.js).
    if (core.privateJwk === undefined) {
      this.#optionsText = jsonText({ ...core, privateJwk: callWasm(() => made.privateJwk()) }, 'options');
    }
  }

  #live() {
    if (this.#core && this.#generation === fullCore.generation) return this.#core;
    this.#core = callWasm(() => fullCore.track(new WasmTestIssuer(this.#optionsText)));
    this.#generation = fullCore.generation;
    return this.#core;
  }

  /** The `iss` of every grant it mints. */
  get issuer() {
    return callWasm(() => this.#live().issuer());
  }

  /** Its public keys, as `{ keys: [...] }`: give them to IdJagVerifier (`issuers[].jwks`). */
  jwks() {
    return callWasm(() => this.#live().jwks());
  }

  /** The private key as a JWK, to persist and pass back as `privateJwk`. A secret. */
  privateJwk() {
    return callWasm(() => this.#live().privateJwk());
  }

  /**
   * Mints a valid grant (or, with `params.variant`, a broken one).
   * @param {{ audience: string, clientId: string, now?: () => number, subject?: string, resource?: string | string[], scope?: string, lifetimeSec?: number, jti?: string, tenant?: string, claims?: object, variant?: string }} params
   * @returns {string}
   */
  mint(params) {
    // The core checks the members' content (src/testing/mod.rs MintParams), same wording.
    checkOptions(params, 'params', 'TestIssuer.mint()', {
      'audience!': is.string, 'clientId!': is.string, now: is.clock, subject: is.string, resource: is.any,
      scope: is.string, lifetimeSec: is.finiteNumber, jti: is.string, tenant: is.string, claims: is.object, variant: is.string,
    });
    const { now, ...rest } = params;
    const core = { ...rest, nowSec: nowSec(now, 'params.now', this.#now, 'options.now') };
    for (const k of Object.keys(core)) if (core[k] === undefined) delete core[k];
    return callWasm(() => this.#live().mint(jsonText(core, 'mint params')));
  }

  /**
   * Signs any JWT with the issuer's key — for the other tokens a test IdP hands out, such as
   * an OpenID Connect ID token. The header is `{ alg, typ: 'JWT', kid }` plus `header`'s
   * members (`typ` and `kid` may be replaced, `alg` not); the claims are signed as given.
   * @param {Record<string, unknown>} header
   * @param {Record<string, unknown>} claims
   * @returns {string}
   */
  signJwt(header, claims) {
    for (const [name, v] of [['header', header], ['claims', claims]]) {
      if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new TypeError(`signJwt(header, claims): ${name} must be an object`);
    }
    return callWasm(() => this.#live().signJwt(jsonText(header, 'header'), jsonText(claims, 'claims')));
  }

  /**
   * Mints the broken variant `name` (see {@link TestIssuer.variants}); `'valid'` mints a good grant,
   * `'replayed'` returns the previous valid grant again.
   */
  mintVariant(name, params) {
    if (typeof name !== 'string') throw new TypeError('mintVariant(name, params): name must be a string');
    checkOptions(params, 'params', 'TestIssuer.mintVariant()', {}, { open: true });
    return this.mint({ ...params, variant: name });
  }

  /**
   * Every variant it can mint: `{ name, code, description }`, where `code` is what a default
   * IdJagVerifier answers (`null` for `valid`).
   * @returns {ReadonlyArray<{ name: string, code: string | null, description: string }>}
   */
  static get variants() {
    if (variantsCache === null) {
      variantsCache = Object.freeze(callWasm(() => testVariants()).map((v) => Object.freeze({ ...v })));
    }
    return variantsCache;
  }
}
