#!/usr/bin/env node
// Generates the TEST-ONLY signing keys under tests/keys/ (private JWKs).
// Run once; the output is committed so that tests/vectors/generate.mjs is
// reproducible. Refuses to overwrite existing files unless --force is given.
//
//   node tests/vectors/generate-keys.mjs [--force]
//
// node:crypto only (no npm dependencies). Nothing under src/ may use these keys.

import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const keysDir = join(here, '..', 'keys');
const force = process.argv.includes('--force');

function gen(type, opts) {
  const { privateKey } = generateKeyPairSync(type, opts);
  return privateKey.export({ format: 'jwk' });
}
const rsa = (bits) => gen('rsa', { modulusLength: bits, publicExponent: 0x10001 });
const ec = (namedCurve) => gen('ec', { namedCurve });
const ed25519 = () => gen('ed25519');

// Private JWKs carry only `kid` besides the key material; `use`/`alg` are
// added to the public copies by tests/vectors/generate.mjs.
const withKid = (kid, jwk) => ({ kid, ...jwk });

const files = {
  // The trusted test IdP (https://idp.example.com) and its spare keys.
  'idp.private.jwks.json': () => ({
    keys: [
      withKid('rsa-1', rsa(2048)),   // RS256 / RS384 / RS512
      withKid('rsa-pss', rsa(2048)), // PS256 / PS384 / PS512
      withKid('rsa-2', rsa(2048)),   // "signed by another key" cases; second trusted issuer
      withKid('ec-256', ec('P-256')),
      withKid('ec-384', ec('P-384')),
      withKid('ed-1', ed25519()),
    ],
  }),
  // An attacker who is NOT a trusted issuer (jku/jwk/x5u header cases).
  'attacker.private.jwks.json': () => ({
    keys: [
      withKid('atk-rsa', rsa(2048)),
      withKid('atk-ec-256', ec('P-256')),
      withKid('atk-ed', ed25519()),
    ],
  }),
  // RSA 1024: too short, only its public part is used (ERR_CONFIG case).
  'rsa-1024.public.jwk.json': () => {
    const { kty, n, e } = rsa(1024);
    return { kid: 'rsa-1024', kty, n, e };
  },
};

mkdirSync(keysDir, { recursive: true });
for (const [name, make] of Object.entries(files)) {
  const path = join(keysDir, name);
  if (existsSync(path) && !force) {
    console.log(`keep   tests/keys/${name} (use --force to regenerate)`);
    continue;
  }
  writeFileSync(path, JSON.stringify(make(), null, 2) + '\n');
  console.log(`wrote  tests/keys/${name}`);
}
