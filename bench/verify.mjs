// Verify throughput, wasm under Node: IdJagVerifier vs jose (jwtVerify + the same claim checks),
// per algorithm, interleaved in one process. Also writes the tokens and options the native
// timing binary (benches/verify.rs) reads, so native, wasm and jose verify the same grants.
//
//   node bench/verify.mjs --out verify.json --tokens-out tokens.json [--runs 61] [--batch-ms 30]
//
// Method: a pool of distinct grants per algorithm; warm-up; a batch size per algorithm so the
// slower side's batch takes about --batch-ms; then --runs rounds, each running every algorithm
// (round-robin, so load changes hit all alike) as an idjag batch and a jose batch, the order of
// the two alternating between rounds. Reported: median µs/verify of each side over the runs,
// the ratio of the medians (idjag/jose; the target's measure), the median of the per-run paired
// ratios and the ratio of the fastest batches (least disturbed by other load on the machine).
// Before timing, an equivalence check: both sides must accept and refuse the same grants.

import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { IdJagVerifier } from 'idjag';
import { joseVerifier } from './jose-side.mjs';
import {
  ALGS, AUD, CLIENT, ISS, LIFETIME, NOW, RES, mintGrant, verifierOptions, verifyCtx,
} from './scenario.mjs';
import { log, median, round3 } from './stats.mjs';

const { values: args } = parseArgs({
  options: {
    out: { type: 'string' },
    'tokens-out': { type: 'string' },
    runs: { type: 'string', default: '61' },
    'batch-ms': { type: 'string', default: '30' },
    pool: { type: 'string', default: '64' },
  },
});
const RUNS = Number(args.runs);
const BATCH_MS = Number(args['batch-ms']);
const POOL = Number(args.pool);

const options = verifierOptions({ replay: 'reusable' });
const idjag = new IdJagVerifier(options);
const jose = joseVerifier(options);
const ctx = verifyCtx();
const SIDES = { idjag: (t) => idjag.verify(t, ctx), jose: (t) => jose(t, ctx) };

// ---------------------------------------------------------------------------
// Equivalence: the same verdicts on a valid grant and on one defect per check.
// ---------------------------------------------------------------------------
async function outcome(side, token) {
  try {
    const g = await SIDES[side](token);
    return { ok: true, facts: JSON.stringify([g.issuer, g.subject, g.clientId, g.jti, g.scopes, g.resources, g.expiresAt]) };
  } catch {
    return { ok: false };
  }
}

function tamper(token) {
  const i = token.lastIndexOf('.') + 5;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
}

async function equivalence() {
  const cases = [];
  for (const alg of ALGS) {
    const good = await mintGrant(alg);
    cases.push({ id: `${alg} valid`, token: good, accept: true });
    cases.push({ id: `${alg} signature altered`, token: tamper(good), accept: false });
  }
  const alg = 'ES256';
  const defects = [
    ['typ with application/ prefix (R9)', { header: { typ: 'application/oauth-id-jag+jwt' } }, true],
    ['typ JWT (R9)', { header: { typ: 'JWT' } }, false],
    ['kid unknown (R13)', { header: { kid: 'nope' } }, false],
    ['iss untrusted (R17)', { claims: { iss: 'https://evil.example' } }, false],
    ['aud other (R20)', { claims: { aud: 'https://other.example' } }, false],
    ['aud two elements (R20)', { claims: { aud: [AUD, 'https://other.example'] } }, false],
    ['aud one-element array (R20)', { claims: { aud: [AUD] } }, true],
    ['client_id other (R21)', { claims: { client_id: 'someone-else' } }, false],
    ['sub missing (R19)', { claims: { sub: undefined } }, false],
    ['jti missing (R28)', { claims: { jti: undefined } }, false],
    ['expired (R23)', { iat: NOW - 1000 }, false],
    ['iat in the future (R25)', { iat: NOW + 600 }, false],
    ['lifetime over max (R27)', { claims: { exp: NOW + 600 } }, false],
    ['resource missing (R32)', { claims: { resource: undefined } }, false],
    ['resource unregistered (R33)', { claims: { resource: 'https://other.example/mcp' } }, false],
    ['scope lacks the requested one (R35)', { claims: { scope: 'files:write' } }, false],
    ['nbf in the future (R24)', { claims: { nbf: NOW + 600 } }, false],
  ];
  for (const [id, mint, accept] of defects) cases.push({ id: `${alg} ${id}`, token: await mintGrant(alg, mint), accept });
  const rs384 = await mintGrant('RS256', { header: { alg: 'RS384' } }).catch(() => null);
  if (rs384) cases.push({ id: 'alg not allowed (R10)', token: rs384, accept: false });

  const disagreements = [];
  for (const c of cases) {
    const a = await outcome('idjag', c.token);
    const b = await outcome('jose', c.token);
    if (a.ok !== c.accept || b.ok !== c.accept || (a.ok && b.ok && a.facts !== b.facts)) {
      disagreements.push(`${c.id}: expected ${c.accept ? 'accept' : 'refuse'}, idjag ${a.ok ? 'accepted' : 'refused'}, jose ${b.ok ? 'accepted' : 'refused'}${a.ok && b.ok ? ' (facts differ)' : ''}`);
    }
  }
  return { cases: cases.length, disagreements };
}

