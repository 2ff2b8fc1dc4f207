#!/usr/bin/env node
// `npx idjag`: inspect, verify and mint ID-JAG grants from a shell. Uses only the package's
// public API (`idjag`, and `idjag/testing` for mint). The exit code is the verdict (see USAGE).
// A token is never printed back: not in a message, not in an error (design.md).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { IdJagError, IdJagVerifier, JwksCache, inspect } from 'idjag';

const EXIT = { ok: 0, invalid: 1, usage: 2, config: 3 };
const MAX_INPUT_BYTES = 1024 * 1024;

const USAGE = `idjag — look at, check and make ID-JAG grants (Identity Assertion JWT Authorization Grants)

Usage:
  idjag inspect [--audience <url>] [--client-id <id>] [--resource <uri>] [--json] <token | ->
  idjag verify --issuer <url> (--jwks-uri <url> | --jwks-file <path>) --audience <url>
               --client-id <id> [--resource <uri>]... [--scope <scopes>] [--json] <token | ->
  idjag mint --audience <url> --client-id <id> [--issuer <url>] [--sub <subject>]
             [--scope <scopes>] [--resource <uri>]... [--lifetime-sec <n>] [--tenant <t>] [--jwks] [--json]
  idjag --help | --version

  <token> is the compact JWS; "-" reads it from standard input.

Commands:
  inspect   Decode a grant WITHOUT checking its signature and lint it: header, claims, findings
            (each with the rule id of docs/rules.md), lifetime (iat -> exp, time left or expired
            since). --audience / --client-id / --resource add findings when the grant differs.
  verify    Verify a grant as an authorization server would (IdJagVerifier): signature against the
            issuer's keys (--jwks-uri, fetched once with JwksCache, or --jwks-file), typ, alg, iss,
            aud, client_id, exp/nbf/iat, lifetime, resource, scope. Prints the verified grant, or
            the error code and reason. Replay is not checked (one process, one verification).
            Without --resource the grant's resource is not required.
  mint      Mint a TEST grant with idjag/testing's TestIssuer (a throwaway key, generated for
            this run; never for production). --jwks also prints the issuer's public JWK Set on a
            second line (with --json: {"grant", "jwks"}), for "verify --jwks-file".
            Defaults: --issuer https://idp.example, --sub test-user, --lifetime-sec 60.

Options:
  --json        machine-readable JSON on standard output
  -h, --help    this text
  -v, --version the package version

Output is coloured on a terminal only; NO_COLOR (https://no-color.org) turns colour off.

Exit codes:
  0  inspect: decoded, no error finding; verify: the grant is valid; mint: minted
  1  inspect: a finding of severity error (or not a JWT); verify: the grant is invalid
  2  usage error: an unknown option, a missing or malformed argument
  3  configuration or environment error: invalid verifier options (ERR_CONFIG), an unreadable
     --jwks-file, a --jwks-uri that does not serve a usable JWK Set, empty standard input
  70 internal error (a bug: please report it)
`;

class UsageError extends Error {}
class ConfigError extends Error {}

const COMMANDS = {
  inspect: {
    audience: { type: 'string' },
    'client-id': { type: 'string' },
    resource: { type: 'string' },
    json: { type: 'boolean' },
  },
  verify: {
    issuer: { type: 'string' },
    'jwks-uri': { type: 'string' },
    'jwks-file': { type: 'string' },
    audience: { type: 'string' },
    'client-id': { type: 'string' },
    resource: { type: 'string', multiple: true },
    scope: { type: 'string' },
    json: { type: 'boolean' },
  },
  mint: {
    issuer: { type: 'string' },
    audience: { type: 'string' },
    'client-id': { type: 'string' },
    sub: { type: 'string' },
    scope: { type: 'string' },
    resource: { type: 'string', multiple: true },
    'lifetime-sec': { type: 'string' },
    tenant: { type: 'string' },
    jwks: { type: 'boolean' },
    json: { type: 'boolean' },
  },
};
const COMMON = { help: { type: 'boolean', short: 'h' }, version: { type: 'boolean', short: 'v' } };

// ---------------------------------------------------------------------------------------------
// Colour: a terminal only, and never with NO_COLOR set to anything non-empty (no-color.org).

