//! Reed–Solomon error correction over GF(2⁸) for QR codewords (ISO/IEC 18004:2015 §7.5.2), with
//! log/antilog tables.
//!
//! Ported from `rqrr` 0.11.0 (`src/decode.rs`: `correct_block`, `block_syndromes`, `eloc_poly`,
//! `berlekamp_massey`, `poly_add`, `poly_eval`; itself a port of quirc), © 2019 Moritz Wanzenböck and
//! the rqrr contributors, used under the MIT licence (rqrr is MIT OR ISC OR Apache-2.0; the text is in
//! `crates/qr/src/LICENSE-rqrr`). Why a port: rqrr multiplies through the `g2p` crate, whose
//! GF(2⁸) type carries a 256 × 256 multiplication table — 64 KiB of the extension's wasm. Two tables of
//! 512 + 256 bytes do the same with one addition per product. The algorithm is unchanged;
//! [`correct_block`] also reports how many codewords it changed.

/// The field's reducing polynomial x⁸ + x⁴ + x³ + x² + 1 (ISO/IEC 18004 §7.5.2), α = 2.
const POLY: u16 = 0x11d;

/// `EXP[i] = αⁱ`, doubled so that `EXP[log a + log b]` needs no reduction modulo 255.
const EXP: [u8; 512] = {
    let mut t = [0u8; 512];
    let mut x: u16 = 1;
    let mut i = 0;
    while i < 512 {
        t[i] = x as u8;
        x <<= 1;
        if x & 0x100 != 0 {
            x ^= POLY;
        }
        i += 1;
    }
    t
};

/// `LOG[a]` for a ≠ 0 (`LOG[0]` is unused).
const LOG: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut i = 0;
    while i < 255 {
        t[EXP[i] as usize] = i as u8;
        i += 1;
    }
    t
};

fn mul(a: u8, b: u8) -> u8 {
    if a == 0 || b == 0 {
        0
    } else {
        EXP[usize::from(LOG[usize::from(a)]) + usize::from(LOG[usize::from(b)])]
    }
}

/// a / b for b ≠ 0 (the callers check b).
fn div(a: u8, b: u8) -> u8 {
    if a == 0 {
        0
    } else {
        EXP[usize::from(LOG[usize::from(a)]) + 255 - usize::from(LOG[usize::from(b)])]
    }
}

/// αⁿ.
fn pow_alpha(n: usize) -> u8 {
    EXP[n % 255]
}

/// Polynomials of degree < 64: QR blocks carry at most 30 error-correction codewords.
type Poly = [u8; 64];

fn poly_eval(p: &Poly, x: u8) -> u8 {
    let (mut sum, mut x_pow) = (0u8, 1u8);
    for &c in p {
        sum ^= mul(c, x_pow);
        x_pow = mul(x_pow, x);
    }
    sum
}

/// dst += c · xˢʰⁱᶠᵗ · src.
fn poly_add(dst: &mut Poly, src: &Poly, c: u8, shift: usize) {
    if c == 0 {
        return;
    }
    for (d, &s) in dst.iter_mut().skip(shift).zip(src) {
        *d ^= mul(s, c);
    }
}

/// The syndromes Sᵢ = r(αⁱ), i < npar, of a block (codeword j is the coefficient of x^(len-1-j));
/// `None` when all are zero, i.e. the block is a codeword.
fn syndromes(block: &[u8], npar: usize) -> Option<Poly> {
    let mut s = [0u8; 64];
    for (i, si) in s.iter_mut().enumerate().take(npar) {
        for (j, &c) in block.iter().rev().enumerate() {
            *si ^= mul(c, pow_alpha(i * j));
        }
    }
    s.iter().any(|&v| v != 0).then_some(s)
}

/// Berlekamp–Massey: the error-locator polynomial σ from the first `n` syndromes.
fn berlekamp_massey(s: &Poly, n: usize) -> Poly {
    let (mut cs, mut bs) = ([0u8; 64], [0u8; 64]);
    let (mut l, mut m, mut b) = (0usize, 1usize, 1u8);
    cs[0] = 1;
    bs[0] = 1;
    for k in 0..n {
        let mut d = s[k];
        for i in 1..=l {
            d ^= mul(cs[i], s[k - i]);
        }
        let mult = div(d, b);
        if d == 0 {
            m += 1;
        } else if l * 2 <= k {
            let ts = cs;
            poly_add(&mut cs, &bs, mult, m);
            bs = ts;
            l = k + 1 - l;
            b = d;
            m = 1;
        } else {
            poly_add(&mut cs, &bs, mult, m);
            m += 1;
        }
    }
    cs
}

/// The block could not be corrected: more errors than its parity codewords can locate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Uncorrectable;

