//! Errors: a stable code to switch on, the OAuth error it maps to, a short message.
//!
//! Messages are lower-case, never contain the token, and quote at most 64
//! characters of any attacker-supplied value (design.md → Error codes).

use std::fmt;

/// Stable error codes. The string form (`code()`) never changes once released.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    Config,
    Malformed,
    Header,
    Typ,
    Alg,
    Issuer,
    Key,
    Signature,
    Claim,
    Audience,
    Client,
    Expired,
    NotYetValid,
    Lifetime,
    Resource,
    Scope,
    Tenant,
    Replay,
    Unsupported,
    Policy,
    /// The wasm core trapped: the JS shell refused the call and restarted the core. The Rust
    /// core never returns it; it is listed here so that every code lives in one list
    /// (`ALL`, from which `pkg/src/error-codes.js` is generated).
    Internal,
}

/// The OAuth 2.0 error a refusal maps to on the wire (RFC 6749 §5.2, RFC 8707).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthError {
    InvalidGrant,
    InvalidScope,
    InvalidTarget,
    InvalidRequest,
    InvalidClient,
    /// RFC 6749 §5.2 has no code for a failure of the server itself; `server_error` is the
    /// authorization-endpoint code (§4.1.2.1) that token endpoints use for it (HTTP 500).
    ServerError,
}

impl OAuthError {
    pub fn as_str(self) -> &'static str {
        match self {
            OAuthError::InvalidGrant => "invalid_grant",
            OAuthError::InvalidScope => "invalid_scope",
            OAuthError::InvalidTarget => "invalid_target",
            OAuthError::InvalidRequest => "invalid_request",
            OAuthError::InvalidClient => "invalid_client",
            OAuthError::ServerError => "server_error",
        }
    }
}

impl ErrorCode {
    /// Every code, in the order of design.md's table, then `Internal`. The one list: the JS
    /// package's `ERROR_CODES` (pkg/src/error-codes.js) is generated from it and
    /// tests/js_contract.rs fails when either drifts.
    pub const ALL: [ErrorCode; 21] = [
        ErrorCode::Config,
        ErrorCode::Malformed,
        ErrorCode::Header,
        ErrorCode::Typ,
        ErrorCode::Alg,
        ErrorCode::Issuer,
        ErrorCode::Key,
        ErrorCode::Signature,
        ErrorCode::Claim,
        ErrorCode::Audience,
        ErrorCode::Client,
        ErrorCode::Expired,
        ErrorCode::NotYetValid,
        ErrorCode::Lifetime,
        ErrorCode::Resource,
        ErrorCode::Scope,
        ErrorCode::Tenant,
        ErrorCode::Replay,
        ErrorCode::Unsupported,
        ErrorCode::Policy,
        ErrorCode::Internal,
    ];

    /// The stable string form, e.g. `ERR_AUDIENCE`.
    pub fn code(self) -> &'static str {
        match self {
            ErrorCode::Config => "ERR_CONFIG",
            ErrorCode::Malformed => "ERR_MALFORMED",
            ErrorCode::Header => "ERR_HEADER",
            ErrorCode::Typ => "ERR_TYP",
            ErrorCode::Alg => "ERR_ALG",
            ErrorCode::Issuer => "ERR_ISSUER",
            ErrorCode::Key => "ERR_KEY",
            ErrorCode::Signature => "ERR_SIGNATURE",
            ErrorCode::Claim => "ERR_CLAIM",
            ErrorCode::Audience => "ERR_AUDIENCE",
            ErrorCode::Client => "ERR_CLIENT",
            ErrorCode::Expired => "ERR_EXPIRED",
            ErrorCode::NotYetValid => "ERR_NOT_YET_VALID",
            ErrorCode::Lifetime => "ERR_LIFETIME",
            ErrorCode::Resource => "ERR_RESOURCE",
            ErrorCode::Scope => "ERR_SCOPE",
            ErrorCode::Tenant => "ERR_TENANT",
            ErrorCode::Replay => "ERR_REPLAY",
            ErrorCode::Unsupported => "ERR_UNSUPPORTED",
            ErrorCode::Policy => "ERR_POLICY",
            ErrorCode::Internal => "ERR_INTERNAL",
        }
    }

    /// The OAuth error for the token endpoint; `None` for configuration errors.
    pub fn oauth_error(self) -> Option<OAuthError> {
        match self {
            ErrorCode::Config => None,
            ErrorCode::Resource => Some(OAuthError::InvalidTarget),
            ErrorCode::Scope => Some(OAuthError::InvalidScope),
            ErrorCode::Internal => Some(OAuthError::ServerError),
            _ => Some(OAuthError::InvalidGrant),
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A refusal or a configuration error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    code: ErrorCode,
    message: String,
    claim: Option<String>,
    /// ERR_KEY from a remote key source: which keys the caller should load, then ask again.
    keys_needed: Option<Box<KeysNeeded>>,
}

/// Where keys come from, named in a `KeysNeeded` answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeySource {
    /// An ID-JAG issuer (`issuers[].jwksUri` or `discover: true`); `id` is the issuer.
    Issuer,
    /// A private_key_jwt client's `jwksUri`; `id` is the client_id.
    Client,
    /// The authorization server whose access tokens are verified; `id` is its issuer.
    AccessTokenIssuer,
}

