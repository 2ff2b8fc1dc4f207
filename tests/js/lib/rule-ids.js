// Which rulebook ids (docs/rules.md) the repository cites, and which the rulebook defines.
// Used by tests/js/rules-doc.test.mjs; also a command:
//
//   node tests/js/lib/rule-ids.js            every cited id, where, and the ones docs/rules.md lacks (exit 1)
//   node tests/js/lib/rule-ids.js --json     the same as JSON
//
// An id is a group letter and a number from 1, with an optional lower-case revision letter:
// R20, R5a, C13, O29 (groups: R V S A T C I O X). A token counts as a citation only where people
// cite rules, never in program text:
//   - comments (// /* */ /// //! in JS, TS and Rust; <!-- --> and text in HTML; all of Markdown),
//   - string literals (finding `rule` values, audit `idjag.rule`, `rules: [...]` arrays, test
//     names, vector descriptions, JSON strings),
//   - JS/TS object keys written as the bare id (`R6: '…'` in www/explain.js).
// and only with token boundaries: not inside a word, a number or a base64url/hex run (ES256,
// x5t#S256, A256GCM, P-256, JWT segments, colours are not ids). Ranges such as `R6–R16`, `V2-V8`
// cite every id in between. `policy:<id>` values are enterprise-policy rule names, not ids.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const RULEBOOK = 'docs/rules.md';

/** A whole rule id. */
export const RULE_ID = /^[RVSATCIOX][1-9]\d{0,2}[a-z]?$/;

/** Tokens of the id shape that are names of other things wherever they appear. */
export const NOT_RULE_IDS = new Set(['S256', 'S384', 'S512']);

/** Where citations are looked for (relative to the repository root). */
export const SCAN = ['src', 'pkg/src', 'pkg/index.d.ts', 'pkg/manual.d.ts', 'pkg/server.d.ts', 'pkg/testing.d.ts',
  'pkg/README.md', 'tests', 'www', 'examples', 'docs', 'scripts', 'README.md'];
/**
 * Never scanned: the rulebook itself (its headings define the ids), third-party test data, keys, build outputs,
 * screenshots, and the toolchain matrix's installed packages, lockfile (integrity hashes) and built projects.
 */
export const SKIP = [RULEBOOK, 'tests/wycheproof', 'tests/keys', 'tests/browser/artifacts', 'node_modules', 'target', 'pkg/wasm', 'pkg/dist',
  'tests/toolchains/node_modules', 'tests/toolchains/package-lock.json', 'tests/toolchains/work',
  'docs/api' /* make docs output (TypeDoc), git-ignored */];
const EXTENSIONS = /\.(rs|js|mjs|cjs|ts|mts|cts|json|md|html)$/;

const B = '[RVSATCIOX][1-9]\\d{0,2}[a-z]?';
const BEFORE = '(?<![A-Za-z0-9_#.$@\\\\-])';
const AFTER = '(?![A-Za-z0-9_]|-[A-Za-z0-9])';
const RANGE_RE = new RegExp(`${BEFORE}([RVSATCIOX])([1-9]\\d{0,2})([a-z]?)\\s*[–-]\\s*\\1([1-9]\\d{0,2})([a-z]?)${AFTER}`, 'g');
const SINGLE_RE = new RegExp(`${BEFORE}(${B})${AFTER}`, 'g');
const KEY_RE = new RegExp(`(?<![A-Za-z0-9_$.])(${B})\\s*:(?!:)`, 'g');
// base64url / hex runs (JWT segments, digests, key material): never citations.
const OPAQUE_RE = /[A-Za-z0-9_-]{24,}/g;

/**
 * The ids cited in one piece of citation text. Ranges are expanded.
 * @param {string} text
 * @returns {string[]}
 */
export function idsInText(text) {
  const ids = [];
  let t = text.replace(OPAQUE_RE, (m) => ' '.repeat(m.length));
  t = t.replace(RANGE_RE, (m, group, from, fromRev, to, toRev) => {
    const a = Number(from);
    const b = Number(to);
    // R6–R16 cites R6 … R16; a revision letter at an end cites that id too (R1–R5a: R1 … R5, R5a).
    if (b > a && b - a <= 60) for (let n = a; n <= b; n++) ids.push(`${group}${n}`);
    ids.push(`${group}${from}${fromRev}`, `${group}${to}${toRev}`);
    return ' '.repeat(m.length);
  });
  for (const m of t.matchAll(SINGLE_RE)) ids.push(m[1]);
  return ids.filter((id) => !NOT_RULE_IDS.has(id));
}

