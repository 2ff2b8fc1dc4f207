// `idjag/server` for workerd: the full build (verifier + signing), imported as a compiled
// module as Workers require; one instance for `idjag` and `idjag/server` (src/core.js).
import wasmModule from '../wasm-full/idjag_bg.wasm';
import * as glue from '../wasm-full/idjag.js';
import { registerBuild } from './core.js';

registerBuild('full', glue, { where: 'wasm-full/idjag_bg.wasm', sync: () => glue.initSync({ module: wasmModule }) });

export * from './server.js';
export { ready } from './core.js';
