//! Google Authenticator exports: `otpauth-migration://offline?data=…`.
//!
//! `data` is standard base64 (percent-encoded in the URI) of a protobuf `MigrationPayload`:
//!
//! ```proto
//! message MigrationPayload {
//!   repeated OtpParameters otp_parameters = 1;
//!   int32 version = 2; int32 batch_size = 3; int32 batch_index = 4; int32 batch_id = 5;
//! }
//! message OtpParameters {
//!   bytes secret = 1; string name = 2; string issuer = 3; Algorithm algorithm = 4;
//!   DigitCount digits = 5; OtpType type = 6; int64 counter = 7;
//! }
//! ```
//!
//! Unknown fields are skipped (newer app versions add some). An UNSPECIFIED (0) enum decodes as the
//! default (SHA1, 6 digits, TOTP). An entry this crate cannot use (MD5, an unknown enum value, an
//! empty secret) is reported on its own, not as a failure of the whole export. In the `data` value a
//! `+` is kept as `+` (it is a base64 character, and some exporters leave it unescaped).
//!
//! The encoder, which this reader reads back exactly, is [`crate::export::google`].

use std::fmt;

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use zeroize::Zeroizing;

use crate::Secret;
use crate::account::{Account, OtpType};
use crate::otp::Algorithm;
use crate::params::{Coded, ErrorParams};
use crate::percent;

/// Why an export as a whole could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum MigrationError {
    /// Not `otpauth-migration://…` at all.
    BadScheme {
        /// What the text starts with (shortened).
        found: String,
    },
    /// The host is not `offline`.
    BadHost {
        /// The host found.
        host: String,
    },
    /// No `data` parameter (or an empty one).
    MissingData,
    /// `data` given twice.
    DuplicateData,
    /// `data` is not standard base64 (after percent-decoding).
    BadBase64 {
        /// What is wrong.
        detail: String,
    },
    /// The decoded bytes are not a `MigrationPayload`.
    BadProtobuf {
        /// What is wrong, and where.
        detail: String,
    },
}

impl Coded for MigrationError {
    /// The stable error code (`bad_protobuf`, `bad_base64`, `bad_host`, `missing_data`, …).
    fn code(&self) -> &'static str {
        match self {
            MigrationError::BadScheme { .. } => "bad_scheme",
            MigrationError::BadHost { .. } => "bad_host",
            MigrationError::MissingData => "missing_data",
            MigrationError::DuplicateData => "duplicate_param",
            MigrationError::BadBase64 { .. } => "bad_base64",
            MigrationError::BadProtobuf { .. } => "bad_protobuf",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            MigrationError::BadScheme { found } => ErrorParams::new().with("found", found),
            MigrationError::BadHost { host } => ErrorParams::new().with("found", host),
            MigrationError::MissingData => ErrorParams::new(),
            MigrationError::DuplicateData => ErrorParams::new().with("name", "data"),
            MigrationError::BadBase64 { detail } | MigrationError::BadProtobuf { detail } => {
                ErrorParams::new().with("detail", detail)
            }
        }
    }
}

impl fmt::Display for MigrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MigrationError::BadScheme { found } => {
                write!(
                    f,
                    "a Google Authenticator export starts with otpauth-migration://, got '{found}'"
                )
            }
            MigrationError::BadHost { host } => write!(
                f,
                "a Google Authenticator export must be otpauth-migration://offline?data=…, got host '{host}'"
            ),
            MigrationError::MissingData => write!(f, "the export has no data parameter"),
            MigrationError::DuplicateData => {
                write!(f, "the export has more than one data parameter")
            }
            MigrationError::BadBase64 { detail } => {
                write!(f, "the export's data is not base64: {detail}")
            }
            MigrationError::BadProtobuf { detail } => {
                write!(
                    f,
                    "the export's data is damaged or not a Google Authenticator export: {detail}"
                )
            }
        }
    }
}

impl std::error::Error for MigrationError {}

/// Why one entry of an export cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Unsupported {
    /// HMAC-MD5 (algorithm 4), which no RFC allows and this authenticator does not compute.
    Md5,
    /// An algorithm number this decoder does not know.
    UnknownAlgorithm(i64),
    /// A digit-count number this decoder does not know.
    UnknownDigits(i64),
    /// A type number this decoder does not know.
    UnknownType(i64),
    /// A negative HOTP counter.
    NegativeCounter(i64),
    /// The entry has no secret.
    EmptySecret,
}

impl Coded for Unsupported {
    /// A stable machine-readable code.
    fn code(&self) -> &'static str {
        match self {
            Unsupported::Md5 => "unsupported_md5",
            Unsupported::UnknownAlgorithm(_) => "unknown_algorithm",
            Unsupported::UnknownDigits(_) => "bad_digits",
            Unsupported::UnknownType(_) => "unknown_type",
            Unsupported::NegativeCounter(_) => "bad_counter",
            Unsupported::EmptySecret => "empty_secret",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            Unsupported::Md5 | Unsupported::EmptySecret => ErrorParams::new(),
            Unsupported::UnknownAlgorithm(n) => {
                ErrorParams::new().with("found", n).variant("number")
            }
            Unsupported::UnknownDigits(n) => ErrorParams::new().with("found", n).variant("number"),
            Unsupported::UnknownType(n) => ErrorParams::new().with("found", n).variant("number"),
            Unsupported::NegativeCounter(n) => {
                ErrorParams::new().with("found", n).variant("negative")
            }
        }
    }
}

