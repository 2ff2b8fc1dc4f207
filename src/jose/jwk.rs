//! The key layer: every JWK Set idjag uses (an IdP's, a client's, the authorization
//! server's own, inline or fetched, or imported from a cache) is parsed here, once per
//! arrival, key by key (R13, R14; RFC 7517 §5).
//!
//! - A key idjag cannot use (a legacy RSA-1024 key, `use: enc`, an unknown curve, a short
//!   coordinate, private material, a duplicated `kid`, …) is *set aside* with a reason the
//!   caller can show; the other keys are kept. A set is refused only when no usable key
//!   remains, or when it is not a JWK Set at all.
//! - A `KeySlot` holds a source's current set and, for a remote source, how long the loader
//!   vouched for it. When its keys are absent, stale, or lack the token's `kid`, the slot
//!   answers with `KeysNeeded` (which source, which `kid`, why) instead of a bare ERR_KEY, so
//!   the JS loader fetches exactly what is needed and asks again.

use crate::error::{Error, ErrorCode, KeySource, KeysNeeded, KeysNeededReason, quote};
use crate::jose::crypto::{Alg, KeyError, KeyFamily, KeyVerifier};
use crate::jose::jws::decode_b64url;
use jsonwebtoken::DecodingKey;
use serde::Serialize;
use serde_json::{Map, Value};
use std::sync::{Arc, PoisonError, RwLock};

/// Most keys accepted in one JWK Set.
pub const MAX_KEYS: usize = 100;

/// Members that only private or symmetric keys carry.
const PRIVATE_MEMBERS: [&str; 8] = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

/// One usable public key from a JWK Set.
#[derive(Clone)]
pub struct Jwk {
    kid: Option<String>,
    /// The JWK's own `alg`, when it names one.
    alg: Option<Alg>,
    verifier: KeyVerifier,
}

/// A key of the set that idjag will never use, and why (shown by `inspectJwks`, the
/// loader's diagnostics and ERR_KEY messages when a token names it).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SetAside {
    /// Position in the set's `keys` array.
    pub index: usize,
    /// The key's `kid`, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// Why it was set aside.
    pub reason: String,
}

/// A usable key, described for reports (no key material).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct UsableKey {
    /// Position in the set's `keys` array.
    pub index: usize,
    /// The key's `kid`, if it has one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kid: Option<String>,
    /// The JWK `kty`.
    pub kty: &'static str,
    /// The algorithms this key can verify (its JWK `alg` only, when it names one).
    pub algs: Vec<&'static str>,
}

/// What parsing a set found: the usable keys and those set aside.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KeySetReport {
    /// The keys a token may be verified with.
    pub usable: Vec<UsableKey>,
    /// The keys set aside, each with its reason.
    pub set_aside: Vec<SetAside>,
}

impl Jwk {
    /// The key's `kid`, if it has one.
    pub fn kid(&self) -> Option<&str> {
        self.kid.as_deref()
    }

    /// R14: the verifier for `alg`, or why this key cannot be used with it.
    pub fn verifier_for(&self, alg: Alg) -> Result<KeyVerifier, &'static str> {
        if let Some(own) = self.alg
            && own != alg
        {
            return Err("the key's alg differs from the token's alg");
        }
        self.verifier
            .with_alg(alg)
            .ok_or("the key type does not match the token's alg")
    }

    fn algs(&self) -> Vec<&'static str> {
        match self.alg {
            Some(a) => vec![a.name()],
            None => Alg::ALL
                .into_iter()
                .filter(|a| a.family() == self.verifier.alg().family())
                .map(Alg::name)
                .collect(),
        }
    }

    fn kty(&self) -> &'static str {
        match self.verifier.alg().family() {
            KeyFamily::Rsa => "RSA",
            KeyFamily::P256 | KeyFamily::P384 => "EC",
            KeyFamily::Ed25519 => "OKP",
        }
    }
}

fn str_member<'a>(jwk: &'a Map<String, Value>, name: &str) -> Result<Option<&'a str>, String> {
    match jwk.get(name) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(format!("{name} is not a string")),
    }
}

fn b64_member(jwk: &Map<String, Value>, name: &str) -> Result<Vec<u8>, String> {
    let s = str_member(jwk, name)?.ok_or_else(|| format!("{name} is missing"))?;
    decode_b64url(s).ok_or_else(|| format!("{name} is not base64url"))
}

