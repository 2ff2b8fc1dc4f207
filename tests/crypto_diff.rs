#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
//! Differential tests of idjag's own verification arithmetic (issue 6) against the
//! crates it replaces on the hot path: over many keys, messages and signatures, valid
//! and corrupted, both must give the same verdict. (tests/wycheproof.rs runs every
//! Wycheproof vector through the same code.)

use idjag::p256_table::P256Key;
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

fn hex_array(s: &str) -> [u8; 32] {
    let v: Vec<u8> = (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect();
    v.try_into().unwrap()
}
