// The shared wasm instance as the verifier classes of `idjag` see it (src/core.js, "Loading"):
// the verifier build in browsers and workers when nothing needs signing, else the full build
// (it has every export of the verifier build). The wasm-bindgen names below stand for the
// classes and functions of the glue that owns the instance, looked up on each use, so every
// copy of the package (ESM, each CJS bundle) makes its objects in the one shared instance.
import { coreHandle } from './core.js';

export const verifierCore = coreHandle('verifier');

/** A stand-in for a glue class: `new X(...)` builds an object of the owning glue's class. */
export const glueClass = (handle, name) =>
  function GlueClass(...args) {
    return new handle.glue[name](...args);
  };
export const glueFunction = (handle, name) => (...args) => handle.glue[name](...args);

export const WasmVerifier = glueClass(verifierCore, 'WasmVerifier');
export const WasmAccessTokenVerifier = glueClass(verifierCore, 'WasmAccessTokenVerifier');
export const WasmReplayCache = glueClass(verifierCore, 'WasmReplayCache');
export const inspect = glueFunction(verifierCore, 'inspect');
export const inspectJwks = glueFunction(verifierCore, 'inspectJwks');
export const tokenDigest = glueFunction(verifierCore, 'tokenDigest');
export const requireScopes = glueFunction(verifierCore, 'requireScopes');
export const isScopeToken = glueFunction(verifierCore, 'isScopeToken');
export const urlProblem = glueFunction(verifierCore, 'urlProblem');
export const grantConsumed = glueFunction(verifierCore, 'grantConsumed');
export const checkTokenResponse = glueFunction(verifierCore, 'checkTokenResponse');
export const clientRules = glueFunction(verifierCore, 'clientRules');
