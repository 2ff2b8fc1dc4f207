// Bun: `import 'idjag'` resolves through node_modules (the workspace link) and the `bun`
// export condition.
//   bun tests/runtimes/bun/run.js [--verdicts]
import * as idjag from 'idjag';
import vectors from '../../vectors/grants.json' with { type: 'json' };
import { isGreen, reportLines, runAll } from '../lib/harness.js';

const result = await runAll(idjag, vectors, 'bun');
for (const line of reportLines(result, { verdicts: process.argv.includes('--verdicts'), resolved: import.meta.resolve('idjag') })) {
  console.log(line);
}
process.exitCode = isGreen(result) ? 0 : 1;
