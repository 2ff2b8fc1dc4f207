// Deno: `import 'idjag'` resolves through node_modules and the `deno` export condition
// (pkg/src/entry-deno.js, a Wasm source-phase import). Runs with NO permissions at all: the
// vectors come in as a JSON module import, the wasm as a module import, so neither needs
// --allow-read; a permission prompt would be a regression (run-all.sh passes --no-prompt).
//   deno run --no-lock --no-prompt tests/runtimes/deno/run.js [--verdicts]
import * as idjag from 'idjag';
import vectors from '../../vectors/grants.json' with { type: 'json' };
import { isGreen, reportLines, runAll } from '../lib/harness.js';

const result = await runAll(idjag, vectors, 'deno');
for (const line of reportLines(result, { verdicts: Deno.args.includes('--verdicts'), resolved: import.meta.resolve('idjag') })) {
  console.log(line);
}
Deno.exitCode = isGreen(result) ? 0 : 1;