/**
 * Splits source text into the spans where rules are cited: comments and string literals of JS,
 * TS, JSON and Rust, plus bare-id object keys in code. Markdown and HTML are citation text
 * throughout. A lexer, not a parser: good enough for the project's own files.
 * @param {string} text
 * @param {'js' | 'rust' | 'json' | 'prose'} lang
 * @returns {Array<{ start: number, text: string }>}
 */
export function citationSpans(text, lang) {
  if (lang === 'prose') return [{ start: 0, text }];
  const spans = [];
  const code = []; // code stretches, for bare-id keys
  let i = 0;
  let codeStart = 0;
  let prev = ''; // previous significant code character (JS regex detection)
  const n = text.length;
  const endCode = (at) => {
    if (at > codeStart) code.push({ start: codeStart, text: text.slice(codeStart, at) });
  };
  while (i < n) {
    const c = text[i];
    const d = text[i + 1];
    if (c === '/' && d === '/') {
      endCode(i);
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? n : end;
      spans.push({ start: i, text: text.slice(i, stop) });
      i = codeStart = stop;
      continue;
    }
    if (c === '/' && d === '*') {
      endCode(i);
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? n : end + 2;
      spans.push({ start: i, text: text.slice(i, stop) });
      i = codeStart = stop;
      continue;
    }
    if (lang === 'rust' && (c === 'r' || c === 'b') && /^(?:br|r|b)?#*"/.test(text.slice(i, i + 8)) && !/[A-Za-z0-9_]/.test(text[i - 1] ?? '')) {
      const m = /^(b?r)(#*)"/.exec(text.slice(i, i + 8));
      if (m) { // raw string r"…", r#"…"#
        endCode(i);
        const close = `"${m[2]}`;
        const from = i + m[0].length;
        const end = text.indexOf(close, from);
        const stop = end === -1 ? n : end + close.length;
        spans.push({ start: from, text: text.slice(from, end === -1 ? n : end) });
        i = codeStart = stop;
        prev = '"';
        continue;
      }
    }
    if (c === '"' || (c === "'" && lang !== 'rust') || (c === '`' && lang === 'js')) {
      endCode(i);
      let j = i + 1;
      while (j < n && text[j] !== c) {
        if (text[j] === '\\') j++;
        else if (text[j] === '\n' && c === "'") break;
        j++;
      }
      spans.push({ start: i + 1, text: text.slice(i + 1, Math.min(j, n)) });
      i = codeStart = Math.min(j + 1, n);
      prev = c;
      continue;
    }
    if (c === "'" && lang === 'rust') {
      // a char literal ('x', '\n', '\u{1F600}'), else a lifetime or label ('a)
      const m = /^'(?:\\u\{[0-9A-Fa-f]+\}|\\.|[^\\'\n])'/.exec(text.slice(i, i + 12));
      i += m ? m[0].length : 1;
      prev = "'";
      continue;
    }
    if (c === '/' && lang === 'js' && (prev === '' || '(,=:[!&|?{};+-*%<>~^'.includes(prev))) {
      // a regular expression literal: skip it (not citation text)
      let j = i + 1;
      let inClass = false;
      while (j < n && text[j] !== '\n') {
        if (text[j] === '\\') j++;
        else if (text[j] === '[') inClass = true;
        else if (text[j] === ']') inClass = false;
        else if (text[j] === '/' && !inClass) break;
        j++;
      }
      if (text[j] === '/') {
        i = j + 1;
        prev = '/';
        continue;
      }
    }
    if (!/\s/.test(c)) prev = c;
    i++;
  }
  endCode(n);
  // Bare-id object keys (`R6: '…'`) are JS/TS only: in Rust `T1: u8` is a binding's type.
  if (lang === 'js') {
    for (const stretch of code) {
      for (const m of stretch.text.matchAll(KEY_RE)) spans.push({ start: stretch.start + m.index, text: m[1] });
    }
  }
  return spans;
}

function langOf(file) {
  if (/\.rs$/.test(file)) return 'rust';
  if (/\.json$/.test(file)) return 'json';
  if (/\.(md|html)$/.test(file)) return 'prose';
  return 'js';
}

/**
 * Every id cited in one file's text, with its line.
 * @param {string} text
 * @param {string} file a path (its extension picks the lexer)
 * @returns {Array<{ id: string, line: number }>}
 */
