// The full build for Node and Bun (`import` and `require`, and the CJS bundles in dist/): read
// from the package's wasm-full/ folder and compiled synchronously on first use (src/core.js).
//
// When idjag was bundled into a server bundle (esbuild/webpack/Rollup with platform node), the
// module's URL is the bundle's, not the package's; the file is then looked for, in order:
//   1. ../wasm-full/idjag_bg.wasm from this module (the package layout; dist/*.cjs too);
//   2. idjag_full_bg.wasm next to the module or bundle (copy it there);
//   3. node_modules/idjag/wasm-full/idjag_bg.wasm in the bundle's folder or any above it, then
//      likewise from the working directory (a deployment that kept node_modules).
// If none exists the first use fails with ERR_CONFIG naming the recipes (README "Bundlers").
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as glue from '../wasm-full/idjag.js';
import { registerBuild } from './core.js';
import { configError } from './errors.js';

/** This module's URL: import.meta.url, or in a CommonJS bundle (no import.meta) __filename. */
function here() {
  const url = import.meta.url;
  if (typeof url === 'string' && url.startsWith('file:')) return url;
  // eslint-disable-next-line no-undef
  if (typeof __filename === 'string') return pathToFileURL(__filename).href;
  return null;
}

function locate() {
  const base = here();
  // The literal `new URL('…', import.meta.url)` first: webpack (target node) emits the file
  // next to its bundle and rewrites this URL to it.
  const candidates = [() => new URL('../wasm-full/idjag_bg.wasm', import.meta.url)];
  if (base) {
    candidates.push(() => new URL('../wasm-full/idjag_bg.wasm', base));
    candidates.push(() => new URL('./idjag_full_bg.wasm', base));
  }
  // node_modules/idjag above the bundle or the working directory, found the way Node's resolver
  // walks up (by hand: a require.resolve here would make webpack bundle the .wasm as a module).
  const roots = [...new Set([base ? dirname(fileURLToPath(base)) : null, process.cwd()].filter(Boolean))];
  for (const start of roots) {
    for (let dir = start; dir; dir = dirname(dir) === dir ? null : dirname(dir)) {
      candidates.push(() => join(dir, 'node_modules', 'idjag', 'wasm-full', 'idjag_bg.wasm'));
    }
  }
  for (const c of candidates) {
    try {
      const at = c();
      if (existsSync(at)) return at;
    } catch {
      // no import.meta.url (a CommonJS bundle): the next candidate
    }
  }
  const near = base ? fileURLToPath(new URL('.', base)) : '(unknown: no import.meta.url or __filename)';
  throw configError(
    `idjag: its wasm file was not found (next to ${near}, nor in node_modules/idjag above it or above ${process.cwd()}). ` +
      "In a server bundle, import 'idjag/embedded' (or 'idjag/server/embedded'), keep idjag external " +
      '(esbuild --packages=external), or copy node_modules/idjag/wasm-full/idjag_bg.wasm next to the bundle as idjag_full_bg.wasm',
  );
}

export function registerNodeBuild() {
  registerBuild('full', glue, {
    where: 'wasm-full/idjag_bg.wasm',
    sync: () => glue.initSync({ module: readFileSync(locate()) }),
  });
}
