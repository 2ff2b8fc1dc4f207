// Runtime-neutral adapter over tests/js/lib/vectors.js for the cross-runtime harnesses
// (Node reference, Chromium, Deno, Bun, workerd). No imports besides the shared runner, no
// host APIs besides `crypto.subtle` and `structuredClone`, so every runtime loads it as is.
//
//   const result = await runAll(idjag, vectors, 'deno');
//   for (const line of reportLines(result)) console.log(line);
//
// On top of the shared runner's pass/fail (verdict compared with `expect`), it records what
// the package actually returned for every constructor call and every verify step (code,
// oauthError, claim; or the whole verified grant), so run-all.sh can require each runtime to
// produce exactly the Node verdicts, not merely verdicts that satisfy the expectations.
import { vectorTasks } from '../../js/lib/vectors.js';

const show = (v) => {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
};

// Messages are left out on purpose: a JS-engine message could differ between V8 and JSC
// while the verdict is the same.
function describeError(idjag, e) {
  if (e instanceof idjag.IdJagError) return `${e.code} oauthError=${show(e.oauthError)} claim=${show(e.claim)}`;
  return `threw ${e?.name ?? typeof e}`;
}

function describeGrant(g) {
  if (g === null || typeof g !== 'object') return `ok ${show(g)}`;
  const { issuer, subject, clientId, audience, resources, scopes, jti, expiresAt, tenant, header, claims, ...rest } = g;
  return `ok ${show({ issuer, subject, clientId, audience, resources, scopes, jti, expiresAt, tenant, header, claims, rest })}`;
}

// The package's exports with IdJagVerifier wrapped so that every outcome is logged.
function recording(idjag) {
  let log = [];
  class RecordingVerifier {
    #inner;
    constructor(options) {
      try {
        this.#inner = new idjag.IdJagVerifier(options);
      } catch (e) {
        log.push(`new: ${describeError(idjag, e)}`);
        throw e;
      }
      log.push('new: ok');
    }
    async verify(token, ctx) {
      try {
        const grant = await this.#inner.verify(token, ctx);
        log.push(`verify: ${describeGrant(grant)}`);
        return grant;
      } catch (e) {
        log.push(`verify: ${describeError(idjag, e)}`);
        throw e;
      }
    }
  }
  const wrapped = { ...idjag, IdJagVerifier: RecordingVerifier };
  return {
    idjag: wrapped,
    take() {
      const l = log;
      log = [];
      return l;
    },
  };
}

async function sha256Hex(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Runs every task of the vectors file, in order, against `idjag` (the package's exports).
 * Resolves to a plain JSON-able object (so it can cross a page or an HTTP boundary):
 * `{ runtime, total, passed, failed, checked, failures: [{ name, failures }], verdicts, digest, ms }`.
 */
export async function runAll(idjag, vectors, runtime, { onTask } = {}) {
  const started = Date.now();
  if (typeof idjag?.IdJagVerifier !== 'function' || typeof idjag?.IdJagError !== 'function') {
    throw new Error(`${runtime}: the imported package has no IdJagVerifier/IdJagError export`);
  }
  const rec = recording(idjag);
  const tasks = vectorTasks(rec.idjag, vectors);
  const failures = [];
  const verdicts = [];
  let checked = 0;
  let passed = 0;
  for (const t of tasks) {
    let r;
    try {
      r = await t.run();
    } catch (e) {
      r = { checked: 0, failures: [`runner error: ${e?.stack ?? e}`] };
    }
    checked += r.checked;
    if (r.failures.length === 0) passed += 1;
    else failures.push({ name: t.name, failures: r.failures });
    rec.take().forEach((v, i) => verdicts.push(`${t.name} #${i + 1} ${v}`));
    onTask?.(t, r);
  }
  return {
    runtime,
    total: tasks.length,
    passed,
    failed: tasks.length - passed,
    checked,
    failures,
    verdicts,
    digest: await sha256Hex(verdicts.join('\n')),
    ms: Date.now() - started,
  };
}

/** True when the run counts as green: every task passed and at least one step was checked. */
export function isGreen(result) {
  return result.failed === 0 && result.checked > 0 && result.total > 0;
}

/**
 * The lines every runtime prints, the last one being exactly `<runtime>: N passed, M failed`
 * (N, M count tasks: one per case and one per configErrors entry, like the Node runner).
 * With `verdicts: true`, every recorded verdict is printed first, prefixed with `= `.
 */
export function reportLines(result, { verdicts = false, resolved } = {}) {
  const rt = result.runtime;
  const lines = [];
  if (verdicts) for (const v of result.verdicts) lines.push(`= ${v}`);
  for (const f of result.failures) {
    lines.push(`${rt}: FAIL ${f.name}`);
    for (const p of f.failures) lines.push(`    ${p}`);
  }
  if (resolved) lines.push(`${rt}: idjag resolved to ${resolved}`);
  lines.push(`${rt}: checked ${result.checked} steps in ${result.total} tasks (${result.ms} ms)`);
  lines.push(`${rt}: verdicts sha256 ${result.digest} (${result.verdicts.length} outcomes)`);
  if (result.checked === 0) lines.push(`${rt}: ERROR no vector step was checked`);
  lines.push(`${rt}: ${result.passed} passed, ${result.failed} failed`);
  return lines;
}
