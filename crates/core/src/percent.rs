//! Strict percent-encoding (RFC 3986 §2.1) for URI labels and query values.

use std::fmt::Write as _;

/// Why percent-decoding failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PercentError {
    /// `%` not followed by two hex digits; holds the escape as written (at most 3 characters).
    BadEscape(String),
    /// The decoded bytes are not UTF-8.
    NotUtf8,
}

/// Decodes `%XX` escapes; with `plus_is_space`, `+` becomes a space (form encoding, as
/// `URLSearchParams` reads a query).
pub(crate) fn decode(text: &str, plus_is_space: bool) -> Result<String, PercentError> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = |b: Option<&u8>| b.and_then(|b| (*b as char).to_digit(16));
                match (hex(bytes.get(i + 1)), hex(bytes.get(i + 2))) {
                    (Some(hi), Some(lo)) => {
                        out.push((hi * 16 + lo) as u8);
                        i += 3;
                    }
                    _ => {
                        let escape: String = text[i..].chars().take(3).collect();
                        return Err(PercentError::BadEscape(escape));
                    }
                }
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| PercentError::NotUtf8)
}

/// Encodes everything but RFC 3986 unreserved characters and `@` (kept readable in e-mail names).
pub(crate) fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for &b in text.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'@') {
            out.push(b as char);
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_and_rejects() {
        assert_eq!(decode("a%20b+c", false).unwrap(), "a b+c");
        assert_eq!(decode("a%20b+c", true).unwrap(), "a b c");
        assert_eq!(decode("%C3%A9", false).unwrap(), "é");
        assert_eq!(
            decode("x%ZZ", false),
            Err(PercentError::BadEscape("%ZZ".into()))
        );
        assert_eq!(
            decode("x%4", false),
            Err(PercentError::BadEscape("%4".into()))
        );
        assert_eq!(
            decode("%é", false),
            Err(PercentError::BadEscape("%é".into()))
        );
        assert_eq!(decode("%FF", false), Err(PercentError::NotUtf8));
        assert_eq!(encode("A+B Labs:x/y@z"), "A%2BB%20Labs%3Ax%2Fy@z");
    }
}
