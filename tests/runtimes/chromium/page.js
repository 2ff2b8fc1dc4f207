// Runs the shared vectors against the package's browser entry, loaded with a bare
// `import('idjag')` through the page's import map, and hands the result to the driver
// (run.mjs) as `window.__results`. The import is dynamic only so that a failure to load the
// package (404, wrong MIME type, wasm instantiation error) is reported instead of silently
// leaving the module graph unevaluated.
import { reportLines, runAll } from '../lib/harness.js';

const $ = (id) => document.getElementById(id);

async function main() {
  const idjag = await import('idjag');
  // The browser entry has no top-level await (issue 13): the wasm is fetched from import on,
  // and the synchronous APIs (new IdJagVerifier) need it loaded.
  await idjag.ready();
  const res = await fetch(new URL('../../vectors/grants.json', import.meta.url));
  if (!res.ok) throw new Error(`GET grants.json: ${res.status}`);
  const vectors = await res.json();

  const grid = $('grid');
  const result = await runAll(idjag, vectors, 'chromium', {
    onTask(task, r) {
      const cell = document.createElement('span');
      cell.title = task.name;
      if (r.failures.length) cell.className = 'fail';
      grid.append(cell);
    },
  });
  const resolved = import.meta.resolve('idjag');
  const summary = $('summary');
  summary.textContent = `chromium: ${result.passed} passed, ${result.failed} failed — ${result.checked} steps checked in ${result.ms} ms`;
  summary.className = result.failed === 0 && result.checked > 0 ? 'pass' : 'fail';
  $('meta').textContent = `${navigator.userAgent}\nidjag → ${resolved}\nverdicts sha256 ${result.digest}`;
  $('meta').style.whiteSpace = 'pre-wrap';
  if (result.failures.length) {
    const pre = $('errors');
    pre.hidden = false;
    pre.textContent = reportLines(result).filter((l) => l.startsWith('chromium: FAIL') || l.startsWith('    ')).join('\n');
  }
  return { ...result, resolved };
}

main().then(
  (result) => {
    window.__results = result;
  },
  (e) => {
    $('summary').textContent = 'chromium: harness error';
    $('summary').className = 'fail';
    const pre = $('errors');
    pre.hidden = false;
    pre.textContent = String(e?.stack ?? e);
    window.__results = { error: String(e?.stack ?? e) };
  },
);
