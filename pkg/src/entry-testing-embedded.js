// `idjag/testing/embedded`: the full build (verifier + signing) inside the JavaScript
// (src/core-embedded.js). Same API as `idjag/testing`; with it, `idjag/embedded` shares the
// one full instance.
import * as glue from '../wasm-full/idjag.js';
import { wasmBase64 } from '../wasm-full/embedded.js';
import { registerEmbeddedBuild } from './core-embedded.js';

registerEmbeddedBuild('full', glue, wasmBase64);

export * from './testing.js';
export { ready } from './core.js';
