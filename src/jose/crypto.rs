//! Signature verification through `jsonwebtoken`'s CryptoProvider, backed by
//! rsa 0.10, p256/p384 0.14 and ed25519-dalek (not jsonwebtoken's `rust_crypto`
//! feature, whose rsa 0.9 is ~3× slower in wasm).
//!
//! `Alg` has no `none` and no HMAC member: those algorithms are unrepresentable
//! here (R10, RFC 8725 §3.1–3.2).

use jsonwebtoken::crypto::{CryptoProvider, JwtSigner, JwtVerifier, KeyUtils};
use jsonwebtoken::errors::{ErrorKind, new_error};
use jsonwebtoken::{Algorithm, DecodingKey, DecodingKeyKind, EncodingKey};
use p256::elliptic_curve::point::AffineCoordinates;
use sha2::{Digest, Sha256, Sha384, Sha512};

/// The asymmetric JWS algorithms idjag accepts (RFC 7518 §3.3–3.5, RFC 8037).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Alg {
    /// RSASSA-PKCS1-v1_5 with SHA-256.
    RS256,
    /// RSASSA-PKCS1-v1_5 with SHA-384.
    RS384,
    /// RSASSA-PKCS1-v1_5 with SHA-512.
    RS512,
    /// RSASSA-PSS with SHA-256.
    PS256,
    /// RSASSA-PSS with SHA-384.
    PS384,
    /// RSASSA-PSS with SHA-512.
    PS512,
    /// ECDSA on P-256 with SHA-256.
    ES256,
    /// ECDSA on P-384 with SHA-384.
    ES384,
    /// EdDSA on Ed25519 (`EdDSA`, or `Ed25519` of RFC 9864).
    EdDSA,
}

/// The key family an algorithm needs (R14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyFamily {
    Rsa,
    P256,
    P384,
    Ed25519,
}

impl Alg {
    /// Every algorithm idjag can verify.
    pub const ALL: [Alg; 9] = [
        Alg::RS256,
        Alg::RS384,
        Alg::RS512,
        Alg::PS256,
        Alg::PS384,
        Alg::PS512,
        Alg::ES256,
        Alg::ES384,
        Alg::EdDSA,
    ];

    /// The default allow-list of design.md.
    pub const DEFAULT_ALLOWED: [Alg; 5] =
        [Alg::RS256, Alg::PS256, Alg::ES256, Alg::ES384, Alg::EdDSA];

    /// The algorithm a JOSE `alg` name denotes. R10a (RFC 9864 §2): `Ed25519`, the
    /// fully-specified name, is the same algorithm as `EdDSA` here, because idjag's only
    /// EdDSA curve is Ed25519 (OKP keys of another curve are set aside). So `Ed25519` in a
    /// token header, a JWK `alg` or an allow-list is `Alg::EdDSA`: an allow-list naming
    /// either spelling accepts tokens of both, and a key of either spelling verifies
    /// either. The token's own spelling stays in the verified header. Should Ed448 ever be
    /// supported, `Ed25519` must become its own variant (it never names Ed448).
    pub fn parse(name: &str) -> Option<Alg> {
        if name == "Ed25519" {
            return Some(Alg::EdDSA);
        }
        Alg::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The JOSE `alg` name.
    pub fn name(self) -> &'static str {
        match self {
            Alg::RS256 => "RS256",
            Alg::RS384 => "RS384",
            Alg::RS512 => "RS512",
            Alg::PS256 => "PS256",
            Alg::PS384 => "PS384",
            Alg::PS512 => "PS512",
            Alg::ES256 => "ES256",
            Alg::ES384 => "ES384",
            Alg::EdDSA => "EdDSA",
        }
    }

    /// The key type this algorithm needs.
    pub fn family(self) -> KeyFamily {
        match self {
            Alg::RS256 | Alg::RS384 | Alg::RS512 | Alg::PS256 | Alg::PS384 | Alg::PS512 => {
                KeyFamily::Rsa
            }
            Alg::ES256 => KeyFamily::P256,
            Alg::ES384 => KeyFamily::P384,
            Alg::EdDSA => KeyFamily::Ed25519,
        }
    }

