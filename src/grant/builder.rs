//! The native way to configure a [`Verifier`]: typed values and a builder instead of the JSON
//! document of the JS contract. The builder writes the document a JSON user would (enums by
//! their JSON names, durations as whole seconds) and carries beside it what JSON cannot hold,
//! already parsed (key sets, a policy); `Config::validate` (src/grant/options.rs) checks both
//! paths. So a builder and a JSON document saying the same thing give the same `Config`, a
//! mistake gets the same ERR_CONFIG message either way, and the wasm build (which never names
//! the builder) does not grow.

use crate::error::Error;
use crate::grant::options::{
    Carried, Config, IssuerOptions, ReplayMode, ScopeRequestMode, SubIdFormat, VerifierOptions,
};
use crate::grant::policy::GrantPolicy;
use crate::grant::verify::Verifier;
use crate::jose::crypto::Alg;
use crate::jose::jwk::KeySet;
use std::time::Duration;

/// One trusted IdP (an entry of the JSON `issuers`): its exact issuer identifier and where its
/// keys come from. Exactly one key source: [`TrustedIssuer::keys`], [`TrustedIssuer::jwks_uri`]
/// or [`TrustedIssuer::discover`] (else ERR_CONFIG at [`VerifierBuilder::build`]).
///
/// With a remote source (`jwks_uri`, `discover`) the verifier holds no keys at first: a
/// verification answers an error whose [`Error::needed_keys`] says which issuer and `kid` it
/// needs; fetch them, install them with [`Verifier::set_issuer_keys`] and verify again.
#[derive(Clone, Debug)]
pub struct TrustedIssuer {
    options: IssuerOptions,
    keys: Option<KeySet>,
}

impl TrustedIssuer {
    /// The IdP whose grants carry `iss` equal to `issuer` (R17: exact code-point comparison,
    /// no normalisation). JSON: `issuers[].issuer`.
    pub fn new(issuer: impl Into<String>) -> TrustedIssuer {
        TrustedIssuer {
            options: IssuerOptions {
                issuer: issuer.into(),
                ..IssuerOptions::default()
            },
            keys: None,
        }
    }

    /// The issuer's public keys, given now (JSON: `jwks`). Parse a JWK Set with
    /// [`KeySet::parse`] or [`KeySet::parse_text`]; rotate later with
    /// [`Verifier::set_issuer_keys`].
    pub fn keys(mut self, keys: KeySet) -> TrustedIssuer {
        self.keys = Some(keys);
        self
    }

    /// The issuer's `jwks_uri` (JSON: `jwksUri`): the keys are remote, and you install what
    /// you fetch from it with [`Verifier::set_issuer_keys`]. idjag does no I/O.
    pub fn jwks_uri(mut self, uri: impl Into<String>) -> TrustedIssuer {
        self.options.jwks_uri = Some(uri.into());
        self
    }

    /// The keys are remote, found through the issuer's RFC 8414 / OIDC metadata
    /// (JSON: `discover: true`); install them with [`Verifier::set_issuer_keys`].
    pub fn discover(mut self) -> TrustedIssuer {
        self.options.discover = Some(true);
        self
    }

    /// Narrow the verifier's algorithms for this issuer (JSON: `issuers[].algorithms`); each
    /// must be among [`VerifierBuilder::algorithms`].
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Alg>) -> TrustedIssuer {
        self.options.algorithms = Some(names(algorithms));
        self
    }

    /// R40: the grant's `tenant` claim must equal `tenant` (JSON: `issuers[].tenant`).
    pub fn tenant(mut self, tenant: impl Into<String>) -> TrustedIssuer {
        self.options.tenant = Some(tenant.into());
        self
    }

    /// R55: the SAML issuers local configuration associates with this issuer (JSON:
    /// `subIdIssuers`). A `saml-nameid` `sub_id` naming one of them is trusted
    /// ([`crate::VerifiedGrant::sub_id_trusted`]); `sub_id.issuer` never selects keys or trust.
    pub fn sub_id_issuers<S: Into<String>>(
        mut self,
        issuers: impl IntoIterator<Item = S>,
    ) -> TrustedIssuer {
        self.options.sub_id_issuers = Some(issuers.into_iter().map(Into::into).collect());
        self
    }

    /// R54: this issuer's grants must carry a `sub_id` of `format` (JSON: `requireSubId`);
    /// needs [`TrustedIssuer::sub_id_issuers`].
    pub fn require_sub_id(mut self, format: SubIdFormat) -> TrustedIssuer {
        self.options.require_sub_id = Some(format.as_str().to_owned());
        self
    }
}

