//! The authorization server around the verifier: the token request (RFC 6749 form, RFC 7523
//! jwt-bearer), client authentication, the access tokens it issues and checks (RFC 9068), and
//! the token endpoint as a sans-I/O state machine.

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
