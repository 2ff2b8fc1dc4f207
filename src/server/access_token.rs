//! RFC 9068 JWT access tokens: minted by the authorization server after a
//! grant verified (A1–A10), checked by the MCP server on every call (V1–V8).

use crate::error::{Error, ErrorCode, KeySource, quote};
use crate::grant::claims::scope_claim;
use crate::jose::crypto::Alg;
use crate::jose::jwk::{KeySet, KeySlot};
use crate::jose::jwt::{
    Audience, JwsRules, TimeClaims, TimeLimits, TypRule, check_times, required_str, verify_signed,
};
use serde::Serialize;
use serde_json::{Map, Value};

/// RFC 9068 §2.1 media type (`application/at+jwt` accepted too, V2).
pub const AT_TYP: &str = "at+jwt";

/// What an MCP server learns from a valid access token (maps onto the MCP SDK's AuthInfo).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessTokenInfo {
    /// The authorization server that issued the token (V4).
    pub issuer: String,
    /// The token's `sub`.
    pub subject: String,
    /// The client the token was issued to.
    pub client_id: String,
    /// The resource (MCP server) the token is for.
    pub resource: String,
    /// The token's scopes.
    pub scopes: Vec<String>,
    /// `exp`, seconds since the epoch.
    pub expires_at: f64,
    /// The token's `jti`.
    pub jti: String,
    /// The token's RFC 9493 `sub_id`: idjag mints `{"format":"iss_sub","iss":<IdP>,"sub":<IdP sub>}`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sub_id: Option<Value>,
    /// The IdP that authenticated the user (`sub_id.iss` of an `iss_sub` `sub_id`), so the
    /// MCP server can tell users of different IdPs apart.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub idp_issuer: Option<String>,
    /// Every verified claim.
    pub claims: Map<String, Value>,
    /// The window this verdict holds in, by V7 with the verifier's tolerance, epoch seconds:
    /// from `nbf − tolerance` (no `nbf`: −∞, JSON `null`) until `exp + tolerance` (excluded). A
    /// cache of verified tokens (pkg/src/token-cache.js) serves the verdict only inside it.
    pub usable_from: f64,
    /// The end of that window (excluded): `exp` + tolerance.
    pub usable_until: f64,
}

/// Checks an access token for one MCP server (resource).
pub struct AccessTokenVerifier {
    issuer: String,
    resource: String,
    /// Inline keys, or a remote slot the JS loader fills from the AS's `jwks_uri`.
    keys: KeySlot,
    algorithms: Vec<Alg>,
    clock_tolerance: f64,
    max_token_bytes: usize,
}

fn invalid(code: ErrorCode, claim: &str, msg: impl Into<String>) -> Error {
    Error::claim(code, claim, msg)
}

impl AccessTokenVerifier {
    /// `issuer`: the authorization server's issuer (V4). `resource`: this MCP server's
    /// canonical URI (V5). `jwks`: the authorization server's public keys (V6).
    pub fn new(
        issuer: &str,
        resource: &str,
        jwks: &Value,
        algorithms: Option<&[Alg]>,
        clock_tolerance_sec: u64,
    ) -> Result<Self, Error> {
        let keys = KeySet::parse(jwks, "jwks")?;
        Self::with_slot(
            issuer,
            resource,
            KeySlot::inline(KeySource::AccessTokenIssuer, issuer, keys),
            algorithms,
            clock_tolerance_sec,
        )
    }

    /// A verifier whose keys arrive later with `set_keys` (a remote `jwks_uri`).
    pub fn without_keys(
        issuer: &str,
        resource: &str,
        algorithms: Option<&[Alg]>,
        clock_tolerance_sec: u64,
    ) -> Result<Self, Error> {
        Self::with_slot(
            issuer,
            resource,
            KeySlot::remote(KeySource::AccessTokenIssuer, issuer),
            algorithms,
            clock_tolerance_sec,
        )
    }