/// An EC coordinate must be exactly the curve's size (RFC 7518 §6.2.1.2); some libraries
/// drop leading zero octets, which is an encoding error, not a different point.
fn coordinate(
    jwk: &Map<String, Value>,
    name: &str,
    crv: &str,
    len: usize,
) -> Result<Vec<u8>, String> {
    let c = b64_member(jwk, name)?;
    if c.len() != len {
        return Err(format!(
            "{name} is {} octets; {crv} coordinates are exactly {len} (RFC 7518 §6.2.1.2)",
            c.len()
        ));
    }
    Ok(c)
}

fn describe(e: KeyError) -> String {
    e.describe()
}

impl Jwk {
    /// Parse one JWK; `Err` is the reason the key is set aside.
    pub fn parse(value: &Value) -> Result<Jwk, String> {
        let jwk = value.as_object().ok_or("the key is not a json object")?;
        if let Some(m) = PRIVATE_MEMBERS.iter().find(|m| jwk.contains_key(**m)) {
            return Err(format!(
                "the key holds private or symmetric material (\"{m}\"); only public keys are used"
            ));
        }
        let kty = str_member(jwk, "kty")?.ok_or("kty is missing")?;
        let kid = str_member(jwk, "kid")?.map(str::to_owned);
        let alg = match str_member(jwk, "alg")? {
            None => None,
            Some(name) => Some(Alg::parse(name).ok_or_else(|| {
                format!(
                    "alg {} is not a signature algorithm idjag accepts",
                    quote(name)
                )
            })?),
        };
        // RFC 7517 §4.2/§4.3: a key for encryption is never a signature key (ERR_KEY, not ERR_ALG).
        match str_member(jwk, "use")? {
            Some("sig") | None => {}
            Some(other) => return Err(format!("use is {}, not sig", quote(other))),
        }
        if let Some(ops) = jwk.get("key_ops") {
            let ops = ops.as_array().ok_or("key_ops is not an array")?;
            if !ops.iter().any(|op| op.as_str() == Some("verify")) {
                return Err("key_ops does not include verify".to_owned());
            }
        }
        let verifier = match kty {
            "RSA" => {
                let n = b64_member(jwk, "n")?;
                let e = b64_member(jwk, "e")?;
                let key = DecodingKey::from_rsa_raw_components(&n, &e);
                let first = alg
                    .filter(|a| a.family() == KeyFamily::Rsa)
                    .unwrap_or(Alg::RS256);
                KeyVerifier::from_decoding_key(first, &key).map_err(describe)?
            }
            "EC" => {
                let crv = str_member(jwk, "crv")?.ok_or("crv is missing")?;
                let (curve_alg, len) = match crv {
                    "P-256" => (Alg::ES256, 32),
                    "P-384" => (Alg::ES384, 48),
                    other => return Err(format!("curve {} is not supported", quote(other))),
                };
                let x = coordinate(jwk, "x", crv, len)?;
                let y = coordinate(jwk, "y", crv, len)?;
                let mut point = Vec::with_capacity(1 + 2 * len);
                point.push(4u8);
                point.extend_from_slice(&x);
                point.extend_from_slice(&y);
                KeyVerifier::from_decoding_key(curve_alg, &DecodingKey::from_ec_der(&point))
                    .map_err(describe)?
            }
            "OKP" => {
                let crv = str_member(jwk, "crv")?.ok_or("crv is missing")?;
                if crv != "Ed25519" {
                    return Err(format!("curve {} is not supported", quote(crv)));
                }
                let x = b64_member(jwk, "x")?;
                if x.len() != 32 {
                    return Err(format!("x is {} octets; Ed25519 keys are 32", x.len()));
                }
                KeyVerifier::from_decoding_key(Alg::EdDSA, &DecodingKey::from_ed_der(&x))
                    .map_err(describe)?
            }
            "oct" => return Err("symmetric keys (kty oct) are never used".to_owned()),
            other => return Err(format!("kty {} is not supported", quote(other))),
        };
        // R14: a JWK alg of another family than its kty can never verify.
        if let Some(a) = alg
            && a.family() != verifier.alg().family()
        {
            return Err(format!(
                "alg {} does not match kty {}",
                a.name(),
                quote(kty)
            ));
        }
        Ok(Jwk { kid, alg, verifier })
    }
}

