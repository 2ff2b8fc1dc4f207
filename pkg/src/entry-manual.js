// `idjag/manual`: the API without automatic instantiation, for hosts that load the wasm
// themselves. Call `await init(...)` or `initSync({ module })` before the first use.
export { default as init, initSync } from '../wasm/idjag.js';
export * from './api.js';