    fn with_slot(
        issuer: &str,
        resource: &str,
        keys: KeySlot,
        algorithms: Option<&[Alg]>,
        clock_tolerance_sec: u64,
    ) -> Result<Self, Error> {
        if issuer.is_empty() || resource.is_empty() {
            return Err(Error::config("issuer and resource are required"));
        }
        Ok(AccessTokenVerifier {
            issuer: issuer.to_owned(),
            resource: resource.to_owned(),
            keys,
            algorithms: algorithms
                .map(<[Alg]>::to_vec)
                .unwrap_or_else(|| Alg::DEFAULT_ALLOWED.to_vec()),
            clock_tolerance: clock_tolerance_sec.min(crate::grant::options::MAX_CLOCK_TOLERANCE_SEC)
                as f64,
            max_token_bytes: crate::grant::options::DEFAULT_MAX_TOKEN_BYTES as usize,
        })
    }

    /// Replace the authorization server's keys (key rotation, a fetched `jwks_uri`).
    pub fn set_jwks(&self, jwks: &Value) -> Result<(), Error> {
        self.set_keys(KeySet::parse(jwks, "jwks")?, None);
        Ok(())
    }

    /// Install parsed keys, usable until `fresh_until` (seconds; `None`: until replaced).
    /// Past it, `verify` answers `KeysNeeded` (Expired): a key the AS removed stops
    /// working once the cache lifetime has passed (issue 10 point 3). Takes `&self`: the
    /// verifier may be shared (`Arc`) by the threads that verify while keys rotate.
    pub fn set_keys(&self, keys: KeySet, fresh_until: Option<f64>) {
        self.keys.install(keys, fresh_until);
    }

    /// V2–V8. `required_scopes`: every one must be granted, else ERR_SCOPE (403 insufficient_scope).
    pub fn verify(
        &self,
        token: &str,
        now: f64,
        required_scopes: &[&str],
    ) -> Result<AccessTokenInfo, Error> {
        self.verify_at(token, now, now, required_scopes)
    }

    /// `verify`, with remote keys' freshness judged on the key loader's clock (`keys_now`).
    pub fn verify_at(
        &self,
        token: &str,
        now: f64,
        keys_now: f64,
        required_scopes: &[&str],
    ) -> Result<AccessTokenInfo, Error> {
        // V2: only at+jwt, so an ID-JAG or an ID token presented as a bearer token is refused
        // (S16). V6: keys of the authorization server only; a remote slot asks for fresh ones.
        let rules = JwsRules {
            max_bytes: self.max_token_bytes,
            algorithms: &self.algorithms,
            typ: TypRule::Required(AT_TYP),
        };
        let jws = verify_signed(
            token,
            &rules,
            |_, _| Ok((&self.keys, keys_now)),
            |e| e,
            &mut |_| {},
        )?;
        let c = &jws.payload;
        let string = |name: &str| required_str(c, name).map_err(|d| d.error);
        // V4
        let iss = string("iss")?;
        if iss != self.issuer {
            return Err(invalid(
                ErrorCode::Issuer,
                "iss",
                format!(
                    "issuer {} is not this server's authorization server",
                    quote(iss)
                ),
            ));
        }
        // V5: aud (string or array) names this MCP server.
        if !Audience::read(c).is_ok_and(|aud| aud.contains(&self.resource)) {
            return Err(invalid(
                ErrorCode::Audience,
                "aud",
                "token was not issued for this resource",
            ));
        }
        let sub = string("sub")?.to_owned();
        let client_id = string("client_id")?.to_owned();
        let jti = string("jti")?.to_owned();
        let iss = iss.to_owned();
        // V7
        let exp = check_times(
            &TimeClaims::read(c),
            now,
            &TimeLimits::access_token(self.clock_tolerance),
        )
        .map_err(|f| f.error("access token", 0.0))?
        .exp;
        let scopes = scope_claim(c).map_err(|d| d.error)?.unwrap_or_default();
        // The IdP behind the subject (issue 11 point 1): `sub_id` type-checked as a grant's is
        // (R51); an `iss_sub` one names the IdP.
        let sub_id = match c.get("sub_id") {
            None => None,
            Some(v) => {
                crate::grant::claims::check_subject_identifier(v)
                    .map_err(|e| invalid(ErrorCode::Claim, "sub_id", format!("sub_id {e}")))?;
                Some(v.clone())
            }
        };
        let idp_issuer = sub_id
            .as_ref()
            .filter(|v| v.get("format").and_then(Value::as_str) == Some("iss_sub"))
            .and_then(|v| v.get("iss"))
            .and_then(Value::as_str)
            .map(str::to_owned);
        require_scopes(&scopes, required_scopes)?;
        let (usable_from, usable_until) = verdict_window(c, exp, self.clock_tolerance);
        Ok(AccessTokenInfo {
            issuer: iss,
            subject: sub,
            client_id,
            resource: self.resource.clone(),
            scopes,
            expires_at: exp,
            jti,
            sub_id,
            idp_issuer,
            claims: jws.payload.clone(),
            usable_from,
            usable_until,
        })
    }
}

