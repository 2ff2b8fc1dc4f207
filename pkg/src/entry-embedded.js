// `idjag/embedded`: the verifier build inside the JavaScript (src/core-embedded.js), for
// esbuild, Rollup, iife bundles and single-file server bundles. Same API as `idjag`.
import * as glue from '../wasm/idjag.js';
import { wasmBase64 } from '../wasm/embedded.js';
import { registerEmbeddedBuild } from './core-embedded.js';

registerEmbeddedBuild('verifier', glue, wasmBase64);

export * from './api.js';
export { ready } from './core.js';
