//! Shared secrets: RFC 4648 base32 text in, zeroized bytes held.
//!
//! Authenticator secrets are typed by people and pasted from web pages, so the decoder is lenient in
//! exactly these documented ways and strict in every other:
//!
//! - lower-case letters are accepted as their upper-case equivalents;
//! - spaces and `-` are separators people use to group the text (`JBSW Y3DP`, `JBSW-Y3DP`) and are
//!   ignored wherever they appear;
//! - `=` padding may be left out; when it is present it must be exactly the padding RFC 4648 §6
//!   prescribes for the length, and only at the end.
//!
//! Anything else (the digits `0 1 8 9`, punctuation, non-ASCII) is rejected with the character and its
//! position in the text as given, so a user can find a mistyped `0` for `O`.

use std::fmt;

use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::params::{Coded, ErrorParams, shown_char};

/// Why a base32 secret was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecretError {
    /// Nothing was left after removing separators.
    Empty,
    /// A character outside the base32 alphabet `A–Z 2–7` (and the allowed separators).
    BadCharacter {
        /// The offending character.
        character: char,
        /// Its 1-based position in the text as given (in characters, separators included).
        position: usize,
    },
    /// The number of base32 characters cannot encode whole bytes (length mod 8 is 1, 3 or 6).
    BadLength {
        /// The number of base32 characters, separators and padding excluded.
        length: usize,
    },
    /// A character that is not a hexadecimal digit in a hex secret.
    BadHexCharacter {
        /// The offending character.
        character: char,
        /// Its 1-based position in the text as given.
        position: usize,
    },
    /// A hex secret with an odd number of digits (half a byte).
    OddHexLength {
        /// The number of hex digits.
        length: usize,
    },
    /// `=` padding of the wrong length for the data before it, or `=` followed by data.
    BadPadding {
        /// The number of `=` characters found at the end.
        found: usize,
        /// The number RFC 4648 §6 requires for this length (0 means "none or exactly 0").
        expected: usize,
    },
}

impl Coded for SecretError {
    /// A stable machine-readable code for the error, shared with the URI parser's codes.
    fn code(&self) -> &'static str {
        match self {
            SecretError::Empty => "empty_secret",
            SecretError::BadCharacter { .. } => "bad_base32",
            SecretError::BadLength { .. } => "bad_base32_length",
            SecretError::BadPadding { .. } => "bad_padding",
            SecretError::BadHexCharacter { .. } | SecretError::OddHexLength { .. } => "bad_hex",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            SecretError::Empty => ErrorParams::new(),
            SecretError::BadCharacter {
                character,
                position,
            }
            | SecretError::BadHexCharacter {
                character,
                position,
            } => ErrorParams::new()
                .with("character", shown_char(*character))
                .with("position", position),
            SecretError::OddHexLength { length } => {
                ErrorParams::new().with("length", length).variant("length")
            }
            SecretError::BadLength { length } => ErrorParams::new().with("length", length),
            SecretError::BadPadding { found, expected } => {
                let p = ErrorParams::new()
                    .with("found", found)
                    .with("expected", expected);
                if *expected == 0 { p.variant("none") } else { p }
            }
        }
    }
}

impl fmt::Display for SecretError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretError::Empty => write!(f, "the secret is empty"),
            SecretError::BadCharacter {
                character,
                position,
            } => {
                let shown = shown_char(*character);
                write!(
                    f,
                    "'{shown}' is not a base32 character (position {position}); \
                     base32 uses only the letters A-Z and the digits 2-7"
                )
            }
            SecretError::BadHexCharacter {
                character,
                position,
            } => write!(
                f,
                "'{}' is not a hexadecimal digit (position {position}); a hex secret uses only 0-9 and A-F",
                character.escape_default()
            ),
            SecretError::OddHexLength { length } => write!(
                f,
                "{length} hexadecimal digits cannot encode whole bytes (two digits per byte)"
            ),
            SecretError::BadLength { length } => write!(
                f,
                "{length} base32 characters cannot encode whole bytes \
                 (a length of 1, 3 or 6 more than a multiple of 8 is impossible); \
                 is a character missing or extra?"
            ),
            SecretError::BadPadding { found, expected: 0 } => write!(
                f,
                "the secret ends in {found} '=' but its length needs no padding; \
                 '=' may only pad the last block to 8 characters"
            ),
            SecretError::BadPadding { found, expected } => write!(
                f,
                "the secret ends in {found} '=' but its length needs {expected}; \
                 '=' may only pad the last block to 8 characters"
            ),
        }
    }
}

impl std::error::Error for SecretError {}

/// The shared secret of an account: raw key bytes, zeroized when dropped and never printed.
///
/// `Debug` shows only the length in bits; there is no `Display`. Use [`Secret::to_base32`] to export it
/// deliberately.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct Secret(Vec<u8>);

