// Browsers and web workers (no bundler, or a bundler that handles the
// `new URL('…', import.meta.url)` asset pattern: Vite, webpack 5, Parcel): fetch the .wasm
// next to the package's files, without top-level await (iife and es2020 bundles must build).
// The instantiation starts at import; `await ready()` before the synchronous APIs.
import { registerBuild } from './core.js';
import { configError } from './errors.js';

const EMBEDDED_HINT = "bundle 'idjag/embedded' (or 'idjag/server/embedded') instead, which carries the wasm inside the JavaScript";

/**
 * @param {'verifier' | 'full'} build
 * @param {object} glue
 * @param {() => URL} url where the .wasm is (a thunk: an iife bundle has no import.meta.url)
 */
export function registerFetchedBuild(build, glue, url) {
  registerBuild(build, glue, {
    where: `${build} build over fetch`,
    eager: true,
    async: async () => {
      let at;
      try {
        at = url();
      } catch {
        throw configError(`idjag: this bundle has no import.meta.url to locate idjag's wasm; ${EMBEDDED_HINT}`);
      }
      let res;
      try {
        res = await fetch(at);
      } catch (e) {
        throw configError(`idjag: fetching its wasm from ${at} failed (${String(e?.message ?? e).slice(0, 120)}); ${EMBEDDED_HINT}`, e);
      }
      if (!res.ok) throw configError(`idjag: its wasm was not found at ${at} (http ${res.status}); ${EMBEDDED_HINT}`);
      await glue.default({ module_or_path: res });
    },
  });
}
