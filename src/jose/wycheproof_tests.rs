// Wycheproof vectors (tests/wycheproof/, see SOURCE.md) through the same
// key parsing and signature code the ID-JAG verifier uses.
//
// Every `invalid` case must be rejected, every `valid` case accepted (or,
// for an algorithm idjag does not support, rejected as unsupported), and no
// case may panic.

use crate::jose::crypto::Alg;
use crate::jose::jwk::{Jwk, KeySet};
use crate::jose::jwt::verify_compact_jws;
use crate::{Error, ErrorCode};
use serde_json::{Value, json};
use std::panic::{AssertUnwindSafe, catch_unwind};

fn load(name: &str) -> Value {
    let path = format!("{}/tests/wycheproof/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).expect("vector file")).expect("json")
}

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("hex"))
        .collect()
}

#[derive(Default, Debug)]
struct Tally {
    valid_accepted: usize,
    invalid_rejected: usize,
    acceptable: usize,
    unsupported_rejected: usize,
    /// `valid` in Wycheproof but refused by rule R14 (the JWK's `alg` differs from the header's).
    r14_rejected: usize,
    failures: Vec<String>,
    panics: usize,
}

impl Tally {
    fn passed(&self) -> usize {
        self.valid_accepted
            + self.invalid_rejected
            + self.acceptable
            + self.unsupported_rejected
            + self.r14_rejected
    }
    fn finish(&self, what: &str) {
        println!(
            "{what}: {} passed ({} valid accepted, {} invalid rejected, {} acceptable, {} unsupported rejected, {} refused by R14), {} failed, {} panics",
            self.passed(),
            self.valid_accepted,
            self.invalid_rejected,
            self.acceptable,
            self.unsupported_rejected,
            self.r14_rejected,
            self.failures.len(),
            self.panics
        );
        assert_eq!(self.panics, 0, "{what}: panics");
        assert!(
            self.failures.is_empty(),
            "{what}: {} failures:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
        assert!(self.passed() > 0, "{what}: no case ran");
    }
}

/// Raw-signature files: the group's JWK → `Jwk::parse` → `verifier_for(alg)` → `verify_signature`.
fn run_signature_file(file: &str, alg: Alg) -> Tally {
    let v = load(file);
    let mut t = Tally::default();
    for group in v["testGroups"].as_array().expect("groups") {
        let jwk_value = group
            .get("publicKeyJwk")
            .or_else(|| group.get("keyJwk"))
            .cloned()
            .or_else(|| {
                // A few ECDSA groups carry no JWK: build it from the uncompressed point.
                let point = hex(group["publicKey"]["uncompressed"].as_str()?);
                let half = (point.len() - 1) / 2;
                let b64 = |b: &[u8]| crate::jose::jws::encode_b64url(b);
                let crv = if half == 32 { "P-256" } else { "P-384" };
                Some(json!({"kty":"EC","crv":crv,"x":b64(&point[1..1 + half]),"y":b64(&point[1 + half..])}))
            })
            .expect("a key for the group");
        let key = catch_unwind(AssertUnwindSafe(|| Jwk::parse(&jwk_value)));
        let key = match key {
            Ok(k) => k,
            Err(_) => {
                t.panics += 1;
                continue;
            }
        };
        // ES256 keys verify their first signature with p256 and build their table on the
        // second (src/jose/p256_verify.rs): one throwaway verification first, so every vector
        // goes through idjag's own arithmetic.
        if let Ok(k) = &key
            && let Ok(v) = k.verifier_for(alg)
        {
            v.verify_signature(b"", &[1u8; 64]);
        }
        for case in group["tests"].as_array().expect("tests") {
            let id = case["tcId"].as_u64().unwrap_or(0);
            let result = case["result"].as_str().expect("result");
            let msg = hex(case["msg"].as_str().expect("msg"));
            let sig = hex(case["sig"].as_str().expect("sig"));
            let outcome = catch_unwind(AssertUnwindSafe(|| match &key {
                Ok(k) => k
                    .verifier_for(alg)
                    .map(|v| v.verify_signature(&msg, &sig))
                    .unwrap_or(false),
                Err(_) => false,
            }));
            let accepted = match outcome {
                Ok(a) => a,
                Err(_) => {
                    t.panics += 1;
                    continue;
                }
            };
            match (result, accepted) {
                ("valid", true) => t.valid_accepted += 1,
                ("invalid", false) => t.invalid_rejected += 1,
                ("acceptable", _) => t.acceptable += 1,
                _ => t.failures.push(format!(
                    "{file} tc {id} ({}): {result} but accepted={accepted}",
                    case["comment"]
                )),
            }
        }
    }
    t
}

#[test]
fn wycheproof_es256_p1363() {
    run_signature_file("ecdsa_secp256r1_sha256_p1363_test.json", Alg::ES256).finish("ES256 P1363");
}

#[test]
fn wycheproof_es384_p1363() {
    run_signature_file("ecdsa_secp384r1_sha384_p1363_test.json", Alg::ES384).finish("ES384 P1363");
}

#[test]
fn wycheproof_rs256() {
    for bits in [2048, 3072, 4096] {
        run_signature_file(
            &format!("rsa_signature_{bits}_sha256_test.json"),
            Alg::RS256,
        )
        .finish(&format!("RS256 {bits}"));
    }
}

#[test]
fn wycheproof_ps256() {
    run_signature_file("rsa_pss_2048_sha256_mgf1_32_test.json", Alg::PS256).finish("PS256");
}

#[test]
fn wycheproof_ed25519() {
    run_signature_file("ed25519_test.json", Alg::EdDSA).finish("Ed25519");
}

/// Whole-JWS files: the group's public key (or, where only a private/secret key
/// is given, that key — which idjag must refuse) → `KeySet::parse` →
/// `verify_compact_jws`, the signature layer of the ID-JAG pipeline.
fn run_jws_file(file: &str) -> Tally {
    let v = load(file);
    let mut t = Tally::default();
    for group in v["testGroups"].as_array().expect("groups") {
        let key_value = group
            .get("public")
            .or_else(|| group.get("private"))
            .cloned()
            .expect("key");
        let jwks = if key_value.get("keys").is_some() {
            key_value
        } else {
            json!({ "keys": [key_value] })
        };
        let key_algs: Vec<String> = jwks["keys"]
            .as_array()
            .map(|ks| {
                ks.iter()
                    .filter_map(|k| k["alg"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let keys: Result<KeySet, Error> =
            match catch_unwind(AssertUnwindSafe(|| KeySet::parse(&jwks, "wycheproof"))) {
                Ok(k) => k,
                Err(_) => {
                    t.panics += 1;
                    continue;
                }
            };
        for case in group["tests"].as_array().expect("tests") {
            let id = case["tcId"].as_u64().unwrap_or(0);
            let result = case["result"].as_str().expect("result");
            let token = case["jws"].as_str().expect("jws");
            let outcome = catch_unwind(AssertUnwindSafe(|| match &keys {
                Ok(ks) => verify_compact_jws(token, ks, &Alg::ALL, 1 << 20).map(|_| ()),
                Err(e) => Err(e.clone()),
            }));
            let outcome = match outcome {
                Ok(o) => o,
                Err(_) => {
                    t.panics += 1;
                    continue;
                }
            };
            let header_alg = token
                .split('.')
                .next()
                .and_then(crate::jose::jws::decode_b64url)
                .and_then(|h| serde_json::from_slice::<Value>(&h).ok())
                .and_then(|h| h["alg"].as_str().map(str::to_owned))
                .unwrap_or_default();
            let unsupported = Alg::parse(&header_alg).is_none();
            match (result, &outcome) {
                ("valid", Ok(())) => t.valid_accepted += 1,
                // HS*/ES512 and secret keys: idjag must refuse them as unsupported, never accept.
                ("valid", Err(e))
                    if unsupported
                        && matches!(
                            e.code(),
                            ErrorCode::Alg | ErrorCode::Config | ErrorCode::Key
                        ) =>
                {
                    t.unsupported_rejected += 1
                }
                // R14: a JWK `alg` must equal the header `alg` (RFC 7520 Figure 20 pairs a PS256 key with PS384).
                ("valid", Err(e))
                    if e.code() == ErrorCode::Alg
                        && !key_algs.is_empty()
                        && !key_algs.contains(&header_alg) =>
                {
                    t.r14_rejected += 1
                }
                ("invalid", Err(_)) => t.invalid_rejected += 1,
                ("acceptable", _) => t.acceptable += 1,
                _ => t.failures.push(format!(
                    "{file} tc {id} ({}): {result} but got {:?}",
                    case["comment"],
                    outcome.as_ref().err().map(|e| e.to_string())
                )),
            }
        }
    }
    t
}

#[test]
fn wycheproof_json_web_signature() {
    run_jws_file("json_web_signature_test.json").finish("JWS");
}

#[test]
fn wycheproof_json_web_key() {
    run_jws_file("json_web_key_test.json").finish("JWK");
}
