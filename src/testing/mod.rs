//! A test issuer: an IdP in a box for people testing their own servers.
//! It mints valid ID-JAGs and every broken variant a verifier must refuse.
//! Its keys are generated at run time (getrandom) or supplied; never use it in production.

use crate::error::{Error, ErrorCode};
use crate::jose::crypto::Alg;
use crate::jose::jws::{decode_b64url, encode_b64url};
use crate::jose::sign::{SigningKey, random_id};
use hmac::{KeyInit, Mac};
use serde::Deserialize;
use serde_json::{Map, Value, json};

/// A broken (or valid) variant and the code a default `Verifier` answers.
pub struct Variant {
    /// The variant's name, as `MintParams::variant` takes it.
    pub name: &'static str,
    /// The code a default verifier answers; `None` for a grant it accepts.
    pub code: Option<ErrorCode>,
    /// What the variant breaks.
    pub description: &'static str,
}

/// Every grant variant the test issuer can mint: the valid grant and the defects a verifier must
/// refuse, each with the code it must refuse it with.
pub const VARIANTS: [Variant; 15] = [
    Variant {
        name: "valid",
        code: None,
        description: "a well-formed grant the verifier accepts",
    },
    Variant {
        name: "bad-signature",
        code: Some(ErrorCode::Signature),
        description: "one bit of the signature flipped",
    },
    Variant {
        name: "wrong-aud",
        code: Some(ErrorCode::Audience),
        description: "aud names another authorization server",
    },
    Variant {
        name: "two-element-aud",
        code: Some(ErrorCode::Audience),
        description: "aud is [ours, another]: refused even though it contains ours (R20)",
    },
    Variant {
        name: "expired",
        code: Some(ErrorCode::Expired),
        description: "exp five minutes ago",
    },
    Variant {
        name: "iat-in-future",
        code: Some(ErrorCode::NotYetValid),
        description: "issued ten minutes from now",
    },
    Variant {
        name: "wrong-typ",
        code: Some(ErrorCode::Typ),
        description: "typ JWT instead of oauth-id-jag+jwt",
    },
    Variant {
        name: "client-mismatch",
        code: Some(ErrorCode::Client),
        description: "client_id is another client",
    },
    Variant {
        name: "unknown-kid",
        code: Some(ErrorCode::Key),
        description: "kid names no key of the issuer",
    },
    Variant {
        name: "alg-none",
        code: Some(ErrorCode::Alg),
        description: "alg none (an unsigned grant)",
    },
    Variant {
        name: "hs256-public-key",
        code: Some(ErrorCode::Alg),
        description: "HS256 keyed with the issuer's public key (algorithm confusion)",
    },
    Variant {
        name: "crit",
        code: Some(ErrorCode::Header),
        description: "a crit header naming an unknown extension",
    },
    Variant {
        name: "oversized",
        code: Some(ErrorCode::Malformed),
        description: "larger than the 16 KiB default limit",
    },
    Variant {
        name: "cnf",
        code: Some(ErrorCode::Unsupported),
        description: "bound to a dpop key (cnf) without a proof",
    },
    Variant {
        name: "replayed",
        code: Some(ErrorCode::Replay),
        description: "the same token as the previous valid grant",
    },
];

/// What to mint: the grant's audience, client, subject, resource, scope and times, or a broken
/// variant. `now_sec` has no default: the test issuer reads no clock either.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct MintParams {
    /// The `aud`: the authorization server's issuer.
    pub audience: String,
    /// The `client_id` the grant is bound to.
    pub client_id: String,
    /// The `sub` (default `user-1`).
    #[serde(default)]
    pub subject: Option<String>,
    /// The `resource`: a string or an array of strings.
    #[serde(default)]
    pub resource: Option<Value>,
    /// The `scope`, space-separated.
    #[serde(default)]
    pub scope: Option<String>,
    /// The issue time (`iat`), epoch seconds.
    pub now_sec: f64,
    /// `exp` − `iat` (default 60 seconds).
    #[serde(default)]
    pub lifetime_sec: Option<f64>,
    /// The `jti` (default: random).
    #[serde(default)]
    pub jti: Option<String>,
    /// The `tenant` claim, if any.
    #[serde(default)]
    pub tenant: Option<String>,
    /// Extra claims, over the ones above.
    #[serde(default)]
    pub claims: Option<Map<String, Value>>,
    /// A name from [`VARIANTS`]: mint that broken grant instead.
    #[serde(default)]
    pub variant: Option<String>,
}

/// A test IdP: one signing key, the grants it mints (valid, or any of [`VARIANTS`]) and its JWK Set.
/// For tests and demos; never a production IdP.
pub struct TestIssuer {
    issuer: String,
    key: SigningKey,
    last_valid: Option<String>,
}

fn bad(msg: String) -> Error {
    Error::config(msg)
}