impl Secret {
    /// Wraps raw key bytes. Fails with [`SecretError::Empty`] for an empty key.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, SecretError> {
        if bytes.is_empty() {
            return Err(SecretError::Empty);
        }
        Ok(Secret(bytes))
    }

    /// Decodes base32 text leniently: lower case is accepted, spaces and `-` are ignored, and `=`
    /// padding may be left out (but must be right when present).
    pub fn from_base32(text: &str) -> Result<Self, SecretError> {
        decode_base32(text, true).map(Secret)
    }

    /// Decodes base32 as `otpauth://` URIs carry it: spaces are ignored but `-` is not a separator
    /// (the Key Uri Format has none), so it is reported as a bad character.
    pub(crate) fn from_base32_uri(text: &str) -> Result<Self, SecretError> {
        decode_base32(text, false).map(Secret)
    }

    /// The key bytes, for computing codes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The shortest key that is not weak, in bits: RFC 4226 §4 R6 requires 128 (and recommends 160).
    /// The one threshold the CLI and the extension warn under.
    pub const MIN_RECOMMENDED_BITS: usize = 128;

    /// The key's length in bits.
    pub fn bits(&self) -> usize {
        self.0.len() * 8
    }

    /// Whether the key is shorter than [`Secret::MIN_RECOMMENDED_BITS`], which a user should be warned
    /// about (many services still issue 80-bit keys, so it is a warning, not an error).
    pub fn is_weak(&self) -> bool {
        self.bits() < Self::MIN_RECOMMENDED_BITS
    }

    /// Decodes hexadecimal text (either case; spaces ignored), as the "Authenticator" extension stores
    /// the secrets of its `hex`/`hhex` types.
    pub fn from_hex(text: &str) -> Result<Self, SecretError> {
        let mut bytes = Zeroizing(Vec::with_capacity(text.len() / 2));
        let mut high: Option<u32> = None;
        let mut count = 0usize;
        for (index, character) in text.chars().enumerate() {
            if character == ' ' {
                continue;
            }
            let Some(nibble) = character.to_digit(16) else {
                return Err(SecretError::BadHexCharacter {
                    character,
                    position: index + 1,
                });
            };
            count += 1;
            match high.take() {
                Some(h) => bytes.0.push((h * 16 + nibble) as u8),
                None => high = Some(nibble),
            }
        }
        if high.is_some() {
            return Err(SecretError::OddHexLength { length: count });
        }
        Secret::from_bytes(std::mem::take(&mut bytes.0))
    }

    /// Canonical base32: upper case, no padding, no separators.
    pub fn to_base32(&self) -> String {
        encode_base32(&self.0)
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret({} bits)", self.bits())
    }
}

impl serde::Serialize for Secret {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut text = self.to_base32();
        let result = serializer.serialize_str(&text);
        text.zeroize();
        result
    }
}

impl<'de> serde::Deserialize<'de> for Secret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let mut text = String::deserialize(deserializer)?;
        let secret = Secret::from_base32(&text).map_err(serde::de::Error::custom);
        text.zeroize();
        secret
    }
}

/// A buffer wiped when dropped, for secret bytes on an error path.
struct Zeroizing(Vec<u8>);

impl Drop for Zeroizing {
    fn drop(&mut self) {
        self.0.zeroize();
    }
}

const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn value_of(c: char) -> Option<u8> {
    match c {
        'A'..='Z' => Some(c as u8 - b'A'),
        'a'..='z' => Some(c as u8 - b'a'),
        '2'..='7' => Some(c as u8 - b'2' + 26),
        _ => None,
    }
}

/// Padding RFC 4648 §6 requires after `len % 8` data characters; `None` for impossible lengths.
fn padding_for(len: usize) -> Option<usize> {
    match len % 8 {
        0 => Some(0),
        2 => Some(6),
        4 => Some(4),
        5 => Some(3),
        7 => Some(1),
        _ => None,
    }
}

