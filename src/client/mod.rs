//! The MCP client's side (docs/rules.md §4.1, §4.4): what the JS helpers `requestIdJag` and
//! `exchangeIdJag` (pkg/src/client.js) send and accept is decided here; the JS does the HTTP.
//! Crate-private: the wasm glue is its one caller outside the tests.
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

#[cfg(test)]
mod tests {
    use super::*;

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
