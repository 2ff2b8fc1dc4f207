//! ES256 verification with precomputed multiples of both points (issue 6).
//!
//! ECDSA verification computes u1·G + u2·Q. `p256` does it with a generic wNAF
//! double-and-add: ~256 doublings per verification. Here both G (once per process) and
//! each issuer key Q (once, when the JWKS is loaded) get a fixed-base table of signed
//! radix-2^W multiples, so a verification is ~2·256/W mixed additions and no doubling.
//! Only p256's public group arithmetic is used; every input is public, so the
//! variable-time table lookups are fine. The verdicts are those of
//! `ecdsa::hazmat::verify_prehashed` (tests/p256_diff.rs checks this differentially,
//! tests/wycheproof.rs over every vector).

use p256::elliptic_curve::BatchNormalize;
use p256::elliptic_curve::group::Group;
use p256::elliptic_curve::ops::Reduce;
use p256::elliptic_curve::point::AffineCoordinates;
use p256::{AffinePoint, FieldBytes, ProjectivePoint, Scalar};
use sha2::{Digest, Sha256};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{LazyLock, OnceLock};

/// Window width in bits. Per point the table holds WINDOWS·HALF affine points
/// (W = 6: 43·32 = 1376 points, ~100 KB) and a scalar costs WINDOWS mixed additions.
/// W = 7 was no faster on the shared bench machine and doubles the table and its
/// build time (paid at setIssuerJwks, often in the cold, not yet optimised wasm code).
const W: usize = 6;
const HALF: usize = 1 << (W - 1);
/// Signed digits of a 256-bit scalar; the top window has spare bits for the final carry.
const WINDOWS: usize = 256_usize.div_ceil(W) + if 256 % W == 0 { 1 } else { 0 };

/// Multiples d·2^(W·i)·B for every window i and 1 ≤ d ≤ 2^(W-1), in affine form.
#[derive(Clone)]
pub struct FixedBaseTable {
    points: Vec<AffinePoint>,
}

impl FixedBaseTable {
    pub fn new(base: ProjectivePoint) -> FixedBaseTable {
        let mut proj = Vec::with_capacity(WINDOWS * HALF);
        let mut b = base;
        for _ in 0..WINDOWS {
            let mut acc = b;
            proj.push(acc);
            for _ in 1..HALF {
                acc += &b;
                proj.push(acc);
            }
            // HALF·b doubled is 2^W·b, the next window's base.
            b = acc.double();
        }
        let points = <ProjectivePoint as BatchNormalize<[ProjectivePoint]>>::batch_normalize(
            proj.as_slice(),
        );
        FixedBaseTable { points }
    }

    /// acc += k·B for the recoded scalar k.
    fn add_multiple(&self, acc: &mut ProjectivePoint, digits: &[i8; WINDOWS]) {
        for (i, &d) in digits.iter().enumerate() {
            if d == 0 {
                continue;
            }
            let index = i * HALF + usize::from(d.unsigned_abs()) - 1;
            if let Some(p) = self.points.get(index) {
                if d > 0 {
                    *acc += p;
                } else {
                    *acc += -p;
                }
            }
        }
    }
}

/// Signed radix-2^W digits in [-2^(W-1), 2^(W-1)] with k = Σ dᵢ·2^(W·i).
fn recode(k: &Scalar) -> [i8; WINDOWS] {
    let be: FieldBytes = k.into();
    // Little-endian with two spare bytes, so a window can always read 16 bits.
    let mut le = [0u8; 34];
    for (dst, src) in le.iter_mut().zip(be.iter().rev()) {
        *dst = *src;
    }
    let mut out = [0i8; WINDOWS];
    let mut carry = 0u16;
    for (i, digit) in out.iter_mut().enumerate() {
        let bit = i * W;
        let lo = le.get(bit / 8).copied().unwrap_or(0);
        let hi = le.get(bit / 8 + 1).copied().unwrap_or(0);
        let word = u16::from_le_bytes([lo, hi]);
        let v = ((word >> (bit % 8)) & ((1 << W) - 1)) + carry;
        // v ≤ 2^W, so the digit fits an i8 for W ≤ 7.
        if usize::from(v) > HALF {
            *digit = (i16::from_ne_bytes(v.to_ne_bytes()) - (1 << W)) as i8;
            carry = 1;
        } else {
            *digit = v as i8;
            carry = 0;
        }
    }
    out
}

static GENERATOR_TABLE: LazyLock<FixedBaseTable> =
    LazyLock::new(|| FixedBaseTable::new(ProjectivePoint::generator()));