impl KeySource {
    pub fn as_str(self) -> &'static str {
        match self {
            KeySource::Issuer => "issuer",
            KeySource::Client => "client",
            KeySource::AccessTokenIssuer => "access-token-issuer",
        }
    }
}

/// Why the core asks for keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeysNeededReason {
    /// None were ever installed.
    Absent,
    /// The installed set is past the freshness the loader gave it.
    Expired,
    /// The token names a `kid` the set lacks, or no key fits its `alg` (rotation).
    UnknownKid,
}

impl KeysNeededReason {
    pub fn as_str(self) -> &'static str {
        match self {
            KeysNeededReason::Absent => "absent",
            KeysNeededReason::Expired => "expired",
            KeysNeededReason::UnknownKid => "unknown-kid",
        }
    }
}

/// What the core needs before it can answer (docs/internals.md "Key layer").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeysNeeded {
    pub source: KeySource,
    /// The issuer or client_id whose keys are needed.
    pub id: String,
    /// The `kid` the token names, if any.
    pub kid: Option<String>,
    pub reason: KeysNeededReason,
}

impl Error {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            claim: None,
            keys_needed: None,
        }
    }

    /// ERR_KEY that tells the caller which keys to load (the message says why, for when
    /// the caller cannot load them).
    pub fn keys_needed(needed: KeysNeeded, message: impl Into<String>) -> Self {
        Error {
            code: ErrorCode::Key,
            message: message.into(),
            claim: None,
            keys_needed: Some(Box::new(needed)),
        }
    }

    /// The same error, naming the claim (or header member) at fault.
    pub fn with_claim(mut self, claim: &str) -> Self {
        self.claim = Some(claim.to_owned());
        self
    }

    pub fn needed_keys(&self) -> Option<&KeysNeeded> {
        self.keys_needed.as_deref()
    }

    /// An error about one claim (or header member) named `claim`.
    pub fn claim(code: ErrorCode, claim: &str, message: impl Into<String>) -> Self {
        Error {
            code,
            message: message.into(),
            claim: Some(claim.to_owned()),
            keys_needed: None,
        }
    }

    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Config, message)
    }

    pub fn code(&self) -> ErrorCode {
        self.code
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    pub fn claim_name(&self) -> Option<&str> {
        self.claim.as_deref()
    }

    pub fn oauth_error(&self) -> Option<OAuthError> {
        self.code.oauth_error()
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.code(), self.message)
    }
}

impl std::error::Error for Error {}

/// Quote an attacker-supplied value for a message: at most 64 characters,
/// control characters escaped, so messages stay short and log-safe.
pub fn quote(value: &str) -> String {
    const MAX: usize = 64;
    let mut out = String::with_capacity(value.len().min(MAX) + 5);
    out.push('"');
    for (n, ch) in value.chars().enumerate() {
        if n == MAX {
            out.push('…');
            break;
        }
        if ch.is_control() {
            out.extend(ch.escape_default());
        } else {
            out.push(ch);
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_stable() {
        let mut seen = std::collections::HashSet::new();
        for c in ErrorCode::ALL {
            assert!(seen.insert(c.code()), "duplicate {}", c.code());
            assert!(c.code().starts_with("ERR_"));
        }
        assert_eq!(ErrorCode::Audience.code(), "ERR_AUDIENCE");
        assert_eq!(ErrorCode::NotYetValid.code(), "ERR_NOT_YET_VALID");
    }

    #[test]
    fn oauth_mapping_follows_design() {
        assert_eq!(ErrorCode::Config.oauth_error(), None);
        assert_eq!(
            ErrorCode::Resource.oauth_error(),
            Some(OAuthError::InvalidTarget)
        );
        assert_eq!(
            ErrorCode::Scope.oauth_error(),
            Some(OAuthError::InvalidScope)
        );
        assert_eq!(
            ErrorCode::Replay.oauth_error(),
            Some(OAuthError::InvalidGrant)
        );
    }

    #[test]
    fn quote_truncates_to_64_chars_and_escapes_controls() {
        let long = "a".repeat(200);
        let q = quote(&long);
        assert_eq!(q.chars().filter(|c| *c == 'a').count(), 64);
        assert!(quote("x\ny").contains("\\n"));
    }
}
