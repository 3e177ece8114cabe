//! Order keys: where an entry sits in the user's list, as a string that sorts between its neighbours
//! (a fractional index). Moving one entry gives it a key between its new neighbours' keys and changes
//! no other entry, so two browsers that move different entries merge both moves.
//!
//! The keys are those of rocicorp's `fractional-indexing` (after David Greenspan's "Implementing
//! Fractional Indexing"), base 62 (`0-9A-Za-z`, which sorts as ASCII): an integer part whose first
//! character gives its length (`a0`, `a1`, … `az`, `b00`, …; upper-case heads are below `a0`),
//! then a fraction that never ends in `0`. Appending to the end increments the integer, so a list
//! built by appends keeps keys of two or three characters; only inserts between two neighbours
//! grow the fraction.

use std::fmt;

/// The digits, in sorting order.
const DIGITS: &[u8; 62] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const BASE: usize = 62;
const ZERO: u8 = b'0';
/// The longest key a reader accepts. A key grows by a character about every five inserts into the
/// same gap; a move that would need a longer one re-keys the entry's group instead.
pub const MAX_ORDER_KEY: usize = 64;

/// Why a text is not an order key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadOrderKey {
    /// The text.
    pub key: String,
}

impl fmt::Display for BadOrderKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "'{}' is not an order key (base-62 characters, an integer part as long as its first \
             character says, a fraction not ending in 0, at most {MAX_ORDER_KEY} characters)",
            self.key
        )
    }
}

fn digit(c: u8) -> Option<usize> {
    DIGITS.iter().position(|&d| d == c)
}

/// The length of the integer part that starts with `head`.
fn integer_len(head: u8) -> Option<usize> {
    match head {
        b'a'..=b'z' => Some(usize::from(head - b'a') + 2),
        b'A'..=b'Z' => Some(usize::from(b'Z' - head) + 2),
        _ => None,
    }
}

/// The smallest integer part, which no key may be alone (nothing could come before it).
fn is_smallest_integer(key: &[u8]) -> bool {
    key.len() == 27 && key[0] == b'A' && key[1..].iter().all(|&c| c == ZERO)
}

/// Checks a key and splits it into its integer part and fraction.
pub fn split(key: &str) -> Result<(&[u8], &[u8]), BadOrderKey> {
    let bad = || BadOrderKey {
        key: key.to_owned(),
    };
    let bytes = key.as_bytes();
    let head = *bytes.first().ok_or_else(bad)?;
    let len = integer_len(head).ok_or_else(bad)?;
    if bytes.len() < len
        || bytes.len() > MAX_ORDER_KEY
        || bytes[1..].iter().any(|&c| digit(c).is_none())
        || is_smallest_integer(bytes)
        || (bytes.len() > len && bytes.last() == Some(&ZERO))
    {
        return Err(bad());
    }
    Ok(bytes.split_at(len))
}

/// A key strictly between the fractions `a` and `b` (`b` absent: above `a`), neither ending in 0.
fn midpoint(a: &[u8], b: Option<&[u8]>) -> Vec<u8> {
    if let Some(b) = b {
        let common = b
            .iter()
            .enumerate()
            .take_while(|&(i, &c)| a.get(i).copied().unwrap_or(ZERO) == c)
            .count();
        if common > 0 {
            let mut out = b[..common].to_vec();
            out.extend(midpoint(a.get(common..).unwrap_or(&[]), Some(&b[common..])));
            return out;
        }
    }
    let da = a.first().and_then(|&c| digit(c)).unwrap_or(0);
    let db = match b {
        Some(b) => b.first().and_then(|&c| digit(c)).unwrap_or(BASE),
        None => BASE,
    };
    if db > da + 1 {
        return vec![DIGITS[(da + db).div_ceil(2)]];
    }
    match b {
        Some(b) if b.len() > 1 => vec![b[0]],
        _ => {
            let mut out = vec![DIGITS[da]];
            out.extend(midpoint(a.get(1..).unwrap_or(&[]), None));
            out
        }
    }
}

/// The next integer part, or `None` past the largest (`z` and 26 `z` digits).
fn increment(int: &[u8]) -> Option<Vec<u8>> {
    let head = int[0];
    let mut digits = int[1..].to_vec();
    for d in digits.iter_mut().rev() {
        let next = digit(*d).unwrap_or(0) + 1;
        if next < BASE {
            *d = DIGITS[next];
            let mut out = vec![head];
            out.extend(digits);
            return Some(out);
        }
        *d = ZERO;
    }
    // Every digit carried: the next length.
    match head {
        b'Z' => Some(b"a0".to_vec()),
        b'z' => None,
        _ => {
            let head = head + 1;
            if head > b'a' {
                digits.push(ZERO);
            } else {
                digits.pop();
            }
            let mut out = vec![head];
            out.extend(digits);
            Some(out)
        }
    }
}

/// The previous integer part, or `None` below the smallest.
fn decrement(int: &[u8]) -> Option<Vec<u8>> {
    let head = int[0];
    let mut digits = int[1..].to_vec();
    for d in digits.iter_mut().rev() {
        let value = digit(*d).unwrap_or(0);
        if value > 0 {
            *d = DIGITS[value - 1];
            let mut out = vec![head];
            out.extend(digits);
            return Some(out);
        }
        *d = DIGITS[BASE - 1];
    }
    match head {
        b'a' => Some(b"Zz".to_vec()),
        b'A' => None,
        _ => {
            let head = head - 1;
            if head < b'Z' {
                digits.push(DIGITS[BASE - 1]);
            } else {
                digits.pop();
            }
            let mut out = vec![head];
            out.extend(digits);
            Some(out)
        }
    }
}