/// Corrects one block in place (`data ‖ ecc`, `npar` parity codewords) and returns how many
/// codewords it changed. Fails — leaving nothing trusted — when the corrected block is still not a
/// codeword.
pub(crate) fn correct_block(block: &mut [u8], npar: usize) -> Result<usize, Uncorrectable> {
    if npar == 0 || npar >= 64 || block.len() <= npar || block.len() > 255 {
        return Err(Uncorrectable);
    }
    let Some(s) = syndromes(block, npar) else {
        return Ok(0);
    };
    let sigma = berlekamp_massey(&s, npar);
    // Formal derivative of σ: in characteristic 2 only the odd terms survive.
    let mut sigma_deriv = [0u8; 64];
    for i in (1..64).step_by(2) {
        sigma_deriv[i - 1] = sigma[i];
    }
    // Error evaluator ω = S·σ mod x^(npar-1), with quirc's syndrome offset.
    let mut omega = [0u8; 64];
    for i in 0..npar - 1 {
        for j in 0..npar - 1 - i {
            omega[i + j] ^= mul(sigma[i], s[j + 1]);
        }
    }
    // Chien search over the block's positions, Forney for each magnitude.
    let len = block.len();
    let mut changed = 0;
    for i in 0..len {
        let xinv = pow_alpha(255 - i);
        if poly_eval(&sigma, xinv) == 0 {
            let sd_x = poly_eval(&sigma_deriv, xinv);
            if sd_x == 0 {
                return Err(Uncorrectable);
            }
            block[len - i - 1] ^= div(poly_eval(&omega, xinv), sd_x);
            changed += 1;
        }
    }
    // A bounded-distance decoder can only vouch for ≤ npar / 2 changes, and σ's degree must equal
    // the number of roots found; anything else is a miscorrection in the making.
    let degree = sigma.iter().rposition(|&c| c != 0).unwrap_or(0);
    if changed > npar / 2 || changed != degree {
        return Err(Uncorrectable);
    }
    match syndromes(block, npar) {
        None => Ok(changed),
        Some(_) => Err(Uncorrectable),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Appends `npar` parity codewords (systematic encoding by the generator ∏(x - αⁱ)).
    fn encode(data: &[u8], npar: usize) -> Vec<u8> {
        let mut generator = vec![1u8];
        for i in 0..npar {
            let mut next = vec![0u8; generator.len() + 1];
            for (j, &g) in generator.iter().enumerate() {
                next[j] ^= g;
                next[j + 1] ^= mul(g, pow_alpha(i));
            }
            generator = next;
        }
        let mut rem = data.to_vec();
        rem.resize(data.len() + npar, 0);
        for i in 0..data.len() {
            let coeff = rem[i];
            if coeff != 0 {
                for (j, &g) in generator.iter().enumerate() {
                    rem[i + j] ^= mul(g, coeff);
                }
            }
        }
        let mut out = data.to_vec();
        out.extend_from_slice(&rem[data.len()..]);
        out
    }

    #[test]
    fn tables_are_a_field() {
        assert_eq!(EXP[0], 1);
        assert_eq!(EXP[8], 0x1d); // α⁸ = x⁴ + x³ + x² + 1
        assert_eq!(EXP[255], 1);
        for a in 1..=255u8 {
            assert_eq!(mul(a, div(1, a)), 1, "inverse of {a}");
            assert_eq!(mul(a, 1), a);
        }
        // Spot-check against carry-less multiplication reduced by the polynomial.
        let slow = |a: u8, b: u8| {
            let mut p = 0u16;
            for i in 0..8 {
                if b >> i & 1 == 1 {
                    p ^= u16::from(a) << i;
                }
            }
            for i in (8..16).rev() {
                if p >> i & 1 == 1 {
                    p ^= POLY << (i - 8);
                }
            }
            p as u8
        };
        for (a, b) in [(3, 7), (0x53, 0xca), (255, 255), (0x80, 2), (0, 9)] {
            assert_eq!(mul(a, b), slow(a, b), "{a}·{b}");
        }
    }

    #[test]
    fn corrects_up_to_half_the_parity() {
        let data: Vec<u8> = (0..40u8).map(|i| i.wrapping_mul(37) ^ 0x5a).collect();
        for npar in [7usize, 10, 18, 30] {
            let clean = encode(&data, npar);
            assert_eq!(correct_block(&mut clean.clone(), npar), Ok(0));
            for errors in 1..=npar / 2 {
                let mut block = clean.clone();
                for e in 0..errors {
                    let at = (e * 13 + npar) % block.len();
                    block[at] ^= 0xa5 ^ e as u8;
                }
                assert_eq!(
                    correct_block(&mut block, npar),
                    Ok(errors),
                    "npar {npar}, {errors} errors"
                );
                assert_eq!(block, clean);
            }
        }
    }

    #[test]
    fn too_many_errors_never_yield_a_non_codeword() {
        let data = [0x10u8, 0x20, 0x0c, 0x56, 0x61, 0x80, 0xec, 0x11, 0xec];
        let npar = 7;
        let clean = encode(&data, npar);
        let mut refused = 0;
        for start in 0..clean.len() - 6 {
            let mut block = clean.clone();
            for b in &mut block[start..start + 6] {
                *b ^= 0xff;
            }
            match correct_block(&mut block, npar) {
                Err(Uncorrectable) => refused += 1,
                // Beyond npar / 2 errors a decoder may land on another codeword, but never on
                // anything that is not one, and never with more than npar / 2 changes.
                Ok(n) => {
                    assert!(n <= npar / 2, "start {start}: {n} changes");
                    assert_eq!(syndromes(&block, npar), None);
                }
            }
        }
        assert!(refused > 0);
    }

    #[test]
    fn impossible_shapes_are_refused() {
        assert_eq!(correct_block(&mut [1, 2, 3], 0), Err(Uncorrectable));
        assert_eq!(correct_block(&mut [1, 2, 3], 3), Err(Uncorrectable));
        assert_eq!(correct_block(&mut [0; 300], 10), Err(Uncorrectable));
    }
}
