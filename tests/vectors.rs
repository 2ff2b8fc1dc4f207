#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The shared vectors file (tests/vectors/grants.json) through the native crate.
//! The same file runs in Node (ESM/CJS), Chromium, Deno, Bun and workerd.

use idjag::{Error, Verifier, VerifierOptions};
use serde_json::Value;
use std::collections::BTreeSet;

mod common;
use common::vectors;

fn set(v: &Value) -> BTreeSet<String> {
    v.as_array()
        .expect("array")
        .iter()
        .map(|s| s.as_str().expect("string").to_owned())
        .collect()
}

fn check_outcome(
    id: &str,
    i: usize,
    got: Result<idjag::VerifiedGrant, Error>,
    expect: &Value,
) -> Result<(), String> {
    let want_ok = expect["ok"].as_bool().expect("expect.ok");
    match (got, want_ok) {
        (Ok(g), true) => {
            if let Some(s) = expect.get("subject")
                && s.as_str() != Some(g.subject.as_str())
            {
                return Err(format!("{id}[{i}]: subject {} != {s}", g.subject));
            }
            for (name, have) in [("scopes", &g.scopes), ("resources", &g.resources)] {
                if let Some(want) = expect.get(name) {
                    let have: BTreeSet<String> = have.iter().cloned().collect();
                    if have != set(want) {
                        return Err(format!("{id}[{i}]: {name} {have:?} != {want}"));
                    }
                }
            }
            if let Some(t) = expect.get("tenant")
                && t.as_str() != g.tenant.as_deref()
            {
                return Err(format!("{id}[{i}]: tenant {:?} != {t}", g.tenant));
            }
            Ok(())
        }
        (Err(e), false) => {
            if e.code().code() != expect["code"].as_str().expect("expect.code") {
                return Err(format!(
                    "{id}[{i}]: got {} ({}), want {}",
                    e.code(),
                    e.message(),
                    expect["code"]
                ));
            }
            let oauth = e.oauth_error().map(|o| o.as_str());
            if oauth != expect["oauthError"].as_str() {
                return Err(format!(
                    "{id}[{i}]: oauthError {oauth:?} != {}",
                    expect["oauthError"]
                ));
            }
            if let Some(c) = expect.get("claim")
                && c.as_str() != e.claim_name()
            {
                return Err(format!("{id}[{i}]: claim {:?} != {c}", e.claim_name()));
            }
            Ok(())
        }
        (Ok(_), false) => Err(format!("{id}[{i}]: accepted, want {}", expect["code"])),
        (Err(e), true) => Err(format!(
            "{id}[{i}]: refused with {} ({})",
            e.code(),
            e.message()
        )),
    }
}

#[test]
fn every_vector_case_gets_its_expected_verdict() {
    let v = vectors();
    let configs = v["configs"].as_object().expect("configs");
    let mut failures = Vec::new();
    let mut steps = 0;
    for case in v["cases"].as_array().expect("cases") {
        let id = case["id"].as_str().expect("id");
        let options =
            VerifierOptions::from_value(configs[case["config"].as_str().expect("config")].clone())
                .unwrap_or_else(|e| panic!("{id}: config: {e}"));
        let verifier = Verifier::new(options).unwrap_or_else(|e| panic!("{id}: config: {e}"));
        for (i, step) in case["steps"].as_array().expect("steps").iter().enumerate() {
            let ctx = &step["ctx"];
            let got = verifier.verify(step["token"].as_str().expect("token"), &common::ctx(ctx));
            steps += 1;
            if let Err(msg) = check_outcome(id, i, got, &step["expect"]) {
                failures.push(msg);
            }
        }
    }
    assert!(steps > 200, "too few vector steps ran: {steps}");
    assert!(
        failures.is_empty(),
        "{} of {steps} steps failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    println!("vectors: {steps} steps passed");
}

#[test]
fn every_config_error_is_err_config() {
    let v = vectors();
    let mut n = 0;
    for case in v["configErrors"].as_array().expect("configErrors") {
        let id = case["id"].as_str().expect("id");
        let result = VerifierOptions::from_value(case["options"].clone()).and_then(Verifier::new);
        match result {
            Ok(_) => panic!("{id}: accepted"),
            Err(e) => assert_eq!(e.code().code(), "ERR_CONFIG", "{id}"),
        }
        n += 1;
    }
    assert!(n > 10, "too few config error cases: {n}");
}

#[test]
fn every_rule_r6_to_r31_and_every_code_has_a_case() {
    let v = vectors();
    let mut rules = BTreeSet::new();
    let mut codes = BTreeSet::new();
    for case in v["cases"].as_array().expect("cases") {
        rules.extend(set(&case["rules"]));
        for step in case["steps"].as_array().expect("steps") {
            if let Some(c) = step["expect"].get("code").and_then(Value::as_str) {
                codes.insert(c.to_owned());
            }
        }
    }
    for r in (6..=31)
        .map(|n| format!("R{n}"))
        .chain(["R40".to_owned(), "R42".to_owned()])
    {
        assert!(rules.contains(&r), "no vector case cites {r}");
    }
    // ERR_CONFIG is covered by configErrors; ERR_POLICY has no producer before the policy engine;
    // ERR_INTERNAL comes from the JS shell when the wasm core traps (tests/js/entry-fuzz.test.mjs).
    for code in idjag::ErrorCode::ALL {
        let c = code.code();
        if c == "ERR_CONFIG" || c == "ERR_POLICY" || c == "ERR_INTERNAL" {
            continue;
        }
        assert!(codes.contains(c), "no vector case expects {c}");
    }
}
