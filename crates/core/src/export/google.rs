//! The encoder for Google Authenticator exports: `otpauth-migration://offline?data=…`, the inverse of
//! [`migration::parse`](crate::migration::parse) (the schema is in [`crate::migration`]).
//!
//! The payload is written as protoc writes proto3 (fields in number order, zero values and empty
//! strings left out, a negative `int32` sign-extended to a 10-byte varint), then standard base64 with
//! padding, then percent-encoded as Google Authenticator's own exports are (`+` `/` `=` become `%2B`
//! `%2F` `%3D`).
//!
//! The format cannot hold everything an [`Account`] can: its digit count is an enum with only 6 and 8,
//! it has no period (30 s is assumed), its counter is an `int64`, and its types are HOTP and TOTP. Such
//! an account is refused with [`NotExportable`], never altered. As in `otpauth://` URIs, the period
//! matters only for TOTP and the counter only for HOTP, so those are the only ones written.

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use zeroize::Zeroizing;

use crate::otp::DEFAULT_PERIOD;
use crate::params::{Coded, ErrorParams};
use crate::{Account, Algorithm, OtpType, percent};

/// The start of every export URI.
pub const PREFIX: &str = "otpauth-migration://offline?data=";

/// Why an account cannot be put in a Google Authenticator export.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NotExportable {
    /// Digits other than 6 or 8 (the format's `DigitCount` has only these).
    Digits(u8),
    /// A TOTP period other than 30 s (the format has no period field).
    Period(u64),
    /// A HOTP counter above 2^63 − 1 (the format's counter is an `int64`).
    Counter(u64),
    /// A type the format does not have (only HOTP and TOTP).
    Type(OtpType),
    /// A name with `:` that starts with a space: the name must then carry an `Issuer:` prefix, after
    /// which readers drop leading spaces (Key Uri Format label rule).
    NameLeadingSpace,
    /// The account alone makes an export too long for one QR code.
    TooLarge {
        /// The length of the export URI holding it alone, in bytes.
        bytes: usize,
        /// The most that fits ([`MAX_PART_BYTES`](super::MAX_PART_BYTES)).
        max: usize,
    },
}

impl Coded for NotExportable {
    /// A stable machine-readable code.
    fn code(&self) -> &'static str {
        match self {
            NotExportable::Digits(_) => "export_digits",
            NotExportable::Period(_) => "export_period",
            NotExportable::Counter(_) => "export_counter",
            NotExportable::Type(_) => "export_type",
            NotExportable::NameLeadingSpace => "export_name_space",
            NotExportable::TooLarge { .. } => "export_too_large",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            NotExportable::Digits(d) => ErrorParams::new().with("found", d),
            NotExportable::Period(p) => ErrorParams::new().with("found", p),
            NotExportable::Counter(c) => ErrorParams::new().with("found", c).with("max", i64::MAX),
            NotExportable::Type(t) => ErrorParams::new().with("found", t),
            NotExportable::NameLeadingSpace => ErrorParams::new(),
            NotExportable::TooLarge { bytes, max } => {
                ErrorParams::new().with("bytes", bytes).with("max", max)
            }
        }
    }
}

impl fmt::Display for NotExportable {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NotExportable::Digits(d) => write!(
                f,
                "has {d}-digit codes; Google Authenticator exports hold only 6 or 8 digits"
            ),
            NotExportable::Period(p) => write!(
                f,
                "changes code every {p} s; Google Authenticator exports hold only the 30 s period"
            ),
            NotExportable::Counter(c) => write!(
                f,
                "has counter {c}; Google Authenticator exports hold counters up to {}",
                i64::MAX
            ),
            NotExportable::Type(t) => write!(
                f,
                "is a {t} account; Google Authenticator exports hold only TOTP and HOTP"
            ),
            NotExportable::NameLeadingSpace => write!(
                f,
                "has a name with ':' that starts with a space, which a Google Authenticator export \
                 cannot keep"
            ),
            NotExportable::TooLarge { bytes, max } => write!(
                f,
                "needs an export of {bytes} bytes on its own; one QR code holds at most {max}"
            ),
        }
    }
}

impl std::error::Error for NotExportable {}

/// Where a part sits in a multi-part export (`MigrationPayload` fields 3–5; `version` is always 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// How many parts the export has.
    pub batch_size: i32,
    /// This part's index, from 0.
    pub batch_index: i32,
    /// Shared by all parts of one export (chosen by the caller: the core has no randomness).
    pub batch_id: i32,
}

/// The format version Google Authenticator writes.
const VERSION: i32 = 1;

