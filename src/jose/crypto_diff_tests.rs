// Differential tests of idjag's own verification arithmetic (issue 6) against the
// crates it replaces on the hot path: over many keys, messages and signatures, valid
// and corrupted, both must give the same verdict. (src/jose/wycheproof_tests.rs runs every
// Wycheproof vector through the same code.)

use crate::jose::p256_verify::P256Key;
use p256::ecdsa::signature::hazmat::{PrehashSigner, PrehashVerifier};
use p256::ecdsa::{Signature, SigningKey};
use sha2::{Digest, Sha256};

/// Deterministic pseudo-random bytes: SHA-256 in counter mode over a label.
fn bytes(label: &str, i: u64, len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 32);
    let mut block = 0u32;
    while out.len() < len {
        let mut h = Sha256::new();
        h.update(label.as_bytes());
        h.update(i.to_be_bytes());
        h.update(block.to_be_bytes());
        out.extend_from_slice(&h.finalize());
        block += 1;
    }
    out.truncate(len);
    out
}

/// Both verdicts for one (digest, signature bytes); panics when they differ.
fn same_es256_verdict(
    ours: &P256Key,
    theirs: &p256::ecdsa::VerifyingKey,
    digest: &[u8; 32],
    sig: &[u8],
) -> bool {
    let expected = Signature::from_slice(sig)
        .ok()
        .is_some_and(|s| theirs.verify_prehash(digest, &s).is_ok());
    let got = Signature::from_slice(sig)
        .ok()
        .is_some_and(|s| ours.verify_prehash(&(*digest).into(), &s));
    assert_eq!(got, expected, "ES256 verdicts differ for sig {}", hex(sig));
    got
}

fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

#[test]
fn es256_matches_p256_over_random_keys_and_signatures() {
    let mut accepted = 0;
    let mut rejected = 0;
    for i in 0..40u64 {
        let Ok(sk) = SigningKey::from_slice(&bytes("es256-key", i, 32)) else {
            continue;
        };
        let vk = *sk.verifying_key();
        let ours = P256Key::new(&vk);
        for j in 0..8u64 {
            let digest: [u8; 32] = bytes("es256-msg", i * 100 + j, 32).try_into().unwrap();
            let sig: Signature = sk.sign_prehash(&digest).unwrap();
            let good = sig.to_bytes().to_vec();
            // valid, and its high-S twin (also valid: ECDSA here does not normalise S)
            assert!(same_es256_verdict(&ours, &vk, &digest, &good));
            let (r, s) = sig.split_scalars();
            let twin = Signature::from_scalars(r.to_bytes(), (-*s).to_bytes()).unwrap();
            assert!(same_es256_verdict(&ours, &vk, &digest, &twin.to_bytes()));
            accepted += 2;
            // every byte position corrupted in turn, a few bits each
            for pos in (0..64).step_by(7) {
                let mut bad = good.clone();
                bad[pos] ^= 1 << (j % 8);
                assert!(!same_es256_verdict(&ours, &vk, &digest, &bad));
                rejected += 1;
            }
            // another message
            let mut other = digest;
            other[31] ^= 0x80;
            assert!(!same_es256_verdict(&ours, &vk, &other, &good));
            // r, s = 0 or ≥ n, and random garbage
            for bad in [
                vec![0u8; 64],
                [vec![0xff; 32], good[32..].to_vec()].concat(),
                [good[..32].to_vec(), vec![0xff; 32]].concat(),
                [good[..32].to_vec(), vec![0; 32]].concat(),
                bytes("es256-garbage", i * 100 + j, 64),
            ] {
                same_es256_verdict(&ours, &vk, &digest, &bad);
            }
            rejected += 2;
        }
    }
    assert!(accepted >= 500 && rejected >= 2000, "{accepted} {rejected}");
}

#[test]
fn es256_extreme_digests() {
    // z ≡ 0, z ≥ n and z = n-1: the digest's reduction mod n must match p256's.
    let sk = SigningKey::from_slice(&bytes("es256-extreme", 0, 32)).unwrap();
    let vk = *sk.verifying_key();
    let ours = P256Key::new(&vk);
    for digest in [
        [0u8; 32],
        [0xff; 32],
        hex_array("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550"),
        hex_array("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551"),
    ] {
        let sig: Signature = sk.sign_prehash(&digest).unwrap();
        assert!(same_es256_verdict(&ours, &vk, &digest, &sig.to_bytes()));
    }
}

