//! RSA signature verification (RS256/384/512, PS256/384/512) with the public operation
//! done here (issue 6): Montgomery multiplication on 32-bit limbs, because wasm has
//! no 64×64→128 multiply, and the key's Montgomery parameters (−n⁻¹ mod 2³², R² mod n)
//! computed once when the JWKS is loaded. Everything is public, so variable time is fine.
//!
//! The padding checks follow RFC 8017 and give the verdicts of the `rsa` crate
//! (`Pkcs1v15Sign::new::<D>()`, `Pss::<D>::new()`): EMSA-PKCS1-v1_5 is encode-and-compare
//! (§8.2.2 step 3–4), EMSA-PSS-VERIFY is §9.1.2 with MGF1 and a salt of exactly hLen
//! (RFC 7518 §3.5). tests/crypto_diff.rs compares both against `rsa` over random keys
//! and signatures; tests/wycheproof.rs runs every vector.

use sha2::Digest;
use sha2::digest::FixedOutputReset;

/// DER DigestInfo prefixes of EMSA-PKCS1-v1_5 (RFC 8017 §9.2 note 1).
pub const DIGEST_INFO_SHA256: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];
pub const DIGEST_INFO_SHA384: [u8; 19] = [
    0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02, 0x05,
    0x00, 0x04, 0x30,
];
pub const DIGEST_INFO_SHA512: [u8; 19] = [
    0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03, 0x05,
    0x00, 0x04, 0x40,
];

/// A validated RSA public key with its Montgomery parameters.
#[derive(Clone)]
pub struct RsaKey {
    /// The modulus, little-endian 32-bit limbs, no leading zero limb.
    n: Vec<u32>,
    /// −n⁻¹ mod 2³².
    n0inv: u32,
    /// R² mod n, R = 2^(32·limbs).
    r2: Vec<u32>,
    e: u64,
    /// Modulus length in bytes (k of RFC 8017) and in bits.
    k: usize,
    bits: usize,
}

/// Limbs from big-endian bytes (leading zero bytes allowed), exactly `len` limbs;
/// `None` if the value does not fit.
fn limbs_from_be(bytes: &[u8], len: usize) -> Option<Vec<u32>> {
    let mut out = vec![0u32; len];
    for (i, b) in bytes.iter().rev().enumerate() {
        if *b == 0 {
            continue;
        }
        let limb = out.get_mut(i / 4)?;
        *limb |= u32::from(*b) << (8 * (i % 4));
    }
    Some(out)
}

/// a ≥ b for equal-length little-endian limbs.
fn geq(a: &[u32], b: &[u32]) -> bool {
    for (x, y) in a.iter().rev().zip(b.iter().rev()) {
        if x != y {
            return x > y;
        }
    }
    true
}

/// a −= b (equal lengths, a ≥ b).
fn sub_in_place(a: &mut [u32], b: &[u32]) {
    let mut borrow = 0u64;
    for (x, y) in a.iter_mut().zip(b) {
        let d = u64::from(*x)
            .wrapping_sub(u64::from(*y))
            .wrapping_sub(borrow);
        *x = d as u32;
        borrow = (d >> 63) & 1;
    }
}

impl RsaKey {
    /// `n` and `e` big-endian, already validated (crypto::rsa_public_key: bounds, odd n,
    /// odd e of at most 8 bytes).
    pub fn new(n_be: &[u8], e_be: &[u8]) -> Option<RsaKey> {
        let start = n_be.iter().position(|b| *b != 0)?;
        let n_be = n_be.get(start..)?;
        let k = n_be.len();
        let bits = k * 8 - n_be.first().map_or(8, |b| b.leading_zeros() as usize);
        let len = k.div_ceil(4);
        let n = limbs_from_be(n_be, len)?;
        let n0 = *n.first()?;
        if n0 & 1 == 0 || e_be.len() > 8 {
            return None;
        }
        // Newton iteration for n0⁻¹ mod 2³² (each step doubles the correct low bits).
        let mut inv = 1u32;
        for _ in 0..5 {
            inv = inv.wrapping_mul(2u32.wrapping_sub(n0.wrapping_mul(inv)));
        }
        let e = e_be.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let mut key = RsaKey {
            n,
            n0inv: inv.wrapping_neg(),
            r2: Vec::new(),
            e,
            k,
            bits,
        };
        key.r2 = key.compute_r2()?;
        Some(key)
    }

