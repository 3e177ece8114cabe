//! One-time codes: HOTP (RFC 4226) and TOTP (RFC 6238), with constant-time verification.

use std::fmt;

use hmac::{Hmac, KeyInit, Mac};
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

use crate::Secret;

/// The HMAC hash function (RFC 6238 §1.2 allows SHA-1, SHA-256 and SHA-512).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub enum Algorithm {
    /// HMAC-SHA-1, the default of every authenticator.
    #[default]
    #[serde(rename = "SHA1")]
    Sha1,
    /// HMAC-SHA-256.
    #[serde(rename = "SHA256")]
    Sha256,
    /// HMAC-SHA-512.
    #[serde(rename = "SHA512")]
    Sha512,
}

impl Algorithm {
    /// The name used in `otpauth://` URIs: `SHA1`, `SHA256` or `SHA512`.
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::Sha1 => "SHA1",
            Algorithm::Sha256 => "SHA256",
            Algorithm::Sha512 => "SHA512",
        }
    }

    /// Parses a name case-insensitively (`sha256` is `SHA256`); no other spelling is accepted.
    pub fn from_name(name: &str) -> Option<Self> {
        [Algorithm::Sha1, Algorithm::Sha256, Algorithm::Sha512]
            .into_iter()
            .find(|a| a.as_str().eq_ignore_ascii_case(name))
    }
}

impl fmt::Display for Algorithm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The smallest number of digits a code may have (RFC 4226 §5.3 requires at least 6).
pub const MIN_DIGITS: u8 = 6;
/// The largest number of digits: the 31-bit truncated value has 10 decimal digits.
pub const MAX_DIGITS: u8 = 10;
/// The TOTP time step every authenticator assumes when none is given (RFC 6238 §5.2).
pub const DEFAULT_PERIOD: u64 = 30;

/// The characters a code is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Alphabet {
    /// Decimal digits, the truncated value modulo `10^digits` (RFC 4226 §5.3).
    #[default]
    Decimal,
    /// Steam Guard: the 31-bit truncated value written in base 26 over [`STEAM_ALPHABET`], least
    /// significant character first, [`STEAM_CHARS`] characters.
    Steam,
}

impl Alphabet {
    /// Whether `c` can appear in a code of this alphabet.
    pub fn contains(self, c: u8) -> bool {
        match self {
            Alphabet::Decimal => c.is_ascii_digit(),
            Alphabet::Steam => STEAM_ALPHABET.contains(&c),
        }
    }
}

/// Steam Guard's 26 code characters: digits and upper-case letters without the look-alikes
/// (0 1 A E I L O S U Z). As in Steam's mobile authenticator and every open implementation of it
/// (Aegis, andOTP, Stratum, the "Authenticator" extension).
pub const STEAM_ALPHABET: &[u8; 26] = b"23456789BCDFGHJKMNPQRTVWXY";
/// Characters in a Steam Guard code.
pub const STEAM_CHARS: u8 = 5;

/// A one-time code: its value, how many characters it is shown with (leading zeros kept) and in which
/// alphabet.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Code {
    value: u64,
    digits: u8,
    alphabet: Alphabet,
}

impl Code {
    /// The numeric value: below `10^digits` for decimal codes; for Steam codes the 31-bit truncated
    /// value the characters are taken from.
    pub fn value(self) -> u64 {
        self.value
    }

    /// How many characters the code has.
    pub fn digits(self) -> u8 {
        self.digits
    }

    /// The alphabet the code is written in.
    pub fn alphabet(self) -> Alphabet {
        self.alphabet
    }

    /// Writes the characters into `out` (length `digits`) without allocating.
    fn write_ascii(self, out: &mut [u8; MAX_DIGITS as usize]) -> &[u8] {
        let n = usize::from(self.digits);
        let mut v = self.value;
        match self.alphabet {
            Alphabet::Decimal => {
                for slot in out[..n].iter_mut().rev() {
                    *slot = b'0' + (v % 10) as u8;
                    v /= 10;
                }
            }
            Alphabet::Steam => {
                // Least significant character first (Steam's own order).
                for slot in out[..n].iter_mut() {
                    *slot = STEAM_ALPHABET[(v % 26) as usize];
                    v /= 26;
                }
            }
        }
        &out[..n]
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut buf = [0u8; MAX_DIGITS as usize];
        for &c in self.write_ascii(&mut buf) {
            fmt::Write::write_char(f, char::from(c))?;
        }
        Ok(())
    }
}

