//! The verdict window of an access-token check (V7 as numbers, so the JS cache of verified tokens
//! compares `now` against the core's bounds instead of computing them), the replay verdict on a
//! store's answer (R29) and the fetch URL policy (T4): decisions the JS package used to make
//! itself (issue 12). The scope-token syntax is src/grant/claims.rs's `scope_tokens` test.
#![cfg(feature = "signing")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use idjag::server::{AccessTokenVerifier, Consumed, SigningKey};
use idjag::{Alg, ErrorCode, url_problem};
use serde_json::{Map, Value, json};

const AS: &str = "https://as.test";
const MCP: &str = "https://mcp.test/mcp";
const NOW: f64 = 1_767_225_600.0;

fn token(key: &SigningKey, extra: Value) -> String {
    let mut claims: Map<String, Value> = json!({
        "iss": AS, "aud": MCP, "sub": "alice", "client_id": "c1", "jti": "j1",
        "iat": NOW, "exp": NOW + 300.0, "scope": "files.read",
    })
    .as_object()
    .unwrap()
    .clone();
    for (k, v) in extra.as_object().unwrap() {
        claims.insert(k.clone(), v.clone());
    }
    key.sign_jwt("at+jwt", &claims, None).unwrap()
}

fn verifier(key: &SigningKey, tolerance: u64) -> AccessTokenVerifier {
    let jwks = json!({ "keys": [key.public_jwk()] });
    AccessTokenVerifier::new(AS, MCP, &jwks, None, tolerance).unwrap()
}

#[test]
fn v7_window_is_exp_plus_tolerance_and_nbf_minus_tolerance() {
    let key = SigningKey::generate(Alg::ES256, Some("k1".into())).unwrap();
    let v = verifier(&key, 60);
    let plain = v.verify(&token(&key, json!({})), NOW, &[]).unwrap();
    assert_eq!(plain.usable_until, NOW + 300.0 + 60.0);
    assert_eq!(
        plain.usable_from,
        f64::NEG_INFINITY,
        "no nbf: no lower bound"
    );

    let t = token(&key, json!({ "nbf": NOW + 30.0 }));
    let info = v.verify(&t, NOW, &[]).unwrap();
    assert_eq!(info.usable_from, NOW + 30.0 - 60.0);
    // The window is exactly where V7 passes: its ends, checked against the core's own verdicts.
    let from = info.usable_from;
    assert!(v.verify(&t, from, &[]).is_ok());
    assert_eq!(
        v.verify(&t, from - 1.0, &[]).unwrap_err().code(),
        ErrorCode::NotYetValid
    );
    assert!(v.verify(&t, info.usable_until - 1.0, &[]).is_ok());
    assert_eq!(
        v.verify(&t, info.usable_until, &[]).unwrap_err().code(),
        ErrorCode::Expired
    );

    // The tolerance is the verifier's, clamped as V7 clamps it.
    let wide = verifier(&key, 1_000_000).verify(&t, NOW, &[]).unwrap();
    assert_eq!(wide.usable_until, NOW + 300.0 + 3600.0);

    // It crosses to JS as usableFrom / usableUntil (no lower bound: null).
    let out = serde_json::to_value(&info).unwrap();
    assert_eq!(out["usableFrom"], json!(NOW + 30.0 - 60.0));
    assert_eq!(out["usableUntil"], json!(NOW + 360.0));
    assert_eq!(
        serde_json::to_value(&plain).unwrap()["usableFrom"],
        Value::Null
    );
}

#[test]
fn r29_only_a_first_use_passes() {
    assert!(Consumed::Fresh.grant_verdict().is_ok());
    let used = Consumed::AlreadyUsed.grant_verdict().unwrap_err();
    assert_eq!(
        (used.code(), used.message()),
        (ErrorCode::Replay, "grant already used")
    );
    let failed = Consumed::Failed("replay store failed; grant refused".into())
        .grant_verdict()
        .unwrap_err();
    assert_eq!(
        (failed.code(), failed.message()),
        (ErrorCode::Replay, "replay store failed; grant refused")
    );
}

#[test]
fn t4_url_policy_is_public() {
    assert_eq!(
        url_problem("https", "idp.example.com", false, false, false),
        None
    );
    assert_eq!(
        url_problem("http", "idp.example.com", false, false, false),
        Some("must use https (http only on loopback hosts)")
    );
    assert_eq!(
        url_problem("https", "idp.example.com", true, false, false),
        Some("must not carry credentials")
    );
}
