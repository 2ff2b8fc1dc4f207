// Node reference for run-all.sh: the same harness as the other runtimes, loading the package
// the way a Node ESM user does. Its verdicts are the ones every other runtime must reproduce.
//   node tests/runtimes/node/run.mjs [--verdicts]
import { readFileSync } from 'node:fs';
import * as idjag from 'idjag';
import { isGreen, reportLines, runAll } from '../lib/harness.js';

const vectors = JSON.parse(readFileSync(new URL('../../vectors/grants.json', import.meta.url), 'utf8'));
const result = await runAll(idjag, vectors, 'node');
for (const line of reportLines(result, { verdicts: process.argv.includes('--verdicts'), resolved: import.meta.resolve('idjag') })) {
  console.log(line);
}
process.exitCode = isGreen(result) ? 0 : 1;
