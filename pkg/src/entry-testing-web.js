// `idjag/testing` for browsers and bundlers: the full build (verifier + signing), fetched like
// entry-web.js; a page that imports both `idjag` and `idjag/testing` runs one (full) instance.
import * as glue from '../wasm-full/idjag.js';
import { registerFetchedBuild } from './core-web.js';

registerFetchedBuild('full', glue, () => new URL('../wasm-full/idjag_bg.wasm', import.meta.url));

export * from './testing.js';
export { ready } from './core.js';
