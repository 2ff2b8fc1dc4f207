//! Signing keys: generation (getrandom), private-JWK import/export, and JWS
//! signing through jsonwebtoken's `JwtSigner` trait. Used by the access-token
//! issuer and the test issuer; never by the verifier.

use crate::error::{Error, ErrorCode};
use crate::jose::crypto::{Alg, KeyFamily};
use crate::jose::jws::{decode_b64url, encode_b64url};
use getrandom::SysRng;
use jsonwebtoken::Algorithm;
use jsonwebtoken::crypto::JwtSigner;
use rsa::traits::{PrivateKeyParts, PublicKeyParts};
use rsa::{BoxedUint, Pkcs1v15Sign, PrivateKey as RsaPrivateKey, pss::Pss};
use serde_json::{Map, Value, json};
use sha2_signing::{Digest, Sha256, Sha384, Sha512};

/// A private signing key bound to one algorithm and a `kid`.
#[derive(Clone)]
pub struct SigningKey {
    alg: Alg,
    kid: String,
    key: PrivateKey,
}

#[derive(Clone)]
enum PrivateKey {
    Rsa(Box<RsaPrivateKey>),
    P256(p256::ecdsa::SigningKey),
    P384(p384::ecdsa::SigningKey),
    Ed25519(Box<ed25519_dalek::SigningKey>),
}

fn sign_err(msg: &str) -> Error {
    Error::new(ErrorCode::Config, msg)
}

fn random_bytes<const N: usize>() -> Result<[u8; N], Error> {
    let mut out = [0u8; N];
    getrandom::fill(&mut out).map_err(|_| sign_err("no secure random source"))?;
    Ok(out)
}

/// A random, URL-safe identifier (`jti`, `kid`): 16 bytes from getrandom.
pub fn random_id() -> Result<String, Error> {
    Ok(encode_b64url(&random_bytes::<16>()?))
}

fn trimmed(b: &[u8]) -> &[u8] {
    let start = b
        .iter()
        .position(|x| *x != 0)
        .unwrap_or(b.len().saturating_sub(1));
    b.get(start..).unwrap_or(b)
}

fn uint_b64(u: &BoxedUint) -> String {
    encode_b64url(trimmed(&u.to_be_bytes()))
}