    /// The same algorithm as `jsonwebtoken` names it.
    pub fn to_jsonwebtoken(self) -> Algorithm {
        match self {
            Alg::RS256 => Algorithm::RS256,
            Alg::RS384 => Algorithm::RS384,
            Alg::RS512 => Algorithm::RS512,
            Alg::PS256 => Algorithm::PS256,
            Alg::PS384 => Algorithm::PS384,
            Alg::PS512 => Algorithm::PS512,
            Alg::ES256 => Algorithm::ES256,
            Alg::ES384 => Algorithm::ES384,
            Alg::EdDSA => Algorithm::EdDSA,
        }
    }

    fn from_jsonwebtoken(alg: &Algorithm) -> Option<Alg> {
        Alg::ALL.into_iter().find(|a| a.to_jsonwebtoken() == *alg)
    }
}

/// RSA modulus bounds (design.md: ≥ 2048 bits, ≤ 8192 bits).
pub const RSA_MIN_BITS: usize = 2048;
pub const RSA_MAX_BITS: usize = 8192;

/// A public key parsed once, ready to verify for one algorithm. Send + Sync,
/// so a verifier can be shared across threads natively.
#[derive(Clone)]
pub struct KeyVerifier {
    alg: Alg,
    key: std::sync::Arc<PublicKey>,
}

#[derive(Clone)]
enum PublicKey {
    /// Validated by `rsa`, verified by our own public operation (issue 6).
    Rsa(Box<crate::jose::rsa_verify::RsaKey>),
    /// With its precomputed table (issue 6).
    P256(Box<crate::jose::p256_verify::P256Key>),
    P384(p384::ecdsa::VerifyingKey),
    Ed25519(ed25519_dalek::VerifyingKey),
}

/// Why a key was refused (the key layer sets the key aside with this reason).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyError {
    /// `n` is empty or only zero octets.
    RsaModulusEmpty,
    /// The modulus size in bits.
    RsaTooSmall(usize),
    RsaTooLarge(usize),
    RsaExponentMissing,
    RsaExponentEven,
    RsaExponentTooSmall,
    /// More than 64 bits.
    RsaExponentTooLarge,
    /// An even modulus.
    RsaInvalid,
    /// CVE-2017-15361 (ROCA): the modulus has the Infineon fingerprint and is factorable.
    RsaRoca,
    EcInvalidPoint,
    EdInvalid,
    WrongFamily,
}

impl KeyError {
    pub fn describe(&self) -> String {
        match self {
            KeyError::RsaModulusEmpty => "rsa modulus n is empty or zero".to_owned(),
            KeyError::RsaTooSmall(bits) => {
                format!("rsa modulus is {bits} bits; at least {RSA_MIN_BITS} are required")
            }
            KeyError::RsaTooLarge(bits) => {
                format!("rsa modulus is {bits} bits; at most {RSA_MAX_BITS} are accepted")
            }
            KeyError::RsaExponentMissing => "rsa public exponent e is empty or zero".to_owned(),
            KeyError::RsaExponentEven => "rsa public exponent e is even".to_owned(),
            KeyError::RsaExponentTooSmall => "rsa public exponent e is below 3".to_owned(),
            KeyError::RsaExponentTooLarge => {
                "rsa public exponent e is longer than 64 bits".to_owned()
            }
            KeyError::RsaInvalid => "rsa modulus is even, so not an rsa modulus".to_owned(),
            KeyError::RsaRoca => "rsa key has the roca (cve-2017-15361) weakness".to_owned(),
            KeyError::EcInvalidPoint => "ec key is not a point on its curve".to_owned(),
            KeyError::EdInvalid => "ed25519 key is not a valid point".to_owned(),
            KeyError::WrongFamily => "key type does not match the algorithm".to_owned(),
        }
    }
}

fn strip_leading_zeros(bytes: &[u8]) -> &[u8] {
    let start = bytes.iter().position(|b| *b != 0).unwrap_or(bytes.len());
    bytes.get(start..).unwrap_or_default()
}