fn text(bytes: Vec<u8>) -> String {
    // Every byte is one of DIGITS (ASCII).
    bytes.into_iter().map(char::from).collect()
}

/// A key strictly between `a` and `b` (either absent: the start or the end of the list). `a` must
/// sort below `b`; both must be valid keys ([`split`]). `None` when they are not.
pub fn between(a: Option<&str>, b: Option<&str>) -> Option<String> {
    let a = a
        .map(|a| split(a).map(|(i, f)| (a, i, f)))
        .transpose()
        .ok()?;
    let b = b
        .map(|b| split(b).map(|(i, f)| (b, i, f)))
        .transpose()
        .ok()?;
    let key = match (a, b) {
        (None, None) => b"a0".to_vec(),
        (None, Some((b, ib, fb))) => {
            if is_smallest_integer(ib) {
                [ib, &midpoint(&[], Some(fb))].concat()
            } else if ib.len() < b.len() {
                ib.to_vec()
            } else {
                decrement(ib)?
            }
        }
        (Some((_, ia, fa)), None) => {
            increment(ia).unwrap_or_else(|| [ia, &midpoint(fa, None)].concat())
        }
        (Some((a, ia, fa)), Some((b, ib, fb))) => {
            if a >= b {
                return None;
            }
            if ia == ib {
                [ia, &midpoint(fa, Some(fb))].concat()
            } else {
                match increment(ia) {
                    Some(next) if next.as_slice() < b.as_bytes() => next,
                    _ => [ia, &midpoint(fa, None)].concat(),
                }
            }
        }
    };
    Some(text(key))
}

/// `n` keys in increasing order, all strictly between `a` and `b` (as [`between`]), spread so that
/// none grows longer than it must.
pub fn n_between(a: Option<&str>, b: Option<&str>, n: usize) -> Option<Vec<String>> {
    match n {
        0 => Some(Vec::new()),
        1 => between(a, b).map(|k| vec![k]),
        _ if b.is_none() => {
            let mut keys = Vec::with_capacity(n);
            let mut last = a.map(str::to_owned);
            for _ in 0..n {
                let next = between(last.as_deref(), None)?;
                keys.push(next.clone());
                last = Some(next);
            }
            Some(keys)
        }
        _ if a.is_none() => {
            let mut keys = Vec::with_capacity(n);
            let mut first = b.map(str::to_owned);
            for _ in 0..n {
                let next = between(None, first.as_deref())?;
                keys.push(next.clone());
                first = Some(next);
            }
            keys.reverse();
            Some(keys)
        }
        _ => {
            let mid = n / 2;
            let c = between(a, b)?;
            let mut keys = n_between(a, Some(&c), mid)?;
            keys.push(c.clone());
            keys.extend(n_between(Some(&c), b, n - mid - 1)?);
            Some(keys)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_of_rocicorps_reference_tests() {
        let cases: &[(Option<&str>, Option<&str>, &str)] = &[
            (None, None, "a0"),
            (None, Some("a0"), "Zz"),
            (None, Some("Zz"), "Zy"),
            (Some("a0"), None, "a1"),
            (Some("a1"), None, "a2"),
            (Some("a0"), Some("a1"), "a0V"),
            (Some("a1"), Some("a2"), "a1V"),
            (Some("a0V"), Some("a1"), "a0l"),
            (Some("Zz"), Some("a0"), "ZzV"),
            (Some("Zz"), Some("a1"), "a0"),
            (None, Some("Y00"), "Xzzz"),
            (Some("bzz"), None, "c000"),
            (Some("a0"), Some("a0V"), "a0G"),
            (Some("a0"), Some("a0G"), "a08"),
            (Some("b125"), Some("b129"), "b127"),
            (Some("a0"), Some("a1V"), "a1"),
            (Some("Zz"), Some("a01"), "a0"),
            (None, Some("a0V"), "a0"),
            (None, Some("b999"), "b99"),
            (
                Some("zzzzzzzzzzzzzzzzzzzzzzzzzzy"),
                None,
                "zzzzzzzzzzzzzzzzzzzzzzzzzzz",
            ),
            (
                Some("zzzzzzzzzzzzzzzzzzzzzzzzzzz"),
                None,
                "zzzzzzzzzzzzzzzzzzzzzzzzzzzV",
            ),
        ];
        for &(a, b, want) in cases {
            assert_eq!(between(a, b).as_deref(), Some(want), "{a:?} {b:?}");
        }
    }

    #[test]
    fn bad_keys_are_refused() {
        for bad in ["", "a", "a00", "A00000000000000000000000000", "a0-", "!0"] {
            assert!(split(bad).is_err(), "{bad}");
            assert_eq!(between(Some(bad), None), None, "{bad}");
        }
        assert_eq!(between(Some("a1"), Some("a0")), None);
        assert_eq!(between(Some("a1"), Some("a1")), None);
        let long = format!("a0{}", "V".repeat(MAX_ORDER_KEY));
        assert!(split(&long).is_err());
    }

    #[test]
    fn n_keys_are_increasing_and_between() {
        for (a, b) in [
            (None, None),
            (Some("a0"), None),
            (None, Some("a0")),
            (Some("a0"), Some("a1")),
        ] {
            let keys = n_between(a, b, 100).unwrap();
            assert_eq!(keys.len(), 100);
            assert!(keys.windows(2).all(|w| w[0] < w[1]), "{keys:?}");
            assert!(a.is_none_or(|a| a < keys[0].as_str()));
            assert!(b.is_none_or(|b| keys[99].as_str() < b));
            assert!(keys.iter().all(|k| split(k).is_ok()));
        }
        // A thousand appends keep keys short.
        let keys = n_between(None, None, 1000).unwrap();
        assert!(keys.iter().all(|k| k.len() <= 3), "{:?}", keys.last());
    }
}
