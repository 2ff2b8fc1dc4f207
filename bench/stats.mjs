// ---------------------------------------------------------------------------
// Statistics and formatting
// ---------------------------------------------------------------------------

export function quantile(values, q) {
  if (values.length === 0) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return s[lo] + (s[hi] - s[lo]) * (pos - lo);
}
export const median = (values) => quantile(values, 0.5);

/** Round to 3 significant digits (enough for noisy timings, keeps the JSON readable). */
export function round3(x) {
  if (!Number.isFinite(x) || x === 0) return x;
  const d = 3 - Math.ceil(Math.log10(Math.abs(x)));
  const f = 10 ** Math.max(0, d);
  return Math.round(x * f) / f;
}

export const log = (...a) => process.stderr.write(`[bench] ${a.join(' ')}\n`);