/// A parsed JWK Set: its usable keys and, for diagnostics, the keys set aside.
#[derive(Clone, Default)]
pub struct KeySet {
    keys: Arc<[Jwk]>,
    set_aside: Arc<[SetAside]>,
}

/// The usable keys' `kid`s and how many keys were set aside (no key material).
impl std::fmt::Debug for KeySet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let kids: Vec<Option<&str>> = self.keys.iter().map(Jwk::kid).collect();
        f.debug_struct("KeySet")
            .field("kids", &kids)
            .field("set_aside", &self.set_aside.len())
            .finish()
    }
}

/// How `KeySet::candidates` failed.
enum Lookup {
    /// The token's `kid` is not in the set (possibly a rotation), or no key fits `alg`.
    Unknown(Error),
    /// Any other refusal (ERR_ALG for a key of another algorithm, ERR_KEY for a key set aside).
    Refused(Error),
}

impl KeySet {
    /// Parse a JWK Set (`{"keys": [...]}`), key by key. `at` names it in messages.
    /// Refused (ERR_CONFIG; the JS loader reports ERR_KEY for remote sets) only when it is
    /// not a JWK Set, has more than `MAX_KEYS` keys, or leaves no usable key.
    pub fn parse(value: &Value, at: &str) -> Result<KeySet, Error> {
        let keys = value
            .as_object()
            .and_then(|o| o.get("keys"))
            .and_then(Value::as_array)
            .ok_or_else(|| Error::config(format!("{at} must be an object with a keys array")))?;
        if keys.len() > MAX_KEYS {
            return Err(Error::config(format!(
                "{at} has {} keys, more than {MAX_KEYS}",
                keys.len()
            )));
        }
        let mut usable: Vec<(usize, Jwk)> = Vec::with_capacity(keys.len());
        let mut set_aside = Vec::new();
        for (index, k) in keys.iter().enumerate() {
            match Jwk::parse(k) {
                Ok(jwk) => usable.push((index, jwk)),
                Err(reason) => set_aside.push(SetAside {
                    index,
                    kid: k.get("kid").and_then(Value::as_str).map(str::to_owned),
                    reason,
                }),
            }
        }
        // R13: a kid must select one key. Every key sharing a kid with another is set aside,
        // usable or not, so a token naming it is never verified with a guess.
        let all_kids: Vec<Option<&str>> = keys
            .iter()
            .map(|k| k.get("kid").and_then(Value::as_str))
            .collect();
        let shared = |kid: &str| all_kids.iter().filter(|k| **k == Some(kid)).count() > 1;
        let (kept, dup): (Vec<_>, Vec<_>) = usable
            .into_iter()
            .partition(|(_, jwk)| jwk.kid().is_none_or(|kid| !shared(kid)));
        for (index, jwk) in dup {
            set_aside.push(SetAside {
                index,
                reason: format!(
                    "kid {} is used by more than one key",
                    quote(jwk.kid().unwrap_or_default())
                ),
                kid: jwk.kid,
            });
        }
        set_aside.sort_by_key(|s| s.index);
        if kept.is_empty() {
            let why: Vec<String> = set_aside
                .iter()
                .take(4)
                .map(|s| format!("keys[{}]: {}", s.index, s.reason))
                .collect();
            let more = if set_aside.len() > 4 { "; …" } else { "" };
            return Err(Error::config(if why.is_empty() {
                format!("{at} has no keys")
            } else {
                format!("{at} has no usable key ({}{more})", why.join("; "))
            }));
        }
        Ok(KeySet {
            keys: kept.into_iter().map(|(_, k)| k).collect(),
            set_aside: set_aside.into(),
        })
    }

    /// Parse JSON text (bounded depth and size, duplicate members refused) as a JWK Set.
    pub fn parse_text(text: &str, at: &str) -> Result<KeySet, Error> {
        let value = crate::jose::strict_json::parse_document(text.as_bytes(), MAX_JWKS_BYTES)
            .map_err(|e| Error::config(format!("{at} {}", e.describe())))?;
        KeySet::parse(&Value::Object(value), at)
    }

    /// The number of usable keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Whether the set holds no usable key.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The keys set aside while parsing, each with its reason.
    pub fn set_aside(&self) -> &[SetAside] {
        &self.set_aside
    }

