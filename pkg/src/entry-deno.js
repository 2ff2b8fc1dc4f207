// Deno: a Wasm source-phase import compiles the module at load time and needs no
// --allow-read (reading the file with node:fs or fetch would).
import source wasmModule from '../wasm/idjag_bg.wasm';
import { initSync } from '../wasm/idjag.js';

initSync({ module: wasmModule });

export * from './api.js';