/// Parse and validate RSA (n, e) big-endian bytes under our bounds (2048–8192-bit odd
/// modulus; odd exponent, 3 ≤ e < 2^64, as other JOSE verifiers accept), plus ROCA.
/// Never panics, whatever the bytes (an empty `n` is refused, not subtracted from).
pub fn rsa_public_key(n: &[u8], e: &[u8]) -> Result<crate::jose::rsa_verify::RsaKey, KeyError> {
    let n = strip_leading_zeros(n);
    let e = strip_leading_zeros(e);
    let Some(top) = n.first() else {
        return Err(KeyError::RsaModulusEmpty);
    };
    let bits = n.len() * 8 - top.leading_zeros() as usize;
    if bits < RSA_MIN_BITS {
        return Err(KeyError::RsaTooSmall(bits));
    }
    if bits > RSA_MAX_BITS {
        return Err(KeyError::RsaTooLarge(bits));
    }
    let Some(low) = e.last() else {
        return Err(KeyError::RsaExponentMissing);
    };
    if low & 1 == 0 {
        return Err(KeyError::RsaExponentEven);
    }
    if e.len() > 8 {
        return Err(KeyError::RsaExponentTooLarge);
    }
    let e_value = e.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
    if e_value < 3 {
        return Err(KeyError::RsaExponentTooSmall);
    }
    // An even modulus is not an RSA modulus (and has no Montgomery form).
    if n.last().is_none_or(|b| b & 1 == 0) {
        return Err(KeyError::RsaInvalid);
    }
    if has_roca_fingerprint(n) {
        return Err(KeyError::RsaRoca);
    }
    crate::jose::rsa_verify::RsaKey::new(n, e).ok_or(KeyError::RsaInvalid)
}

/// The small primes of the ROCA fingerprint test (Nemec et al., CCS 2017).
const ROCA_PRIMES: [u32; 38] = [
    3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97,
    101, 103, 107, 109, 113, 127, 131, 137, 139, 149, 151, 157, 163, 167,
];

/// ROCA moduli are, modulo each small prime p above, a power of 65537; a random
/// modulus passes all 38 tests with negligible probability.
pub fn has_roca_fingerprint(n_be: &[u8]) -> bool {
    ROCA_PRIMES.iter().all(|&p| {
        let residue = n_be
            .iter()
            .fold(0u32, |acc, b| (acc * 256 + u32::from(*b)) % p);
        if residue == 0 {
            return false;
        }
        let g = 65537 % p;
        let mut x = 1u32;
        for _ in 0..p {
            if x == residue {
                return true;
            }
            x = x * g % p;
        }
        false
    })
}

/// The coordinates of an uncompressed SEC1 point `04 ‖ x ‖ y` (what jwk.rs builds from a
/// JWK's `x` and `y`). Built with `from_coordinates`, not `from_sec1_bytes`: the latter links
/// point decompression (a field square root per curve, ~17 KB of wasm; issue 14) that a JWK
/// never needs. Same checks: canonical coordinates, on the curve, not the identity.
fn uncompressed(point: &[u8], len: usize) -> Result<(&[u8], &[u8]), KeyError> {
    match point.split_first() {
        Some((4, xy)) if xy.len() == 2 * len => Ok(xy.split_at(len)),
        _ => Err(KeyError::EcInvalidPoint),
    }
}