export function citationsIn(text, file) {
  const out = [];
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') lineStarts.push(i + 1);
  const lineOf = (offset) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  for (const span of citationSpans(text, langOf(file))) {
    // Report each id at the line of the span's line where it occurs.
    const lines = span.text.split('\n');
    let offset = span.start;
    for (const l of lines) {
      for (const id of idsInText(l)) out.push({ id, line: lineOf(offset) });
      offset += l.length + 1;
    }
  }
  return out;
}

/** The files scanned, relative to `root`, sorted. */
export function scannedFiles(root = ROOT) {
  const files = [];
  const skip = new Set(SKIP);
  const walk = (rel) => {
    if (skip.has(rel)) return;
    let st;
    try {
      st = statSync(join(root, rel));
    } catch {
      return;
    }
    if (st.isDirectory()) {
      for (const name of readdirSync(join(root, rel))) walk(rel ? `${rel}/${name}` : name);
    } else if (st.isFile() && EXTENSIONS.test(rel)) {
      files.push(rel);
    }
  };
  for (const p of SCAN) walk(p);
  return [...new Set(files)].sort();
}

/**
 * Every cited id → where it is cited.
 * @param {{ root?: string, files?: string[] }} [options]
 * @returns {Map<string, Array<{ file: string, line: number }>>}
 */
export function citedRuleIds({ root = ROOT, files = scannedFiles(root) } = {}) {
  const cited = new Map();
  for (const file of files) {
    const text = readFileSync(join(root, file), 'utf8');
    for (const { id, line } of citationsIn(text, file)) {
      if (!cited.has(id)) cited.set(id, []);
      cited.get(id).push({ file: file.split(sep).join('/'), line });
    }
  }
  return cited;
}

/**
 * The ids docs/rules.md defines: headings that are exactly an id (`### R20`), or explicit
 * `<a id="R20"></a>` anchors.
 * @param {string} [markdown] the rulebook's text (default: read docs/rules.md)
 * @returns {Set<string>}
 */
export function definedRuleIds(markdown = readFileSync(join(ROOT, RULEBOOK), 'utf8')) {
  const ids = new Set();
  let fenced = false;
  for (const line of markdown.split('\n')) {
    if (/^\s*```/.test(line)) fenced = !fenced;
    if (fenced) continue;
    const h = /^#{2,6}\s+(\S+)\s*$/.exec(line);
    if (h && RULE_ID.test(h[1])) ids.add(h[1]);
    for (const a of line.matchAll(/<a\s+id="([^"]+)"\s*>/g)) if (RULE_ID.test(a[1])) ids.add(a[1]);
  }
  return ids;
}

/**
 * Cited ids the rulebook does not define, each with where it is cited.
 * @param {{ root?: string, files?: string[], markdown?: string }} [options]
 */
export function undefinedCitations({ root = ROOT, files, markdown } = {}) {
  const defined = definedRuleIds(markdown ?? readFileSync(join(root, RULEBOOK), 'utf8'));
  const cited = citedRuleIds({ root, files: files ?? scannedFiles(root) });
  return [...cited].filter(([id]) => !defined.has(id)).map(([id, where]) => ({ id, where }));
}

/** Sorts ids by group letter, then number, then revision letter. */
export function compareIds(a, b) {
  const pa = /^([A-Z])(\d+)([a-z]?)$/.exec(a);
  const pb = /^([A-Z])(\d+)([a-z]?)$/.exec(b);
  return pa[1].localeCompare(pb[1]) || Number(pa[2]) - Number(pb[2]) || pa[3].localeCompare(pb[3]);
}

const isMain = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const cited = citedRuleIds();
  const defined = definedRuleIds();
  const missing = [...cited.keys()].filter((id) => !defined.has(id)).sort(compareIds);
  if (process.argv.includes('--json')) {
    console.log(JSON.stringify({
      cited: Object.fromEntries([...cited].sort(([a], [b]) => compareIds(a, b)).map(([id, w]) => [id, w.map((x) => `${x.file}:${x.line}`)])),
      defined: [...defined].sort(compareIds),
      missing,
    }, null, 2));
  } else {
    for (const id of [...cited.keys()].sort(compareIds)) {
      const where = cited.get(id);
      console.log(`${defined.has(id) ? ' ' : '!'} ${id.padEnd(5)} ${String(where.length).padStart(3)}×  ${where.slice(0, 3).map((w) => `${w.file}:${w.line}`).join(', ')}${where.length > 3 ? ', …' : ''}`);
    }
    console.log(`\n${cited.size} ids cited, ${defined.size} defined in ${RULEBOOK}, ${missing.length} missing${missing.length ? `: ${missing.join(' ')}` : ''}`);
  }
  process.exitCode = missing.length ? 1 : 0;
}