impl fmt::Display for Unsupported {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unsupported::Md5 => write!(
                f,
                "uses MD5, which Authbar does not support (only SHA1, SHA256, SHA512)"
            ),
            Unsupported::UnknownAlgorithm(n) => write!(
                f,
                "uses algorithm number {n}, which is not SHA1, SHA256 or SHA512"
            ),
            Unsupported::UnknownDigits(n) => write!(
                f,
                "uses digit-count number {n}; only 6 (1) and 8 (2) are defined"
            ),
            Unsupported::UnknownType(n) => write!(
                f,
                "uses type number {n}; only HOTP (1) and TOTP (2) are defined"
            ),
            Unsupported::NegativeCounter(n) => write!(f, "has a negative counter ({n})"),
            Unsupported::EmptySecret => write!(f, "has an empty secret"),
        }
    }
}

/// One account in an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationEntry {
    /// The name as exported (often `Issuer:account`).
    pub name: String,
    /// The issuer as exported (may be empty).
    pub issuer: String,
    /// The account, or why it cannot be imported.
    pub account: Result<Account, Unsupported>,
}

/// A decoded export (one QR code; a large export spans several, sharing `batch_id`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationBatch {
    /// Format version (1 today).
    pub version: i32,
    /// How many QR codes the whole export has.
    pub batch_size: i32,
    /// This QR code's index in the export, from 0.
    pub batch_index: i32,
    /// Identifies the export across its QR codes.
    pub batch_id: i32,
    /// The accounts, in export order.
    pub entries: Vec<MigrationEntry>,
}

/// Decodes an `otpauth-migration://offline?data=…` URI.
pub fn parse(uri: &str) -> Result<MigrationBatch, MigrationError> {
    let bad_scheme = || MigrationError::BadScheme {
        found: uri.chars().take(24).collect(),
    };
    let (scheme, rest) = uri.split_once("://").ok_or_else(bad_scheme)?;
    if !scheme.eq_ignore_ascii_case("otpauth-migration") {
        return Err(bad_scheme());
    }
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let (authority, query) = rest.split_once('?').unwrap_or((rest, ""));
    let host = authority.strip_suffix('/').unwrap_or(authority);
    if !host.eq_ignore_ascii_case("offline") {
        return Err(MigrationError::BadHost {
            host: host.chars().take(40).collect(),
        });
    }
    let mut data = None;
    for piece in query.split('&') {
        if let Some(value) = piece.strip_prefix("data=")
            && data.replace(value).is_some()
        {
            return Err(MigrationError::DuplicateData);
        }
    }
    let data = data
        .filter(|d| !d.is_empty())
        .ok_or(MigrationError::MissingData)?;
    let data = percent::decode(data, false).map_err(|_| MigrationError::BadBase64 {
        detail: "a percent-escape is invalid".into(),
    })?;
    let payload = Zeroizing::new(base64_engine().decode(data.trim()).map_err(|e| {
        MigrationError::BadBase64 {
            detail: e.to_string(),
        }
    })?);
    decode_payload(&payload)
}

fn base64_engine() -> GeneralPurpose {
    GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
    )
}

/// Decodes the protobuf `MigrationPayload` bytes (the `data` after base64).
pub fn decode_payload(bytes: &[u8]) -> Result<MigrationBatch, MigrationError> {
    let mut batch = MigrationBatch {
        version: 0,
        batch_size: 0,
        batch_index: 0,
        batch_id: 0,
        entries: Vec::new(),
    };
    let mut reader = Reader { bytes, pos: 0 };
    while let Some((field, value)) = reader.next_field()? {
        match (field, value) {
            (1, Value::Bytes(b)) => batch.entries.push(decode_entry(b)?),
            // int32 fields: negative values arrive sign-extended to 64 bits; truncation restores them.
            (2, Value::Varint(v)) => batch.version = v as i32,
            (3, Value::Varint(v)) => batch.batch_size = v as i32,
            (4, Value::Varint(v)) => batch.batch_index = v as i32,
            (5, Value::Varint(v)) => batch.batch_id = v as i32,
            (1..=5, _) => return Err(wrong_type("MigrationPayload", field)),
            _ => {} // unknown field, skipped
        }
    }
    Ok(batch)
}

