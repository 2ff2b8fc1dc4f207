// `idjag/server` for workerd: the main entry first (shared JS classes), then the full wasm
// build (verifier + signing) imported as a compiled module, as Workers require.
import './entry-workerd.js';
import wasmModule from '../wasm-full/idjag_bg.wasm';
import { initSync } from '../wasm-full/idjag.js';

initSync({ module: wasmModule });

export * from './server.js';