fn jwk_bytes(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>, Error> {
    jwk.get(name)
        .and_then(Value::as_str)
        .and_then(decode_b64url)
        .ok_or_else(|| sign_err(&format!("private jwk: {name} is missing or not base64url")))
}

fn uint(jwk: &Map<String, Value>, name: &str) -> Result<BoxedUint, Error> {
    Ok(BoxedUint::from_be_slice_vartime(&jwk_bytes(jwk, name)?))
}

impl SigningKey {
    /// A fresh key for `alg` (ES256, ES384 or EdDSA; RSA keys must be imported).
    pub fn generate(alg: Alg, kid: Option<String>) -> Result<SigningKey, Error> {
        let key = match alg.family() {
            // RSA key generation (prime search) would double the wasm size; RSA
            // signing keys are imported with `from_jwk` instead.
            KeyFamily::Rsa => {
                return Err(sign_err(
                    "rsa keys are not generated here: pass a private jwk",
                ));
            }
            KeyFamily::P256 => loop {
                if let Ok(k) = p256::ecdsa::SigningKey::from_slice(&random_bytes::<32>()?) {
                    break PrivateKey::P256(k);
                }
            },
            KeyFamily::P384 => loop {
                if let Ok(k) = p384::ecdsa::SigningKey::from_slice(&random_bytes::<48>()?) {
                    break PrivateKey::P384(k);
                }
            },
            KeyFamily::Ed25519 => PrivateKey::Ed25519(Box::new(
                ed25519_dalek::SigningKey::from_bytes(&random_bytes::<32>()?),
            )),
        };
        let kid = match kid {
            Some(k) => k,
            None => random_id()?,
        };
        Ok(SigningKey { alg, kid, key })
    }

    /// Import a private JWK (RSA with `d`, `p`, `q`; EC/OKP with `d`). `alg` defaults to the JWK's own.
    pub fn from_jwk(value: &Value, alg: Option<Alg>) -> Result<SigningKey, Error> {
        let jwk = value
            .as_object()
            .ok_or_else(|| sign_err("private jwk must be an object"))?;
        let jwk_alg = jwk.get("alg").and_then(Value::as_str).and_then(Alg::parse);
        let kty = jwk.get("kty").and_then(Value::as_str).unwrap_or_default();
        let crv = jwk.get("crv").and_then(Value::as_str).unwrap_or_default();
        let default_alg = match (kty, crv) {
            ("RSA", _) => Alg::RS256,
            ("EC", "P-256") => Alg::ES256,
            ("EC", "P-384") => Alg::ES384,
            ("OKP", "Ed25519") => Alg::EdDSA,
            _ => return Err(sign_err("private jwk: unsupported kty/crv")),
        };
        let alg = alg.or(jwk_alg).unwrap_or(default_alg);
        if alg.family() != default_alg.family() {
            return Err(sign_err("private jwk: alg does not match the key type"));
        }
        let key = match alg.family() {
            KeyFamily::Rsa => {
                let primes = vec![uint(jwk, "p")?, uint(jwk, "q")?];
                let k = RsaPrivateKey::from_components(
                    uint(jwk, "n")?,
                    uint(jwk, "e")?,
                    uint(jwk, "d")?,
                    primes,
                )
                .map_err(|_| sign_err("private jwk: invalid rsa key"))?;
                if k.n().bit_width_vartime() < 2048 {
                    return Err(sign_err(
                        "private jwk: rsa modulus is smaller than 2048 bits",
                    ));
                }
                PrivateKey::Rsa(Box::new(k))
            }
            KeyFamily::P256 => PrivateKey::P256(
                p256::ecdsa::SigningKey::from_slice(&jwk_bytes(jwk, "d")?)
                    .map_err(|_| sign_err("private jwk: invalid p-256 key"))?,
            ),
            KeyFamily::P384 => PrivateKey::P384(
                p384::ecdsa::SigningKey::from_slice(&jwk_bytes(jwk, "d")?)
                    .map_err(|_| sign_err("private jwk: invalid p-384 key"))?,
            ),
            KeyFamily::Ed25519 => {
                let d: [u8; 32] = jwk_bytes(jwk, "d")?
                    .as_slice()
                    .try_into()
                    .map_err(|_| sign_err("private jwk: invalid ed25519 key"))?;
                PrivateKey::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(&d)))
            }
        };
        let kid = match jwk.get("kid").and_then(Value::as_str) {
            Some(k) => k.to_owned(),
            None => random_id()?,
        };
        Ok(SigningKey { alg, kid, key })
    }

    /// The algorithm this key signs with.
    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// The key's `kid`, as published in its JWK.
    pub fn kid(&self) -> &str {
        &self.kid
    }

    /// The public JWK, with `kid`, `alg` and `use: sig`.
    pub fn public_jwk(&self) -> Value {
        Value::Object(self.public_members())
    }

    fn public_members(&self) -> Map<String, Value> {
        let base = match &self.key {
            PrivateKey::Rsa(k) => {
                json!({"kty":"RSA","n":uint_b64(k.n().as_ref()),"e":uint_b64(k.e())})
            }
            PrivateKey::P256(k) => {
                let p = k.verifying_key().to_sec1_point(false);
                json!({"kty":"EC","crv":"P-256","x":encode_b64url(p.x().map(|x| x.as_slice()).unwrap_or_default()),"y":encode_b64url(p.y().map(|y| y.as_slice()).unwrap_or_default())})
            }
            PrivateKey::P384(k) => {
                let p = k.verifying_key().to_sec1_point(false);
                json!({"kty":"EC","crv":"P-384","x":encode_b64url(p.x().map(|x| x.as_slice()).unwrap_or_default()),"y":encode_b64url(p.y().map(|y| y.as_slice()).unwrap_or_default())})
            }
            PrivateKey::Ed25519(k) => {
                json!({"kty":"OKP","crv":"Ed25519","x":encode_b64url(k.verifying_key().as_bytes())})
            }
        };
        let mut jwk = match base {
            Value::Object(m) => m,
            _ => Map::new(),
        };
        jwk.insert("kid".into(), json!(self.kid));
        jwk.insert("alg".into(), json!(self.alg.name()));
        jwk.insert("use".into(), json!("sig"));
        jwk
    }

    /// The private JWK (for persisting a generated key). Handle as a secret.
    pub fn private_jwk(&self) -> Value {
        let mut jwk = self.public_members();
        match &self.key {
            PrivateKey::Rsa(k) => {
                jwk.insert("d".into(), json!(uint_b64(k.d())));
                let primes = k.primes();
                if let [p, q] = primes {
                    jwk.insert("p".into(), json!(uint_b64(p.as_ref())));
                    jwk.insert("q".into(), json!(uint_b64(q.as_ref())));
                }
                if let (Some(dp), Some(dq)) = (k.dp(), k.dq()) {
                    jwk.insert("dp".into(), json!(uint_b64(dp)));
                    jwk.insert("dq".into(), json!(uint_b64(dq)));
                }
                if let Some(qi) = k.crt_coefficient() {
                    jwk.insert("qi".into(), json!(uint_b64(&qi)));
                }
            }
            PrivateKey::P256(k) => {
                jwk.insert("d".into(), json!(encode_b64url(&k.to_bytes())));
            }
            PrivateKey::P384(k) => {
                jwk.insert("d".into(), json!(encode_b64url(&k.to_bytes())));
            }
            PrivateKey::Ed25519(k) => {
                jwk.insert("d".into(), json!(encode_b64url(&k.to_bytes())));
            }
        }
        Value::Object(jwk)
    }

    fn raw_sign(&self, msg: &[u8]) -> Result<Vec<u8>, ()> {
        use signature3::Signer as _;
        let rsa = |k: &RsaPrivateKey| -> Result<Vec<u8>, ()> {
            match self.alg {
                Alg::RS256 => k.sign_with_rng(
                    &mut SysRng,
                    Pkcs1v15Sign::new::<Sha256>(),
                    &Sha256::digest(msg),
                ),
                Alg::RS384 => k.sign_with_rng(
                    &mut SysRng,
                    Pkcs1v15Sign::new::<Sha384>(),
                    &Sha384::digest(msg),
                ),
                Alg::RS512 => k.sign_with_rng(
                    &mut SysRng,
                    Pkcs1v15Sign::new::<Sha512>(),
                    &Sha512::digest(msg),
                ),
                Alg::PS256 => {
                    k.sign_with_rng(&mut SysRng, Pss::<Sha256>::new(), &Sha256::digest(msg))
                }
                Alg::PS384 => {
                    k.sign_with_rng(&mut SysRng, Pss::<Sha384>::new(), &Sha384::digest(msg))
                }
                Alg::PS512 => {
                    k.sign_with_rng(&mut SysRng, Pss::<Sha512>::new(), &Sha512::digest(msg))
                }
                _ => return Err(()),
            }
            .map_err(|_| ())
        };
        match &self.key {
            PrivateKey::Rsa(k) => rsa(k),
            PrivateKey::P256(k) => {
                let sig: p256::ecdsa::Signature = k.try_sign(msg).map_err(|_| ())?;
                Ok(sig.to_bytes().to_vec())
            }
            PrivateKey::P384(k) => {
                let sig: p384::ecdsa::Signature = k.try_sign(msg).map_err(|_| ())?;
                Ok(sig.to_bytes().to_vec())
            }
            PrivateKey::Ed25519(k) => Ok(ed25519_dalek::Signer::sign(k.as_ref(), msg)
                .to_bytes()
                .to_vec()),
        }
    }

    /// Sign `message` (through jsonwebtoken's JwtSigner trait).
    pub fn sign(&self, message: &[u8]) -> Result<Vec<u8>, Error> {
        signature2::Signer::try_sign(self, message).map_err(|_| sign_err("signing failed"))
    }

    /// A compact JWS of `claims` with header `{alg, typ, kid}` plus `extra_header`.
    pub fn sign_jwt(
        &self,
        typ: &str,
        claims: &Map<String, Value>,
        extra_header: Option<&Map<String, Value>>,
    ) -> Result<String, Error> {
        let mut header = Map::new();
        header.insert("alg".into(), json!(self.alg.name()));
        header.insert("typ".into(), json!(typ));
        header.insert("kid".into(), json!(self.kid));
        if let Some(extra) = extra_header {
            for (k, v) in extra {
                header.insert(k.clone(), v.clone());
            }
        }
        let h = serde_json::to_vec(&header).map_err(|_| sign_err("header is not serializable"))?;
        let c = serde_json::to_vec(claims).map_err(|_| sign_err("claims are not serializable"))?;
        let input = format!("{}.{}", encode_b64url(&h), encode_b64url(&c));
        let sig = self.sign(input.as_bytes())?;
        Ok(format!("{input}.{}", encode_b64url(&sig)))
    }
}

