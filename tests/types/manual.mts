// Type-checks `idjag/manual` (explicit instantiation).
import { init, initSync, IdJagVerifier } from 'idjag/manual';

await init({ module_or_path: new URL('https://cdn.example/idjag_bg.wasm') });
initSync({ module: new Uint8Array(8) });
export const v = IdJagVerifier;
