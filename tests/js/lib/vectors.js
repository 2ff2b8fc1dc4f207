// Runtime-neutral runner for tests/vectors/grants.json (format: docs/internals.md).
// No imports at all: it takes the package's exports (`idjag`) and the parsed vectors and
// returns results, so Node (ESM and CJS), browsers, Deno, Bun and workerd share it.
//
//   const { checked, failures } = await runVectors(idjag, vectors);
//
// Each case runs its steps in order against ONE fresh verifier built from its config.

/** Compares two arrays as sets (order and duplicates ignored). */
function sameSet(a, b) {
  if (!Array.isArray(a) || !Array.isArray(b)) return false;
  const sa = new Set(a);
  const sb = new Set(b);
  return sa.size === sb.size && [...sa].every((x) => sb.has(x));
}

const show = (v) => {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
};

/** Checks what a refusal threw against `expect`; returns a list of problems. */
function checkError(idjag, err, expect, token) {
  const problems = [];
  if (!(err instanceof idjag.IdJagError)) {
    problems.push(`threw ${err?.name ?? typeof err} (${err?.message ?? show(err)}), not an IdJagError`);
    return problems;
  }
  if (!(err instanceof Error)) problems.push('IdJagError is not an instance of Error');
  if (err.name !== 'IdJagError') problems.push(`name ${show(err.name)}, expected "IdJagError"`);
  if (!idjag.ERROR_CODES.includes(err.code)) problems.push(`code ${show(err.code)} is not in ERROR_CODES`);
  if ('code' in expect && err.code !== expect.code) problems.push(`code ${err.code}, expected ${expect.code} (${err.message})`);
  if ('oauthError' in expect && err.oauthError !== expect.oauthError) {
    problems.push(`oauthError ${show(err.oauthError)}, expected ${show(expect.oauthError)}`);
  }
  if ('claim' in expect && err.claim !== expect.claim) problems.push(`claim ${show(err.claim)}, expected ${show(expect.claim)}`);
  if (typeof err.message !== 'string' || err.message.length === 0) problems.push('empty message');
  // design.md: messages never echo the token.
  if (typeof token === 'string' && token.length >= 16 && err.message.includes(token)) problems.push('message echoes the token');
  return problems;
}

/** Checks a verified grant against `expect` (ok: true); returns a list of problems. */
function checkGrant(grant, expect) {
  const problems = [];
  if (grant === null || typeof grant !== 'object') return [`resolved to ${show(grant)}, not a grant object`];
  for (const k of ['issuer', 'subject', 'clientId', 'audience', 'jti']) {
    if (typeof grant[k] !== 'string') problems.push(`grant.${k} is ${show(grant[k])}, not a string`);
  }
  for (const k of ['resources', 'scopes']) {
    if (!Array.isArray(grant[k])) problems.push(`grant.${k} is ${show(grant[k])}, not an array`);
  }
  if (typeof grant.expiresAt !== 'number') problems.push(`grant.expiresAt is ${show(grant.expiresAt)}, not a number`);
  if ('replayKey' in grant || 'replayUntil' in grant) problems.push('grant leaks replayKey/replayUntil');
  if ('subject' in expect && grant.subject !== expect.subject) problems.push(`subject ${show(grant.subject)}, expected ${show(expect.subject)}`);
  if ('tenant' in expect && grant.tenant !== expect.tenant) problems.push(`tenant ${show(grant.tenant)}, expected ${show(expect.tenant)}`);
  for (const k of ['scopes', 'resources']) {
    if (k in expect && !sameSet(grant[k], expect[k])) problems.push(`${k} ${show(grant[k])}, expected ${show(expect[k])}`);
  }
  return problems;
}

function toCtx(ctx = {}) {
  const { now, ...rest } = ctx;
  return now === undefined ? rest : { ...rest, now: () => now };
}

/**
 * The vectors as a list of independent tasks, one per case and one per configErrors entry.
 * `task.run()` resolves to `{ checked, failures }` where `checked` counts the steps whose
 * verdict was compared and `failures` lists readable problems (empty when all passed).
 */
export function vectorTasks(idjag, vectors) {
  if (vectors === null || typeof vectors !== 'object') throw new Error('vectors: not an object');
  if (vectors.version !== 1) throw new Error(`vectors: unsupported version ${show(vectors.version)}`);
  const configs = vectors.configs ?? {};
  const tasks = [];

  for (const c of vectors.cases ?? []) {
    tasks.push({
      name: `${c.id}${c.rules?.length ? ` [${c.rules.join(',')}]` : ''}`,
      kind: 'case',
      async run() {
        const failures = [];
        let checked = 0;
        const config = configs[c.config];
        if (config === undefined) return { checked, failures: [`unknown config ${show(c.config)}`] };
        if (!Array.isArray(c.steps) || c.steps.length === 0) return { checked, failures: ['case has no steps'] };
        let verifier;
        try {
          verifier = new idjag.IdJagVerifier(structuredClone(config));
        } catch (e) {
          return { checked, failures: [`config ${c.config} refused: ${e?.code ?? ''} ${e?.message ?? show(e)}`] };
        }
        for (const [i, step] of c.steps.entries()) {
          const where = `step ${i + 1}/${c.steps.length}`;
          const expect = step.expect ?? {};
          let grant;
          let err;
          let threw = false;
          try {
            grant = await verifier.verify(step.token, toCtx(step.ctx));
          } catch (e) {
            threw = true;
            err = e;
          }
          checked += 1;
          let problems;
          if (expect.ok === true) {
            problems = threw ? [`refused with ${err?.code ?? err?.name} (${err?.message}), expected ok`] : checkGrant(grant, expect);
          } else if (expect.ok === false) {
            problems = threw ? checkError(idjag, err, expect, step.token) : [`accepted, expected ${expect.code}`];
          } else {
            problems = ['expect.ok is neither true nor false'];
          }
          for (const p of problems) failures.push(`${where}: ${p}`);
        }
        return { checked, failures };
      },
    });
  }

  for (const c of vectors.configErrors ?? []) {
    tasks.push({
      name: `config: ${c.id}`,
      kind: 'configError',
      async run() {
        const expect = c.expect ?? {};
        try {
          new idjag.IdJagVerifier(structuredClone(c.options));
        } catch (e) {
          return { checked: 1, failures: checkError(idjag, e, expect, undefined) };
        }
        return { checked: 1, failures: [`options accepted, expected ${expect.code}`] };
      },
    });
  }
  return tasks;
}

/**
 * Runs every task. Resolves to `{ checked, total, failures: [{ name, failures }] }`;
 * the caller decides how to report (and must treat `checked === 0` as a failure).
 */
export async function runVectors(idjag, vectors, { onResult } = {}) {
  const tasks = vectorTasks(idjag, vectors);
  let checked = 0;
  const failed = [];
  for (const t of tasks) {
    let r;
    try {
      r = await t.run();
    } catch (e) {
      r = { checked: 0, failures: [`runner error: ${e?.stack ?? e}`] };
    }
    checked += r.checked;
    if (r.failures.length) failed.push({ name: t.name, failures: r.failures });
    onResult?.(t, r);
  }
  return { checked, total: tasks.length, failures: failed };
}