impl signature2::Signer<Vec<u8>> for SigningKey {
    fn try_sign(&self, msg: &[u8]) -> Result<Vec<u8>, signature2::Error> {
        self.raw_sign(msg).map_err(|_| signature2::Error::new())
    }
}

impl JwtSigner for SigningKey {
    fn algorithm(&self) -> Algorithm {
        self.alg.to_jsonwebtoken()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jose::jwk::KeySet;

    fn roundtrip(alg: Alg) {
        let k = SigningKey::generate(alg, Some("k1".into())).unwrap();
        let token = k.sign_jwt("JWT", &Map::new(), None).unwrap();
        let keys = KeySet::parse(&json!({"keys":[k.public_jwk()]}), "jwks").unwrap();
        crate::jose::jwt::verify_compact_jws(&token, &keys, &Alg::ALL, 1 << 16).unwrap();
        // private JWK round trip signs verifiably too
        let again = SigningKey::from_jwk(&k.private_jwk(), None).unwrap();
        let token = again.sign_jwt("JWT", &Map::new(), None).unwrap();
        crate::jose::jwt::verify_compact_jws(&token, &keys, &Alg::ALL, 1 << 16).unwrap();
        // and a different key does not verify
        let other = SigningKey::generate(alg, Some("k1".into())).unwrap();
        let forged = other.sign_jwt("JWT", &Map::new(), None).unwrap();
        assert!(crate::jose::jwt::verify_compact_jws(&forged, &keys, &Alg::ALL, 1 << 16).is_err());
    }

    #[test]
    fn ec_and_ed_keys_sign_verifiably() {
        for alg in [Alg::ES256, Alg::ES384, Alg::EdDSA] {
            roundtrip(alg);
        }
    }

    #[test]
    fn rsa_keys_import_and_sign_verifiably() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/keys/idp.private.jwks.json"
        ))
        .unwrap();
        let set: Value = serde_json::from_str(&text).unwrap();
        let rsa = set["keys"]
            .as_array()
            .unwrap()
            .iter()
            .find(|k| k["kty"] == "RSA")
            .unwrap()
            .clone();
        for alg in [Alg::RS256, Alg::PS256] {
            let k = SigningKey::from_jwk(&rsa, Some(alg)).unwrap();
            let token = k.sign_jwt("JWT", &Map::new(), None).unwrap();
            let keys = KeySet::parse(&json!({"keys":[k.public_jwk()]}), "jwks").unwrap();
            assert!(
                crate::jose::jwt::verify_compact_jws(&token, &keys, &Alg::ALL, 1 << 16).is_ok()
            );
        }
        assert!(SigningKey::generate(Alg::RS256, None).is_err());
    }

    #[test]
    fn random_ids_differ() {
        assert_ne!(random_id().unwrap(), random_id().unwrap());
    }
}
