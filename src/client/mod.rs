//! The MCP client's side (docs/rules.md §4.1, §4.4): what the JS helpers `requestIdJag`,
//! `exchangeIdJag` and `clientMetadata` (pkg/src/client.js) send and accept is decided here; the
//! JS does the HTTP. Crate-private: the wasm glue is its one caller outside the tests.
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

/// C13: what an ID-JAG client's metadata lists, space-separated: its two grant types (the token
/// exchange at the IdP, jwt-bearer at the MCP authorization server), then the ID-JAG grant
/// profile (-04 §8). A client that lists the profile lists both grants.
pub(crate) const ID_JAG_CLIENT_METADATA: &str = "urn:ietf:params:oauth:grant-type:token-exchange urn:ietf:params:oauth:grant-type:jwt-bearer urn:ietf:params:oauth:grant-profile:id-jag";

/// C13: `grant_types` and `authorization_grant_profiles_supported` are set from
/// [`ID_JAG_CLIENT_METADATA`], so a caller that sets either member itself is refused.
pub(crate) fn id_jag_client_metadata(caller_sets: bool) -> Result<&'static str, Error> {
    if caller_sets {
        return Err(Error::config(
            "grant_types and authorization_grant_profiles_supported are set by clientMetadata (C13); use grantTypes for more grant types",
        ));
    }
    Ok(ID_JAG_CLIENT_METADATA)
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

    #[test]
    fn c13_the_profile_and_both_grants() {
        let listed: Vec<&str> = id_jag_client_metadata(false).unwrap().split(' ').collect();
        assert_eq!(
            listed,
            [
                "urn:ietf:params:oauth:grant-type:token-exchange",
                "urn:ietf:params:oauth:grant-type:jwt-bearer",
                "urn:ietf:params:oauth:grant-profile:id-jag"
            ]
        );
        let e = id_jag_client_metadata(true).unwrap_err();
        assert_eq!(e.code(), crate::ErrorCode::Config);
        assert_eq!(
            e.message(),
            "grant_types and authorization_grant_profiles_supported are set by clientMetadata (C13); use grantTypes for more grant types"
        );
    }
}