    /// The usable keys and the keys set aside, for `inspectJwks` and diagnostics.
    pub fn report(&self) -> KeySetReport {
        // Usable keys' indexes are the positions not set aside, in order.
        let aside: Vec<usize> = self.set_aside.iter().map(|s| s.index).collect();
        let mut index = 0;
        let mut usable = Vec::with_capacity(self.keys.len());
        for k in self.keys.iter() {
            while aside.contains(&index) {
                index += 1;
            }
            usable.push(UsableKey {
                index,
                kid: k.kid.clone(),
                kty: k.kty(),
                algs: k.algs(),
            });
            index += 1;
        }
        KeySetReport {
            usable,
            set_aside: self.set_aside.to_vec(),
        }
    }

    /// R13/R14: the keys to try for (`alg`, `kid`).
    /// `kid` given → exactly the usable key with that kid (ERR_KEY if none or if that key
    /// was set aside, ERR_ALG if it cannot do `alg`); no `kid` → every usable key compatible
    /// with `alg` (ERR_KEY if none).
    pub fn candidates(&self, alg: Alg, kid: Option<&str>) -> Result<Vec<KeyVerifier>, Error> {
        self.lookup(alg, kid).map_err(|l| match l {
            Lookup::Unknown(e) | Lookup::Refused(e) => e,
        })
    }

    fn lookup(&self, alg: Alg, kid: Option<&str>) -> Result<Vec<KeyVerifier>, Lookup> {
        match kid {
            Some(kid) => {
                let Some(key) = self.keys.iter().find(|k| k.kid() == Some(kid)) else {
                    if let Some(aside) = self
                        .set_aside
                        .iter()
                        .find(|s| s.kid.as_deref() == Some(kid))
                    {
                        return Err(Lookup::Refused(Error::claim(
                            ErrorCode::Key,
                            "kid",
                            format!(
                                "the key with kid {} is not usable: {}",
                                quote(kid),
                                aside.reason
                            ),
                        )));
                    }
                    return Err(Lookup::Unknown(Error::claim(
                        ErrorCode::Key,
                        "kid",
                        format!("no key with kid {}", quote(kid)),
                    )));
                };
                key.verifier_for(alg)
                    .map(|v| vec![v])
                    .map_err(|why| Lookup::Refused(Error::claim(ErrorCode::Alg, "alg", why)))
            }
            None => {
                let found: Vec<KeyVerifier> = self
                    .keys
                    .iter()
                    .filter_map(|k| k.verifier_for(alg).ok())
                    .collect();
                if found.is_empty() {
                    return Err(Lookup::Unknown(Error::new(
                        ErrorCode::Key,
                        format!("no key usable with {}", alg.name()),
                    )));
                }
                Ok(found)
            }
        }
    }
}

/// Largest JWK Set document accepted as text (the loader caps network bodies at 64 KiB;
/// inline and imported sets get some room for comments-free pretty printing).
pub const MAX_JWKS_BYTES: usize = 256 * 1024;

/// One source's keys: inline (fixed) or remote (installed by the JS loader, or a native
/// caller, with how long they may be used before the loader must be asked again).
///
/// The installed set is a snapshot behind a short-lived lock: a reader clones the `Arc` under
/// the read lock and verifies without holding it, a writer swaps in a new snapshot. So keys
/// rotate through `&self` (a verifier shared in an `Arc` needs no lock of its caller's), and a
/// verification in flight finishes with the set it started with.
pub struct KeySlot {
    source: KeySource,
    id: String,
    installed: RwLock<Arc<Installed>>,
    remote: bool,
}

/// One installed set and how long it may be used.
#[derive(Default)]
struct Installed {
    keys: Option<KeySet>,
    /// Seconds since the epoch; `None` for inline keys (never stale) or "until replaced".
    fresh_until: Option<f64>,
}

impl Clone for KeySlot {
    /// An independent slot holding the same snapshot (later installs do not cross over).
    fn clone(&self) -> KeySlot {
        KeySlot {
            source: self.source,
            id: self.id.clone(),
            installed: RwLock::new(self.snapshot()),
            remote: self.remote,
        }
    }
}

impl KeySlot {
    pub fn inline(source: KeySource, id: &str, keys: KeySet) -> KeySlot {
        KeySlot {
            source,
            id: id.to_owned(),
            installed: RwLock::new(Arc::new(Installed {
                keys: Some(keys),
                fresh_until: None,
            })),
            remote: false,
        }
    }