/// x(R) ≥ n, so r = x − n and x = r + n: the projective check's second branch
/// ((r + n)·Z² = X, taken only when r + n < p). Random nonces reach it with probability
/// ~2⁻¹²⁸, so the key is built around R instead: for any z, s and R, the key
/// Q = u2⁻¹·(R − u1·G) makes (r, s) valid (u1 = z/s, u2 = r/s). Also its neighbours r ± 1
/// and the same signature with r + n in place of r (not a scalar: refused as encoded).
#[test]
fn es256_large_x_takes_the_r_plus_n_branch() {
    use p256::elliptic_curve::ops::Reduce;
    use p256::elliptic_curve::point::AffineCoordinates;
    use p256::{FieldBytes, ProjectivePoint, Scalar};
    let n = hex_array("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551");
    let mut found = 0;
    for t in 0u8..=255 {
        let mut x = n;
        x[31] = x[31].wrapping_add(t); // n ends in 0x51: no carry for t < 0xaf
        if x[31] < n[31] {
            break;
        }
        let Ok(rk) = p256::ecdsa::VerifyingKey::from_sec1_bytes(&[&[2u8][..], &x].concat()) else {
            continue;
        };
        let big_r = ProjectivePoint::from(*rk.as_affine());
        let xb = rk.as_affine().x();
        assert_eq!(xb.as_slice(), &x[..]);
        let r = <Scalar as Reduce<FieldBytes>>::reduce(&xb);
        for j in 0..4u64 {
            let z_bytes: [u8; 32] = bytes("es256-large-x-z", u64::from(t) * 10 + j, 32)
                .try_into()
                .unwrap();
            let z = <Scalar as Reduce<FieldBytes>>::reduce(&z_bytes.into());
            let s = <Scalar as Reduce<FieldBytes>>::reduce(
                &<[u8; 32]>::try_from(bytes("es256-large-x-s", u64::from(t) * 10 + j, 32))
                    .unwrap()
                    .into(),
            );
            let s_inv = s.invert().unwrap();
            let (u1, u2) = (z * s_inv, r * s_inv);
            let q = (big_r - ProjectivePoint::GENERATOR * u1) * u2.invert().unwrap();
            let vk = p256::ecdsa::VerifyingKey::from_affine(q.to_affine()).unwrap();
            let ours = P256Key::new(&vk);
            // First use goes through p256; warm the key so the table path decides.
            let warm = Signature::from_scalars(r.to_bytes(), s.to_bytes()).unwrap();
            ours.verify_prehash(&z_bytes.into(), &warm);
            let sig = warm.to_bytes().to_vec();
            assert!(same_es256_verdict(&ours, &vk, &z_bytes, &sig));
            for other in [r + Scalar::ONE, r - Scalar::ONE] {
                let bad = Signature::from_scalars(other.to_bytes(), s.to_bytes()).unwrap();
                assert!(!same_es256_verdict(&ours, &vk, &z_bytes, &bad.to_bytes()));
            }
            let unreduced = [&x[..], &s.to_bytes()[..]].concat();
            assert!(!same_es256_verdict(&ours, &vk, &z_bytes, &unreduced));
            found += 1;
        }
    }
    assert!(found >= 8, "{found} large-x points tried");
}

fn hex_array(s: &str) -> [u8; 32] {
    let v: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect();
    v.try_into().unwrap()
}

// ---------------------------------------------------------------- RSA

use crate::jose::rsa_verify::{DIGEST_INFO_SHA256, DIGEST_INFO_SHA384, DIGEST_INFO_SHA512, RsaKey};
use rsa::traits::{PublicKeyParts, SignatureScheme};
use rsa::{
    BoxedUint, Pkcs1v15Sign, PrivateKey as RsaPrivateKey, PublicKey as RsaPublicKey, pss::Pss,
};
// rsa 0.10 (the reference) takes digest-0.11 hashes; our code takes sha2 0.10 (Cargo.toml).
use sha2_signing as rsa_sha;