// ---------------------------------------------------------------------------
// Timing
// ---------------------------------------------------------------------------
async function batch(fn, tokens, n, offset) {
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(tokens[(offset + i) % tokens.length]);
  return (performance.now() - t0) * 1000 / n; // µs per verify
}

async function main() {
  log(`verify: equivalence check`);
  const eq = await equivalence();
  if (eq.disagreements.length > 0) {
    for (const d of eq.disagreements) log(`  DISAGREE ${d}`);
  }
  log(`verify: ${eq.cases - eq.disagreements.length}/${eq.cases} equivalence cases agree`);

  const pools = {};
  for (const alg of ALGS) {
    pools[alg] = [];
    for (let i = 0; i < POOL; i++) pools[alg].push(await mintGrant(alg));
  }
  if (args['tokens-out']) {
    const c = verifyCtx();
    writeFileSync(args['tokens-out'], JSON.stringify({
      options, ctx: { clientId: c.clientId, now: c.now(), scope: c.scope, resource: c.resource }, tokens: pools,
    }));
  }

  // Warm-up (JIT, WebCrypto key import caches, wasm tier-up) and batch sizes.
  const sizes = {};
  for (const alg of ALGS) {
    const per = {};
    for (const side of Object.keys(SIDES)) {
      const until = performance.now() + 300;
      while (performance.now() < until) await batch(SIDES[side], pools[alg], 10, 0);
      per[side] = await batch(SIDES[side], pools[alg], 20, 0);
    }
    sizes[alg] = Math.max(5, Math.round((BATCH_MS * 1000) / Math.max(per.idjag, per.jose)));
  }
  log(`verify: ${RUNS} interleaved runs, batch sizes ${ALGS.map((a) => `${a} ${sizes[a]}`).join(', ')}`);

  const samples = Object.fromEntries(ALGS.map((a) => [a, { idjag: [], jose: [] }]));
  for (let r = 0; r < RUNS; r++) {
    for (const alg of ALGS) {
      const order = r % 2 === 0 ? ['idjag', 'jose'] : ['jose', 'idjag'];
      for (const side of order) samples[alg][side].push(await batch(SIDES[side], pools[alg], sizes[alg], r * sizes[alg]));
    }
  }

  const perAlg = {};
  for (const alg of ALGS) {
    const { idjag: a, jose: b } = samples[alg];
    const ma = median(a);
    const mb = median(b);
    perAlg[alg] = {
      idjagUs: round3(ma),
      joseUs: round3(mb),
      ratio: round3(ma / mb),
      pairedRatio: round3(median(a.map((x, i) => x / b[i]))),
      // Contention only ever adds time: the fastest batches approximate an idle machine.
      idjagBestUs: round3(Math.min(...a)),
      joseBestUs: round3(Math.min(...b)),
      bestRatio: round3(Math.min(...a) / Math.min(...b)),
      batch: sizes[alg],
      runs: RUNS,
    };
    log(`  ${alg}: idjag ${round3(ma)} µs, jose ${round3(mb)} µs, ratio ${round3(ma / mb)}`);
  }
  const result = {
    method: `median µs/verify over ${RUNS} interleaved runs (A,B / B,A batches, algorithms round-robin); `
      + `replay: 'reusable' on idjag and no jti set on jose (replay consumption excluded on both sides); `
      + `ctx.now / currentDate fixed; pool of ${POOL} distinct grants per algorithm; `
      + `jose: jwtVerify over createLocalJWKSet + the same claim checks (bench/jose-side.mjs)`,
    scenario: { issuer: ISS, audience: AUD, resource: RES, clientId: CLIENT, lifetimeSec: LIFETIME, requestScope: ctx.scope },
    equivalence: eq,
    algorithms: perAlg,
  };
  const text = JSON.stringify(result, null, 2);
  if (args.out) writeFileSync(args.out, text);
  else process.stdout.write(`${text}\n`);
}

await main();
