// `idjag` for Cloudflare workerd / wrangler (condition `workerd` only: a `.wasm` import that
// yields a compiled WebAssembly.Module is workerd's convention, which other worker bundlers —
// webpack `webworker`, esbuild — do not share). Instantiated synchronously on first use.
import wasmModule from '../wasm/idjag_bg.wasm';
import * as glue from '../wasm/idjag.js';
import { registerBuild } from './core.js';

registerBuild('verifier', glue, { where: 'wasm/idjag_bg.wasm', sync: () => glue.initSync({ module: wasmModule }) });

export * from './api.js';
export { ready } from './core.js';
