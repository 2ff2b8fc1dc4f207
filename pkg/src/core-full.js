// The signing build's instance (pkg/wasm-full): the token endpoint's client registry, the
// access-token issuer and the test issuer.
import * as glue from '../wasm-full/idjag.js';
import { CoreInstance } from './core.js';

export const fullCore = new CoreInstance(glue);