impl fmt::Debug for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Code({self})")
    }
}

/// A TOTP code together with where it sits in time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimedCode {
    /// The code.
    pub code: Code,
    /// The time-step counter it was computed for (`unix_secs / period`).
    pub step: u64,
    /// Seconds until the next step begins (1..=period).
    pub remaining_secs: u64,
}

/// A code accepted by verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Match {
    /// Steps between the matching step and the current one (negative: the code was from the past).
    pub offset: i64,
    /// The counter of the matching step; servers record it to refuse replays.
    pub step: u64,
}

/// HOTP value (RFC 4226 §5.3): HMAC of the big-endian counter, dynamic truncation, modulo `10^digits`.
///
/// `digits` is clamped by the caller's type ([`crate::Account`] validates it); values above
/// [`MAX_DIGITS`] are treated as [`MAX_DIGITS`].
pub fn hotp(secret: &Secret, algorithm: Algorithm, digits: u8, counter: u64) -> Code {
    code_in(secret, algorithm, digits, Alphabet::Decimal, counter)
}

/// A Steam Guard code for a counter (the time step for TOTP): RFC 4226's HMAC and dynamic
/// truncation, then the 31-bit value written as [`STEAM_CHARS`] characters of [`STEAM_ALPHABET`].
pub fn steam(secret: &Secret, algorithm: Algorithm, counter: u64) -> Code {
    code_in(secret, algorithm, STEAM_CHARS, Alphabet::Steam, counter)
}

/// The code for `counter` in `alphabet`; `digits` is ignored for Steam (always [`STEAM_CHARS`]).
pub(crate) fn code_in(
    secret: &Secret,
    algorithm: Algorithm,
    digits: u8,
    alphabet: Alphabet,
    counter: u64,
) -> Code {
    let message = counter.to_be_bytes();
    let key = secret.as_bytes();
    // Every HMAC key length is valid (longer keys are hashed first, RFC 2104 §2), so `new_from_slice`
    // cannot fail; the fallback keeps this function total without a panic path.
    macro_rules! truncated_hmac {
        ($digest:ty) => {
            match <Hmac<$digest> as KeyInit>::new_from_slice(key) {
                Ok(mut mac) => {
                    mac.update(&message);
                    truncate(&mac.finalize().into_bytes())
                }
                Err(_) => 0,
            }
        };
    }
    let truncated = match algorithm {
        Algorithm::Sha1 => truncated_hmac!(sha1::Sha1),
        Algorithm::Sha256 => truncated_hmac!(sha2::Sha256),
        Algorithm::Sha512 => truncated_hmac!(sha2::Sha512),
    };
    match alphabet {
        Alphabet::Decimal => {
            let digits = digits.clamp(1, MAX_DIGITS);
            Code {
                value: u64::from(truncated) % 10u64.pow(u32::from(digits)),
                digits,
                alphabet,
            }
        }
        Alphabet::Steam => Code {
            value: u64::from(truncated),
            digits: STEAM_CHARS,
            alphabet,
        },
    }
}

/// Dynamic truncation (RFC 4226 §5.3): 31 bits at the offset named by the last nibble.
fn truncate(hash: &[u8]) -> u32 {
    let offset = usize::from(hash[hash.len() - 1] & 0x0f);
    u32::from_be_bytes([
        hash[offset],
        hash[offset + 1],
        hash[offset + 2],
        hash[offset + 3],
    ]) & 0x7fff_ffff
}

/// TOTP (RFC 6238 §4) at `unix_secs` with T0 = 0 and the given period (which must be ≥ 1; 0 is treated
/// as 1). Any `u64` time works, including the last second of year 9999.
pub fn totp(
    secret: &Secret,
    algorithm: Algorithm,
    digits: u8,
    period: u64,
    unix_secs: u64,
) -> TimedCode {
    totp_in(
        secret,
        algorithm,
        digits,
        Alphabet::Decimal,
        period,
        unix_secs,
    )
}

