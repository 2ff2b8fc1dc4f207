// `idjag/embedded` and friends: the wasm bytes travel inside the JavaScript (base64, generated
// by scripts/build.sh into wasm/embedded.js and wasm-full/embedded.js), for toolchains that
// cannot emit or locate a separate .wasm asset (esbuild, Rollup without plugins, iife bundles,
// single-file server bundles). Off a browser's main thread they compile synchronously on first
// use; on a page (Chromium refuses synchronous compilation of more than 4 KB there) they
// compile asynchronously, started at import: `await ready()` before the synchronous APIs.
import { registerBuild } from './core.js';

function bytesOf(base64) {
  if (typeof Buffer === 'function' && typeof Buffer.from === 'function') {
    const b = Buffer.from(base64, 'base64');
    return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  }
  const bin = atob(base64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i += 1) out[i] = bin.charCodeAt(i);
  return out;
}

/** A browser window (main thread): no synchronous compilation of big modules there. */
const onPage = () => typeof window === 'object' && typeof document === 'object';

/**
 * @param {'verifier' | 'full'} build
 * @param {object} glue
 * @param {string} base64
 */
export function registerEmbeddedBuild(build, glue, base64) {
  const where = `embedded ${build} build`;
  if (onPage()) {
    registerBuild(build, glue, {
      where,
      eager: true,
      async: async () => glue.default({ module_or_path: await WebAssembly.compile(bytesOf(base64)) }),
    });
  } else {
    registerBuild(build, glue, { where, sync: () => glue.initSync({ module: bytesOf(base64) }) });
  }
}
