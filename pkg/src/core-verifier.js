// The verifier build's instance (pkg/wasm), shared by every class of `idjag`.
import * as glue from '../wasm/idjag.js';
import { CoreInstance } from './core.js';

export const verifierCore = new CoreInstance(glue);