/// Checks that an account fits the format, and returns the `name` field to write.
///
/// The reader splits the name at its first `:` into an issuer prefix and the name (Key Uri Format
/// label rule), so a name containing `:` is written behind a prefix: the issuer, or nothing (`:name`)
/// when there is none or it contains `:` itself; the `issuer` field wins over the prefix.
pub fn check(account: &Account) -> Result<String, NotExportable> {
    match account.digits() {
        6 | 8 => {}
        d => return Err(NotExportable::Digits(d)),
    }
    if account.otp_type() == OtpType::Totp {
        if account.period() != DEFAULT_PERIOD {
            return Err(NotExportable::Period(account.period()));
        }
    } else if account.otp_type() == OtpType::Hotp {
        if i64::try_from(account.counter()).is_err() {
            return Err(NotExportable::Counter(account.counter()));
        }
    } else {
        // Written as comparisons, not a match, so that a type added later is refused here rather
        // than exported under a wrong number.
        return Err(NotExportable::Type(account.otp_type()));
    }
    let name = account.name();
    if !name.contains(':') {
        return Ok(name.to_string());
    }
    if name.starts_with(' ') {
        return Err(NotExportable::NameLeadingSpace);
    }
    let prefix = account.issuer().filter(|i| !i.contains(':')).unwrap_or("");
    Ok(format!("{prefix}:{name}"))
}

/// Encodes the protobuf `MigrationPayload` of `accounts` (each checked with [`check`]). On a refusal,
/// the index of the refused account and why.
pub fn encode_payload(
    accounts: &[&Account],
    header: Header,
) -> Result<Zeroizing<Vec<u8>>, (usize, NotExportable)> {
    let names = accounts
        .iter()
        .enumerate()
        .map(|(i, account)| check(account).map_err(|e| (i, e)))
        .collect::<Result<Vec<_>, _>>()?;
    let checked: Vec<(&Account, &str)> = accounts
        .iter()
        .copied()
        .zip(names.iter().map(String::as_str))
        .collect();
    Ok(payload_of(&checked, header))
}

/// The export URI of `accounts` (see [`encode_payload`]).
pub fn format(accounts: &[&Account], header: Header) -> Result<String, (usize, NotExportable)> {
    encode_payload(accounts, header).map(|payload| uri_of(&payload))
}

/// The payload of accounts that passed [`check`], each with the name it returned.
pub(crate) fn payload_of(checked: &[(&Account, &str)], header: Header) -> Zeroizing<Vec<u8>> {
    let entries: Vec<_> = checked
        .iter()
        .map(|(account, name)| encode_entry(account, name))
        .collect();
    // Sized up front so that no copy of the secrets is left behind by a reallocation.
    let mut out = Zeroizing::new(Vec::with_capacity(
        entries
            .iter()
            .map(|e| e.len() + MAX_KEY_AND_LENGTH)
            .sum::<usize>()
            + 4 * MAX_FIELD,
    ));
    for entry in &entries {
        bytes_field(&mut out, 1, entry);
    }
    varint_field(&mut out, 2, int32(VERSION));
    varint_field(&mut out, 3, int32(header.batch_size));
    varint_field(&mut out, 4, int32(header.batch_index));
    varint_field(&mut out, 5, int32(header.batch_id));
    out
}

/// The export URI holding `payload`: base64 (standard, padded), then percent-encoded.
pub(crate) fn uri_of(payload: &[u8]) -> String {
    let base64 = Zeroizing::new(STANDARD.encode(payload));
    format!("{PREFIX}{}", percent::encode(&base64))
}

/// The most bytes a field key plus a length prefix take (one byte of key, a 10-byte varint).
const MAX_KEY_AND_LENGTH: usize = 11;
/// The most bytes a varint field takes (one byte of key, a 10-byte varint).
const MAX_FIELD: usize = 11;

fn encode_entry(account: &Account, name: &str) -> Zeroizing<Vec<u8>> {
    let issuer = account.issuer().unwrap_or("");
    let len = account.secret().as_bytes().len() + name.len() + issuer.len();
    let mut out = Zeroizing::new(Vec::with_capacity(
        len + 3 * MAX_KEY_AND_LENGTH + 4 * MAX_FIELD,
    ));
    bytes_field(&mut out, 1, account.secret().as_bytes());
    bytes_field(&mut out, 2, name.as_bytes());
    bytes_field(&mut out, 3, issuer.as_bytes());
    let algorithm = match account.algorithm() {
        Algorithm::Sha1 => 1,
        Algorithm::Sha256 => 2,
        Algorithm::Sha512 => 3,
    };
    varint_field(&mut out, 4, algorithm);
    varint_field(&mut out, 5, if account.digits() == 8 { 2 } else { 1 });
    let hotp = account.otp_type() == OtpType::Hotp;
    varint_field(&mut out, 6, if hotp { 1 } else { 2 });
    if hotp {
        varint_field(&mut out, 7, account.counter());
    }
    out
}

/// An `int32` on the wire: a negative value is sign-extended to 64 bits (protobuf encoding guide).
fn int32(value: i32) -> u64 {
    i64::from(value) as u64
}

fn varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A varint field; zero is left out, as proto3 writes it.
fn varint_field(out: &mut Vec<u8>, field: u64, value: u64) {
    if value != 0 {
        varint(out, field << 3);
        varint(out, value);
    }
}

/// A length-delimited field; empty is left out, as proto3 writes it.
fn bytes_field(out: &mut Vec<u8>, field: u64, bytes: &[u8]) {
    if !bytes.is_empty() {
        varint(out, (field << 3) | 2);
        varint(out, bytes.len() as u64);
        out.extend_from_slice(bytes);
    }
}