impl KeyVerifier {
    /// Build from a `jsonwebtoken` DecodingKey (RSA as components, EC as an
    /// uncompressed SEC1 point, Ed25519 as the 32-byte public key).
    pub fn from_decoding_key(alg: Alg, key: &DecodingKey) -> Result<KeyVerifier, KeyError> {
        let key = match (alg.family(), key.kind()) {
            (KeyFamily::Rsa, DecodingKeyKind::RsaModulusExponent { n, e }) => {
                PublicKey::Rsa(Box::new(rsa_public_key(n, e)?))
            }
            (KeyFamily::P256, DecodingKeyKind::SecretOrDer(point)) => {
                let (x, y) = uncompressed(point, 32)?;
                let point = p256::AffinePoint::from_coordinates(
                    &p256::FieldBytes::try_from(x).map_err(|_| KeyError::EcInvalidPoint)?,
                    &p256::FieldBytes::try_from(y).map_err(|_| KeyError::EcInvalidPoint)?,
                );
                let key = Option::<p256::AffinePoint>::from(point)
                    .and_then(|p| p256::ecdsa::VerifyingKey::from_affine(p).ok())
                    .ok_or(KeyError::EcInvalidPoint)?;
                PublicKey::P256(Box::new(crate::jose::p256_verify::P256Key::new(&key)))
            }
            (KeyFamily::P384, DecodingKeyKind::SecretOrDer(point)) => {
                let (x, y) = uncompressed(point, 48)?;
                let point = p384::AffinePoint::from_coordinates(
                    &p384::FieldBytes::try_from(x).map_err(|_| KeyError::EcInvalidPoint)?,
                    &p384::FieldBytes::try_from(y).map_err(|_| KeyError::EcInvalidPoint)?,
                );
                PublicKey::P384(
                    Option::<p384::AffinePoint>::from(point)
                        .and_then(|p| p384::ecdsa::VerifyingKey::from_affine(p).ok())
                        .ok_or(KeyError::EcInvalidPoint)?,
                )
            }
            (KeyFamily::Ed25519, DecodingKeyKind::SecretOrDer(raw)) => {
                let raw: &[u8; 32] = raw.as_slice().try_into().map_err(|_| KeyError::EdInvalid)?;
                PublicKey::Ed25519(
                    ed25519_dalek::VerifyingKey::from_bytes(raw)
                        .map_err(|_| KeyError::EdInvalid)?,
                )
            }
            _ => return Err(KeyError::WrongFamily),
        };
        Ok(KeyVerifier {
            alg,
            key: std::sync::Arc::new(key),
        })
    }

    /// The same parsed key, used with another algorithm of its family.
    pub fn with_alg(&self, alg: Alg) -> Option<KeyVerifier> {
        (alg.family() == self.alg.family()).then(|| KeyVerifier {
            alg,
            key: self.key.clone(),
        })
    }

    pub fn alg(&self) -> Alg {
        self.alg
    }

    /// Verify `signature` over `message`; `true` only for a valid signature.
    pub fn verify_signature(&self, message: &[u8], signature: &[u8]) -> bool {
        // Through jsonwebtoken's JwtVerifier trait, as installed in PROVIDER.
        signature2::Verifier::verify(self, message, &signature.to_vec()).is_ok()
    }

    fn check(&self, message: &[u8], signature: &[u8]) -> Result<(), ()> {
        use crate::jose::rsa_verify::{DIGEST_INFO_SHA256, DIGEST_INFO_SHA384, DIGEST_INFO_SHA512};
        let ok = |b: bool| b.then_some(()).ok_or(());
        match (self.key.as_ref(), self.alg) {
            (PublicKey::Rsa(k), Alg::RS256) => {
                ok(k.verify_pkcs1v15(&DIGEST_INFO_SHA256, &Sha256::digest(message), signature))
            }
            (PublicKey::Rsa(k), Alg::RS384) => {
                ok(k.verify_pkcs1v15(&DIGEST_INFO_SHA384, &Sha384::digest(message), signature))
            }
            (PublicKey::Rsa(k), Alg::RS512) => {
                ok(k.verify_pkcs1v15(&DIGEST_INFO_SHA512, &Sha512::digest(message), signature))
            }
            // RFC 7518 §3.5: salt length = hash length, enforced exactly.
            (PublicKey::Rsa(k), Alg::PS256) => {
                ok(k.verify_pss::<Sha256>(&Sha256::digest(message), signature))
            }
            (PublicKey::Rsa(k), Alg::PS384) => {
                ok(k.verify_pss::<Sha384>(&Sha384::digest(message), signature))
            }
            (PublicKey::Rsa(k), Alg::PS512) => {
                ok(k.verify_pss::<Sha512>(&Sha512::digest(message), signature))
            }
            (PublicKey::P256(k), Alg::ES256) => {
                // R14: raw R‖S of exactly 64 bytes, never DER (P256Key::verify).
                k.verify(message, signature).then_some(()).ok_or(())
            }
            (PublicKey::P384(k), Alg::ES384) => {
                use p384::ecdsa::signature::hazmat::PrehashVerifier;
                let sig = p384::ecdsa::Signature::from_slice(signature).map_err(|_| ())?;
                // Our SHA-384 (sha2 0.10, the one ed25519-dalek links too), not p384's own.
                k.verify_prehash(&Sha384::digest(message), &sig)
                    .map_err(|_| ())
            }
            (PublicKey::Ed25519(k), Alg::EdDSA) => {
                let sig = ed25519_dalek::Signature::from_slice(signature).map_err(|_| ())?;
                k.verify_strict(message, &sig).map_err(|_| ())
            }
            _ => Err(()),
        }
    }
}

