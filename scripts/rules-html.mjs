#!/usr/bin/env node
// Renders the rulebook (docs/rules.md) as one HTML page for the Grant Inspector, whose findings
// link to `rules.html#<rule id>`. scripts/serve-www.mjs serves it at /rules.html, rendered from
// the current docs/rules.md on every request; for a published copy of www/, write it next to
// index.html:
//
//   node scripts/rules-html.mjs > path/to/site/rules.html
//
// A deliberately small Markdown subset — the one docs/rules.md uses: headings, paragraphs, lists,
// tables, fenced code, rules (---), and inline `code`, **bold**, *emphasis* and [links](…).
// Everything is HTML-escaped first; only https/http and in-page links become <a>. A heading that
// is exactly a rule id (`### R20`) gets that id (`id="R20"`); other headings get GitHub's slug,
// and in-page links written for GitHub (`#r20`) are pointed at the rule's id.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RULEBOOK_PATH = fileURLToPath(new URL('../docs/rules.md', import.meta.url));
const RULE_ID = /^[RVSATCIOX][1-9]\d{0,2}[a-z]?$/;

const escape = (s) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);

/** GitHub's heading anchor: lower case, punctuation dropped (but - and _), spaces → '-'. */
export function githubSlug(heading) {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\p{M}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchor a heading gets on the rendered page. */
export function headingId(heading) {
  const text = heading.trim();
  return RULE_ID.test(text) ? text : githubSlug(text.replace(/[`*]/g, ''));
}

function inline(raw, anchors) {
  const held = [];
  const hold = (html) => `\u0000${held.push(html) - 1}\u0000`;
  let s = raw.replace(/`([^`]+)`/g, (_, code) => hold(`<code>${escape(code)}</code>`));
  s = s.replace(/\[([^\]]+)\]\(([^)\s]+)\)/g, (m, label, href) => {
    let target = null;
    if (href.startsWith('#')) target = `#${anchors.get(href.slice(1)) ?? href.slice(1)}`;
    else if (/^https?:\/\//.test(href)) target = href;
    const text = inline(label, anchors);
    return target === null ? hold(text) : hold(`<a href="${escape(target)}">${text}</a>`);
  });
  s = escape(s);
  s = s.replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  s = s.replace(/(^|[^*\w])\*([^*\s][^*]*)\*(?![*\w])/g, '$1<em>$2</em>');
  return s.replace(/\u0000(\d+)\u0000/g, (_, i) => held[Number(i)]);
}

const cells = (line) => line.trim().replace(/^\|/, '').replace(/\|$/, '').split('|').map((c) => c.trim());

/**
 * The rulebook's Markdown as an HTML document.
 * @param {string} markdown
 * @param {{ title?: string, stylesheet?: string, back?: string }} [options]
 */
export function renderRulebook(markdown, { title = 'Rulebook — idjag', stylesheet = 'rules.css', back = './' } = {}) {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  // Every heading's GitHub slug → the id it gets here (r20 → R20).
  const anchors = new Map();
  for (const l of lines) {
    const h = /^(#{1,6})\s+(.*)$/.exec(l);
    if (h) anchors.set(githubSlug(h[2].replace(/[`*]/g, '')), headingId(h[2]));
  }
  const out = [];
  let i = 0;
  const isBlockStart = (l) => /^(#{1,6}\s|```|\s*[-*]\s|\|)/.test(l) || /^-{3,}\s*$/.test(l);
  while (i < lines.length) {
    const line = lines[i];
    if (/^\s*$/.test(line)) {
      i++;
    } else if (/^```/.test(line)) {
      const body = [];
      for (i++; i < lines.length && !/^```/.test(lines[i]); i++) body.push(lines[i]);
      i++;
      out.push(`<pre><code>${escape(body.join('\n'))}</code></pre>`);
    } else if (/^(#{1,6})\s+/.test(line)) {
      const [, hashes, text] = /^(#{1,6})\s+(.*?)\s*$/.exec(line);
      const level = hashes.length;
      const id = headingId(text);
      const cls = RULE_ID.test(text) ? ' class="rule-id"' : '';
      out.push(`<h${level} id="${escape(id)}"${cls}><a class="anchor" href="#${escape(id)}">${inline(text, anchors)}</a></h${level}>`);
      i++;
    } else if (/^-{3,}\s*$/.test(line)) {
      out.push('<hr>');
      i++;
    } else if (/^\|/.test(line)) {
      const rows = [];
      for (; i < lines.length && /^\|/.test(lines[i]); i++) rows.push(lines[i]);
      const hasHead = rows.length > 1 && /^\|?\s*:?-{3,}/.test(rows[1]);
      const head = hasHead ? cells(rows[0]) : null;
      const body = (hasHead ? rows.slice(2) : rows).map(cells);
      out.push('<div class="table"><table>');
      if (head) out.push(`<thead><tr>${head.map((c) => `<th>${inline(c, anchors)}</th>`).join('')}</tr></thead>`);
      out.push(`<tbody>${body.map((r) => `<tr>${r.map((c) => `<td>${inline(c, anchors)}</td>`).join('')}</tr>`).join('')}</tbody></table></div>`);
    } else if (/^\s*[-*]\s+/.test(line)) {
      const items = [];
      for (; i < lines.length && !/^\s*$/.test(lines[i]); i++) {
        if (/^\s*[-*]\s+/.test(lines[i])) items.push(lines[i].replace(/^\s*[-*]\s+/, ''));
        else if (items.length) items[items.length - 1] += ` ${lines[i].trim()}`;
      }
      out.push(`<ul>${items.map((t) => `<li>${inline(t, anchors)}</li>`).join('')}</ul>`);
    } else {
      const para = [];
      for (; i < lines.length && !/^\s*$/.test(lines[i]) && !(para.length && isBlockStart(lines[i])); i++) para.push(lines[i].trim());
      out.push(`<p>${inline(para.join(' '), anchors)}</p>`);
    }
  }
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(title)}</title>
<link rel="icon" href="favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="${escape(stylesheet)}">
</head>
<body>
<nav class="back"><a href="${escape(back)}">← Grant Inspector</a> · rendered from <code>docs/rules.md</code></nav>
<main class="rulebook">
${out.join('\n')}
</main>
</body>
</html>
`;
}

/** docs/rules.md rendered. */
export function rulebookHtml(path = RULEBOOK_PATH) {
  return renderRulebook(readFileSync(path, 'utf8'));
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) process.stdout.write(rulebookHtml(process.argv[2] ?? RULEBOOK_PATH));
