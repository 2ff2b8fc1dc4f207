// `idjag` for browsers (no bundler, or Vite / webpack 5 / Parcel, which emit the asset named by
// `new URL('…', import.meta.url)`) and web workers. No top-level await: the fetch starts at
// import; async APIs just work, `await ready()` before the synchronous ones (constructors,
// inspect). Bundlers that cannot emit the asset (esbuild, Rollup): use 'idjag/embedded'.
import * as glue from '../wasm/idjag.js';
import { registerFetchedBuild } from './core-web.js';

registerFetchedBuild('verifier', glue, () => new URL('../wasm/idjag_bg.wasm', import.meta.url));

export * from './api.js';
export { ready } from './core.js';