function colours(stream) {
  const noColor = process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '';
  const force = process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== '0' && process.env.FORCE_COLOR !== '';
  const on = !noColor && (force || stream.isTTY === true);
  const wrap = (code) => (s) => (on ? `\x1b[${code}m${s}\x1b[0m` : String(s));
  return { red: wrap('31'), green: wrap('32'), yellow: wrap('33'), cyan: wrap('36'), dim: wrap('2'), bold: wrap('1') };
}
const c = colours(process.stdout);
const cErr = colours(process.stderr);

// ---------------------------------------------------------------------------------------------

async function main(argv) {
  const first = argv.find((a) => !a.startsWith('-'));
  const command = first !== undefined && Object.hasOwn(COMMANDS, first) ? first : null;
  if (first !== undefined && command === null && argv.indexOf(first) === 0) {
    // Not a command name. Never quote it: it may be a token pasted in the wrong place.
    throw new UsageError('unknown command (expected inspect, verify or mint)');
  }
  const args = command ? argv.filter((a, i) => i !== argv.indexOf(command)) : argv;
  let parsed;
  try {
    parsed = parseArgs({ args, options: { ...COMMON, ...(command ? COMMANDS[command] : {}) }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(parseArgsMessage(e));
  }
  const { values, positionals } = parsed;
  if (values.help) return void process.stdout.write(USAGE);
  if (values.version) return void process.stdout.write(`${version()}\n`);
  if (!command) throw new UsageError('a command is required (inspect, verify or mint)');
  if (command === 'mint') {
    if (positionals.length) throw new UsageError('mint takes no positional argument');
    return mint(values);
  }
  if (positionals.length !== 1) throw new UsageError(`${command} takes exactly one token (or - for standard input)`);
  const token = positionals[0] === '-' ? await readStdin() : positionals[0].trim();
  return command === 'inspect' ? inspectCommand(token, values) : verifyCommand(token, values);
}

// parseArgs messages quote the offending argument, which may be a token: say what, not which.
function parseArgsMessage(e) {
  const arg = /'(-[^'\s]{0,40})/.exec(String(e?.message ?? ''))?.[1];
  switch (e?.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return arg && !arg.includes('.') ? `unknown option ${arg}` : 'unknown option';
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return arg ? `option ${arg.split(/[ =]/)[0]} needs a value` : 'an option is missing its value';
    default:
      return 'invalid arguments';
  }
}

function version() {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));
  return pkg.version;
}

async function readStdin() {
  const chunks = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += chunk.length;
    if (size > MAX_INPUT_BYTES) throw new UsageError(`standard input is larger than ${MAX_INPUT_BYTES} bytes`);
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') throw new ConfigError('standard input is empty: expected a token');
  return text;
}

// ---------------------------------------------------------------------------------------------
// inspect

function inspectCommand(token, values) {
  const expect = {};
  if (values.audience !== undefined) expect.audience = values.audience;
  if (values['client-id'] !== undefined) expect.clientId = values['client-id'];
  if (values.resource !== undefined) expect.resource = values.resource;
  const now = new Date();
  const result = inspect(token, expect);
  const lifetime = lifetimeOf(result.claims, now);
  const bad = result.header === null || result.findings.some((f) => f.severity === 'error');
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ header: result.header, claims: result.claims, findings: result.findings, lifetime }, null, 2)}\n`);
  } else {
    const out = [];
    out.push(c.bold('ID-JAG (decoded, NOT verified)'));
    if (result.header) {
      out.push(c.cyan('header'), indentJson(result.header));
      out.push(c.cyan('claims'), indentJson(result.claims ?? {}));
    } else {
      out.push(c.red('not a decodable JWT'));
    }
    if (lifetime) out.push(c.cyan('lifetime'), `  ${lifetimeLine(lifetime)}`);
    out.push(c.cyan(`findings (${result.findings.length})`));
    if (result.findings.length === 0) out.push(c.dim('  none'));
    for (const f of result.findings) {
      const sev = { error: c.red, warning: c.yellow, info: c.dim }[f.severity] ?? String;
      out.push(`  ${sev(f.severity.padEnd(7))} ${c.bold(String(f.rule).padEnd(4))} ${f.code}: ${f.message}${f.claim ? c.dim(` (${f.claim})`) : ''}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
  }
  return bad ? EXIT.invalid : EXIT.ok;
}

