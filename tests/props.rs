#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Property tests: arbitrary input and mutated grants never panic, and every
//! refusal carries one of the stable error codes.

use idjag::{ErrorCode, Verifier, VerifierOptions};
use proptest::prelude::*;
use serde_json::Value;

mod common;
use common::{ctx, vectors};

/// The default-config verifier and the tokens of its accepted single-step cases.
fn fixture() -> (Value, Vec<(String, Value)>) {
    let v = vectors();
    let config = v["configs"]["default"].clone();
    let good = v["cases"]
        .as_array()
        .expect("cases")
        .iter()
        .filter(|c| c["config"] == "default")
        .flat_map(|c| c["steps"].as_array().cloned().unwrap_or_default())
        .filter(|s| s["expect"]["ok"] == true)
        .map(|s| {
            (
                s["token"].as_str().expect("token").to_owned(),
                s["ctx"].clone(),
            )
        })
        .collect();
    (config, good)
}

fn verifier(config: &Value) -> Verifier {
    Verifier::new(VerifierOptions::from_value(config.clone()).expect("options")).expect("verifier")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, .. ProptestConfig::default() })]

    #[test]
    fn arbitrary_strings_are_refused_with_a_code(s in ".{0,400}") {
        let (config, good) = fixture();
        let v = verifier(&config);
        let c = &good[0].1;
        let err = v.check(&s, &ctx(c)).expect_err("random input never verifies");
        prop_assert!(ErrorCode::ALL.contains(&err.code()));
        prop_assert!(err.message().len() < 200, "messages stay short");
    }

    #[test]
    fn dotted_base64_garbage_is_refused(parts in proptest::collection::vec("[A-Za-z0-9_-]{0,60}", 0..7)) {
        let (config, good) = fixture();
        let v = verifier(&config);
        let token = parts.join(".");
        let err = v.check(&token, &ctx(&good[0].1)).expect_err("garbage never verifies");
        prop_assert!(ErrorCode::ALL.contains(&err.code()));
    }

    #[test]
    fn mutated_grants_never_verify(pick in any::<usize>(), pos in any::<usize>(), byte in 0x20u8..0x7f, kind in 0u8..3) {
        let (config, good) = fixture();
        prop_assume!(!good.is_empty());
        let (token, c) = &good[pick % good.len()];
        let mut bytes = token.clone().into_bytes();
        let at = pos % bytes.len();
        match kind {
            0 => bytes[at] = byte,
            1 => { bytes.remove(at); }
            _ => bytes.insert(at, byte),
        }
        let mutated = String::from_utf8(bytes).expect("ascii");
        prop_assume!(&mutated != token);
        let v = verifier(&config);
        match v.check(&mutated, &ctx(c)) {
            Ok(_) => prop_assert!(false, "a mutated grant verified"),
            Err(e) => prop_assert!(ErrorCode::ALL.contains(&e.code())),
        }
    }
}

#[test]
fn good_fixture_tokens_do_verify() {
    // Guards the properties above: they would pass vacuously if no token verified.
    let (config, good) = fixture();
    assert!(good.len() > 5);
    let v = verifier(&config);
    for (token, c) in &good {
        assert!(v.check(token, &ctx(c)).is_ok());
    }
}