    /// R² mod n: 2^(bits−1) doubled to R·2^j mod n (j the odd part of 32·limbs), then
    /// Montgomery squarings, each of which doubles the exponent of 2 past R.
    fn compute_r2(&self) -> Option<Vec<u32>> {
        let len = self.n.len();
        let mut x = vec![0u32; len];
        let top = self.bits - 1;
        *x.get_mut(top / 32)? = 1 << (top % 32);
        let mut j = 32 * len;
        let mut squarings = 0;
        while j.is_multiple_of(2) {
            j /= 2;
            squarings += 1;
        }
        // 2^(bits−1) → 2^(32·len + j) mod n
        for _ in 0..(32 * len - top + j) {
            let carry = x.iter_mut().fold(0u32, |c, limb| {
                let next = *limb >> 31;
                *limb = (*limb << 1) | c;
                next
            });
            if carry == 1 || geq(&x, &self.n) {
                sub_in_place(&mut x, &self.n);
            }
        }
        // x = R·2^j; mont(x, x) = R·2^(2j); after `squarings` steps R·2^(32·len) = R².
        let mut scratch = vec![0u32; len + 1];
        for _ in 0..squarings {
            let y = x.clone();
            self.mont_mul(&y, &y, &mut x, &mut scratch);
        }
        Some(x)
    }

    /// out = a·b·R⁻¹ mod n (a, b < n; out < n). `t` is scratch of len+1 limbs.
    /// CIOS with the multiplication and reduction loops merged.
    fn mont_mul(&self, a: &[u32], b: &[u32], out: &mut [u32], t: &mut [u32]) {
        t.fill(0);
        let len = self.n.len();
        let (t_main, t_top) = t.split_at_mut(len);
        let (Some(&a0), Some(&n0), Some(t_top)) = (a.first(), self.n.first(), t_top.first_mut())
        else {
            return;
        };
        for &bi in b {
            let bi = u64::from(bi);
            let Some((t0, t_rest)) = t_main.split_first_mut() else {
                return;
            };
            let x = u64::from(*t0) + u64::from(a0) * bi;
            let m = (x as u32).wrapping_mul(self.n0inv);
            let m64 = u64::from(m);
            // Low limb of y is zero by the choice of m.
            let y = u64::from(x as u32) + m64 * u64::from(n0);
            let mut c1 = x >> 32;
            let mut c2 = y >> 32;
            // t[j−1] = t[j] + a[j]·bi + m·n[j] + carries: dividing by 2³² is the shift.
            let mut prev: &mut u32 = t0;
            for ((tj, &aj), &nj) in t_rest
                .iter_mut()
                .zip(a.iter().skip(1))
                .zip(self.n.iter().skip(1))
            {
                let x = u64::from(*tj) + u64::from(aj) * bi + c1;
                c1 = x >> 32;
                let y = u64::from(x as u32) + m64 * u64::from(nj) + c2;
                c2 = y >> 32;
                *prev = y as u32;
                prev = tj;
            }
            let x = u64::from(*t_top) + c1 + c2;
            *prev = x as u32;
            *t_top = (x >> 32) as u32;
        }
        out.copy_from_slice(t_main);
        // t < 2n, so one subtraction suffices.
        if *t_top != 0 || geq(out, &self.n) {
            sub_in_place(out, &self.n);
        }
    }

    /// RSAVP1 + I2OSP: s^e mod n as k big-endian bytes, or `None` if the signature is
    /// not k bytes or its integer is ≥ n (RFC 8017 §8.2.2 steps 1–2).
    pub fn public_op(&self, sig: &[u8]) -> Option<Vec<u8>> {
        if sig.len() != self.k {
            return None;
        }
        let len = self.n.len();
        let s = limbs_from_be(sig, len)?;
        if geq(&s, &self.n) {
            return None;
        }
        let mut scratch = vec![0u32; len + 1];
        let mut a = vec![0u32; len];
        self.mont_mul(&s, &self.r2, &mut a, &mut scratch);
        let mut x = a.clone();
        let mut y = vec![0u32; len];
        let top = 63 - self.e.leading_zeros();
        for bit in (0..top).rev() {
            self.mont_mul(&x, &x, &mut y, &mut scratch);
            if (self.e >> bit) & 1 == 1 {
                self.mont_mul(&y, &a, &mut x, &mut scratch);
            } else {
                std::mem::swap(&mut x, &mut y);
            }
        }
        let mut one = vec![0u32; len];
        if let Some(l) = one.first_mut() {
            *l = 1;
        }
        self.mont_mul(&x, &one, &mut y, &mut scratch);
        let mut out = vec![0u8; self.k];
        for (i, o) in out.iter_mut().rev().enumerate() {
            let limb = y.get(i / 4).copied().unwrap_or(0);
            *o = (limb >> (8 * (i % 4))) as u8;
        }
        Some(out)
    }