const isNum = (v) => typeof v === 'number' && Number.isFinite(v);

function lifetimeOf(claims, now) {
  if (claims === null || typeof claims !== 'object') return null;
  const { iat, exp, nbf } = claims;
  if (!isNum(iat) && !isNum(exp)) return null;
  const nowSec = Math.floor(now.getTime() / 1000);
  const out = { now: nowSec };
  if (isNum(iat)) out.issuedAt = iat;
  if (isNum(nbf)) out.notBefore = nbf;
  if (isNum(exp)) {
    out.expiresAt = exp;
    out.expired = nowSec >= exp;
    if (out.expired) out.expiredSinceSec = nowSec - exp;
    else out.remainingSec = exp - nowSec;
  }
  if (isNum(iat) && isNum(exp)) out.lifetimeSec = exp - iat;
  return out;
}

const iso = (sec) => {
  const d = new Date(sec * 1000);
  return Number.isNaN(d.getTime()) ? String(sec) : d.toISOString().replace('.000Z', 'Z');
};

function duration(sec) {
  const s = Math.abs(Math.round(sec));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.floor(s / 60)} min ${s % 60} s`;
  if (s < 172800) return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
  return `${Math.floor(s / 86400)} d`;
}

function lifetimeLine(l) {
  const from = l.issuedAt !== undefined ? iso(l.issuedAt) : '?';
  const to = l.expiresAt !== undefined ? iso(l.expiresAt) : '?';
  let line = `${from} -> ${to}`;
  if (l.lifetimeSec !== undefined) line += c.dim(` (${duration(l.lifetimeSec)})`);
  if (l.expired === true) line += `, ${c.red(`expired ${duration(l.expiredSinceSec)} ago`)}`;
  else if (l.expired === false) line += `, ${c.green(`${duration(l.remainingSec)} left`)}`;
  return line;
}

function indentJson(v) {
  return JSON.stringify(v, null, 2).split('\n').map((l) => `  ${l}`).join('\n');
}

// ---------------------------------------------------------------------------------------------
// verify

function required(values, names, command) {
  const missing = names.filter((n) => values[n] === undefined || values[n] === '');
  if (missing.length) throw new UsageError(`${command} needs ${missing.map((n) => `--${n}`).join(', ')}`);
}

async function verifyCommand(token, values) {
  required(values, ['issuer', 'audience', 'client-id'], 'verify');
  if ((values['jwks-uri'] === undefined) === (values['jwks-file'] === undefined)) {
    throw new UsageError('verify needs exactly one of --jwks-uri and --jwks-file');
  }
  const issuer = { issuer: values.issuer };
  let jwksCache;
  if (values['jwks-file'] !== undefined) {
    let text;
    try {
      text = readFileSync(values['jwks-file'], 'utf8');
    } catch (e) {
      throw new ConfigError(`cannot read --jwks-file: ${e.code ?? 'error'}`);
    }
    try {
      issuer.jwks = JSON.parse(text);
    } catch {
      throw new ConfigError('--jwks-file is not JSON');
    }
  } else {
    // Fetched here first, so an unreachable or unusable jwks_uri is a configuration error (3),
    // not a verdict on the grant; the verifier then reads the same cache.
    jwksCache = new JwksCache();
    try {
      await jwksCache.get(values['jwks-uri']);
    } catch (e) {
      throw new ConfigError(`cannot load --jwks-uri: ${String(e?.message ?? e).slice(0, 200)}`);
    }
    issuer.jwksUri = values['jwks-uri'];
  }
  const resources = values.resource ?? [];
  let verifier;
  try {
    verifier = new IdJagVerifier({
      audience: values.audience,
      issuers: [issuer],
      ...(resources.length ? { resources } : { requireResource: false }),
      replay: 'reusable', // one process, one verification: a replay store would say nothing
      ...(jwksCache ? { jwksCache } : {}),
    });
  } catch (e) {
    if (e instanceof IdJagError) throw new ConfigError(`${e.code}: ${e.message}`);
    throw e;
  }
  let grant;
  try {
    grant = await verifier.verify(token, { clientId: values['client-id'], ...(values.scope !== undefined ? { scope: values.scope } : {}) });
  } catch (e) {
    if (!(e instanceof IdJagError)) throw e;
    if (values.json) {
      const out = { valid: false, code: e.code, oauthError: e.oauthError, message: e.message };
      if (e.claim !== undefined) out.claim = e.claim;
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      process.stdout.write(`${c.red(c.bold('invalid'))} ${c.bold(e.code)}${e.oauthError ? c.dim(` (${e.oauthError})`) : ''}: ${e.message}${e.claim ? c.dim(` [claim ${e.claim}]`) : ''}\n`);
    }
    return EXIT.invalid;
  }
  const nowSec = Math.floor(Date.now() / 1000);
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ valid: true, grant }, null, 2)}\n`);
  } else {
    const rows = [
      ['issuer', grant.issuer], ['subject', grant.subject], ['client', grant.clientId], ['audience', grant.audience],
      ['resources', grant.resources.join(' ') || '-'], ['scopes', grant.scopes.join(' ') || '-'], ['jti', grant.jti],
      ...(grant.tenant !== undefined ? [['tenant', grant.tenant]] : []),
      ['expires', `${iso(grant.expiresAt)} (${grant.expiresAt > nowSec ? `${duration(grant.expiresAt - nowSec)} left` : 'now'})`],
    ];
    process.stdout.write(`${c.green(c.bold('valid'))} ID-JAG\n${rows.map(([k, v]) => `  ${c.cyan(k.padEnd(10))} ${v}`).join('\n')}\n`);
  }
  return EXIT.ok;
}