/// [`totp`] in any alphabet (Steam Guard codes are TOTP codes written in [`STEAM_ALPHABET`]).
pub(crate) fn totp_in(
    secret: &Secret,
    algorithm: Algorithm,
    digits: u8,
    alphabet: Alphabet,
    period: u64,
    unix_secs: u64,
) -> TimedCode {
    let period = period.max(1);
    let step = unix_secs / period;
    TimedCode {
        code: code_in(secret, algorithm, digits, alphabet, step),
        step,
        remaining_secs: period - unix_secs % period,
    }
}

/// How a verification computes candidate codes.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Shape {
    pub algorithm: Algorithm,
    pub digits: u8,
    pub alphabet: Alphabet,
}

impl Shape {
    /// Whether `submitted` has the length and characters of a code of this shape.
    pub fn accepts(self, submitted: &str) -> bool {
        let digits = match self.alphabet {
            Alphabet::Decimal => self.digits.clamp(1, MAX_DIGITS),
            Alphabet::Steam => STEAM_CHARS,
        };
        submitted.len() == usize::from(digits)
            && submitted.bytes().all(|c| self.alphabet.contains(c))
    }
}

/// Compares a submitted code against the codes of steps `current - behind ..= current + ahead` in
/// constant time.
///
/// Every step in the range is computed and compared whatever matches, so the time taken does not
/// reveal which step (if any) matched. The submitted text must be exactly `digits` ASCII digits;
/// anything else never matches. When several steps match, the one nearest the current step wins
/// (the past before the future at equal distance). Steps beyond the ends of `u64` are skipped.
pub fn verify_steps(
    secret: &Secret,
    algorithm: Algorithm,
    digits: u8,
    current_step: u64,
    behind: u64,
    ahead: u64,
    submitted: &str,
) -> Option<Match> {
    let shape = Shape {
        algorithm,
        digits,
        alphabet: Alphabet::Decimal,
    };
    verify_in(secret, shape, current_step, behind, ahead, submitted)
}

