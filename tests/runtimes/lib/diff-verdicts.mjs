// Shows where a runtime's verdicts differ from Node's (used by run-all.sh).
//   node tests/runtimes/lib/diff-verdicts.mjs <node.verdicts> <other.verdicts> [max=10]
// Each verdict line is `<task> #<n> <outcome>`; for each differing line it prints the task
// and both outcomes around the first differing character.
import { readFileSync } from 'node:fs';

const [a, b, maxArg] = process.argv.slice(2);
const max = Number(maxArg) || 10;
const read = (f) => {
  try {
    return readFileSync(f, 'utf8').split('\n').filter(Boolean);
  } catch (e) {
    return [`(cannot read ${f}: ${e.code ?? e.message})`];
  }
};
const left = read(a);
const right = read(b);
const clip = (s, at) => {
  const from = Math.max(0, at - 60);
  return `${from > 0 ? '…' : ''}${s.slice(from, at + 100)}${s.length > at + 100 ? '…' : ''}`;
};
let shown = 0;
let differing = 0;
for (let i = 0; i < Math.max(left.length, right.length); i += 1) {
  const l = left[i] ?? '(missing)';
  const r = right[i] ?? '(missing)';
  if (l === r) continue;
  differing += 1;
  if (shown >= max) continue;
  shown += 1;
  let at = 0;
  while (at < l.length && at < r.length && l[at] === r[at]) at += 1;
  const where = / #\d+ /.exec(l) ?? / #\d+ /.exec(r);
  const label = where ? (where.input.slice(0, where.index + where[0].length - 1)) : '';
  console.log(`line ${i + 1}${label ? ` (${label})` : ''}:`);
  console.log(`  node: ${clip(l, at)}`);
  console.log(`  this: ${clip(r, at)}`);
}
console.log(`${differing} of ${Math.max(left.length, right.length)} verdict lines differ (node ${left.length}, this ${right.length})`);