/// A P-256 public key for ES256. Its table (and the generator's) is built on the key's
/// second verification, not when the JWKS is loaded: a short-lived edge isolate that
/// verifies one grant never pays ~100 KB of precomputation in cold, unoptimised wasm.
pub struct P256Key {
    key: p256::ecdsa::VerifyingKey,
    used: AtomicBool,
    table: OnceLock<FixedBaseTable>,
}

impl Clone for P256Key {
    fn clone(&self) -> Self {
        P256Key {
            key: self.key,
            used: AtomicBool::new(self.used.load(Ordering::Relaxed)),
            table: self.table.clone(),
        }
    }
}

impl P256Key {
    pub fn new(key: &p256::ecdsa::VerifyingKey) -> P256Key {
        P256Key {
            key: *key,
            used: AtomicBool::new(false),
            table: OnceLock::new(),
        }
    }

    /// The table once the key has been used before (see the type's comment).
    fn table(&self) -> Option<&FixedBaseTable> {
        if let Some(t) = self.table.get() {
            return Some(t);
        }
        if !self.used.swap(true, Ordering::Relaxed) {
            return None;
        }
        LazyLock::force(&GENERATOR_TABLE);
        Some(
            self.table
                .get_or_init(|| FixedBaseTable::new(ProjectivePoint::from(*self.key.as_affine()))),
        )
    }

    /// ES256 over `message` with a raw R‖S signature (R14: exactly 64 bytes, never DER).
    pub fn verify(&self, message: &[u8], signature: &[u8]) -> bool {
        let Ok(sig) = p256::ecdsa::Signature::from_slice(signature) else {
            return false;
        };
        self.verify_prehash(&Sha256::digest(message), &sig)
    }

    /// `ecdsa::hazmat::verify_prehashed` for a 32-byte digest, with the tables.
    pub fn verify_prehash(&self, digest: &FieldBytes, sig: &p256::ecdsa::Signature) -> bool {
        let Some(table) = self.table() else {
            // First use: p256's own verification (the verdict is the same, tests/crypto_diff.rs).
            use p256::ecdsa::signature::hazmat::PrehashVerifier;
            return self.key.verify_prehash(digest, sig).is_ok();
        };
        let (r, s) = sig.split_scalars();
        let z = <Scalar as Reduce<FieldBytes>>::reduce(digest);
        // s is non-zero, so it has an inverse.
        let Some(s_inv) = Scalar::invert_vartime(&s).into_option() else {
            return false;
        };
        let u1 = z * s_inv;
        let u2 = *r * s_inv;
        let mut acc = ProjectivePoint::IDENTITY;
        GENERATOR_TABLE.add_multiple(&mut acc, &recode(&u1));
        table.add_multiple(&mut acc, &recode(&u2));
        // The identity maps to x = 0, which never equals a non-zero r.
        let x = acc.to_affine().x();
        <Scalar as Reduce<FieldBytes>>::reduce(&x) == *r
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recode_reconstructs_the_scalar() {
        for k in scalars().take(200) {
            let digits = recode(&k);
            let mut sum = Scalar::ZERO;
            let mut base = Scalar::ONE;
            let radix = Scalar::from(1u64 << W);
            for d in digits {
                let m = Scalar::from(u64::from(d.unsigned_abs()));
                sum += if d < 0 { -(m * base) } else { m * base };
                base *= radix;
            }
            assert_eq!(sum, k);
        }
        for k in [Scalar::ZERO, Scalar::ONE, -Scalar::ONE] {
            let digits = recode(&k);
            assert!(digits.iter().all(|d| d.unsigned_abs() as usize <= HALF));
        }
    }

    #[test]
    fn table_multiples_match_scalar_multiplication() {
        let mut ks = scalars();
        let q = ProjectivePoint::generator() * ks.next().unwrap_or(Scalar::ONE);
        let table = FixedBaseTable::new(q);
        let extra: Vec<Scalar> = ks.take(20).collect();
        for k in [Scalar::ZERO, Scalar::ONE, -Scalar::ONE]
            .into_iter()
            .chain(extra)
        {
            let mut acc = ProjectivePoint::IDENTITY;
            table.add_multiple(&mut acc, &recode(&k));
            assert_eq!(acc, q * k);
        }
    }

    /// Deterministic "random" scalars: SHA-256 of a counter, reduced.
    fn scalars() -> impl Iterator<Item = Scalar> {
        (0u32..).map(|i| {
            let d: FieldBytes = Sha256::digest(i.to_be_bytes());
            <Scalar as Reduce<FieldBytes>>::reduce(&d)
        })
    }
}
