// docs/rules.md defines every rule id the repository cites (issue 11): code and test comments,
// finding `rule` values (src/grant/inspect.rs), audit `idjag.rule` values, the vectors' `rules` arrays,
// the Inspector's explanations. The extraction is tests/js/lib/rule-ids.js (also a command:
// `node tests/js/lib/rule-ids.js` lists what is cited where and what is missing).
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  ROOT, RULEBOOK, RULE_ID, citationSpans, citationsIn, citedRuleIds, compareIds, definedRuleIds, idsInText,
  scannedFiles, undefinedCitations,
} from './lib/rule-ids.js';
import { githubSlug, headingId, renderRulebook } from '../../scripts/rules-html.mjs';

const rulebook = readFileSync(join(ROOT, RULEBOOK), 'utf8');
const defined = definedRuleIds(rulebook);
const read = (rel) => readFileSync(join(ROOT, rel), 'utf8');
const missingFrom = (ids) => [...new Set(ids)].filter((id) => !defined.has(id)).sort(compareIds);

describe('docs/rules.md defines every cited rule id', () => {
  test('the rulebook defines the ids of every group, once each', () => {
    const headings = [...rulebook.matchAll(/^#{2,6}\s+(\S+)\s*$/gm)].map((m) => m[1]).filter((h) => RULE_ID.test(h));
    const dupes = headings.filter((h, i) => headings.indexOf(h) !== i);
    assert.deepEqual(dupes, [], `ids defined twice: ${dupes}`);
    for (const id of ['R1', 'R5a', 'R20', 'R50', 'I1', 'T1', 'X1', 'C1', 'A1', 'V1', 'S1', 'O1', 'O3a']) {
      assert.ok(defined.has(id), `${id} is defined`);
    }
    // -04 additions (see the rulebook's "Added for -04" table).
    for (const id of ['R3a', 'R10a', 'R18a', 'R51', 'R52', 'R53', 'R54', 'R55', 'I13', 'I14', 'C13']) {
      assert.ok(defined.has(id), `${id} (added for -04) is defined`);
      assert.match(rulebook, new RegExp(`^\\| \\[${id}\\]\\(#${id.toLowerCase()}\\) \\|`, 'm'), `${id} is in the "Added for -04" table`);
    }
  });

  test('every id cited in src/, pkg/, tests/, www/, examples/, docs/, scripts/ and README.md has an entry', () => {
    const files = scannedFiles();
    for (const dir of ['src/', 'pkg/src/', 'pkg/index.d.ts', 'tests/js/', 'tests/vectors/grants.json', 'www/', 'examples/', 'docs/internals.md', 'README.md']) {
      assert.ok(files.some((f) => f.startsWith(dir)), `${dir} is scanned`);
    }
    assert.ok(!files.includes(RULEBOOK), 'the rulebook is not its own citation');
    assert.ok(!files.some((f) => f.startsWith('tests/wycheproof/')), 'third-party vectors are not scanned');
    const cited = citedRuleIds({ files });
    assert.ok(cited.size >= 80, `only ${cited.size} ids found: the extraction is broken`);
    const missing = undefinedCitations({ files, markdown: rulebook });
    assert.deepEqual(missing.map(({ id, where }) => `${id} (${where.slice(0, 3).map((w) => `${w.file}:${w.line}`).join(', ')})`), []);
  });

  test('every finding rule src/grant/inspect.rs can emit is defined', () => {
    const src = read('src/grant/inspect.rs');
    const emitted = citationSpans(src, 'rust').map((s) => s.text).filter((t) => RULE_ID.test(t));
    assert.ok(emitted.length >= 30, `found ${emitted.length} rule literals in src/grant/inspect.rs`);
    for (const id of ['R6', 'R9', 'R10', 'R20', 'R23', 'R28', 'R33', 'R42', 'S16', 'S18']) assert.ok(emitted.includes(id), `${id} emitted`);
    assert.deepEqual(missingFrom(emitted), []);
  });

  test('every rule the Rust core and the JS layer return as a value is defined', () => {
    const rust = scannedFiles().filter((f) => f.startsWith('src/') && f.endsWith('.rs'));
    const values = rust.flatMap((f) => citationSpans(read(f), 'rust').map((s) => s.text)).filter((t) => RULE_ID.test(t));
    const js = scannedFiles().filter((f) => f.startsWith('pkg/src/'))
      .flatMap((f) => [...read(f).matchAll(/\brule:\s*'([^']*)'/g)].map((m) => m[1]));
    // The client's token-response check returns its rule ids from the core (src/client/token_response.rs).
    for (const id of ['C1', 'C2', 'C3', 'C4', 'C5', 'C7']) assert.ok(values.includes(id), `rust rule values include ${id}`);
    // The token endpoint's audit `idjag.rule` values are the core's (src/server/endpoint.rs, issue 12).
    for (const id of ['R5a', 'R3', 'R50']) assert.ok(values.includes(id), `rust rule values include ${id}`);
    assert.deepEqual(missingFrom([...values, ...js.filter((r) => RULE_ID.test(r))]), []);
    assert.deepEqual(js.filter((r) => !RULE_ID.test(r)), [], 'a JS `rule:` literal that is not a rule id');
  });

  test('every id in the vectors’ `rules` arrays (tests/vectors/grants.json) is defined', () => {
    const doc = JSON.parse(read('tests/vectors/grants.json'));
    const ids = [];
    const walk = (v) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k === 'rules' && Array.isArray(x)) ids.push(...x);
          else walk(x);
        }
      }
    };
    walk(doc);
    assert.ok(ids.length >= 100, `${ids.length} rule citations in the vectors`);
    assert.deepEqual(ids.filter((id) => typeof id !== 'string' || !RULE_ID.test(id)), [], 'malformed ids in `rules`');
    assert.deepEqual(missingFrom(ids), []);
  });

  test('every rule the Inspector explains or links (www/explain.js) is defined', async () => {
    const explain = await import('../../www/explain.js');
    const ids = [
      ...Object.keys(explain.RULES),
      ...[explain.HEADER, explain.CLAIMS].flatMap((t) => Object.values(t).flatMap((e) => e.rules ?? [])),
      ...explain.UNKNOWN_CLAIM.rules, ...explain.UNKNOWN_HEADER.rules,
    ];
    assert.deepEqual(missingFrom(ids), []);
    assert.equal(explain.ruleHref('R20'), 'rules.html#R20');
    assert.deepEqual('R20 R5a policy:no-allow x5t#S256'.match(explain.RULE_ID_RE), ['R20', 'R5a']);
  });

  test('the rulebook’s in-page links resolve, on GitHub and on rules.html', () => {
    const slugs = new Set([...rulebook.matchAll(/^#{1,6}\s+(.*?)\s*$/gm)].map((m) => githubSlug(m[1].replace(/[`*]/g, ''))));
    const links = [...rulebook.matchAll(/\]\(#([^)]+)\)/g)].map((m) => m[1]);
    assert.ok(links.length > 50);
    assert.deepEqual(links.filter((l) => !slugs.has(l)), [], 'links to no heading (GitHub slugs)');
    const html = renderRulebook(rulebook);
    const ids = new Set([...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
    const hrefs = [...html.matchAll(/href="#([^"]+)"/g)].map((m) => m[1]);
    assert.deepEqual(hrefs.filter((h) => !ids.has(h)), [], 'rules.html links to no element');
    for (const id of defined) assert.ok(ids.has(id), `rules.html has id="${id}"`);
    assert.equal(headingId('R20'), 'R20');
    assert.equal(githubSlug('2.4 Producer (IdP) rules for the ID-JAG (I)'), '24-producer-idp-rules-for-the-id-jag-i');
    assert.doesNotMatch(html, /<script/i);
  });
});

describe('the extraction (tests/js/lib/rule-ids.js)', () => {
  test('ids, ranges and revision letters are read; crypto names, base64 and hex are not', () => {
    assert.deepEqual(idsInText('R20: aud (S4), R5a; A4/R50'), ['R20', 'S4', 'R5a', 'A4', 'R50']);
    assert.deepEqual(idsInText('checks C1–C3 and R47-R49'), ['C1', 'C2', 'C3', 'C1', 'C3', 'R47', 'R48', 'R49', 'R47', 'R49']);
    assert.deepEqual(idsInText('R1–R5a'), ['R1', 'R2', 'R3', 'R4', 'R5', 'R1', 'R5a']);
    assert.deepEqual(idsInText('ES256 RS256 x5t#S256 S256 P-256 A256GCM A128KW "C0 AF" T0 R2-D2 #A10 $R3 v.R4'), []);
    assert.deepEqual(idsInText('eyJhbGciOiJSUzI1NiIsInR5cCI6Im9hdXRoLWlkLWphZytqd3QiLCJraWQiOiJyc2EtMSJ9.X9-R12_A0'), []);
  });

  test('only comments, strings and bare-id keys are citation text, not program identifiers', () => {
    const js = "const C1 = 1; let r = /R21/g; // C2: here\nconst s = 'R20'; const o = { R6: 'x' }; label(`T4`);";
    assert.deepEqual(citationsIn(js, 'x.js').map((c) => c.id).sort(compareIds), ['C2', 'R6', 'R20', 'T4']);
    const rs = "fn f<'a>(x: &'a str) { let c = '\"'; const T1: u8 = 0; g(\"R24\"); h(r#\"R25\"#); } // V3\n/* A2 */";
    assert.deepEqual(citationsIn(rs, 'x.rs').map((c) => c.id).sort(compareIds), ['A2', 'R24', 'R25', 'V3']);
    assert.deepEqual(citationsIn('{"rules": ["R20"], "token": "eyJ.X9", "n": 1}', 'x.json').map((c) => c.id), ['R20']);
    assert.deepEqual(citationsIn('see R20\n\nand `R21`', 'x.md').map((c) => [c.id, c.line]), [['R20', 1], ['R21', 3]]);
  });

  test('a citation the rulebook lacks is reported, with its file and line', () => {
    const bogus = ['R', 999].join(''); // spelt out, this file would cite it
    const dir = mkdtempSync(join(tmpdir(), 'idjag-rules-'));
    try {
      mkdirSync(join(dir, 'docs'));
      mkdirSync(join(dir, 'src'));
      writeFileSync(join(dir, 'docs/rules.md'), '# Rules\n\n### R20\n**MUST** · -04 §4.4.1\n');
      writeFileSync(join(dir, 'src/lib.rs'), `fn f() {}\n// R20: fine\n// ${bogus}: bogus\nconst X: &str = "S7";\n`);
      const missing = undefinedCitations({ root: dir, files: ['src/lib.rs'] });
      assert.deepEqual(missing, [
        { id: bogus, where: [{ file: 'src/lib.rs', line: 3 }] },
        { id: 'S7', where: [{ file: 'src/lib.rs', line: 4 }] },
      ]);
      writeFileSync(join(dir, 'docs/rules.md'), `# Rules\n\n### R20\n\n### ${bogus}\n\n<a id="S7"></a>\n`);
      assert.deepEqual(undefinedCitations({ root: dir, files: ['src/lib.rs'] }), []);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
