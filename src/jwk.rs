//! JWK / JWK Set validation and key selection (R13, R14).
//!
//! Keys are parsed once, at configuration time, into `KeyVerifier`s; a JWKS
//! with private or symmetric material is a configuration error.

use crate::crypto::{Alg, KeyError, KeyFamily, KeyVerifier};
use crate::error::{Error, ErrorCode, quote};
use crate::jws::decode_b64url;
use jsonwebtoken::DecodingKey;
use serde_json::{Map, Value};

/// Most keys accepted in one JWK Set.
pub const MAX_KEYS: usize = 100;

/// Members that only private or symmetric keys carry.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// One public key from a JWK Set.
#[derive(Clone)]
pub struct Jwk {
    kid: Option<String>,
    /// The JWK's own `alg`, when it names one of ours.
    alg: Option<Alg>,
    /// Why this key may never verify anything (wrong `use`, `key_ops`, unknown `alg` or curve).
    unusable: Option<&'static str>,
    verifier: Option<KeyVerifier>,
}

impl Jwk {
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// R14: the verifier for `alg`, or why this key cannot be used with it.
    pub fn verifier_for(&self, alg: Alg) -> Result<KeyVerifier, &'static str> {
        if let Some(why) = self.unusable {
            return Err(why);
        }
        if let Some(own) = self.alg
            && own != alg
        {
            return Err("the key's alg differs from the token's alg");
        }
        self.verifier
            .as_ref()
            .and_then(|v| v.with_alg(alg))
            .ok_or("the key type does not match the token's alg")
    }
}

/// A validated JWK Set.
#[derive(Clone, Default)]
pub struct KeySet {
    keys: Vec<Jwk>,
}

fn config(msg: String) -> Error {
    Error::config(msg)
}

fn str_member<'a>(
    jwk: &'a Map<String, Value>,
    name: &str,
    at: &str,
) -> Result<Option<&'a str>, Error> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(config(format!("{at}: {name} must be a string"))),
    }
}

fn b64_member(jwk: &Map<String, Value>, name: &str, at: &str) -> Result<Vec<u8>, Error> {
    let s = str_member(jwk, name, at)?.ok_or_else(|| config(format!("{at}: {name} is missing")))?;
    decode_b64url(s).ok_or_else(|| config(format!("{at}: {name} is not base64url")))
}

fn key_error(at: &str, e: KeyError) -> Error {
    config(format!("{at}: {}", e.describe()))
}

