// `idjag/server` for Deno: the full build by a Wasm source-phase import (compiled at load time,
// no --allow-read needed), instantiated synchronously on first use; one instance (src/core.js).
import source wasmModule from '../wasm-full/idjag_bg.wasm';
import * as glue from '../wasm-full/idjag.js';
import { registerBuild } from './core.js';

registerBuild('full', glue, { where: 'wasm-full/idjag_bg.wasm', sync: () => glue.initSync({ module: wasmModule }) });

export * from './server.js';
export { ready } from './core.js';
