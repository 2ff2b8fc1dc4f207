//! idjag: Identity Assertion JWT Authorization Grant (ID-JAG) verification.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic))]

pub mod crypto;
pub mod error;
pub mod jwk;
pub mod jws;
pub mod strict_json;