/// [`verify_steps`] for codes of any [`Shape`].
pub(crate) fn verify_in(
    secret: &Secret,
    shape: Shape,
    current_step: u64,
    behind: u64,
    ahead: u64,
    submitted: &str,
) -> Option<Match> {
    let well_formed = shape.accepts(submitted);
    let submitted = submitted.as_bytes();
    let behind = i64::try_from(behind).unwrap_or(i64::MAX);
    let ahead = i64::try_from(ahead).unwrap_or(i64::MAX);
    let mut best: Option<Match> = None;
    let mut buf = [0u8; MAX_DIGITS as usize];
    for distance in 0..=behind.max(ahead) {
        let candidates = [
            (-distance, distance <= behind),
            (distance, distance > 0 && distance <= ahead),
        ];
        for (offset, in_range) in candidates {
            if !in_range {
                continue;
            }
            let Some(step) = current_step.checked_add_signed(offset) else {
                continue;
            };
            let candidate = code_in(secret, shape.algorithm, shape.digits, shape.alphabet, step);
            let equal = bool::from(candidate.write_ascii(&mut buf).ct_eq(submitted));
            if equal && well_formed && best.is_none() {
                best = Some(Match { offset, step });
            }
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rfc_secret() -> Secret {
        Secret::from_bytes(b"12345678901234567890".to_vec()).unwrap()
    }

    #[test]
    fn rfc4226_appendix_d() {
        let expected = [
            "755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583",
            "399871", "520489",
        ];
        for (counter, want) in expected.iter().enumerate() {
            assert_eq!(
                hotp(&rfc_secret(), Algorithm::Sha1, 6, counter as u64).to_string(),
                *want
            );
        }
    }

    #[test]
    fn leading_zeros_and_ten_digits() {
        // RFC 6238 vector at 1111111109 is 07081804: the leading zero must stay.
        let code = totp(&rfc_secret(), Algorithm::Sha1, 8, 30, 1_111_111_109).code;
        assert_eq!(code.to_string(), "07081804");
        let code = totp(&rfc_secret(), Algorithm::Sha1, 10, 30, 59).code;
        assert_eq!(code.to_string().len(), 10);
        // 10 digits keep the whole 31-bit value: 94287082 with 8 digits is its low part.
        assert!(code.to_string().ends_with("94287082"));
    }

    #[test]
    fn remaining_reaches_one_just_before_the_boundary() {
        let at = |t| totp(&rfc_secret(), Algorithm::Sha1, 6, 30, t);
        assert_eq!(at(30).remaining_secs, 30);
        assert_eq!(at(59).remaining_secs, 1);
        assert_eq!(at(59).step, 1);
        assert_eq!(at(60).step, 2);
        assert_eq!(at(u64::MAX).step, u64::MAX / 30);
        assert_eq!(totp(&rfc_secret(), Algorithm::Sha1, 6, 0, 5).step, 5);
    }

    #[test]
    fn verify_finds_offsets_and_rejects_malformed() {
        let s = rfc_secret();
        let code = |step| hotp(&s, Algorithm::Sha1, 6, step).to_string();
        let v = |submitted: &str, window| {
            verify_steps(&s, Algorithm::Sha1, 6, 100, window, window, submitted)
        };
        assert_eq!(
            v(&code(100), 0),
            Some(Match {
                offset: 0,
                step: 100
            })
        );
        assert_eq!(
            v(&code(99), 1),
            Some(Match {
                offset: -1,
                step: 99
            })
        );
        assert_eq!(
            v(&code(101), 1),
            Some(Match {
                offset: 1,
                step: 101
            })
        );
        assert_eq!(v(&code(102), 1), None);
        assert_eq!(
            v(&code(120), 20),
            Some(Match {
                offset: 20,
                step: 120
            })
        );
        // Look-ahead only (HOTP): earlier steps never match.
        assert_eq!(
            verify_steps(&s, Algorithm::Sha1, 6, 100, 0, 5, &code(99)),
            None
        );
        assert_eq!(
            verify_steps(&s, Algorithm::Sha1, 6, 100, 0, 5, &code(103)),
            Some(Match {
                offset: 3,
                step: 103
            })
        );
        assert_eq!(v(&format!(" {}", code(100)), 1), None);
        assert_eq!(v(&code(100)[..5], 1), None);
        assert_eq!(v("", 1), None);
        assert_eq!(v("abcdef", 1), None);
        // Near the ends of the counter range nothing overflows.
        let edge = hotp(&s, Algorithm::Sha1, 6, u64::MAX).to_string();
        assert_eq!(
            verify_steps(&s, Algorithm::Sha1, 6, u64::MAX, 3, 3, &edge),
            Some(Match {
                offset: 0,
                step: u64::MAX
            })
        );
        let zero = hotp(&s, Algorithm::Sha1, 6, 0).to_string();
        assert_eq!(
            verify_steps(&s, Algorithm::Sha1, 6, 0, 3, 3, &zero),
            Some(Match { offset: 0, step: 0 })
        );
    }

    #[test]
    fn steam_codes_use_five_characters_of_steams_alphabet() {
        // accounts.json a13 of the "Authenticator" extension 8.0.2 exports (shared/peers/ae-8.0.2):
        // computed there independently of this code; oathtool's 8-digit decimal code for the same
        // step (33321943) is the low part of the same truncated value, checked below.
        let s = Secret::from_base32("DAJNTYWFT2446UVQKTWOOXVVLCRYWRBQ").unwrap();
        let t = totp_in(&s, Algorithm::Sha1, 5, Alphabet::Steam, 30, 1_700_000_000);
        assert_eq!(t.code.to_string(), "5PDH5");
        assert_eq!(t.code.digits(), 5);
        assert_eq!(t.code.value() % 100_000_000, 33_321_943);
        assert_eq!(steam(&s, Algorithm::Sha1, t.step), t.code);
        let shape = Shape {
            algorithm: Algorithm::Sha1,
            digits: 5,
            alphabet: Alphabet::Steam,
        };
        assert_eq!(
            verify_in(&s, shape, t.step, 1, 1, "5PDH5"),
            Some(Match {
                offset: 0,
                step: t.step
            })
        );
        // Lower case, a decimal code and a character outside the alphabet never match.
        assert_eq!(verify_in(&s, shape, t.step, 1, 1, "5pdh5"), None);
        assert_eq!(verify_in(&s, shape, t.step, 1, 1, "33321"), None);
        assert!(!shape.accepts("5PDH0"));
        assert!(shape.accepts("5PDH5"));
    }

    #[test]
    fn algorithm_names() {
        assert_eq!(Algorithm::from_name("sha512"), Some(Algorithm::Sha512));
        assert_eq!(Algorithm::from_name("SHA-256"), None);
        assert_eq!(Algorithm::from_name("MD5"), None);
    }
}