    /// RSASSA-PKCS1-v1_5 (RFC 8017 §8.2.2) for `hashed` = Hash(M) with the DigestInfo `prefix`.
    pub fn verify_pkcs1v15(&self, prefix: &[u8], hashed: &[u8], sig: &[u8]) -> bool {
        let t_len = prefix.len() + hashed.len();
        if self.k < t_len + 11 {
            return false;
        }
        let Some(em) = self.public_op(sig) else {
            return false;
        };
        // EM = 0x00 || 0x01 || PS (0xff…) || 0x00 || DigestInfo || H
        let ps_len = self.k - t_len - 3;
        let mut expected = Vec::with_capacity(self.k);
        expected.extend_from_slice(&[0, 1]);
        expected.resize(2 + ps_len, 0xff);
        expected.push(0);
        expected.extend_from_slice(prefix);
        expected.extend_from_slice(hashed);
        em == expected
    }

    /// RSASSA-PSS (RFC 8017 §9.1.2, MGF1 with D, salt length = hLen) for `m_hash` = D(M).
    pub fn verify_pss<D: Digest + FixedOutputReset>(&self, m_hash: &[u8], sig: &[u8]) -> bool {
        let h_len = <D as Digest>::output_size();
        let s_len = h_len;
        if m_hash.len() != h_len {
            return false;
        }
        let Some(m) = self.public_op(sig) else {
            return false;
        };
        let em_bits = self.bits - 1;
        let em_len = em_bits.div_ceil(8);
        // I2OSP(m, emLen): when emLen = k − 1 the dropped leading byte must be zero.
        let Some((dropped, em)) = m.split_at_checked(m.len() - em_len) else {
            return false;
        };
        if dropped.iter().any(|b| *b != 0) {
            return false;
        }
        if em_len < h_len + s_len + 2 || em.last() != Some(&0xbc) {
            return false;
        }
        let Some((masked_db, rest)) = em.split_at_checked(em_len - h_len - 1) else {
            return false;
        };
        let Some(h) = rest.get(..h_len) else {
            return false;
        };
        let unused_bits = 8 * em_len - em_bits;
        let top_mask = 0xffu8 >> unused_bits;
        if masked_db.first().is_some_and(|b| b & !top_mask != 0) {
            return false;
        }
        // DB = maskedDB ⊕ MGF1(H, emLen − hLen − 1)
        let mut db = masked_db.to_vec();
        for (counter, chunk) in (0u32..).zip(db.chunks_mut(h_len)) {
            let mut hasher = D::new();
            Digest::update(&mut hasher, h);
            Digest::update(&mut hasher, counter.to_be_bytes());
            let mask = hasher.finalize();
            for (d, m) in chunk.iter_mut().zip(mask.iter()) {
                *d ^= m;
            }
        }
        if let Some(first) = db.first_mut() {
            *first &= top_mask;
        }
        // DB = PS (zeros) || 0x01 || salt
        let ps_len = em_len - h_len - s_len - 2;
        let Some((ps, rest)) = db.split_at_checked(ps_len) else {
            return false;
        };
        let Some((&one, salt)) = rest.split_first() else {
            return false;
        };
        if ps.iter().any(|b| *b != 0) || one != 0x01 || salt.len() != s_len {
            return false;
        }
        let mut hasher = D::new();
        Digest::update(&mut hasher, [0u8; 8]);
        Digest::update(&mut hasher, m_hash);
        Digest::update(&mut hasher, salt);
        hasher.finalize().as_slice() == h
    }
}