impl signature2::Verifier<Vec<u8>> for KeyVerifier {
    fn verify(&self, msg: &[u8], signature: &Vec<u8>) -> Result<(), signature2::Error> {
        self.check(msg, signature)
            .map_err(|_| signature2::Error::new())
    }
}

impl JwtVerifier for KeyVerifier {
    fn algorithm(&self) -> Algorithm {
        self.alg.to_jsonwebtoken()
    }
}

fn verifier_factory(
    algorithm: &Algorithm,
    key: &DecodingKey,
) -> jsonwebtoken::errors::Result<Box<dyn JwtVerifier>> {
    let alg =
        Alg::from_jsonwebtoken(algorithm).ok_or_else(|| new_error(ErrorKind::InvalidAlgorithm))?;
    let verifier = KeyVerifier::from_decoding_key(alg, key)
        .map_err(|_| new_error(ErrorKind::InvalidKeyFormat))?;
    Ok(Box::new(verifier))
}

fn signer_factory(
    _: &Algorithm,
    _: &EncodingKey,
) -> jsonwebtoken::errors::Result<Box<dyn JwtSigner>> {
    // Signing goes through idjag's own issuers (access tokens, test issuer), not jsonwebtoken::encode.
    Err(new_error(ErrorKind::InvalidAlgorithm))
}

fn unsupported_components(_: &[u8]) -> jsonwebtoken::errors::Result<(Vec<u8>, Vec<u8>)> {
    Err(new_error(ErrorKind::InvalidKeyFormat))
}

fn unsupported_ec_components(
    _: &[u8],
    _: Algorithm,
) -> jsonwebtoken::errors::Result<(jsonwebtoken::jwk::EllipticCurve, Vec<u8>, Vec<u8>)> {
    Err(new_error(ErrorKind::InvalidKeyFormat))
}

fn unsupported_ed_components(
    _: &[u8],
    _: &jsonwebtoken::jwk::EllipticCurve,
) -> jsonwebtoken::errors::Result<Vec<u8>> {
    Err(new_error(ErrorKind::InvalidKeyFormat))
}

fn compute_digest(
    data: &[u8],
    hash: jsonwebtoken::jwk::ThumbprintHash,
) -> jsonwebtoken::errors::Result<Vec<u8>> {
    use jsonwebtoken::jwk::ThumbprintHash;
    Ok(match hash {
        ThumbprintHash::SHA256 => Sha256::digest(data).to_vec(),
        ThumbprintHash::SHA384 => Sha384::digest(data).to_vec(),
        ThumbprintHash::SHA512 => Sha512::digest(data).to_vec(),
        _ => return Err(new_error(ErrorKind::InvalidAlgorithm)),
    })
}