/// V7 as a window for a token that passed it: valid while `nbf − tolerance ≤ now < exp +
/// tolerance` (`check_times` with `TimeLimits::access_token`), so a verdict may be reused at
/// any `now` inside it and at none outside. `nbf` is a number once V7 passed, when present.
fn verdict_window(claims: &Map<String, Value>, exp: f64, tolerance: f64) -> (f64, f64) {
    let from = claims
        .get("nbf")
        .and_then(Value::as_f64)
        .map_or(f64::NEG_INFINITY, |nbf| nbf - tolerance);
    (from, exp + tolerance)
}

#[cfg(feature = "signing")]
pub use issuer::{AccessTokenIssuer, MintRequest, MintedAccessToken};

#[cfg(feature = "signing")]
mod issuer {
    use super::AT_TYP;
    use crate::error::{Error, ErrorCode};
    use crate::grant::verify::VerifiedGrant;
    use crate::jose::sign::{SigningKey, random_id};
    use serde::{Deserialize, Serialize};
    use serde_json::{Map, Value, json};

    /// Mints RFC 9068 access tokens for verified grants.
    pub struct AccessTokenIssuer {
        issuer: String,
        key: SigningKey,
        lifetime: f64,
    }

    /// A minted access token and the facts of the token response.
    #[derive(Debug, Clone, PartialEq, Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct MintedAccessToken {
        /// The compact JWS (`at+jwt`).
        pub access_token: String,
        /// Its lifetime, seconds.
        pub expires_in: f64,
        /// Its scopes, space-separated.
        pub scope: String,
        /// The one resource it is for (its `aud`, R50).
        pub resource: String,
        /// Its `jti`.
        pub jti: String,
        /// The token's `sub` (for the audit event).
        pub subject: String,
    }

    /// What a token is minted from: the facts of a verified grant.
    ///
    /// Subjects that cannot collide across IdPs (issue 11 point 1). Every access token
    /// records the IdP in an RFC 9493 `sub_id` `{"format":"iss_sub","iss":<IdP iss>,"sub":<IdP
    /// sub>}`, and its `sub` is:
    /// - `local_subject` when the host mapped the user to a local account;
    /// - otherwise, with `qualify_subject` (the AS trusts more than one issuer:
    ///   `Config::trusts_several_issuers`), `<IdP iss>#<IdP sub>`. Issuers then contain no `#`
    ///   (refused at configuration, ERR_CONFIG; RFC 8414 issuers have no fragment), so the
    ///   first `#` splits the two unambiguously and two IdPs' subjects never collide;
    /// - otherwise the IdP's `sub` unchanged (one trusted issuer).
    #[derive(Debug, Clone, Default, Deserialize)]
    #[serde(rename_all = "camelCase")]
    pub struct MintRequest {
        /// The IdP's `sub` of the user.
        pub subject: String,
        /// The client the token is issued to.
        pub client_id: String,
        /// The granted resources; exactly one is required (R50).
        pub resources: Vec<String>,
        /// The granted scopes.
        pub scopes: Vec<String>,
        /// The grant's verified claims (`iss`, `act` are carried).
        #[serde(default)]
        pub claims: Map<String, Value>,
        /// The grant's `iss` (the IdP). When absent, `claims.iss`; one of them is required.
        #[serde(default)]
        pub issuer: Option<String>,
        /// The local account the host mapped the user to: becomes the token's `sub`.
        #[serde(default)]
        pub local_subject: Option<String>,
        /// `sub` = `<IdP iss>#<IdP sub>` (when no `local_subject`): set it when the AS trusts
        /// more than one issuer.
        #[serde(default)]
        pub qualify_subject: bool,
    }

    impl From<&VerifiedGrant> for MintRequest {
        fn from(g: &VerifiedGrant) -> Self {
            MintRequest {
                subject: g.subject.clone(),
                client_id: g.client_id.clone(),
                resources: g.resources.clone(),
                scopes: g.scopes.clone(),
                claims: g.claims.clone(),
                issuer: Some(g.issuer.clone()),
                local_subject: None,
                qualify_subject: false,
            }
        }
    }

    impl MintRequest {
        /// The IdP: `issuer`, else the grant's `iss` claim.
        /// The IdP, when known (a token minted from a verified grant always knows it; a host
        /// minting for its own purposes may not, and its tokens then carry no `sub_id`).
        fn idp(&self) -> Option<&str> {
            let from_claims = self.claims.get("iss").and_then(Value::as_str);
            self.issuer
                .as_deref()
                .or(from_claims)
                .filter(|i| !i.is_empty())
        }

        /// The access token's `sub` (see the type's documentation).
        fn access_token_subject(&self, idp: Option<&str>) -> Result<String, Error> {
            if let Some(local) = &self.local_subject {
                if local.is_empty() {
                    return Err(Error::config("localSubject must not be empty"));
                }
                return Ok(local.clone());
            }
            if self.qualify_subject {
                let Some(idp) = idp else {
                    return Err(Error::config(
                        "the grant's issuer is required to qualify the subject",
                    ));
                };
                if idp.contains('#') {
                    return Err(Error::config("an issuer with '#' cannot qualify a subject"));
                }
                return Ok(format!("{idp}#{}", self.subject));
            }
            Ok(self.subject.clone())
        }
    }

    impl AccessTokenIssuer {
        /// An issuer named `issuer` (the authorization server) signing with `key`, tokens valid for
        /// `lifetime_sec` seconds.
        pub fn new(issuer: &str, key: SigningKey, lifetime_sec: u64) -> Result<Self, Error> {
            if issuer.is_empty() || lifetime_sec == 0 {
                return Err(Error::config("issuer and a positive lifetime are required"));
            }
            Ok(AccessTokenIssuer {
                issuer: issuer.to_owned(),
                key,
                lifetime: lifetime_sec as f64,
            })
        }

        /// The public JWK Set for the MCP servers (A10: published at `jwks_uri`).
        pub fn jwks(&self) -> Value {
            json!({ "keys": [self.key.public_jwk()] })
        }

        /// A3–A8, R50: one token per resource, audience-restricted to it.
        pub fn mint(&self, grant: &VerifiedGrant, now: f64) -> Result<MintedAccessToken, Error> {
            self.mint_for(&MintRequest::from(grant), now)
        }

        /// The authorization server's issuer identifier (the tokens' `iss`).
        pub fn issuer(&self) -> &str {
            &self.issuer
        }

        /// The signing key as a private JWK, to persist it across restarts.
        pub fn private_jwk(&self) -> Value {
            self.key.private_jwk()
        }

        /// A3–A8, R50 for the facts of a verified grant. Also `sub_id` (iss_sub) and the
        /// subject form of `MintRequest`, and the grant's `act` (RFC 8693 §4.1).
        pub fn mint_for(&self, grant: &MintRequest, now: f64) -> Result<MintedAccessToken, Error> {
            // A4/R50: the token names exactly one MCP server; a grant for several needs a `resource` choice.
            let resource = match grant.resources.as_slice() {
                [only] => only.clone(),
                [] => {
                    return Err(Error::claim(
                        ErrorCode::Resource,
                        "resource",
                        "the grant names no resource to issue a token for",
                    ));
                }
                _ => {
                    return Err(Error::claim(
                        ErrorCode::Resource,
                        "resource",
                        "the grant names several resources: request one",
                    ));
                }
            };
            if grant.subject.is_empty() {
                return Err(Error::config("the grant's subject is required"));
            }
            let idp = grant.idp();
            let sub = grant.access_token_subject(idp)?;
            let now = now.floor();
            let jti = random_id()?;
            let scope = grant.scopes.join(" ");
            let mut c = Map::new();
            c.insert("iss".into(), json!(self.issuer));
            c.insert("sub".into(), json!(&sub));
            // RFC 9493 §3.2.3: the IdP and its subject, whatever `sub` became.
            if let Some(idp) = idp {
                c.insert(
                    "sub_id".into(),
                    json!({"format": "iss_sub", "iss": idp, "sub": grant.subject}),
                );
            }
            c.insert("aud".into(), json!(resource));
            c.insert("client_id".into(), json!(grant.client_id));
            c.insert("iat".into(), crate::jose::jwt::numeric_date_value(now));
            c.insert(
                "exp".into(),
                crate::jose::jwt::numeric_date_value(now + self.lifetime),
            );
            c.insert("jti".into(), json!(jti));
            if !scope.is_empty() {
                c.insert("scope".into(), json!(scope));
            }
            // A8: authentication facts copied from the grant.
            for k in ["auth_time", "acr", "amr"] {
                if let Some(v) = grant.claims.get(k) {
                    c.insert(k.into(), v.clone());
                }
            }
            // RFC 8693 §4.1: the delegation chain travels unchanged. Bounded: it comes from a
            // verified payload, whose JSON depth and size the parser limited (R7, R8).
            if let Some(act @ Value::Object(_)) = grant.claims.get("act") {
                c.insert("act".into(), act.clone());
            }
            let access_token = self.key.sign_jwt(AT_TYP, &c, None)?;
            Ok(MintedAccessToken {
                access_token,
                expires_in: self.lifetime,
                scope,
                resource,
                jti,
                subject: sub.to_string(),
            })
        }
    }
}

