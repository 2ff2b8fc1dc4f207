//! JOSE: the layer every token kind shares. Strict JSON, compact JWS, the JWT header and
//! time-claim checks, JWK key sets, and the signature algorithms (our own RSA and P-256
//! arithmetic behind jsonwebtoken's explicit API). Nothing here knows what an ID-JAG is.

pub(crate) mod crypto;
pub(crate) mod jwk;
pub(crate) mod jws;
pub(crate) mod jwt;
pub(crate) mod p256_verify;
pub(crate) mod rsa_verify;
#[cfg(feature = "signing")]
pub(crate) mod sign;
pub(crate) mod strict_json;

// Our own RSA and P-256 arithmetic against the crates it replaces, and every Wycheproof vector
// (tests/wycheproof/) through the key parsing and signature code the verifier uses.
#[cfg(test)]
mod crypto_diff_tests;
#[cfg(test)]
mod wycheproof_tests;
