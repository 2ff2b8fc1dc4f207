// Cloudflare workerd / wrangler (conditions `workerd`, `worker`): a `.wasm` import yields a
// compiled WebAssembly.Module (workers cannot compile wasm from bytes at run time).
import wasmModule from '../wasm/idjag_bg.wasm';
import { initSync } from '../wasm/idjag.js';

initSync({ module: wasmModule });

export * from './api.js';