#[cfg(all(test, feature = "signing"))]
mod tests {
    use super::*;
    use crate::jose::crypto::Alg;
    use crate::jose::sign::SigningKey;
    use crate::testing::{MintParams, TestIssuer};
    use crate::{Verifier, VerifierOptions, VerifyContext};
    use serde_json::json;

    const NOW: f64 = 1_767_225_600.0;

    fn grant() -> crate::VerifiedGrant {
        let mut idp = TestIssuer::new("https://idp.test", None, None, None).unwrap();
        let v = Verifier::new(
            VerifierOptions::from_value(json!({"audience":"https://as.test","issuers":[{"issuer":"https://idp.test","jwks":idp.jwks()}],"resources":["https://mcp.test/mcp"]})).unwrap(),
        )
        .unwrap();
        let t = idp
            .mint(&MintParams {
                audience: "https://as.test".into(),
                client_id: "c1".into(),
                subject: Some("alice".into()),
                resource: Some(json!("https://mcp.test/mcp")),
                scope: Some("files.read files.write".into()),
                now_sec: NOW,
                ..Default::default()
            })
            .unwrap();
        v.verify(
            &t,
            &VerifyContext {
                client_id: "c1",
                now: NOW,
                scope: Some("files.read"),
                resource: None,
                keys_now: None,
            },
        )
        .unwrap()
    }

