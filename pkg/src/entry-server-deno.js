// `idjag/server` for Deno: the main entry first (shared JS classes), then the full wasm
// build (verifier + signing) by a source-phase import (no --allow-read needed).
import './entry-deno.js';
import source wasmModule from '../wasm-full/idjag_bg.wasm';
import { initSync } from '../wasm-full/idjag.js';

initSync({ module: wasmModule });

export * from './server.js';