impl Jwk {
    /// Parse one JWK; `at` names it in error messages (e.g. `issuers[0].jwks.keys[2]`).
    pub fn parse(value: &Value, at: &str) -> Result<Jwk, Error> {
        let jwk = value
            .as_object()
            .ok_or_else(|| config(format!("{at} must be an object")))?;
        if let Some(m) = PRIVATE_MEMBERS.iter().find(|m| jwk.contains_key(**m)) {
            return Err(config(format!(
                "{at}: private or symmetric key material (\"{m}\") is not accepted; give public keys only"
            )));
        }
        let kty =
            str_member(jwk, "kty", at)?.ok_or_else(|| config(format!("{at}: kty is missing")))?;
        let kid = str_member(jwk, "kid", at)?.map(str::to_owned);
        let alg_name = str_member(jwk, "alg", at)?;
        let alg = alg_name.and_then(Alg::parse);
        let mut unusable = None;
        if alg_name.is_some() && alg.is_none() {
            unusable = Some("the key's alg is not a supported signature algorithm");
        }
        match str_member(jwk, "use", at)? {
            Some("sig") | None => {}
            Some(_) => unusable = Some("the key's use is not sig"),
        }
        if let Some(ops) = jwk.get("key_ops") {
            let ops = ops
                .as_array()
                .ok_or_else(|| config(format!("{at}: key_ops must be an array")))?;
            let mut names = Vec::with_capacity(ops.len());
            for op in ops {
                names.push(
                    op.as_str()
                        .ok_or_else(|| config(format!("{at}: key_ops must hold strings")))?,
                );
            }
            if !names.contains(&"verify") {
                unusable = Some("the key's key_ops do not include verify");
            }
        }

        let verifier = match kty {
            "RSA" => {
                let n = b64_member(jwk, "n", at)?;
                let e = b64_member(jwk, "e", at)?;
                let key = DecodingKey::from_rsa_raw_components(&n, &e);
                let first = alg
                    .filter(|a| a.family() == KeyFamily::Rsa)
                    .unwrap_or(Alg::RS256);
                Some(KeyVerifier::from_decoding_key(first, &key).map_err(|e| key_error(at, e))?)
            }
            "EC" => {
                let crv = str_member(jwk, "crv", at)?
                    .ok_or_else(|| config(format!("{at}: crv is missing")))?;
                let (alg_for_curve, len) = match crv {
                    "P-256" => (Some(Alg::ES256), 32),
                    "P-384" => (Some(Alg::ES384), 48),
                    _ => (None, 0),
                };
                match alg_for_curve {
                    Some(curve_alg) => {
                        let x = b64_member(jwk, "x", at)?;
                        let y = b64_member(jwk, "y", at)?;
                        if x.len() != len || y.len() != len {
                            return Err(key_error(at, KeyError::EcInvalidPoint));
                        }
                        let mut point = Vec::with_capacity(1 + 2 * len);
                        point.push(4u8);
                        point.extend_from_slice(&x);
                        point.extend_from_slice(&y);
                        let key = DecodingKey::from_ec_der(&point);
                        Some(
                            KeyVerifier::from_decoding_key(curve_alg, &key)
                                .map_err(|e| key_error(at, e))?,
                        )
                    }
                    None => {
                        unusable = Some("the key's curve is not supported");
                        None
                    }
                }
            }
            "OKP" => {
                let crv = str_member(jwk, "crv", at)?
                    .ok_or_else(|| config(format!("{at}: crv is missing")))?;
                if crv == "Ed25519" {
                    let x = b64_member(jwk, "x", at)?;
                    let key = DecodingKey::from_ed_der(&x);
                    Some(
                        KeyVerifier::from_decoding_key(Alg::EdDSA, &key)
                            .map_err(|e| key_error(at, e))?,
                    )
                } else {
                    unusable = Some("the key's curve is not supported");
                    None
                }
            }
            "oct" => {
                return Err(config(format!(
                    "{at}: symmetric keys (kty oct) are not accepted"
                )));
            }
            other => {
                let _ = other;
                unusable = Some("the key type is not supported");
                None
            }
        };
        // R14: a JWK alg of another family than its kty can never verify.
        if let (Some(a), Some(v)) = (alg, verifier.as_ref())
            && a.family() != v.alg().family()
        {
            return Err(config(format!(
                "{at}: alg {} does not match kty {}",
                a.name(),
                quote(kty)
            )));
        }
        Ok(Jwk {
            kid,
            alg,
            unusable,
            verifier,
        })
    }
}