    #[test]
    fn mint_then_verify_round_trip_and_v_rules() {
        let issuer = AccessTokenIssuer::new(
            "https://as.test",
            SigningKey::generate(Alg::ES256, None).unwrap(),
            300,
        )
        .unwrap();
        let at = issuer.mint(&grant(), NOW).unwrap();
        assert_eq!(at.scope, "files.read", "granted = grant ∩ requested");
        let v = AccessTokenVerifier::new(
            "https://as.test",
            "https://mcp.test/mcp",
            &issuer.jwks(),
            None,
            60,
        )
        .unwrap();
        let info = v
            .verify(&at.access_token, NOW + 10.0, &["files.read"])
            .unwrap();
        assert_eq!(info.subject, "alice");
        assert_eq!(info.client_id, "c1");
        // V8: a scope the token lacks
        assert_eq!(
            v.verify(&at.access_token, NOW, &["files.write"])
                .unwrap_err()
                .code(),
            ErrorCode::Scope
        );
        // V7
        assert_eq!(
            v.verify(&at.access_token, NOW + 400.0, &[])
                .unwrap_err()
                .code(),
            ErrorCode::Expired
        );
        // V5: another MCP server
        let other = AccessTokenVerifier::new(
            "https://as.test",
            "https://other.test/mcp",
            &issuer.jwks(),
            None,
            60,
        )
        .unwrap();
        assert_eq!(
            other.verify(&at.access_token, NOW, &[]).unwrap_err().code(),
            ErrorCode::Audience
        );
        // V4: another authorization server
        let wrong_iss = AccessTokenVerifier::new(
            "https://as2.test",
            "https://mcp.test/mcp",
            &issuer.jwks(),
            None,
            60,
        )
        .unwrap();
        assert_eq!(
            wrong_iss
                .verify(&at.access_token, NOW, &[])
                .unwrap_err()
                .code(),
            ErrorCode::Issuer
        );
        // V6: keys of another issuer
        let stranger = AccessTokenIssuer::new(
            "https://as.test",
            SigningKey::generate(
                Alg::ES256,
                Some(issuer.jwks()["keys"][0]["kid"].as_str().unwrap().into()),
            )
            .unwrap(),
            300,
        )
        .unwrap();
        let forged = stranger.mint(&grant(), NOW).unwrap();
        assert_eq!(
            v.verify(&forged.access_token, NOW, &[]).unwrap_err().code(),
            ErrorCode::Signature
        );
    }

