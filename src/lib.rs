#![doc = include_str!("../README.md")]
//!
//! # The crate
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
//! use idjag::{ErrorCode, KeySet, ReplayMode, TrustedIssuer, Verifier, VerifyContext};
//! use std::time::Duration;
//!
//! // A test IdP (feature `signing`); in production its keys come from its jwks_uri.
//! let mut idp = TestIssuer::new("https://idp.example.com", None, None, None)?;
//! let idp_keys = KeySet::parse(&idp.jwks(), "idp jwks")?;
//! let verifier = Verifier::builder("https://as.example.com") // this authorization server
//!     .issuer(TrustedIssuer::new("https://idp.example.com").keys(idp_keys))
//!     .resources(["https://mcp.example.com/mcp"]) // the MCP servers it serves
//!     .replay(ReplayMode::SingleUse) // the default (R29), said out loud
//!     .clock_tolerance(Duration::from_secs(30))
//!     .build()?;
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
//!
//! The builder ([`VerifierBuilder`]) takes typed values; the JSON options document of the JS API
//! works natively too ([`VerifierOptions::from_json`], [`Verifier::new`]), and both go through
//! the same validation. Keys rotate through `&self` ([`Verifier::set_issuer_keys`]), so a
//! verifier shared in an `Arc` needs no lock of yours.
// Every public item is documented (issue 12); CI denies this lint through clippy -D warnings too.
#![deny(missing_docs)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )
)]

// The layout (docs/internals.md): `jose` is the layer every token kind shares, `grant` is the
// ID-JAG and its verifier, `server` is the authorization server around it. The modules are
// private; what a user names is re-exported below, so moving code never breaks a user.
mod client;
mod error;
mod fetch_policy;
mod grant;
mod jose;
mod options_de;

pub use error::{Error, ErrorCode, KeySource, KeysNeeded, KeysNeededReason, OAuthError};
pub use fetch_policy::url_problem;
pub use grant::builder::{TrustedIssuer, VerifierBuilder};
pub use grant::options::{
    IssuerOptions, ReplayMode, ScopeRequestMode, SubIdFormat, VerifierOptions,
};
pub use grant::policy::{DroppedScope, Effect, GrantPolicy, PolicyDecision, PolicyInput, Rule};
pub use grant::replay::{Consumed, MemoryReplayStore, ReplayOutcome, ReplayStore};
pub use grant::verify::{ID_JAG_TYP, VerifiedGrant, Verifier, VerifyContext};
pub use jose::crypto::{Alg, PROVIDER as CRYPTO_PROVIDER};
pub use jose::jwk::{Jwk, KeySet, KeySetReport, SetAside};

/// `inspect`: what a grant says and what is wrong with it, without keys (the Grant Inspector).
pub mod inspect {
    pub use crate::grant::inspect::{Expect, Finding, Inspection, Severity, inspect};
}

pub mod server;

#[cfg(feature = "signing")]
pub mod testing;

/// Internals for the fuzz targets (`fuzz/`): no stability promise, hidden from the docs.
#[cfg(feature = "internals")]
#[doc(hidden)]
pub mod internals {
    pub use crate::client::token_response::{Accepted, Refusal, TokenKind, check_token_response};
    pub use crate::jose::jws::{decode_b64url, encode_b64url, parse_compact};
    pub use crate::jose::strict_json::parse_object;
}

// The wasm-bindgen glue: its exports are the JS package's, not this crate's API.
#[cfg(target_arch = "wasm32")]
mod wasm;