impl KeySet {
    /// Validate a JWK Set (`{"keys": [...]}`); `at` names it in messages.
    pub fn parse(value: &Value, at: &str) -> Result<KeySet, Error> {
        let keys = value
            .as_object()
            .and_then(|o| o.get("keys"))
            .and_then(Value::as_array)
            .ok_or_else(|| config(format!("{at} must be an object with a keys array")))?;
        if keys.len() > MAX_KEYS {
            return Err(config(format!("{at} has more than {MAX_KEYS} keys")));
        }
        let mut out: Vec<Jwk> = Vec::with_capacity(keys.len());
        for (i, k) in keys.iter().enumerate() {
            let jwk = Jwk::parse(k, &format!("{at}.keys[{i}]"))?;
            if let Some(kid) = jwk.kid()
                && out.iter().any(|o| o.kid() == Some(kid))
            {
                // R13: a kid must select one key; duplicates make selection ambiguous.
                return Err(config(format!("{at}: duplicate kid {}", quote(kid))));
            }
            out.push(jwk);
        }
        Ok(KeySet { keys: out })
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// R13/R14: the keys to try for (`alg`, `kid`).
    /// `kid` given → exactly the key with that kid (ERR_KEY if none, ERR_ALG if it
    /// cannot do `alg`); no `kid` → every key compatible with `alg` (ERR_KEY if none).
    pub fn candidates(&self, alg: Alg, kid: Option<&str>) -> Result<Vec<KeyVerifier>, Error> {
        match kid {
            Some(kid) => {
                let key = self
                    .keys
                    .iter()
                    .find(|k| k.kid() == Some(kid))
                    .ok_or_else(|| {
                        Error::claim(
                            ErrorCode::Key,
                            "kid",
                            format!("no key with kid {}", quote(kid)),
                        )
                    })?;
                key.verifier_for(alg)
                    .map(|v| vec![v])
                    .map_err(|why| Error::claim(ErrorCode::Alg, "alg", why))
            }
            None => {
                let found: Vec<KeyVerifier> = self
                    .keys
                    .iter()
                    .filter_map(|k| k.verifier_for(alg).ok())
                    .collect();
                if found.is_empty() {
                    return Err(Error::new(
                        ErrorCode::Key,
                        format!("no key usable with {}", alg.name()),
                    ));
                }
                Ok(found)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    // RFC 7517 §A.1 style P-256 public key (the RFC 7515 §A.3 key).
    fn ec_key() -> Value {
        json!({"kty":"EC","crv":"P-256","kid":"ec1",
            "x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
            "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})
    }

    #[test]
    fn parses_ec_key_and_selects_by_kid_and_alg() {
        let ks = KeySet::parse(&json!({"keys":[ec_key()]}), "jwks").expect("valid");
        assert_eq!(ks.len(), 1);
        assert!(ks.candidates(Alg::ES256, Some("ec1")).is_ok());
        assert_eq!(
            ks.candidates(Alg::ES256, Some("nope"))
                .err()
                .map(|e| e.code()),
            Some(ErrorCode::Key)
        );
        assert_eq!(
            ks.candidates(Alg::RS256, Some("ec1"))
                .err()
                .map(|e| e.code()),
            Some(ErrorCode::Alg)
        );
        assert_eq!(
            ks.candidates(Alg::ES256, None).map(|v| v.len()).ok(),
            Some(1)
        );
        assert_eq!(
            ks.candidates(Alg::ES384, None).err().map(|e| e.code()),
            Some(ErrorCode::Key)
        );
    }

    #[test]
    fn private_members_are_config_errors() {
        for m in PRIVATE_MEMBERS {
            let mut k = ec_key();
            k[m] = json!("AAAA");
            let e = KeySet::parse(&json!({"keys":[k]}), "jwks")
                .err()
                .expect("refused");
            assert_eq!(e.code(), ErrorCode::Config, "{m}");
        }
    }

    #[test]
    fn oct_duplicate_kid_and_bad_points_refused() {
        let oct = json!({"kty":"oct","kid":"s"});
        assert!(KeySet::parse(&json!({"keys":[oct]}), "jwks").is_err());
        assert!(KeySet::parse(&json!({"keys":[ec_key(), ec_key()]}), "jwks").is_err());
        let mut bad = ec_key();
        bad["y"] = json!("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a1");
        assert!(KeySet::parse(&json!({"keys":[bad]}), "jwks").is_err());
        assert!(KeySet::parse(&json!({"nokeys":[]}), "jwks").is_err());
    }

    #[test]
    fn use_key_ops_and_alg_make_keys_unusable() {
        let mut k = ec_key();
        k["use"] = json!("enc");
        let ks = KeySet::parse(&json!({"keys":[k]}), "jwks").expect("kept");
        assert_eq!(
            ks.candidates(Alg::ES256, Some("ec1"))
                .err()
                .map(|e| e.code()),
            Some(ErrorCode::Alg)
        );
        assert_eq!(
            ks.candidates(Alg::ES256, None).err().map(|e| e.code()),
            Some(ErrorCode::Key)
        );
        let mut k = ec_key();
        k["key_ops"] = json!(["encrypt"]);
        let ks = KeySet::parse(&json!({"keys":[k]}), "jwks").expect("kept");
        assert_eq!(
            ks.candidates(Alg::ES256, Some("ec1"))
                .err()
                .map(|e| e.code()),
            Some(ErrorCode::Alg)
        );
        let mut k = ec_key();
        k["alg"] = json!("RS256");
        assert!(
            KeySet::parse(&json!({"keys":[k]}), "jwks").is_err(),
            "alg of another family"
        );
    }
}