    fn as_issuer() -> AccessTokenIssuer {
        AccessTokenIssuer::new(
            "https://as.test",
            SigningKey::generate(Alg::ES256, None).unwrap(),
            300,
        )
        .unwrap()
    }

    fn at_verifier(issuer: &AccessTokenIssuer) -> AccessTokenVerifier {
        AccessTokenVerifier::new(
            "https://as.test",
            "https://mcp.test/mcp",
            &issuer.jwks(),
            None,
            60,
        )
        .unwrap()
    }

    // Issue 11 point 1: the IdP is recorded (sub_id iss_sub), `sub` is qualified on request,
    // a host-mapped local subject wins, and AccessTokenInfo exposes the IdP.
    #[test]
    fn subjects_record_the_idp_and_cannot_collide() {
        let issuer = as_issuer();
        let v = at_verifier(&issuer);
        let g = grant();
        let info = v
            .verify(&issuer.mint(&g, NOW).unwrap().access_token, NOW, &[])
            .unwrap();
        assert_eq!(info.subject, "alice", "one issuer: the IdP's sub");
        assert_eq!(
            info.sub_id,
            Some(json!({"format":"iss_sub","iss":"https://idp.test","sub":"alice"}))
        );
        assert_eq!(info.idp_issuer.as_deref(), Some("https://idp.test"));
        let json = serde_json::to_value(&info).unwrap();
        assert_eq!(json["idpIssuer"], "https://idp.test");
        assert_eq!(json["subId"]["format"], "iss_sub");

        let mut req = MintRequest::from(&g);
        req.qualify_subject = true;
        let info = v
            .verify(&issuer.mint_for(&req, NOW).unwrap().access_token, NOW, &[])
            .unwrap();
        assert_eq!(info.subject, "https://idp.test#alice");
        let (iss, sub) = info.subject.split_once('#').unwrap();
        assert_eq!((iss, sub), ("https://idp.test", "alice"));

        req.local_subject = Some("account-42".into());
        let info = v
            .verify(&issuer.mint_for(&req, NOW).unwrap().access_token, NOW, &[])
            .unwrap();
        assert_eq!(info.subject, "account-42");
        assert_eq!(info.sub_id.unwrap()["sub"], "alice");

        // The JS path: no `issuer`, the grant's claims carry `iss`.
        let mut js = MintRequest::from(&g);
        js.issuer = None;
        assert!(issuer.mint_for(&js, NOW).is_ok());
        js.claims.remove("iss");
        // No IdP known: the token carries no sub_id, and cannot qualify its subject.
        let plain = issuer.mint_for(&js, NOW).unwrap().access_token;
        assert!(v.verify(&plain, NOW, &[]).unwrap().sub_id.is_none());
        js.qualify_subject = true;
        assert_eq!(
            issuer.mint_for(&js, NOW).err().map(|e| e.code()),
            Some(ErrorCode::Config)
        );
        let mut bad = MintRequest::from(&g);
        bad.issuer = Some("https://idp#x".into());
        bad.qualify_subject = true;
        assert!(issuer.mint_for(&bad, NOW).is_err());
        let mut bad = MintRequest::from(&g);
        bad.local_subject = Some(String::new());
        assert!(issuer.mint_for(&bad, NOW).is_err());
    }