    /// A remote source: no keys until `install`.
    pub fn remote(source: KeySource, id: &str) -> KeySlot {
        KeySlot {
            source,
            id: id.to_owned(),
            installed: RwLock::new(Arc::default()),
            remote: true,
        }
    }

    pub fn is_remote(&self) -> bool {
        self.remote
    }

    /// The current snapshot. The read lock is held only for the `Arc` clone. A poisoned lock
    /// (a writer panicked: only an allocation failure could) still holds a whole snapshot,
    /// since a write is a single assignment, so it is used rather than refused.
    fn snapshot(&self) -> Arc<Installed> {
        Arc::clone(
            &self
                .installed
                .read()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Install a set the loader vouches for until `fresh_until` (seconds since the epoch;
    /// `None`: until replaced). Verifications already holding the previous snapshot finish
    /// with it; every later one sees the new set.
    pub fn install(&self, keys: KeySet, fresh_until: Option<f64>) {
        let next = Arc::new(Installed {
            keys: Some(keys),
            fresh_until,
        });
        // The old snapshot is dropped after the guard (its last reader may be elsewhere).
        let _old = std::mem::replace(
            &mut *self
                .installed
                .write()
                .unwrap_or_else(PoisonError::into_inner),
            next,
        );
    }

    fn needed(&self, kid: Option<&str>, reason: KeysNeededReason, message: String) -> Error {
        let e = Error::keys_needed(
            KeysNeeded {
                source: self.source,
                id: self.id.clone(),
                kid: kid.map(str::to_owned),
                reason,
            },
            message,
        );
        // The kid is the claim at fault when the set lacks it.
        match (kid, reason) {
            (Some(_), KeysNeededReason::UnknownKid) => e.with_claim("kid"),
            _ => e,
        }
    }

    /// R13/R14 through the slot: the keys to try, or `KeysNeeded` for a remote source whose
    /// keys are absent, stale (`now` past their freshness) or lack the token's `kid`.
    pub fn candidates(
        &self,
        alg: Alg,
        kid: Option<&str>,
        now: f64,
    ) -> Result<Vec<KeyVerifier>, Error> {
        let who = format!("{} {}", self.source.as_str(), quote(&self.id));
        let installed = self.snapshot();
        let Some(keys) = &installed.keys else {
            return Err(if self.remote {
                self.needed(
                    kid,
                    KeysNeededReason::Absent,
                    format!("the keys of {who} are not loaded"),
                )
            } else {
                Error::new(ErrorCode::Key, format!("{who} has no keys"))
            });
        };
        if self.remote
            && let Some(until) = installed.fresh_until
            && now.partial_cmp(&until) != Some(std::cmp::Ordering::Less)
        {
            return Err(self.needed(
                kid,
                KeysNeededReason::Expired,
                format!("the keys of {who} are past their cache lifetime"),
            ));
        }
        keys.lookup(alg, kid).map_err(|l| match l {
            Lookup::Unknown(e) if self.remote => {
                self.needed(kid, KeysNeededReason::UnknownKid, e.message().to_owned())
            }
            Lookup::Unknown(e) | Lookup::Refused(e) => e,
        })
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

    fn with(mut k: Value, member: &str, v: Value) -> Value {
        k[member] = v;
        k
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
    fn a_set_with_only_unusable_keys_is_refused() {
        for m in PRIVATE_MEMBERS {
            let k = with(ec_key(), m, json!("AAAA"));
            let e = KeySet::parse(&json!({"keys":[k]}), "jwks").expect_err("refused");
            assert_eq!(e.code(), ErrorCode::Config, "{m}");
            assert!(e.message().contains("no usable key"), "{}", e.message());
        }
        assert!(KeySet::parse(&json!({"keys":[{"kty":"oct","kid":"s"}]}), "jwks").is_err());
        assert!(KeySet::parse(&json!({"keys":[]}), "jwks").is_err());
        assert!(KeySet::parse(&json!({"nokeys":[]}), "jwks").is_err());
    }

    // Issue 10 point 4: one unusable key no longer sinks the set.
    #[test]
    fn unusable_keys_are_set_aside_with_their_reason() {
        let rsa1024 =
            json!({"kty":"RSA","kid":"old","n": format!("wV{}QE", "V".repeat(167)), "e":"AQAB"});
        let no_e = json!({"kty":"RSA","kid":"noe","n":"wSAA".repeat(86)});
        let short_x = json!({"kty":"EC","crv":"P-256","kid":"short",
            "x":"zc4ncPbEXUGDy-5v20t7WAczNXvp7xO6z248e9FURQ",
            "y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"});
        let enc = with(with(ec_key(), "use", json!("enc")), "kid", json!("enc"));
        let ops = with(
            with(ec_key(), "key_ops", json!(["encrypt"])),
            "kid",
            json!("ops"),
        );
        let ks = KeySet::parse(
            &json!({"keys":[rsa1024, no_e, short_x, enc, ops, ec_key()]}),
            "jwks",
        )
        .expect("the good key is kept");
        assert_eq!(ks.len(), 1);
        let reasons: Vec<&str> = ks.set_aside().iter().map(|s| s.reason.as_str()).collect();
        assert!(reasons[0].contains("bits"), "{reasons:?}");
        assert!(reasons[1].contains("e is missing"), "{reasons:?}");
        assert!(reasons[2].contains("31 octets"), "{reasons:?}");
        assert!(reasons[3].contains("use is \"enc\""), "{reasons:?}");
        assert!(reasons[4].contains("key_ops"), "{reasons:?}");
        // A token naming a set-aside key: ERR_KEY with the reason (issue 10 point 6).
        for kid in ["enc", "ops", "old"] {
            let e = ks.candidates(Alg::ES256, Some(kid)).err().expect("refused");
            assert_eq!(e.code(), ErrorCode::Key, "{kid}");
            assert!(e.message().contains("not usable"), "{}", e.message());
        }
        let report = ks.report();
        assert_eq!(report.usable.len(), 1);
        assert_eq!(report.usable[0].index, 5);
        assert_eq!(report.set_aside.len(), 5);
    }

    #[test]
    fn duplicate_kids_are_set_aside_both() {
        let other = json!({"kty":"OKP","crv":"Ed25519","kid":"ed",
            "x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"});
        let ks =
            KeySet::parse(&json!({"keys":[ec_key(), ec_key(), other]}), "jwks").expect("ed kept");
        assert_eq!(ks.len(), 1);
        assert_eq!(ks.set_aside().len(), 2);
        assert!(KeySet::parse(&json!({"keys":[ec_key(), ec_key()]}), "jwks").is_err());
    }

    #[test]
    fn bad_points_and_wrong_family_alg_are_set_aside() {
        let bad = with(
            ec_key(),
            "y",
            json!("x_FEzRu8m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"),
        );
        let e = KeySet::parse(&json!({"keys":[bad]}), "jwks").expect_err("refused");
        assert!(e.message().contains("not a point"), "{}", e.message());
        let e = KeySet::parse(
            &json!({"keys":[with(ec_key(), "alg", json!("RS256"))]}),
            "jwks",
        )
        .expect_err("alg of another family");
        assert!(
            e.message().contains("does not match kty"),
            "{}",
            e.message()
        );
    }

    #[test]
    fn remote_slots_ask_for_keys() {
        let slot = KeySlot::remote(KeySource::Issuer, "https://idp");
        let e = slot
            .candidates(Alg::ES256, Some("ec1"), 100.0)
            .err()
            .expect("absent");
        assert_eq!(
            e.needed_keys().map(|n| n.reason),
            Some(KeysNeededReason::Absent)
        );
        let ks = KeySet::parse(&json!({"keys":[ec_key()]}), "jwks").expect("valid");
        slot.install(ks, Some(200.0));
        assert!(slot.candidates(Alg::ES256, Some("ec1"), 100.0).is_ok());
        let e = slot
            .candidates(Alg::ES256, Some("new"), 100.0)
            .err()
            .expect("unknown kid");
        let n = e.needed_keys().expect("needed");
        assert_eq!(
            (n.reason, n.kid.as_deref()),
            (KeysNeededReason::UnknownKid, Some("new"))
        );
        let e = slot
            .candidates(Alg::ES256, Some("ec1"), 200.0)
            .err()
            .expect("stale");
        assert_eq!(
            e.needed_keys().map(|n| n.reason),
            Some(KeysNeededReason::Expired)
        );
        // An inline slot never asks.
        let ks = KeySet::parse(&json!({"keys":[ec_key()]}), "jwks").expect("valid");
        let inline = KeySlot::inline(KeySource::Issuer, "https://idp", ks);
        let e = inline
            .candidates(Alg::ES256, Some("new"), 1e12)
            .err()
            .expect("unknown");
        assert!(e.needed_keys().is_none());
    }
}
