// `idjag/manual`: the API without automatic instantiation, for hosts that load the wasm
// themselves. Call `await init(...)` or `initSync({ module })` before the first use; the
// instance becomes the process's shared one (src/core.js).
import * as glue from '../wasm/idjag.js';
import { ready, registerBuild } from './core.js';
import { verifierCore } from './core-verifier.js';

/** Instantiates the verifier build asynchronously: `{ module_or_path }` as wasm-bindgen takes it. */
export async function init(options) {
  // No argument: the .wasm of the package, next to this module (as wasm-bindgen's default).
  const given = options ?? { module_or_path: new URL('../wasm/idjag_bg.wasm', import.meta.url) };
  registerBuild('verifier', glue, { where: 'idjag/manual init()', async: () => glue.default(given) });
  await ready();
}

/** Instantiates the verifier build synchronously from bytes or a compiled module. */
export function initSync(options) {
  registerBuild('verifier', glue, { where: 'idjag/manual initSync()', sync: () => glue.initSync(options) });
  void verifierCore.generation; // instantiate now: a bad module fails here, not at first use
}

export * from './api.js';
export { ready } from './core.js';