    // RFC 8693 §4.1: the grant's act is carried unchanged.
    #[test]
    fn act_is_carried_into_the_access_token() {
        let issuer = as_issuer();
        let v = at_verifier(&issuer);
        let act = json!({"sub":"agent-1","sub_profile":"ai_agent","act":{"sub":"gateway"}});
        let mut req = MintRequest::from(&grant());
        req.claims.insert("act".into(), act.clone());
        let info = v
            .verify(&issuer.mint_for(&req, NOW).unwrap().access_token, NOW, &[])
            .unwrap();
        assert_eq!(info.claims.get("act"), Some(&act));
        let info = v
            .verify(&issuer.mint(&grant(), NOW).unwrap().access_token, NOW, &[])
            .unwrap();
        assert!(!info.claims.contains_key("act"));
    }

    #[test]
    fn a_malformed_sub_id_in_an_access_token_is_refused() {
        let key = SigningKey::generate(Alg::ES256, Some("k".into())).unwrap();
        let v = AccessTokenVerifier::new(
            "https://as.test",
            "https://mcp.test/mcp",
            &json!({"keys":[key.public_jwk()]}),
            None,
            60,
        )
        .unwrap();
        let claims = json!({"iss":"https://as.test","sub":"a","aud":"https://mcp.test/mcp","client_id":"c","jti":"j","iat":NOW,"exp":NOW+60.0,"sub_id":"alice"});
        let t = key
            .sign_jwt(AT_TYP, claims.as_object().unwrap(), None)
            .unwrap();
        let e = v.verify(&t, NOW, &[]).unwrap_err();
        assert_eq!(
            (e.code(), e.claim_name()),
            (ErrorCode::Claim, Some("sub_id"))
        );
    }

    #[test]
    fn s16_an_id_jag_is_not_an_access_token() {
        let mut idp = TestIssuer::new("https://as.test", None, None, None).unwrap();
        let idjag = idp
            .mint(&MintParams {
                audience: "https://mcp.test/mcp".into(),
                client_id: "c1".into(),
                now_sec: NOW,
                ..Default::default()
            })
            .unwrap();
        let v = AccessTokenVerifier::new(
            "https://as.test",
            "https://mcp.test/mcp",
            &idp.jwks(),
            None,
            60,
        )
        .unwrap();
        assert_eq!(
            v.verify(&idjag, NOW, &[]).unwrap_err().code(),
            ErrorCode::Typ
        );
    }
}

/// V8: every required scope is granted, else ERR_SCOPE (403 insufficient_scope). The one
/// implementation: `verify_at` calls it, and so does the JS cache of verified tokens on a hit
/// (pkg/src/access-token-verifier.js through `requireScopes`), so a cached verdict is held to
/// the same rule as a fresh one.
pub fn require_scopes<S: AsRef<str>>(granted: &[S], required: &[&str]) -> Result<(), Error> {
    match required
        .iter()
        .find(|r| !granted.iter().any(|s| s.as_ref() == **r))
    {
        Some(missing) => Err(invalid(
            ErrorCode::Scope,
            "scope",
            format!("scope {} is required", quote(missing)),
        )),
        None => Ok(()),
    }
}