fn strip(b: &[u8]) -> &[u8] {
    let i = b.iter().position(|x| *x != 0).unwrap_or(b.len());
    &b[i..]
}

/// A random odd modulus of exactly `bits` bits (not an RSA modulus: the public
/// operation does not care) and a public key over it for `rsa`.
fn synthetic_modulus(i: u64, bits: usize) -> Vec<u8> {
    let len = bits.div_ceil(8);
    let mut n = bytes("rsa-n", i, len);
    let extra = len * 8 - bits;
    n[0] &= 0xff >> extra;
    n[0] |= 0x80 >> extra;
    n[len - 1] |= 1;
    n
}

#[test]
fn rsa_public_operation_matches_rsa_crate() {
    let mut checked = 0;
    for (i, bits) in [
        2048usize, 2049, 2055, 2056, 2057, 2072, 2080, 2081, 3072, 3073, 3556, 3557, 4096, 4095,
        8191, 8192,
    ]
    .into_iter()
    .enumerate()
    {
        let i = i as u64;
        let n = synthetic_modulus(i, bits);
        for e in [vec![3u8], vec![1, 0, 1], vec![0x01, 0xff, 0xff, 0xff, 0xff]] {
            let theirs = RsaPublicKey::new_with_size_limits(
                BoxedUint::from_be_slice_vartime(&n),
                BoxedUint::from_be_slice_vartime(&e),
                2048..=8192,
            )
            .unwrap();
            let ours = RsaKey::new(&n, &e).unwrap();
            let k = n.len();
            let mut inputs: Vec<Vec<u8>> = (0..6).map(|j| bytes("rsa-s", i * 10 + j, k)).collect();
            inputs.push(vec![0; k]);
            inputs.push([vec![0; k - 1], vec![1]].concat());
            let mut n_minus_1 = n.clone();
            n_minus_1[k - 1] -= 1;
            inputs.push(n_minus_1);
            inputs.push(n.clone());
            inputs.push(vec![0xff; k]);
            inputs.push(vec![0; k - 1]); // wrong length
            for s in inputs {
                let got = ours.public_op(&s);
                let expected = (s.len() == k
                    && BoxedUint::from_be_slice_vartime(&s) < *theirs.n().as_ref())
                .then(|| {
                    let s = BoxedUint::from_be_slice(&s, theirs.n_bits_precision()).unwrap();
                    rsa::hazmat::rsa_encrypt(&theirs, &s)
                        .unwrap()
                        .to_be_bytes()
                        .to_vec()
                });
                match (got, expected) {
                    (None, None) => {}
                    (Some(g), Some(x)) => {
                        assert_eq!(g.len(), k);
                        assert_eq!(strip(&g), strip(&x), "bits {bits} e {e:?}");
                    }
                    (g, x) => panic!("public op disagrees: {g:?} vs {x:?}"),
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 300);
}

fn private_keys() -> Vec<RsaPrivateKey> {
    let mut out = Vec::new();
    for file in ["idp.private.jwks.json", "attacker.private.jwks.json"] {
        let path = format!("{}/tests/keys/{file}", env!("CARGO_MANIFEST_DIR"));
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        for k in v["keys"].as_array().unwrap() {
            if k["kty"] != "RSA" {
                continue;
            }
            let u = |m: &str| {
                BoxedUint::from_be_slice_vartime(
                    &crate::jose::jws::decode_b64url(k[m].as_str().unwrap()).unwrap(),
                )
            };
            out.push(
                RsaPrivateKey::from_components(u("n"), u("e"), u("d"), vec![u("p"), u("q")])
                    .unwrap(),
            );
        }
    }
    assert!(out.len() >= 3);
    out
}

#[derive(Clone, Copy, Debug)]
enum Scheme {
    Rs(usize),
    Ps(usize),
}

fn hash(bits: usize, msg: &[u8]) -> Vec<u8> {
    match bits {
        256 => sha2::Sha256::digest(msg).to_vec(),
        384 => sha2::Sha384::digest(msg).to_vec(),
        _ => sha2::Sha512::digest(msg).to_vec(),
    }
}

fn theirs_verify(k: &RsaPublicKey, scheme: Scheme, hashed: &[u8], sig: &[u8]) -> bool {
    match scheme {
        Scheme::Rs(256) => Pkcs1v15Sign::new::<rsa_sha::Sha256>()
            .verify(k, hashed, sig)
            .is_ok(),
        Scheme::Rs(384) => Pkcs1v15Sign::new::<rsa_sha::Sha384>()
            .verify(k, hashed, sig)
            .is_ok(),
        Scheme::Rs(_) => Pkcs1v15Sign::new::<rsa_sha::Sha512>()
            .verify(k, hashed, sig)
            .is_ok(),
        Scheme::Ps(256) => Pss::<rsa_sha::Sha256>::new().verify(k, hashed, sig).is_ok(),
        Scheme::Ps(384) => Pss::<rsa_sha::Sha384>::new().verify(k, hashed, sig).is_ok(),
        Scheme::Ps(_) => Pss::<rsa_sha::Sha512>::new().verify(k, hashed, sig).is_ok(),
    }
}

fn ours_verify(k: &RsaKey, scheme: Scheme, hashed: &[u8], sig: &[u8]) -> bool {
    match scheme {
        Scheme::Rs(256) => k.verify_pkcs1v15(&DIGEST_INFO_SHA256, hashed, sig),
        Scheme::Rs(384) => k.verify_pkcs1v15(&DIGEST_INFO_SHA384, hashed, sig),
        Scheme::Rs(_) => k.verify_pkcs1v15(&DIGEST_INFO_SHA512, hashed, sig),
        Scheme::Ps(256) => k.verify_pss::<sha2::Sha256>(hashed, sig),
        Scheme::Ps(384) => k.verify_pss::<sha2::Sha384>(hashed, sig),
        Scheme::Ps(_) => k.verify_pss::<sha2::Sha512>(hashed, sig),
    }
}

fn sign(k: &RsaPrivateKey, scheme: Scheme, hashed: &[u8]) -> Vec<u8> {
    let rng = &mut getrandom::SysRng;
    match scheme {
        Scheme::Rs(256) => k.sign_with_rng(rng, Pkcs1v15Sign::new::<rsa_sha::Sha256>(), hashed),
        Scheme::Rs(384) => k.sign_with_rng(rng, Pkcs1v15Sign::new::<rsa_sha::Sha384>(), hashed),
        Scheme::Rs(_) => k.sign_with_rng(rng, Pkcs1v15Sign::new::<rsa_sha::Sha512>(), hashed),
        Scheme::Ps(256) => k.sign_with_rng(rng, Pss::<rsa_sha::Sha256>::new(), hashed),
        Scheme::Ps(384) => k.sign_with_rng(rng, Pss::<rsa_sha::Sha384>::new(), hashed),
        Scheme::Ps(_) => k.sign_with_rng(rng, Pss::<rsa_sha::Sha512>::new(), hashed),
    }
    .unwrap()
}

/// The raw private operation: a "signature" whose public operation yields `em`.
fn raw_sign(k: &RsaPrivateKey, em: &[u8]) -> Vec<u8> {
    let c = BoxedUint::from_be_slice(em, k.n().as_ref().bits_precision()).unwrap();
    let m = rsa::hazmat::rsa_decrypt(None::<&mut getrandom::SysRng>, k, &c).unwrap();
    let b = m.to_be_bytes();
    let size = k.size();
    b[b.len() - size..].to_vec()
}

#[test]
fn rsa_signatures_match_rsa_crate_valid_corrupted_and_crafted() {
    let schemes = [
        Scheme::Rs(256),
        Scheme::Rs(384),
        Scheme::Rs(512),
        Scheme::Ps(256),
        Scheme::Ps(384),
        Scheme::Ps(512),
    ];
    let mut accepted = 0;
    let mut rejected = 0;
    for (ki, sk) in private_keys().iter().enumerate() {
        let pk = sk.as_ref().clone();
        let n = pk.n().as_ref().to_be_bytes();
        let e = pk.e().to_be_bytes();
        let ours = RsaKey::new(strip(&n), strip(&e)).unwrap();
        let mut check = |scheme: Scheme, hashed: &[u8], sig: &[u8]| {
            let t = theirs_verify(&pk, scheme, hashed, sig);
            let o = ours_verify(&ours, scheme, hashed, sig);
            assert_eq!(o, t, "key {ki} {scheme:?} sig {}", hex(sig));
            if o {
                accepted += 1
            } else {
                rejected += 1
            }
            o
        };
        for (si, scheme) in schemes.into_iter().enumerate() {
            let bits = match scheme {
                Scheme::Rs(b) | Scheme::Ps(b) => b,
            };
            for j in 0..4u64 {
                let msg = bytes("rsa-msg", (ki * 100 + si * 10) as u64 + j, 40);
                let hashed = hash(bits, &msg);
                let sig = sign(sk, scheme, &hashed);
                assert!(check(scheme, &hashed, &sig));
                // the other schemes and hashes never accept it
                for other in schemes {
                    let ob = match other {
                        Scheme::Rs(b) | Scheme::Ps(b) => b,
                    };
                    check(other, &hash(ob, &msg), &sig);
                }
                // corrupted signature bits
                for pos in [0usize, 1, 100, 255] {
                    let mut bad = sig.clone();
                    bad[pos] ^= 0x10;
                    check(scheme, &hashed, &bad);
                }
                check(scheme, &hashed, &sig[1..]);
                check(scheme, &hashed, &[sig.clone(), vec![0]].concat());
                // crafted encodings: the valid EM with one byte changed, in every region
                let em = ours.public_op(&sig).unwrap();
                for pos in [
                    0usize, 1, 2, 10, 200, 201, 202, 203, 204, 220, 230, 254, 255,
                ] {
                    for flip in [0x01u8, 0x80, 0xff] {
                        let mut bad = em.clone();
                        bad[pos] ^= flip;
                        if BoxedUint::from_be_slice_vartime(&bad) >= *pk.n().as_ref() {
                            continue;
                        }
                        check(scheme, &hashed, &raw_sign(sk, &bad));
                    }
                }
            }
        }
    }
    assert!(accepted >= 70 && rejected >= 2000, "{accepted} {rejected}");
}

#[test]
fn rsa_key_validation_matches_rsa_crate() {
    // Our parse (bounds, exponent, parity; ROCA aside) accepts exactly what
    // rsa::PublicKey::new_with_size_limits(2048..=8192) accepts, except odd exponents
    // between 2^33 and 2^64 − 1: the rsa crate refuses them, other JOSE verifiers (and
    // idjag since issue 10) accept them.
    let exps: [&[u8]; 12] = [
        &[1],
        &[2],
        &[3],
        &[4],
        &[5],
        &[1, 0, 1],
        &[1, 0, 0],
        &[1, 0xff, 0xff, 0xff, 0xff],
        &[2, 0, 0, 0, 1],
        &[0, 0, 1, 0, 1],
        &[0xff; 8],
        &[],
    ];
    let big_odd_exponent = |e: &[u8]| {
        let e: Vec<u8> = e.iter().copied().skip_while(|b| *b == 0).collect();
        let v = e.iter().fold(0u128, |acc, b| (acc << 8) | u128::from(*b));
        e.len() <= 8 && v > (1 << 33) - 1 && v % 2 == 1
    };
    for (i, bits) in [2040usize, 2047, 2048, 4096, 8192, 8193]
        .into_iter()
        .enumerate()
    {
        let odd = synthetic_modulus(100 + i as u64, bits);
        let mut even = odd.clone();
        *even.last_mut().unwrap() &= 0xfe;
        for n in [odd, even] {
            for e in exps {
                let theirs = RsaPublicKey::new_with_size_limits(
                    BoxedUint::from_be_slice_vartime(&n),
                    BoxedUint::from_be_slice_vartime(e),
                    2048..=8192,
                )
                .is_ok();
                let theirs = theirs
                    || (big_odd_exponent(e)
                        && (2048..=8192).contains(&bits)
                        && n.last().is_some_and(|b| b & 1 == 1));
                let ours = crate::jose::crypto::rsa_public_key(&n, e);
                assert!(
                    !matches!(ours, Err(crate::jose::crypto::KeyError::RsaRoca)),
                    "synthetic modulus with the roca fingerprint"
                );
                assert_eq!(ours.is_ok(), theirs, "bits {bits} e {e:?}");
            }
        }
    }
}