/// Builds a [`Verifier`] from typed values: [`Verifier::builder`]. Each method names the JSON
/// member it corresponds to, because ERR_CONFIG messages name those members (the builder and
/// the JSON document share one validation). Unset options take the JSON defaults.
///
/// ```
/// use idjag::{Alg, ErrorCode, KeySet, ReplayMode, TrustedIssuer, Verifier};
/// use std::time::Duration;
///
/// # let jwks = serde_json::json!({"keys":[{"kty":"EC","crv":"P-256","kid":"k1",
/// #     "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
/// #     "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"}]});
/// // The IdP's JWK Set, e.g. read from configuration.
/// let keys = KeySet::parse(&jwks, "idp jwks")?;
/// let verifier = Verifier::builder("https://as.example.com")
///     .issuer(TrustedIssuer::new("https://idp.example.com").keys(keys))
///     .resources(["https://mcp.example.com/mcp"])
///     .algorithms([Alg::ES256, Alg::RS256])
///     .replay(ReplayMode::SingleUse)
///     .clock_tolerance(Duration::from_secs(30))
///     .build()?;
/// assert_eq!(verifier.replay_mode(), ReplayMode::SingleUse);
///
/// // A mistake is ERR_CONFIG, with the same message as the JSON document's.
/// let e = Verifier::builder("https://as.example.com")
///     .issuer(TrustedIssuer::new("https://idp.example.com").jwks_uri("https://idp.example.com/jwks"))
///     .build()
///     .err()
///     .ok_or("no resources must be refused")?;
/// assert_eq!(e.code(), ErrorCode::Config);
/// assert!(e.message().starts_with("resources must list"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone, Debug)]
pub struct VerifierBuilder {
    options: VerifierOptions,
    carried: Carried,
    clock_tolerance: Option<Duration>,
    max_lifetime: Option<Duration>,
}

/// Algorithms by their JSON names (`Alg::name`, which `algorithms` parses back).
fn names(algorithms: impl IntoIterator<Item = Alg>) -> Vec<String> {
    algorithms
        .into_iter()
        .map(|a| a.name().to_owned())
        .collect()
}

impl VerifierBuilder {
    /// A builder for the authorization server whose issuer identifier is `audience` (the
    /// grant's `aud` must equal it). Same as [`Verifier::builder`].
    pub fn new(audience: impl Into<String>) -> VerifierBuilder {
        VerifierBuilder {
            options: VerifierOptions {
                audience: audience.into(),
                ..VerifierOptions::default()
            },
            carried: Carried::default(),
            clock_tolerance: None,
            max_lifetime: None,
        }
    }

    /// Trust one more IdP (JSON: an entry of `issuers`; at least one is required).
    pub fn issuer(mut self, issuer: TrustedIssuer) -> VerifierBuilder {
        self.options.issuers.push(issuer.options);
        self.carried.issuer_keys.push(issuer.keys);
        self
    }

    /// Add registered MCP server resources (JSON: `resources`): absolute URIs without a
    /// fragment; a grant's `resource` must be one of them (R33).
    pub fn resources<S: Into<String>>(
        mut self,
        resources: impl IntoIterator<Item = S>,
    ) -> VerifierBuilder {
        self.options
            .resources
            .get_or_insert_with(Vec::new)
            .extend(resources.into_iter().map(Into::into));
        self
    }

    /// Whether a grant must name a registered resource (JSON: `requireResource`; default
    /// true, as EMA requires). `false` allows a verifier without `resources`.
    pub fn require_resource(mut self, required: bool) -> VerifierBuilder {
        self.options.require_resource = Some(required);
        self
    }

    /// The accepted signature algorithms (JSON: `algorithms`; default RS256, PS256, ES256,
    /// ES384, EdDSA). `none` and HMAC are not [`Alg`]s: they cannot be configured (R10).
    pub fn algorithms(mut self, algorithms: impl IntoIterator<Item = Alg>) -> VerifierBuilder {
        self.options.algorithms = Some(names(algorithms));
        self
    }

