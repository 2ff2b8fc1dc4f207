//! The MCP client's side (docs/rules.md §4.1, §4.4): what the JS helpers `requestIdJag` and
//! `exchangeIdJag` (pkg/src/client.js) send and accept is decided here; the JS does the HTTP. Crate-private: the wasm glue is its one caller outside the tests.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

pub(crate) mod token_response;

use crate::error::Error;

/// T1: a token request carries one client authentication method, so `clientSecret` (HTTP Basic)
/// and `clientAssertion` (private_key_jwt) are never both sent.
pub(crate) fn one_client_authentication(secret: bool, assertion: bool) -> Result<(), Error> {
    if secret && assertion {
        return Err(Error::config(
            "give clientSecret or clientAssertion, not both",
        ));
    }
    Ok(())
}

/// At most `max` UTF-16 code units of a value a remote server chose, on one line: each run of
/// C0 controls or DEL becomes one space, and a longer value is cut and ends with `…`. UTF-16
/// because the messages were JS's (`String.prototype.slice`) and must stay the same; a
/// surrogate pair across the cut is dropped whole (JS kept its first half).
pub(crate) fn clip(value: &str, max: usize) -> String {
    // Bytes, not chars: the controls are ASCII, and a cut falls before a character's first byte,
    // so the output stays UTF-8 (and the verifier build stays small).
    let mut out = Vec::with_capacity(value.len().min(4 * max) + 3);
    let (mut units, mut in_controls) = (0, false);
    for &b in value.as_bytes() {
        let control = b < 0x20 || b == 0x7f;
        if control && in_controls {
            continue;
        }
        in_controls = control;
        if b & 0xc0 != 0x80 {
            // A character's first byte: one UTF-16 unit, two from U+10000 (4-byte UTF-8) up.
            units += if b >= 0xf0 { 2 } else { 1 };
            if units > max {
                out.extend_from_slice("…".as_bytes());
                break;
            }
        }
        out.push(if control { b' ' } else { b });
    }
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clip_joins_control_runs_and_cuts_at_utf16_units() {
        assert_eq!(clip("a\n\r\tb\u{7f}c", 200), "a b c");
        assert_eq!(clip(&"x".repeat(64), 64), "x".repeat(64));
        assert_eq!(clip(&"x".repeat(65), 64), format!("{}…", "x".repeat(64)));
        // An emoji is two UTF-16 units, as JS counts.
        assert_eq!(clip(&"😀".repeat(40), 64), format!("{}…", "😀".repeat(32)));
        assert_eq!(clip("", 5), "");
    }

    #[test]
    fn t1_one_authentication_method() {
        assert!(one_client_authentication(true, false).is_ok());
        assert!(one_client_authentication(false, true).is_ok());
        assert!(one_client_authentication(false, false).is_ok());
        let e = one_client_authentication(true, true).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Config);
        assert_eq!(
            e.message(),
            "give clientSecret or clientAssertion, not both"
        );
    }
}
