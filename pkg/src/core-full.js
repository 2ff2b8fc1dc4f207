// The shared wasm instance as the signing classes see it (idjag/server, idjag/testing): always
// the full build (pkg/wasm-full). In Node, Bun and Deno it is the one instance of the process;
// see src/core.js "Loading" for the browser case.
import { coreHandle } from './core.js';
import { glueClass, glueFunction } from './core-verifier.js';

export const fullCore = coreHandle('full');

export const WasmTestIssuer = glueClass(fullCore, 'WasmTestIssuer');
export const WasmAccessTokenIssuer = glueClass(fullCore, 'WasmAccessTokenIssuer');
export const WasmTokenEndpoint = glueClass(fullCore, 'WasmTokenEndpoint');
export const testVariants = glueFunction(fullCore, 'testVariants');
export const maxBodyBytes = glueFunction(fullCore, 'maxBodyBytes');
