// Browsers (no bundler), bundlers, and any runtime with fetch on the module's URL.
// Top-level await: the module is ready to use once the import resolves.
import init from '../wasm/idjag.js';

await init({ module_or_path: new URL('../wasm/idjag_bg.wasm', import.meta.url) });

export * from './api.js';
