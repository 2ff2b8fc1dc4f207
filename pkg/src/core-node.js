// The full build for Node and Bun (`import` and `require`, and the CJS bundles in dist/): read
// from the package's wasm-full/ folder and compiled synchronously on first use (src/core.js).
//
// When idjag was bundled into a server bundle (esbuild/webpack/Rollup with platform node), the
// module's URL is the bundle's, not the package's; the file is then looked for, in order:
//   1. ../wasm-full/idjag_bg.wasm from this module (the package layout; dist/*.cjs too);
//   2. idjag_full_bg.wasm next to the module or bundle (copy it there);
//   3. `idjag/idjag_full_bg.wasm` resolved from the bundle's folder (node_modules kept).
// If none exists the first use fails with ERR_CONFIG naming the recipes (README "Bundlers").
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
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
  const tried = [];
  const candidates = [];
  if (base) {
    candidates.push(() => new URL('../wasm-full/idjag_bg.wasm', base));
    candidates.push(() => new URL('./idjag_full_bg.wasm', base));
  }
  candidates.push(() => createRequire(base ?? pathToFileURL(`${process.cwd()}/`).href).resolve('idjag/idjag_full_bg.wasm'));
  for (const c of candidates) {
    let at;
    try {
      at = c();
    } catch {
      continue;
    }
    tried.push(String(at));
    if (existsSync(at)) return at;
  }
  throw configError(
    `idjag: its wasm file was not found (looked at ${tried.join(', ')}). In a server bundle, import 'idjag/embedded' ` +
      "(or 'idjag/server/embedded'), keep idjag external (esbuild --packages=external), or copy " +
      'node_modules/idjag/wasm-full/idjag_bg.wasm next to the bundle as idjag_full_bg.wasm',
  );
}

export function registerNodeBuild() {
  registerBuild('full', glue, {
    where: 'wasm-full/idjag_bg.wasm',
    sync: () => glue.initSync({ module: readFileSync(locate()) }),
  });
}