impl TestIssuer {
    /// An issuer named `issuer` with a new key (`alg`, default ES256; `kid`), or the private JWK given.
    pub fn new(
        issuer: &str,
        alg: Option<Alg>,
        kid: Option<String>,
        private_jwk: Option<&Value>,
    ) -> Result<TestIssuer, Error> {
        if issuer.is_empty() {
            return Err(bad("issuer must not be empty".into()));
        }
        let key = match private_jwk {
            Some(jwk) => SigningKey::from_jwk(jwk, alg)?,
            None => SigningKey::generate(alg.unwrap_or(Alg::ES256), kid)?,
        };
        Ok(TestIssuer {
            issuer: issuer.to_owned(),
            key,
            last_valid: None,
        })
    }

    /// The `iss` it mints.
    pub fn issuer(&self) -> &str {
        &self.issuer
    }

    /// Its public JWK Set, as a verifier trusts it.
    pub fn jwks(&self) -> Value {
        json!({ "keys": [self.key.public_jwk()] })
    }

    /// Its private JWK (to sign elsewhere, e.g. with `jose` in tests).
    pub fn private_jwk(&self) -> Value {
        self.key.private_jwk()
    }

    fn claims(&self, p: &MintParams) -> Result<Map<String, Value>, Error> {
        let lifetime = p.lifetime_sec.unwrap_or(60.0);
        let now = p.now_sec.floor();
        let mut c = Map::new();
        c.insert("iss".into(), json!(self.issuer));
        c.insert(
            "sub".into(),
            json!(p.subject.clone().unwrap_or_else(|| "user-1".into())),
        );
        c.insert("aud".into(), json!(p.audience));
        c.insert("client_id".into(), json!(p.client_id));
        c.insert(
            "jti".into(),
            json!(match &p.jti {
                Some(j) => j.clone(),
                None => random_id()?,
            }),
        );
        c.insert("iat".into(), crate::jose::jwt::numeric_date_value(now));
        c.insert(
            "exp".into(),
            crate::jose::jwt::numeric_date_value(now + lifetime),
        );
        if let Some(r) = &p.resource {
            c.insert("resource".into(), r.clone());
        }
        if let Some(s) = &p.scope {
            c.insert("scope".into(), json!(s));
        }
        if let Some(t) = &p.tenant {
            c.insert("tenant".into(), json!(t));
        }
        if let Some(extra) = &p.claims {
            for (k, v) in extra {
                c.insert(k.clone(), v.clone());
            }
        }
        Ok(c)
    }

    /// Sign any JWT with the issuer's key: for the other tokens a test IdP hands out, such
    /// as an OpenID Connect ID token (`typ` JWT, S16: never mistaken for an ID-JAG). `header`
    /// members are added to `{alg, typ: "JWT", kid}` and may replace `typ` and `kid`, not
    /// `alg` (the key decides it, R10). The claims are signed as given.
    pub fn sign_jwt(
        &self,
        header: &Map<String, Value>,
        claims: &Map<String, Value>,
    ) -> Result<String, Error> {
        if let Some(alg) = header.get("alg")
            && alg.as_str() != Some(self.key.alg().name())
        {
            return Err(bad(format!(
                "header alg must be the key's ({})",
                self.key.alg().name()
            )));
        }
        let typ = match header.get("typ") {
            None => "JWT",
            Some(Value::String(t)) => t.as_str(),
            Some(_) => return Err(bad("header typ must be a string".into())),
        };
        let mut extra = header.clone();
        extra.remove("alg");
        extra.remove("typ");
        self.key.sign_jwt(typ, claims, Some(&extra))
    }