fn decode_base32(text: &str, dash_separates: bool) -> Result<Vec<u8>, SecretError> {
    let mut bytes = Vec::with_capacity(text.len() * 5 / 8);
    let mut buffer: u64 = 0;
    let mut bits = 0u32;
    let mut data_len = 0usize;
    let mut padding = 0usize;
    for (index, c) in text.chars().enumerate() {
        if c == ' ' || (c == '-' && dash_separates) {
            continue;
        }
        if c == '=' {
            padding += 1;
            continue;
        }
        let Some(value) = value_of(c) else {
            return Err(SecretError::BadCharacter {
                character: c,
                position: index + 1,
            });
        };
        if padding > 0 {
            // Data after '=': the '=' stood in the middle of the secret.
            return Err(SecretError::BadCharacter {
                character: '=',
                position: first_eq(text),
            });
        }
        buffer = (buffer << 5) | u64::from(value);
        bits += 5;
        data_len += 1;
        if bits >= 8 {
            bits -= 8;
            bytes.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    buffer.zeroize();
    if data_len == 0 {
        bytes.zeroize();
        return if padding > 0 {
            Err(SecretError::BadPadding {
                found: padding,
                expected: 0,
            })
        } else {
            Err(SecretError::Empty)
        };
    }
    let Some(expected) = padding_for(data_len) else {
        bytes.zeroize();
        return Err(SecretError::BadLength { length: data_len });
    };
    if padding != 0 && padding != expected {
        bytes.zeroize();
        return Err(SecretError::BadPadding {
            found: padding,
            expected,
        });
    }
    // Non-zero trailing bits in the last character are accepted, as oathtool and pyotp accept them.
    Ok(bytes)
}

fn first_eq(text: &str) -> usize {
    text.chars().position(|c| c == '=').map_or(0, |p| p + 1)
}

fn encode_base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let mut buffer: u32 = 0;
    let mut bits = 0u32;
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(ALPHABET[((buffer >> bits) & 31) as usize] as char);
        }
        buffer &= (1 << bits) - 1;
    }
    if bits > 0 {
        out.push(ALPHABET[((buffer << (5 - bits)) & 31) as usize] as char);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc4648_section10_vectors_round_trip() {
        for (plain, encoded) in [
            ("f", "MY======"),
            ("fo", "MZXQ===="),
            ("foo", "MZXW6==="),
            ("foob", "MZXW6YQ="),
            ("fooba", "MZXW6YTB"),
            ("foobar", "MZXW6YTBOI======"),
        ] {
            let secret = Secret::from_base32(encoded).unwrap();
            assert_eq!(secret.as_bytes(), plain.as_bytes());
            assert_eq!(secret.to_base32(), encoded.trim_end_matches('='));
            assert_eq!(
                Secret::from_base32(encoded.trim_end_matches('=')).unwrap(),
                secret
            );
        }
    }

    #[test]
    fn lenient_forms_are_documented_and_accepted() {
        let canonical = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        for text in [
            "jbswy3dpehpk3pxp",
            "JBSW Y3DP EHPK 3PXP",
            "jbsw-y3dp-ehpk-3pxp",
            " JBSWY3DPEHPK3PXP ",
        ] {
            assert_eq!(Secret::from_base32(text).unwrap(), canonical, "{text}");
        }
        assert_eq!(canonical.bits(), 80);
    }

    #[test]
    fn bad_character_names_character_and_position() {
        let err = Secret::from_base32("JBSWY31P").unwrap_err();
        assert_eq!(
            err,
            SecretError::BadCharacter {
                character: '1',
                position: 7
            }
        );
        assert_eq!(
            err.to_string().split(';').next().unwrap(),
            "'1' is not a base32 character (position 7)"
        );
        assert_eq!(err.code(), "bad_base32");
        // Position counts characters, not bytes, and includes separators.
        let err = Secret::from_base32("é AB").unwrap_err();
        assert_eq!(
            err,
            SecretError::BadCharacter {
                character: 'é',
                position: 1
            }
        );
        let err = Secret::from_base32("AB\tCD").unwrap_err();
        assert!(err.to_string().starts_with("'\\t' is not"), "{err}");
    }

    #[test]
    fn padding_rules() {
        assert_eq!(Secret::from_base32("").unwrap_err(), SecretError::Empty);
        assert_eq!(Secret::from_base32("  - ").unwrap_err(), SecretError::Empty);
        assert_eq!(
            Secret::from_base32("====").unwrap_err().code(),
            "bad_padding"
        );
        assert_eq!(
            Secret::from_base32("MZXW6==").unwrap_err(),
            SecretError::BadPadding {
                found: 2,
                expected: 3
            }
        );
        assert_eq!(
            Secret::from_base32("MZXW6YTB=").unwrap_err(),
            SecretError::BadPadding {
                found: 1,
                expected: 0
            }
        );
        assert_eq!(
            Secret::from_base32("MZ=XW6YTB").unwrap_err(),
            SecretError::BadCharacter {
                character: '=',
                position: 3
            }
        );
        assert_eq!(
            Secret::from_base32("MZX").unwrap_err(),
            SecretError::BadLength { length: 3 }
        );
        assert!(
            Secret::from_base32("MZX")
                .unwrap_err()
                .to_string()
                .contains("3 base32 characters")
        );
    }

    #[test]
    fn hex_secrets_and_the_weak_threshold() {
        let s = Secret::from_hex("48656c6C 6f21DEADBEEF").unwrap();
        assert_eq!(s.to_base32(), "JBSWY3DPEHPK3PXP");
        assert!(s.is_weak(), "80 bits is under the 128-bit recommendation");
        assert!(!Secret::from_bytes(vec![1; 16]).unwrap().is_weak());
        assert_eq!(
            Secret::from_hex("abc").unwrap_err(),
            SecretError::OddHexLength { length: 3 }
        );
        let err = Secret::from_hex("ab g0").unwrap_err();
        assert_eq!(
            err,
            SecretError::BadHexCharacter {
                character: 'g',
                position: 4
            }
        );
        assert_eq!(err.code(), "bad_hex");
        assert_eq!(Secret::from_hex(" ").unwrap_err(), SecretError::Empty);
    }

    #[test]
    fn debug_never_shows_the_key() {
        let secret = Secret::from_base32("JBSWY3DPEHPK3PXP").unwrap();
        assert_eq!(format!("{secret:?}"), "Secret(80 bits)");
        assert_eq!(
            Secret::from_bytes(Vec::new()).unwrap_err(),
            SecretError::Empty
        );
    }
}
