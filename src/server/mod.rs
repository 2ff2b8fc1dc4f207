//! The authorization server around the verifier: the token request (RFC 6749 form, RFC 7523
//! jwt-bearer), client authentication, the access tokens it issues and checks (RFC 9068), and
//! the token endpoint as a sans-I/O state machine.
//!
//! # The token endpoint
//!
//! The authorization server's token endpoint (RFC 7523 jwt-bearer grant carrying an ID-JAG)
//! as a sans-I/O state machine: one core for every decision.
//!
//! The machine runs the checks in the order of rules.md "recommended evaluation order":
//! the request (R5a, R1, R2) → client authentication (R3–R5) → the grant (R6–R41 and the
//! enterprise policy) → the token's single resource (R50) and the client's issuers → the
//! grant's `jti` consumed (R29: only after every other check passed, so a refused request
//! never burns the grant) → the access token minted (R47–R50, A3–A8).
//!
//! It does no I/O and reads no clock. Where a step needs the outside world it stops and
//! returns a `Need`: keys to load (the key layer's "keys needed", src/jose/jwk.rs), a client
//! assertion's or the grant's replay key to consume in the host's store, the host's
//! subject mapping. The caller performs it, answers (`Exchange::answer`), and calls
//! `Exchange::step` again. The end is a `Decision`: the HTTP response (status, headers,
//! JSON body) and the audit event of the checks that actually ran.
//!
//! ```
//! # #[cfg(feature = "signing")] {
//! use idjag::server::{
//!     AccessTokenIssuer, Answer, ClientRegistry, Consumed, EndpointOptions, Need, RawTokenRequest,
//!     SigningKey, Step, TokenEndpoint,
//! };
//! use idjag::testing::{MintParams, TestIssuer};
//! use idjag::{Alg, Verifier};
//! use serde_json::{from_value, json};
//! use std::collections::HashSet;
//!
//! let as_issuer = "https://as.example";
//! let mut idp = TestIssuer::new("https://idp.example", None, None, None).unwrap();
//! let grants = from_value(json!({
//!     "audience": as_issuer,
//!     "issuers": [{ "issuer": "https://idp.example", "jwks": idp.jwks() }],
//!     "resources": ["https://mcp.example"],
//! })).unwrap();
//! let registry = ClientRegistry::new(from_value(json!({
//!     "issuer": as_issuer,
//!     "clients": [{
//!         "clientId": "app",
//!         "tokenEndpointAuthMethod": "client_secret_post",
//!         "clientSecret": "a long enough client secret!",
//!     }],
//! })).unwrap()).unwrap();
//! let key = SigningKey::generate(Alg::ES256, None).unwrap();
//! let endpoint = TokenEndpoint::new(
//!     registry,
//!     Verifier::new(grants).unwrap(),
//!     AccessTokenIssuer::new(as_issuer, key, 300).unwrap(),
//!     EndpointOptions::default(),
//! ).unwrap();
//!
//! let now = 1_800_000_000.0;
//! let grant = idp.mint(&MintParams {
//!     audience: as_issuer.to_owned(),
//!     client_id: "app".to_owned(),
//!     resource: Some(json!("https://mcp.example")),
//!     now_sec: now,
//!     ..Default::default()
//! }).unwrap();
//! let body = format!(
//!     "grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Ajwt-bearer&assertion={grant}\
//!      &client_id=app&client_secret=a+long+enough+client+secret%21"
//! );
//! let mut used = HashSet::new(); // the host's replay store
//! let raw = RawTokenRequest {
//!     method: "POST",
//!     content_type: Some("application/x-www-form-urlencoded"),
//!     query: "",
//!     body: &body,
//!     authorization: None,
//! };
//! let mut exchange = endpoint.exchange(&raw, now);
//! let decision = loop {
//!     match exchange.step(&endpoint) {
//!         Step::Done(decision) => break decision,
//!         Step::Need(Need::ConsumeGrant { key, .. } | Need::ConsumeAssertion { key, .. }) => {
//!             let fresh = used.insert(key);
//!             exchange.answer(Answer::Consumed(if fresh { Consumed::Fresh } else { Consumed::AlreadyUsed })).unwrap();
//!         }
//!         Step::Need(other) => panic!("nothing else is needed here: {other:?}"),
//!     }
//! };
//! assert_eq!(decision.status, 200);
//! assert_eq!(decision.event["event.outcome"], "success");
//! # }
//! ```

pub(crate) mod access_token;
pub(crate) mod client_auth;
#[cfg(feature = "signing")]
pub(crate) mod endpoint;
pub(crate) mod token_request;

#[cfg(feature = "signing")]
pub use crate::jose::sign::SigningKey;
pub use access_token::{AT_TYP, AccessTokenInfo, AccessTokenVerifier, require_scopes};
#[cfg(feature = "signing")]
pub use access_token::{AccessTokenIssuer, MintRequest, MintedAccessToken};
pub use client_auth::{
    AuthFailure, AuthMethod, AuthenticatedClient, CLIENT_ASSERTION_TYP, ClientOptions,
    ClientRegistry, ClientRegistryOptions,
};
#[cfg(feature = "signing")]
pub use endpoint::{
    Answer, Consumed, Decision, EndpointOptions, Exchange, KeysAnswer, Need, Step, SubjectAnswer,
    TokenEndpoint, hash_subject,
};
pub use token_request::{
    CLIENT_ASSERTION_JWT, ClientCredentials, JWT_BEARER, MAX_BODY_BYTES, RawTokenRequest,
    RequestError, TokenRequest, parse_form,
};