    /// Mint a grant; `params.variant` picks a broken one (see `VARIANTS`).
    pub fn mint(&mut self, p: &MintParams) -> Result<String, Error> {
        let variant = p.variant.as_deref().unwrap_or("valid");
        let mut c = self.claims(p)?;
        let now = p.now_sec.floor();
        let typ = crate::grant::verify::ID_JAG_TYP;
        let token = match variant {
            "valid" => {
                let t = self.key.sign_jwt(typ, &c, None)?;
                self.last_valid = Some(t.clone());
                t
            }
            "replayed" => match &self.last_valid {
                Some(t) => t.clone(),
                None => return Err(bad("mint a valid grant before its replay".into())),
            },
            "bad-signature" => {
                let t = self.key.sign_jwt(typ, &c, None)?;
                let (input, sig) = t
                    .rsplit_once('.')
                    .ok_or_else(|| bad("unexpected token".into()))?;
                let mut bytes =
                    decode_b64url(sig).ok_or_else(|| bad("unexpected signature".into()))?;
                let mid = bytes.len() / 2;
                if let Some(b) = bytes.get_mut(mid) {
                    *b ^= 0x01;
                }
                format!("{input}.{}", encode_b64url(&bytes))
            }
            "wrong-aud" => {
                c.insert(
                    "aud".into(),
                    json!("https://another-authorization-server.example"),
                );
                self.key.sign_jwt(typ, &c, None)?
            }
            "two-element-aud" => {
                c.insert(
                    "aud".into(),
                    json!([p.audience, "https://another-authorization-server.example"]),
                );
                self.key.sign_jwt(typ, &c, None)?
            }
            "expired" => {
                c.insert(
                    "iat".into(),
                    crate::jose::jwt::numeric_date_value(now - 600.0),
                );
                c.insert(
                    "exp".into(),
                    crate::jose::jwt::numeric_date_value(now - 300.0),
                );
                self.key.sign_jwt(typ, &c, None)?
            }
            "iat-in-future" => {
                c.insert(
                    "iat".into(),
                    crate::jose::jwt::numeric_date_value(now + 600.0),
                );
                c.insert(
                    "exp".into(),
                    crate::jose::jwt::numeric_date_value(now + 660.0),
                );
                self.key.sign_jwt(typ, &c, None)?
            }
            "wrong-typ" => self.key.sign_jwt("JWT", &c, None)?,
            "client-mismatch" => {
                c.insert("client_id".into(), json!(format!("{}-other", p.client_id)));
                self.key.sign_jwt(typ, &c, None)?
            }
            "unknown-kid" => {
                let mut h = Map::new();
                h.insert("kid".into(), json!(format!("unknown-{}", random_id()?)));
                self.key.sign_jwt(typ, &c, Some(&h))?
            }
            "alg-none" => {
                let valid = self.key.sign_jwt(typ, &c, None)?;
                let sig = valid.rsplit('.').next().unwrap_or_default().to_owned();
                let header = json!({"alg":"none","typ":typ});
                format!(
                    "{}.{}.{sig}",
                    b64_json(&header),
                    b64_json(&Value::Object(c))
                )
            }
            "hs256-public-key" => {
                // Algorithm confusion: HMAC keyed with the public key a verifier might hold.
                let header = json!({"alg":"HS256","typ":typ,"kid":self.key.kid()});
                let input = format!("{}.{}", b64_json(&header), b64_json(&Value::Object(c)));
                let secret = self.key.public_jwk().to_string();
                let mut mac = hmac::Hmac::<sha2_signing::Sha256>::new_from_slice(secret.as_bytes())
                    .map_err(|_| bad("hmac key".into()))?;
                mac.update(input.as_bytes());
                format!("{input}.{}", encode_b64url(&mac.finalize().into_bytes()))
            }
            "crit" => {
                let mut h = Map::new();
                h.insert("crit".into(), json!(["urn:example:unknown"]));
                h.insert("urn:example:unknown".into(), json!(true));
                self.key.sign_jwt(typ, &c, Some(&h))?
            }
            "oversized" => {
                c.insert("padding".into(), json!("x".repeat(17_000)));
                self.key.sign_jwt(typ, &c, None)?
            }
            "cnf" => {
                c.insert("cnf".into(), json!({"jkt": encode_b64url(&[7u8; 32])}));
                self.key.sign_jwt(typ, &c, None)?
            }
            other => {
                return Err(bad(format!(
                    "unknown variant {}",
                    crate::error::quote(other)
                )));
            }
        };
        Ok(token)
    }
}

fn b64_json(v: &Value) -> String {
    encode_b64url(v.to_string().as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Verifier, VerifierOptions, VerifyContext};

    #[test]
    fn sign_jwt_signs_any_claims_with_typ_jwt_by_default() {
        let issuer = TestIssuer::new("https://idp.test", None, None, None).unwrap();
        let claims = json!({"iss": "https://idp.test", "sub": "alice", "aud": "client-1"});
        let token = issuer
            .sign_jwt(&Map::new(), claims.as_object().unwrap())
            .unwrap();
        let parsed = crate::jose::jws::parse_compact(&token, 16_384).unwrap();
        assert_eq!(parsed.header.get("typ"), Some(&json!("JWT")));
        assert_eq!(parsed.header.get("alg"), Some(&json!("ES256")));
        let other_alg = json!({"alg": "none"});
        assert!(
            issuer
                .sign_jwt(other_alg.as_object().unwrap(), claims.as_object().unwrap())
                .is_err()
        );
    }

    #[test]
    fn every_variant_gets_its_code_from_a_default_verifier() {
        let mut issuer = TestIssuer::new("https://idp.test", None, None, None).unwrap();
        let options = VerifierOptions::from_value(json!({
            "audience": "https://as.test",
            "issuers": [{"issuer": "https://idp.test", "jwks": issuer.jwks()}],
            "resources": ["https://mcp.test/mcp"],
        }))
        .unwrap();
        let verifier = Verifier::new(options).unwrap();
        let ctx = VerifyContext::new("client-1", 1_767_225_600.0);
        for v in VARIANTS {
            let params = MintParams {
                audience: "https://as.test".into(),
                client_id: "client-1".into(),
                resource: Some(json!("https://mcp.test/mcp")),
                scope: Some("files.read".into()),
                now_sec: ctx.now,
                variant: Some(v.name.into()),
                ..Default::default()
            };
            let token = issuer.mint(&params).unwrap();
            let got = verifier.verify(&token, &ctx).err().map(|e| e.code());
            assert_eq!(got, v.code, "variant {}", v.name);
        }
    }
}