// ---------------------------------------------------------------------------------------------
// mint

async function mint(values) {
  required(values, ['audience', 'client-id'], 'mint');
  let lifetimeSec;
  if (values['lifetime-sec'] !== undefined) {
    if (!/^[0-9]{1,9}$/.test(values['lifetime-sec'])) throw new UsageError('--lifetime-sec must be a whole number of seconds');
    lifetimeSec = Number(values['lifetime-sec']);
  }
  const { TestIssuer } = await import('idjag/testing');
  let idp;
  let grant;
  try {
    idp = new TestIssuer({ issuer: values.issuer ?? 'https://idp.example' });
    const resources = values.resource ?? [];
    grant = idp.mint({
      audience: values.audience,
      clientId: values['client-id'],
      subject: values.sub ?? 'test-user',
      ...(resources.length ? { resource: resources.length === 1 ? resources[0] : resources } : {}),
      ...(values.scope !== undefined ? { scope: values.scope } : {}),
      ...(lifetimeSec !== undefined ? { lifetimeSec } : {}),
      ...(values.tenant !== undefined ? { tenant: values.tenant } : {}),
    });
  } catch (e) {
    if (e instanceof IdJagError || e instanceof TypeError) throw new ConfigError(`${e.code ?? 'error'}: ${e.message}`);
    throw e;
  }
  if (values.json) {
    process.stdout.write(`${JSON.stringify({ grant, ...(values.jwks ? { jwks: idp.jwks() } : {}) }, null, 2)}\n`);
  } else {
    process.stdout.write(`${grant}\n`);
    if (values.jwks) process.stdout.write(`${JSON.stringify(idp.jwks())}\n`);
  }
  return EXIT.ok;
}

// ---------------------------------------------------------------------------------------------

try {
  process.exitCode = (await main(process.argv.slice(2))) ?? EXIT.ok;
} catch (e) {
  if (e instanceof UsageError) {
    process.stderr.write(`${cErr.red('idjag:')} ${e.message}\n${cErr.dim('Run "idjag --help" for usage.')}\n`);
    process.exitCode = EXIT.usage;
  } else if (e instanceof ConfigError) {
    process.stderr.write(`${cErr.red('idjag:')} ${e.message}\n`);
    process.exitCode = EXIT.config;
  } else if (e instanceof IdJagError && e.code === 'ERR_CONFIG') {
    process.stderr.write(`${cErr.red('idjag:')} ${e.code}: ${e.message}\n`);
    process.exitCode = EXIT.config;
  } else {
    // Unexpected: the class and code only, never a message that could quote the input.
    process.stderr.write(`${cErr.red('idjag: internal error')} ${e?.name ?? 'Error'}${e?.code ? ` ${e.code}` : ''}\n`);
    process.exitCode = 70;
  }
}
