#!/usr/bin/env node
// Writes tests/vectors/grants.json: the ID-JAG verification vectors shared by the
// Rust tests, the wasm-in-Node tests, the browser and the other runtimes.
//
//   node tests/vectors/generate.mjs            # regenerate
//   node tests/vectors/check.mjs               # sanity-check the file (summary per code / rule)
//
// Format and check order: docs/internals.md ("Vectors file", "Check order").
// Rule ids (R6…R42): ../shared/spec/rules.md. Every case cites the rules it exercises
// and has exactly ONE defect relative to a valid grant.
//
// Node >= 20, no npm dependencies. Signatures are made with node:crypto; the
// base64url parts are assembled by hand (lib.mjs `jws`) so that malformed encodings
// can be produced. Everything is deterministic except the randomized signatures
// (PSS, ECDSA): times are fixed (lib.mjs NOW), so the file stays valid forever.
//
//   lib.mjs              constants, test keys, signing, the JWS builder, configs, registry
//   cases-structure.mjs  valid grant per algorithm; R6-R16 (encoding, header, keys, signature)
//   cases-claims.mjs     R17-R42 (claims, time, resource, scope, tenant, cnf) and R29 replay
//   cases-config.mjs     configErrors (ERR_CONFIG)

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { configs, cases, configErrors } from './lib.mjs';
import './cases-structure.mjs';
import './cases-claims.mjs';
import './cases-config.mjs';

const outPath = join(dirname(fileURLToPath(import.meta.url)), 'grants.json');
const out = { version: 1, configs, cases, configErrors };
writeFileSync(outPath, `${JSON.stringify(out, null, 1)}\n`);
console.log(`wrote ${outPath}: ${Object.keys(configs).length} configs, ${cases.length} cases, ${configErrors.length} config errors`);
