//! idjag: Identity Assertion JWT Authorization Grant (ID-JAG) verification, for the Model Context
//! Protocol's Enterprise-Managed Authorization.
//!
//! An MCP client trades the user's SSO identity for an ID-JAG at the enterprise IdP (RFC 8693) and
//! presents it to the MCP server's authorization server (RFC 7523 jwt-bearer). [`Verifier`] is what
//! that authorization server uses to decide: exact `aud` and `iss`, the `client_id` bound to the
//! authenticated client, algorithms from the trusted key (`none` and HMAC cannot be expressed),
//! single-use `jti` consumed only after every other check passed. The core does no I/O and never
//! reads a clock: the caller passes `now` in every [`VerifyContext`].
//!
//! ```
//! # #[cfg(feature = "signing")] {
//! use idjag::testing::{MintParams, TestIssuer};
//! use idjag::{ErrorCode, Verifier, VerifierOptions, VerifyContext};
//!
//! // A test IdP (feature `signing`); in production its keys come from its jwks_uri.
//! let mut idp = TestIssuer::new("https://idp.example.com", None, None, None)?;
//! let options = serde_json::json!({
//!     "audience": "https://as.example.com",                     // this authorization server
//!     "issuers": [{ "issuer": "https://idp.example.com", "jwks": idp.jwks() }],
//!     "resources": ["https://mcp.example.com/mcp"],             // the MCP servers it serves
//! });
//! let verifier = Verifier::new(VerifierOptions::from_value(options)?)?;
//!
//! let now = 1_767_225_600.0; // seconds since the epoch: your clock, never a default
//! let grant = idp.mint(&MintParams {
//!     audience: "https://as.example.com".into(),
//!     client_id: "mcp-client".into(),
//!     subject: Some("alice".into()),
//!     resource: Some("https://mcp.example.com/mcp".into()),
//!     now_sec: now,
//!     ..MintParams::default()
//! })?;
//!
//! let verified = verifier.verify(&grant, &VerifyContext::new("mcp-client", now))?;
//! assert_eq!(verified.subject, "alice");
//! // Single use (R29): the same grant again is a replay.
//! let again = verifier.verify(&grant, &VerifyContext::new("mcp-client", now));
//! assert_eq!(again.map(|_| ()).map_err(|e| e.code()), Err(ErrorCode::Replay));
//! # }
//! # Ok::<(), idjag::Error>(())
//! ```
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