    /// Leeway for `exp`, `nbf` and `iat` (JSON: `clockToleranceSec`; default 60 s, at most
    /// 3600 s, whole seconds).
    pub fn clock_tolerance(mut self, tolerance: Duration) -> VerifierBuilder {
        self.clock_tolerance = Some(tolerance);
        self
    }

    /// The longest grant lifetime accepted, `exp − iat` (JSON: `maxLifetimeSec`; default
    /// 300 s, from 1 s to 86400 s, whole seconds).
    pub fn max_lifetime(mut self, lifetime: Duration) -> VerifierBuilder {
        self.max_lifetime = Some(lifetime);
        self
    }

    /// The largest grant accepted, in bytes (JSON: `maxTokenBytes`; default 16384, from 256
    /// to 1 MiB).
    pub fn max_token_bytes(mut self, bytes: usize) -> VerifierBuilder {
        self.options.max_token_bytes = Some(u64::try_from(bytes).unwrap_or(u64::MAX));
        self
    }

    /// What a second presentation of a grant gets (JSON: `replay`; default
    /// [`ReplayMode::SingleUse`]).
    pub fn replay(mut self, mode: ReplayMode) -> VerifierBuilder {
        self.options.replay = Some(mode.as_str().to_owned());
        self
    }

    /// R36: accept grants carrying `authorization_details` (JSON:
    /// `allowAuthorizationDetails`; default false: refused).
    pub fn allow_authorization_details(mut self, allow: bool) -> VerifierBuilder {
        self.options.allow_authorization_details = Some(allow);
        self
    }

    /// R35: requested scopes outside the grant (JSON: `scopeRequest`; default
    /// [`ScopeRequestMode::Strict`]).
    pub fn scope_request(mut self, mode: ScopeRequestMode) -> VerifierBuilder {
        self.options.scope_request = Some(mode.as_str().to_owned());
        self
    }

    /// The enterprise policy (JSON: `policy`); build it with [`GrantPolicy::from_value`].
    pub fn policy(mut self, policy: GrantPolicy) -> VerifierBuilder {
        self.carried.policy = Some(policy);
        self
    }

    /// R18a: this authorization server's own tenant (JSON: `tenant`).
    pub fn tenant(mut self, tenant: impl Into<String>) -> VerifierBuilder {
        self.options.tenant = Some(tenant.into());
        self
    }

    /// The grant's `aud_tenant` must be present and equal (JSON: `audTenant`; else
    /// ERR_TENANT).
    pub fn aud_tenant(mut self, aud_tenant: impl Into<String>) -> VerifierBuilder {
        self.options.aud_tenant = Some(aud_tenant.into());
        self
    }

    /// The grant's `aud_sub` must be present and equal (JSON: `audSub`; else ERR_AUDIENCE).
    pub fn aud_sub(mut self, aud_sub: impl Into<String>) -> VerifierBuilder {
        self.options.aud_sub = Some(aud_sub.into());
        self
    }

    /// Validate and build. ERR_CONFIG, with the message the same JSON document would get,
    /// when the configuration is inconsistent (no issuer, an issuer with no or two key
    /// sources, an algorithm outside the global list, no resources while they are required, a
    /// duration out of bounds, …), or when a duration is not whole seconds (the JSON takes
    /// integers; a fraction is refused rather than rounded).
    pub fn build(mut self) -> Result<Verifier, Error> {
        self.options.clock_tolerance_sec =
            whole_seconds(self.clock_tolerance, "clockToleranceSec")?;
        self.options.max_lifetime_sec = whole_seconds(self.max_lifetime, "maxLifetimeSec")?;
        Config::validate(self.options, self.carried).map(Verifier::from_config)
    }
}

/// A duration as the JSON's whole seconds (`name` is the JSON member, for the message).
fn whole_seconds(duration: Option<Duration>, name: &str) -> Result<Option<u64>, Error> {
    match duration {
        Some(d) if d.subsec_nanos() != 0 => Err(Error::config(format!(
            "{name} must be a whole number of seconds"
        ))),
        Some(d) => Ok(Some(d.as_secs())),
        None => Ok(None),
    }
}
