//! Errors: a stable code to switch on, the OAuth error it maps to, a short message.
//!
//! Messages are lower-case, never contain the token, and quote at most 64
//! characters of any attacker-supplied value (design.md → Error codes).

use std::fmt;

/// Stable error codes. The string form (`code()`) never changes once released.
#[non_exhaustive]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    /// ERR_CONFIG: invalid options, keys or policy (constructors and setters; never a token's fault).
    Config,
    /// ERR_MALFORMED: not a compact JWS of three strict base64url parts, JSON that is not an object,
    /// duplicate members, too deep, or over `maxTokenBytes` (R6–R8).
    Malformed,
    /// ERR_HEADER: `crit`, `b64` or another header member the verifier will not honour (R11).
    Header,
    /// ERR_TYP: `typ` missing or not the token kind's media type (R9, V2, R3a).
    Typ,
    /// ERR_ALG: `alg` not on the allow-list (`none` and `HS*` never are), or not the key's (R10, R14).
    Alg,
    /// ERR_ISSUER: `iss` missing, not trusted, or this server's own issuer (R17, R18, V4).
    Issuer,
    /// ERR_KEY: no usable key for the token's `kid` and `alg` among the source's keys (R13, R14); may
    /// carry [`KeysNeeded`] for a remote source.
    Key,
    /// ERR_SIGNATURE: the signature does not verify (R15).
    Signature,
    /// ERR_CLAIM: a required claim is missing, or a claim has the wrong type or form (R19–R28).
    Claim,
    /// ERR_AUDIENCE: `aud` is not exactly this server's issuer (R20), or an access token's does not
    /// name this resource (V5).
    Audience,
    /// ERR_CLIENT: the grant's `client_id` is not the authenticated client (R21).
    Client,
    /// ERR_EXPIRED: now ≥ `exp` + tolerance (R23, V7).
    Expired,
    /// ERR_NOT_YET_VALID: `nbf` or `iat` later than now + tolerance (R24, R25).
    NotYetValid,
    /// ERR_LIFETIME: `exp` − `iat` above the maximum lifetime, or `exp` ≤ `iat` (R26, R27).
    Lifetime,
    /// ERR_RESOURCE: `resource` missing while required, or not a registered resource (R36–R38, R50).
    Resource,
    /// ERR_SCOPE: a requested scope is outside the grant or the policy (R33–R35), or a required
    /// access-token scope is missing (V8).
    Scope,
    /// ERR_TENANT: `tenant` missing or not the issuer's pinned tenant (R40).
    Tenant,
    /// ERR_REPLAY: this (iss, jti) was already accepted, or the replay store could not say (R29).
    Replay,
    /// ERR_UNSUPPORTED: `cnf` without a proof, `authorization_details` not enabled, a JWE.
    Unsupported,
    /// ERR_POLICY: refused by an enterprise policy rule, or by the host's subject mapping.
    Policy,
    /// The wasm core trapped: the JS shell refused the call and restarted the core. The Rust
    /// core never returns it; it is listed here so that every code lives in one list
    /// (`ALL`, from which `pkg/src/error-codes.js` is generated).
    Internal,
}

/// The OAuth 2.0 error a refusal maps to on the wire (RFC 6749 §5.2, RFC 8707).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OAuthError {
    /// `invalid_grant`: the grant is refused.
    InvalidGrant,
    /// `invalid_scope`: a requested scope is refused.
    InvalidScope,
    /// `invalid_target` (RFC 8707): the requested resource is refused.
    InvalidTarget,
    /// `invalid_request`: the request itself is malformed.
    InvalidRequest,
    /// `invalid_client`: client authentication failed (HTTP 401).
    InvalidClient,
    /// RFC 6749 §5.2 has no code for a failure of the server itself; `server_error` is the
    /// authorization-endpoint code (§4.1.2.1) that token endpoints use for it (HTTP 500).
    ServerError,
}

impl OAuthError {
    /// The wire form, e.g. `invalid_grant`.
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
    /// The form in a keys-needed answer: `issuer`, `client` or `access-token-issuer`.
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
    /// The form in a keys-needed answer: `absent`, `expired` or `unknown-kid`.
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
    /// Whose keys: an issuer's, a client's, or the access-token issuer's.
    pub source: KeySource,
    /// The issuer or client_id whose keys are needed.
    pub id: String,
    /// The `kid` the token names, if any.
    pub kid: Option<String>,
    /// Why they are needed.
    pub reason: KeysNeededReason,
}

impl Error {
    /// An error with `code` and a message (lower-case, never the token).
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

    /// The keys to load before asking again, when the error comes from a remote key source.
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

    /// ERR_CONFIG with `message`.
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(ErrorCode::Config, message)
    }

    /// The stable code to switch on.
    pub fn code(&self) -> ErrorCode {
        self.code
    }

    /// What is wrong, for logs and audit events (never the token; at most 64 characters of any
    /// attacker-supplied value).
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The claim (or header member) at fault, if one is.
    pub fn claim_name(&self) -> Option<&str> {
        self.claim.as_deref()
    }

    /// The OAuth error this refusal maps to on the wire; `None` for ERR_CONFIG.
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
