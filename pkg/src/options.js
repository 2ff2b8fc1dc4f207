// Options the JS layer owns (issue 13 "Consistency"): every constructor and per-call options
// object is checked the same way, with IdJagError ERR_CONFIG messages that start with the path,
// worded like the core's (src/options_de.rs):
//   options.bogus is not an option of JwksCache (expected one of fetch, now, …)
//   ctx.clientId is required
//   options.timeoutSec must be a positive number, not a string
// and one clock: `now?: () => number` returning epoch SECONDS (like JWT claims and the core),
// in constructor options and per-call options alike (per-call wins).
import { configError } from './errors.js';

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** What a wrong value is, for messages (never the value itself: it could be a secret). */
export function kindOf(v) {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : String(v);
  if (typeof v === 'object') return 'an object';
  if (typeof v === 'function') return 'a function';
  const t = typeof v;
  return /^[aeiou]/.test(t) ? `an ${t}` : `a ${t}`;
}

/** `path.key`, or `path["odd key"]` for a member that is not an identifier. */
export function member(path, key) {
  const k = String(key);
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k)) return `${path}.${k}`;
  return `${path}[${JSON.stringify(k.length > 64 ? `${k.slice(0, 64)}…` : k)}]`;
}

// Checkers: (value) => true when acceptable; `.what` is the "must be …" wording.
const checker = (what, test) => Object.assign(test, { what });
export const is = {
  any: checker('anything', () => true),
  string: checker('a string', (v) => typeof v === 'string'),
  boolean: checker('a boolean', (v) => typeof v === 'boolean'),
  function: checker('a function', (v) => typeof v === 'function'),
  object: checker('an object', isObject),
  array: checker('an array', (v) => Array.isArray(v)),
  stringArray: checker('an array of strings', (v) => Array.isArray(v) && Array.from(v).every((s) => typeof s === 'string')),
  positiveNumber: checker('a positive number', (v) => typeof v === 'number' && Number.isFinite(v) && v > 0),
  positiveInteger: checker('a positive integer', (v) => Number.isSafeInteger(v) && v > 0),
  clock: checker('a function returning epoch seconds', (v) => typeof v === 'function'),
  finiteNumber: checker('a finite number', (v) => typeof v === 'number' && Number.isFinite(v)),
  instance: (cls, what) => checker(what, (v) => v instanceof cls),
  oneOf: (values) => checker(`one of ${values.map((x) => JSON.stringify(x)).join(', ')}`, (v) => values.includes(v)),
};

/**
 * Checks `value` (the options object at `path`) against `spec`: `{ name: checker }`, where a
 * name ending in `!` is required. Members in `passThrough` are left to another checker (the
 * core's options, checked in Rust with the same wording). Undefined members count as absent.
 * Returns `value`. Throws ERR_CONFIG starting with the path.
 *
 * @param {unknown} value
 * @param {string} path e.g. 'options', 'ctx', 'options.audit'
 * @param {string} owner e.g. 'JwksCache', 'verify()'
 * @param {Record<string, Function>} spec
 * @param {{ passThrough?: string[], optional?: boolean, open?: boolean }} [opts] optional: undefined
 *   is `{}`; open: members not in `spec` are another checker's (the core's, same wording)
 */
export function checkOptions(value, path, owner, spec, opts = {}) {
  if (value === undefined && opts.optional) return {};
  if (!isObject(value)) throw configError(`${path} must be an object, not ${kindOf(value)}`);
  const names = new Map();
  for (const key of Object.keys(spec)) {
    const required = key.endsWith('!');
    names.set(required ? key.slice(0, -1) : key, { test: spec[key], required });
  }
  const pass = opts.passThrough ?? [];
  for (const key of Object.keys(value)) {
    if (opts.open || names.has(key) || pass.includes(key)) continue;
    const known = [...names.keys(), ...pass].join(', ');
    throw configError(`${member(path, key)} is not an option of ${owner} (expected one of ${known})`);
  }
  for (const [name, { test, required }] of names) {
    const v = value[name];
    if (v === undefined) {
      if (required) throw configError(`${member(path, name)} is required`);
      continue;
    }
    if (!test(v)) throw configError(`${member(path, name)} must be ${test.what}, not ${kindOf(v)}`);
  }
  return value;
}

/** Larger than any epoch-seconds instant idjag will meet (year 5138): milliseconds. */
const LOOKS_LIKE_MS = 1e11;

export const systemClock = () => Date.now() / 1000;

/**
 * Reads a clock (`now: () => number`, epoch seconds) given at `path` (e.g. 'options.now',
 * 'ctx.now'). Throws ERR_CONFIG when it answers something that is not a finite number, or a
 * value that looks like milliseconds (the classic `now: Date.now` mistake).
 */
export function readClock(now, path) {
  const t = now();
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    throw configError(`${path}() returned ${kindOf(t)}; idjag's clock is a function returning epoch seconds`);
  }
  if (Math.abs(t) > LOOKS_LIKE_MS) {
    throw configError(`${path}() returned ${t}, which looks like milliseconds; idjag's clock is epoch seconds`);
  }
  return t;
}

/**
 * The clock of a call: the per-call `now` (at `callPath`) over the constructor's (at
 * `ctorPath`) over the system clock; read once and checked. Returns epoch seconds.
 */
export function nowSec(callNow, callPath, ctorNow, ctorPath) {
  if (callNow !== undefined) return readClock(callNow, callPath);
  if (ctorNow !== undefined) return readClock(ctorNow, ctorPath);
  return systemClock();
}