fn decode_entry(bytes: &[u8]) -> Result<MigrationEntry, MigrationError> {
    let mut secret = Zeroizing::new(Vec::new());
    let (mut name, mut issuer) = (String::new(), String::new());
    let (mut algorithm, mut digits, mut otp_type, mut counter) = (0i64, 0i64, 0i64, 0i64);
    let mut reader = Reader { bytes, pos: 0 };
    while let Some((field, value)) = reader.next_field()? {
        match (field, value) {
            (1, Value::Bytes(b)) => secret = Zeroizing::new(b.to_vec()),
            (2, Value::Bytes(b)) => name = utf8(b, "name")?,
            (3, Value::Bytes(b)) => issuer = utf8(b, "issuer")?,
            (4, Value::Varint(v)) => algorithm = v as i64,
            (5, Value::Varint(v)) => digits = v as i64,
            (6, Value::Varint(v)) => otp_type = v as i64,
            (7, Value::Varint(v)) => counter = v as i64,
            (1..=7, _) => return Err(wrong_type("OtpParameters", field)),
            _ => {}
        }
    }
    let account = build_account(
        std::mem::take(&mut *secret),
        &name,
        &issuer,
        algorithm,
        digits,
        otp_type,
        counter,
    );
    Ok(MigrationEntry {
        name,
        issuer,
        account,
    })
}

fn build_account(
    secret: Vec<u8>,
    name: &str,
    issuer: &str,
    algorithm: i64,
    digits: i64,
    otp_type: i64,
    counter: i64,
) -> Result<Account, Unsupported> {
    let algorithm = match algorithm {
        0 | 1 => Algorithm::Sha1,
        2 => Algorithm::Sha256,
        3 => Algorithm::Sha512,
        4 => return Err(Unsupported::Md5),
        n => return Err(Unsupported::UnknownAlgorithm(n)),
    };
    let digits = match digits {
        0 | 1 => 6,
        2 => 8,
        n => return Err(Unsupported::UnknownDigits(n)),
    };
    let otp_type = match otp_type {
        0 | 2 => OtpType::Totp,
        1 => OtpType::Hotp,
        n => return Err(Unsupported::UnknownType(n)),
    };
    let counter = if otp_type == OtpType::Hotp {
        u64::try_from(counter).map_err(|_| Unsupported::NegativeCounter(counter))?
    } else {
        0
    };
    let secret = Secret::from_bytes(secret).map_err(|_| Unsupported::EmptySecret)?;
    // The name is a Key Uri Format label: an `Issuer:` prefix is split off as in otpauth:// URIs, and the
    // issuer field wins over it.
    let (label_issuer, account_name) = match name.split_once(':') {
        Some((prefix, rest)) => (Some(prefix), rest.trim_start_matches(' ')),
        None => (None, name),
    };
    let issuer = Some(issuer)
        .filter(|i| !i.is_empty())
        .or(label_issuer)
        .map(str::to_string);
    let account = Account::new(otp_type, secret)
        .with_label(issuer, account_name.to_string())
        .with_algorithm(algorithm)
        .with_counter(counter);
    account
        .with_digits(digits)
        .map_err(|_| Unsupported::UnknownDigits(i64::from(digits)))
}

fn utf8(bytes: &[u8], what: &str) -> Result<String, MigrationError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| MigrationError::BadProtobuf {
        detail: format!("an account's {what} is not UTF-8"),
    })
}

fn wrong_type(message: &str, field: u64) -> MigrationError {
    MigrationError::BadProtobuf {
        detail: format!("field {field} of {message} has the wrong wire type"),
    }
}

enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl<'a> Reader<'a> {
    fn truncated(&self, what: &str) -> MigrationError {
        MigrationError::BadProtobuf {
            detail: format!(
                "truncated: the {what} at byte {} runs past the end",
                self.pos
            ),
        }
    }

    fn varint(&mut self) -> Result<u64, MigrationError> {
        let mut value = 0u64;
        for i in 0..10 {
            let Some(&byte) = self.bytes.get(self.pos) else {
                return Err(self.truncated("varint"));
            };
            self.pos += 1;
            value |= u64::from(byte & 0x7f) << (7 * i);
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(MigrationError::BadProtobuf {
            detail: format!(
                "a varint ending at byte {} is longer than 10 bytes",
                self.pos
            ),
        })
    }

    fn take(&mut self, n: usize, what: &str) -> Result<&'a [u8], MigrationError> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or_else(|| self.truncated(what))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    /// The next field number and value, or `None` at the end.
    fn next_field(&mut self) -> Result<Option<(u64, Value<'a>)>, MigrationError> {
        if self.pos >= self.bytes.len() {
            return Ok(None);
        }
        let key = self.varint()?;
        let field = key >> 3;
        if field == 0 {
            return Err(MigrationError::BadProtobuf {
                detail: format!("field number 0 at byte {}", self.pos),
            });
        }
        let value = match key & 7 {
            0 => Value::Varint(self.varint()?),
            1 => {
                self.take(8, "fixed64 field")?;
                Value::Fixed
            }
            2 => {
                let len = usize::try_from(self.varint()?).unwrap_or(usize::MAX);
                Value::Bytes(self.take(len, "length-delimited field")?)
            }
            5 => {
                self.take(4, "fixed32 field")?;
                Value::Fixed
            }
            wire => {
                return Err(MigrationError::BadProtobuf {
                    detail: format!(
                        "unsupported wire type {wire} for field {field} at byte {}",
                        self.pos
                    ),
                });
            }
        };
        Ok(Some((field, value)))
    }
}
