// `idjag/server` for browsers and bundlers: the main entry first (shared JS classes), then
// the full wasm build (verifier + signing), fetched next to the module.
import './entry-web.js';
import init from '../wasm-full/idjag.js';

await init({ module_or_path: new URL('../wasm-full/idjag_bg.wasm', import.meta.url) });

export * from './server.js';
