#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! The JS package's error codes come from one list: `idjag::ErrorCode::ALL` (issue 12).
//! `pkg/src/error-codes.js` is generated from it; this test fails when the committed file,
//! or the `ErrorCode` / `OAuthErrorCode` unions of `pkg/index.d.ts`, drift from Rust.
//!
//!   IDJAG_BLESS=1 cargo test --test js_contract    rewrites pkg/src/error-codes.js

use idjag::ErrorCode;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");

fn render_error_codes_js() -> String {
    let mut out = String::from(
        "// GENERATED from src/error.rs (idjag::ErrorCode::ALL) by tests/js_contract.rs: do not edit.\n\
         // Regenerate with `IDJAG_BLESS=1 cargo test --test js_contract`; the test fails on drift.\n\n\
         /** The stable error codes, in the order of design.md; ERR_INTERNAL (a wasm trap, issue 10) last. */\n\
         export const ERROR_CODES = Object.freeze([\n",
    );
    for code in ErrorCode::ALL {
        out.push_str(&format!("  '{}',\n", code.code()));
    }
    out.push_str(
        "]);\n\n/** The OAuth 2.0 `error` each code maps to on the wire; null for ERR_CONFIG (never sent). */\n\
         export const OAUTH_ERROR_OF = Object.freeze({\n",
    );
    for code in ErrorCode::ALL {
        let oauth = code
            .oauth_error()
            .map_or("null".to_owned(), |o| format!("'{}'", o.as_str()));
        out.push_str(&format!("  {}: {oauth},\n", code.code()));
    }
    out.push_str("});\n");
    out
}

/// The string literals of `export type <name> =` in a .d.ts, in order.
fn union_members(dts: &str, name: &str) -> Vec<String> {
    let start = dts
        .find(&format!("export type {name} ="))
        .unwrap_or_else(|| panic!("pkg/index.d.ts has no `export type {name}`"));
    let body = &dts[start..];
    let end = body.find(';').expect("the union ends with ';'");
    body[..end]
        .split('|')
        .skip(1)
        .map(|m| m.trim().trim_matches('\'').to_owned())
        .collect()
}

#[test]
fn error_codes_js_is_generated_from_rust() {
    let path = format!("{ROOT}/pkg/src/error-codes.js");
    let want = render_error_codes_js();
    if std::env::var_os("IDJAG_BLESS").is_some() {
        std::fs::write(&path, &want).expect("write pkg/src/error-codes.js");
    }
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        have == want,
        "pkg/src/error-codes.js drifted from idjag::ErrorCode::ALL; run IDJAG_BLESS=1 cargo test --test js_contract"
    );
}

#[test]
fn typescript_unions_match_rust() {
    let dts = std::fs::read_to_string(format!("{ROOT}/pkg/index.d.ts")).expect("pkg/index.d.ts");
    let codes: Vec<String> = ErrorCode::ALL.iter().map(|c| c.code().to_owned()).collect();
    assert_eq!(
        union_members(&dts, "ErrorCode"),
        codes,
        "ErrorCode in pkg/index.d.ts"
    );
    let mut oauth: Vec<String> = ErrorCode::ALL
        .iter()
        .filter_map(|c| c.oauth_error())
        .map(|o| o.as_str().to_owned())
        .collect();
    oauth.sort();
    oauth.dedup();
    let mut declared = union_members(&dts, "OAuthErrorCode");
    declared.sort();
    // The endpoint also answers invalid_request / invalid_client for the request and the
    // client (not grant codes), so the declared union may be larger, never smaller.
    for o in &oauth {
        assert!(
            declared.contains(o),
            "OAuthErrorCode in pkg/index.d.ts lacks {o}"
        );
    }
}
