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

/// A one-time code: its numeric value and how many digits it is shown with (leading zeros kept).
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Code {
    value: u64,
    digits: u8,
}

impl Code {
    /// The numeric value (below `10^digits`).
    pub fn value(self) -> u64 {
        self.value
    }

    /// How many digits the code has.
    pub fn digits(self) -> u8 {
        self.digits
    }

    /// Writes the digits into `out` (length `digits`) without allocating.
    fn write_ascii(self, out: &mut [u8; MAX_DIGITS as usize]) -> &[u8] {
        let n = usize::from(self.digits);
        let mut v = self.value;
        for slot in out[..n].iter_mut().rev() {
            *slot = b'0' + (v % 10) as u8;
            v /= 10;
        }
        &out[..n]
    }
}

impl fmt::Display for Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:0width$}",
            self.value,
            width = usize::from(self.digits)
        )
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
    let digits = digits.clamp(1, MAX_DIGITS);
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
    Code {
        value: u64::from(truncated) % 10u64.pow(u32::from(digits)),
        digits,
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
    let period = period.max(1);
    let step = unix_secs / period;
    TimedCode {
        code: hotp(secret, algorithm, digits, step),
        step,
        remaining_secs: period - unix_secs % period,
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
    let digits = digits.clamp(1, MAX_DIGITS);
    let submitted = submitted.as_bytes();
    let well_formed =
        submitted.len() == usize::from(digits) && submitted.iter().all(u8::is_ascii_digit);
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
            let candidate = hotp(secret, algorithm, digits, step);
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
    fn algorithm_names() {
        assert_eq!(Algorithm::from_name("sha512"), Some(Algorithm::Sha512));
        assert_eq!(Algorithm::from_name("SHA-256"), None);
        assert_eq!(Algorithm::from_name("MD5"), None);
    }
}
