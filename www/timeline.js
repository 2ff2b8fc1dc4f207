// The grant's iat / nbf / exp against now: a bar with labelled markers (plain DOM + CSS;
// positions are set through the CSSOM, which a strict style-src allows).
import { el } from './dom.js';

/** "45 s", "12 min", "3 h 5 min", "2 d" */
export function duration(sec) {
  const s = Math.abs(Math.round(sec));
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 48 * 3600) {
    const h = Math.floor(s / 3600);
    const m = Math.round((s % 3600) / 60);
    return m ? `${h} h ${m} min` : `${h} h`;
  }
  return `${Math.round(s / 86400)} d`;
}

/** "in 45 s" / "45 s ago" / "now" */
export function relative(t, now) {
  const d = t - now;
  if (Math.abs(d) < 1) return 'now';
  return d > 0 ? `in ${duration(d)}` : `${duration(d)} ago`;
}

/** "2026-01-01 12:00:05 UTC" */
export function utc(t) {
  const d = new Date(t * 1000);
  if (Number.isNaN(d.getTime())) return String(t);
  return `${d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, '')} UTC`;
}

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * Renders the timeline of `claims` at `now` (seconds) into `host`.
 * @param {HTMLElement} host
 * @param {Record<string, unknown>} claims
 * @param {number} now
 */
export function renderTimeline(host, claims, now) {
  host.replaceChildren();
  const iat = num(claims?.iat);
  const nbf = num(claims?.nbf);
  const exp = num(claims?.exp);
  if (iat === undefined && exp === undefined) {
    host.append(el('p', { class: 'hint' }, 'The grant has neither iat nor exp: there is no lifetime to draw (both are required).'));
    return;
  }

  const start = Math.max(...[iat, nbf].filter((v) => v !== undefined)); // valid from
  const end = exp;
  const points = [iat, nbf, exp].filter((v) => v !== undefined);
  let lo = Math.min(...points);
  let hi = Math.max(...points);
  const span = Math.max(hi - lo, 60);
  // Keep `now` on the bar when it is reasonably close; otherwise pin it to an edge with a note.
  let nowEdge = null;
  if (now < lo - span * 1.5) nowEdge = 'left';
  else if (now > hi + span * 1.5) nowEdge = 'right';
  else {
    lo = Math.min(lo, now);
    hi = Math.max(hi, now);
  }
  const pad = Math.max(hi - lo, 60) * 0.08;
  lo -= pad;
  hi += pad;
  const pos = (t) => `${(((t - lo) / (hi - lo)) * 100).toFixed(2)}%`;

  const state =
    exp !== undefined && now >= exp ? 'expired' : start !== undefined && now < start ? 'early' : 'live';

  const bar = el('div', { class: `tl-bar tl-${state}` });
  const track = el('div', { class: 'tl-track' });
  bar.append(track);
  if (end !== undefined && start !== undefined) {
    const win = el('div', { class: 'tl-window' });
    win.style.left = pos(Math.min(start, end));
    win.style.width = `${(((Math.abs(end - start)) / (hi - lo)) * 100).toFixed(2)}%`;
    bar.append(win);
  }

  // Grant markers above the bar. Markers closer than ~12% of the bar share one label (iat and
  // nbf often coincide); every marker keeps its own tick.
  const marks = [['iat', iat], ['nbf', nbf], ['exp', exp]]
    .filter(([, t]) => t !== undefined)
    .sort((a, b) => a[1] - b[1]);
  const clusters = [];
  for (const [name, t] of marks) {
    const last = clusters.at(-1);
    if (last && (t - last.ts.at(-1)) / (hi - lo) < 0.12) {
      last.names.push(name);
      last.ts.push(t);
    } else clusters.push({ names: [name], ts: [t] });
  }
  clusters.forEach((c, i) => {
    const edge = i === 0 && clusters.length > 1 ? 'start' : i === clusters.length - 1 && clusters.length > 1 ? 'end' : 'mid';
    const times = [...new Set(c.ts.map((t) => relative(t, now)))].join(' · ');
    const anchor = edge === 'end' ? c.ts.at(-1) : c.ts[0];
    const mark = el('div', { class: `tl-mark tl-above tl-${edge}` },
      el('span', { class: 'tl-label' }, el('strong', {}, c.names.join(' · ')), el('span', { class: 'tl-time' }, times)));
    mark.style.left = pos(anchor);
    mark.title = c.names.map((n, j) => `${n}: ${utc(c.ts[j])}`).join('\n');
    bar.append(mark);
    for (const t of c.ts) {
      const tick = el('div', { class: 'tl-mark tl-above' }, el('span', { class: 'tl-tick' }));
      tick.style.left = pos(t);
      bar.append(tick);
    }
  });

  let nowText = 'now';
  if (nowEdge === 'right') nowText = `now → ${duration(now - hi + pad)} after exp`;
  if (nowEdge === 'left') nowText = `← now, ${duration(lo + pad - now)} before iat`;
  const nowMark = el('div', { class: `tl-mark tl-below tl-now tl-${nowEdge === 'left' ? 'start' : nowEdge === 'right' ? 'end' : 'mid'}` },
    el('span', { class: 'tl-tick' }),
    el('span', { class: 'tl-label' }, el('strong', {}, nowText)));
  nowMark.style.left = nowEdge === 'left' ? '0%' : nowEdge === 'right' ? '100%' : pos(now);
  bar.append(nowMark);

  // The same facts in words, for everyone (and for screen readers, instead of the drawing).
  const words = [];
  if (iat !== undefined) words.push(`issued ${relative(iat, now)}`);
  if (nbf !== undefined && nbf !== iat) words.push(`valid from ${relative(nbf, now)}`);
  if (exp !== undefined) words.push(`${now >= exp ? 'expired' : 'expires'} ${relative(exp, now)}`);
  if (iat !== undefined && exp !== undefined) words.push(`lifetime ${duration(exp - iat)}${exp - iat > 300 ? ' (over the 300 s default maximum)' : ''}`);
  const status = { expired: 'Expired', early: 'Not yet valid', live: 'Valid now' }[state];
  bar.setAttribute('aria-hidden', 'true');
  host.append(
    el('p', { class: `tl-status tl-status-${state}` }, el('strong', {}, status), ` — ${words.join(', ')}.`),
    bar,
  );
}