/// idjag's verification as a `jsonwebtoken` [`CryptoProvider`]: the same key parsing and
/// signature code (rsa 0.10, our own P-256 arithmetic, p384, ed25519-dalek) behind
/// jsonwebtoken's provider interface, verification only. idjag never installs it as
/// jsonwebtoken's process-wide default: a host application keeps its own provider and
/// algorithms (HS256 included); a host that wants idjag's verification calls its
/// `verifier_factory` explicitly.
pub static PROVIDER: CryptoProvider = CryptoProvider {
    signer_factory,
    verifier_factory,
    key_utils: KeyUtils {
        rsa_pub_components_from_private_key: unsupported_components,
        rsa_pub_components_from_public_key: unsupported_components,
        ec_pub_components_from_private_key: unsupported_ec_components,
        ed_pub_components_from_private_key: unsupported_ed_components,
        compute_digest,
    },
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn alg_names_roundtrip_and_exclude_none_and_hmac() {
        for a in Alg::ALL {
            assert_eq!(Alg::parse(a.name()), Some(a));
        }
        // ES512 (P-521) is not supported: it would need P-521 JWK parsing in src/jose/jwk.rs.
        for bad in [
            "none", "HS256", "HS384", "HS512", "rs256", "ES512", "ed25519", "Ed448", "",
        ] {
            assert_eq!(Alg::parse(bad), None, "{bad}");
        }
    }

    // R10a: RFC 9864's fully-specified name is EdDSA with Ed25519.
    #[test]
    fn r10a_ed25519_is_eddsa() {
        assert_eq!(Alg::parse("Ed25519"), Some(Alg::EdDSA));
        assert_eq!(Alg::parse("EdDSA"), Some(Alg::EdDSA));
        assert_eq!(Alg::EdDSA.family(), KeyFamily::Ed25519);
    }

    #[test]
    fn rsa_bounds() {
        let mut n = vec![0xffu8; 128]; // 1024 bits
        assert_eq!(
            rsa_public_key(&n, &[1, 0, 1]).err(),
            Some(KeyError::RsaTooSmall(1024))
        );
        n = vec![0xffu8; 1025]; // 8200 bits
        assert_eq!(
            rsa_public_key(&n, &[1, 0, 1]).err(),
            Some(KeyError::RsaTooLarge(8200))
        );
        let n = vec![0xffu8; 256];
        assert_eq!(
            rsa_public_key(&n, &[1, 0, 0]).err(),
            Some(KeyError::RsaExponentEven)
        );
        assert_eq!(
            rsa_public_key(&n, &[1]).err(),
            Some(KeyError::RsaExponentTooSmall)
        );
        assert_eq!(
            rsa_public_key(&n, &[]).err(),
            Some(KeyError::RsaExponentMissing)
        );
        assert_eq!(
            rsa_public_key(&n, &[1; 9]).err(),
            Some(KeyError::RsaExponentTooLarge)
        );
    }

    // Issue 10 point 5: an empty or all-zero modulus panicked (subtract with overflow).
    #[test]
    fn empty_or_zero_modulus_is_refused_without_panic() {
        for n in [&[][..], &[0u8][..], &[0u8; 256][..]] {
            assert_eq!(
                rsa_public_key(n, &[1, 0, 1]).err(),
                Some(KeyError::RsaModulusEmpty)
            );
        }
    }

    #[test]
    fn wrong_family_is_refused() {
        let k = DecodingKey::from_rsa_raw_components(&[0xff; 256], &[1, 0, 1]);
        assert_eq!(
            KeyVerifier::from_decoding_key(Alg::ES256, &k).err(),
            Some(KeyError::WrongFamily)
        );
    }

    /// Keys are built from the JWK's coordinates (`uncompressed`): anything but `04 ‖ x ‖ y`
    /// of the curve's length, and coordinates that are not canonical field elements, are
    /// refused as `from_sec1_bytes` would (a JWK never yields a compressed point).
    #[test]
    fn ec_point_encoding_refused_unless_uncompressed_and_canonical() {
        // The P-256 generator, a valid point.
        let gx = "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296";
        let gy = "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5";
        let hexb = |h: &str| -> Vec<u8> {
            (0..h.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&h[i..i + 2], 16).unwrap())
                .collect()
        };
        let point = [vec![4u8], hexb(gx), hexb(gy)].concat();
        let ok = |p: &[u8]| {
            KeyVerifier::from_decoding_key(Alg::ES256, &DecodingKey::from_ec_der(p)).is_ok()
        };
        assert!(ok(&point));
        assert!(!ok(&[vec![2u8], hexb(gx)].concat())); // compressed
        assert!(!ok(&point[..64])); // short
        assert!(!ok(&[point.clone(), vec![0]].concat())); // long
        let mut off = point.clone();
        off[64] ^= 1; // y changed: not on the curve
        assert!(!ok(&off));
        // x = p (not canonical) with any y.
        let p = "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff";
        assert!(!ok(&[vec![4u8], hexb(p), hexb(gy)].concat()));
        // The P-384 path takes 48-byte coordinates only.
        assert!(
            KeyVerifier::from_decoding_key(Alg::ES384, &DecodingKey::from_ec_der(&point)).is_err()
        );
    }

    #[test]
    fn invalid_ec_point_refused() {
        let mut point = vec![4u8];
        point.extend_from_slice(&[1u8; 64]);
        let k = DecodingKey::from_ec_der(&point);
        assert_eq!(
            KeyVerifier::from_decoding_key(Alg::ES256, &k).err(),
            Some(KeyError::EcInvalidPoint)
        );
    }
}
