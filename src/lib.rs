//! idjag: Identity Assertion JWT Authorization Grant (ID-JAG) verification.
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

pub mod access_token;
pub mod claims;
pub mod client_auth;
pub mod crypto;
#[cfg(feature = "signing")]
pub mod endpoint;
pub mod error;
pub mod grant_policy;
pub mod inspect;
pub mod jwk;
pub mod jws;
pub mod jwt;
pub mod options_de;
pub mod p256_table;
pub mod policy;
pub mod replay;
pub mod rsa_verify;
#[cfg(feature = "signing")]
pub mod sign;
pub mod strict_json;
#[cfg(feature = "signing")]
pub mod testing;
pub mod token_request;
pub mod verify;

pub use crypto::Alg;
pub use error::{Error, ErrorCode, OAuthError};
pub use policy::{IssuerOptions, ReplayMode, VerifierOptions};
pub use replay::{MemoryReplayStore, ReplayOutcome, ReplayStore};
pub use verify::{VerifiedGrant, Verifier, VerifyContext};

#[cfg(target_arch = "wasm32")]
pub mod wasm;
