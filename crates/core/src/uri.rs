//! `otpauth://` URIs (Google's Key Uri Format): parsing and formatting.
//!
//! ```text
//! otpauth://TYPE/LABEL?PARAMETERS        LABEL = [ISSUER ":"] *"%20" ACCOUNT
//! ```
//!
//! The wiki leaves several points open; this parser decides them as follows (the policy of
//! `tests/vectors/README.md`):
//!
//! - scheme and type are case-insensitive;
//! - the label may be empty (`otpauth://totp/?secret=…`, which some services emit): the account then
//!   has an empty name;
//! - the label is percent-decoded as UTF-8 and split at the first `:` (literal or `%3A`); leading spaces
//!   of the account are dropped; `+` in the label is a literal `+`;
//! - the query is split on `&` and then on the first `=`; `+` in the query means a space;
//! - a repeated `secret`, `issuer`, `algorithm`, `digits`, `period` or `counter` is an error, unknown
//!   parameters are ignored, and an empty `issuer`, `algorithm`, `digits` or `period` counts as absent;
//! - spaces in the secret are removed and letters upper-cased; `=` only as correct trailing padding;
//! - the `issuer` parameter wins over a different label prefix (and `issuer_mismatch` says so);
//! - `algorithm` is case-insensitive; `digits` may be 6–10; `period` is an integer ≥ 1 (TOTP only);
//!   `counter` is required for HOTP, an integer in 0..2^64−1, and ignored for TOTP.
//!
//! - `otpauth://steam/…` (Aegis, Ente, 2FAS) is a Steam Guard account, and so is a `totp` URI with
//!   `encoder=steam` (KeePassXC's spelling); a Steam URI's `digits`, if given, must be 5.
//!
//! When a URI breaks several rules, the error reported follows the order scheme → structure → type →
//! label → query → secret → algorithm → digits → period/counter.

use std::fmt;

use crate::account::{Account, OtpType, check_digits_for, check_period};
use crate::otp::Algorithm;
use crate::params::{Coded, ErrorParams};
use crate::percent::{self, PercentError};
use crate::{Secret, SecretError};

/// Why an `otpauth://` URI was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum UriError {
    /// Not shaped like `otpauth://TYPE/LABEL?…` (no scheme, no `//`, no label, a bad `%` escape,
    /// a label that is not UTF-8 or holds control characters).
    Malformed {
        /// What is wrong, in words.
        detail: String,
    },
    /// A scheme other than `otpauth`.
    BadScheme {
        /// The scheme found.
        scheme: String,
    },
    /// A type other than `totp`, `hotp` or `steam`.
    UnknownType {
        /// The type found (may be empty).
        found: String,
    },
    /// One of the known parameters appears more than once.
    DuplicateParam {
        /// The parameter's name.
        name: String,
    },
    /// No `secret` parameter.
    MissingSecret,
    /// The secret is empty or not valid base32.
    Secret(SecretError),
    /// An `algorithm` other than SHA1, SHA256 or SHA512.
    UnknownAlgorithm {
        /// The value found.
        found: String,
    },
    /// `digits` is not an integer from 6 to 10.
    BadDigits {
        /// The value found.
        found: String,
    },
    /// A Steam URI whose `digits` is not 5.
    BadSteamDigits {
        /// The value found.
        found: String,
    },
    /// `period` is not an integer ≥ 1.
    BadPeriod {
        /// The value found.
        found: String,
    },
    /// A `hotp` URI without a `counter`.
    MissingCounter,
    /// `counter` is not an integer in 0..2^64−1.
    BadCounter {
        /// The value found.
        found: String,
    },
}

impl Coded for UriError {
    /// The stable error code (`malformed`, `bad_scheme`, `bad_base32`, …) as used in
    /// `otpauth-uris.jsonl` and by the extension.
    fn code(&self) -> &'static str {
        match self {
            UriError::Malformed { .. } => "malformed",
            UriError::BadScheme { .. } => "bad_scheme",
            UriError::UnknownType { .. } => "unknown_type",
            UriError::DuplicateParam { .. } => "duplicate_param",
            UriError::MissingSecret => "missing_secret",
            UriError::Secret(e) => e.code(),
            UriError::UnknownAlgorithm { .. } => "unknown_algorithm",
            UriError::BadDigits { .. } | UriError::BadSteamDigits { .. } => "bad_digits",
            UriError::BadPeriod { .. } => "bad_period",
            UriError::MissingCounter => "missing_counter",
            UriError::BadCounter { .. } => "bad_counter",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            UriError::Malformed { detail } => ErrorParams::new().with("detail", detail),
            UriError::BadScheme { scheme } => ErrorParams::new().with("found", shorten(scheme)),
            UriError::UnknownType { found }
            | UriError::UnknownAlgorithm { found }
            | UriError::BadPeriod { found }
            | UriError::BadCounter { found } => ErrorParams::new().with("found", shorten(found)),
            UriError::BadDigits { found } => ErrorParams::new()
                .with("found", shorten(found))
                .with("min", crate::otp::MIN_DIGITS)
                .with("max", crate::otp::MAX_DIGITS),
            UriError::BadSteamDigits { found } => ErrorParams::new()
                .with("found", shorten(found))
                .with("steam", crate::otp::STEAM_CHARS)
                .variant("steam"),
            UriError::DuplicateParam { name } => ErrorParams::new().with("name", name),
            UriError::MissingSecret | UriError::MissingCounter => ErrorParams::new(),
            UriError::Secret(e) => e.params(),
        }
    }
}

impl fmt::Display for UriError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            UriError::Malformed { detail } => write!(f, "not an otpauth:// URI: {detail}"),
            UriError::BadScheme { scheme } => {
                write!(
                    f,
                    "the scheme must be otpauth://, got '{}'",
                    shorten(scheme)
                )
            }
            UriError::UnknownType { found } => {
                write!(
                    f,
                    "the type must be totp, hotp or steam, got '{}'",
                    shorten(found)
                )
            }
            UriError::DuplicateParam { name } => {
                write!(f, "the parameter '{name}' is given more than once")
            }
            UriError::MissingSecret => write!(f, "the URI has no secret parameter"),
            UriError::Secret(e) => write!(f, "bad secret: {e}"),
            UriError::UnknownAlgorithm { found } => {
                write!(
                    f,
                    "algorithm must be SHA1, SHA256 or SHA512, got '{}'",
                    shorten(found)
                )
            }
            UriError::BadDigits { found } => {
                write!(
                    f,
                    "digits must be a whole number from 6 to 10, got '{}'",
                    shorten(found)
                )
            }
            UriError::BadSteamDigits { found } => write!(
                f,
                "a Steam account's codes have 5 characters, so digits must be 5, got '{}'",
                shorten(found)
            ),
            UriError::BadPeriod { found } => write!(
                f,
                "period must be a whole number of seconds of at least 1, got '{}'",
                shorten(found)
            ),
            UriError::MissingCounter => write!(f, "a hotp URI needs a counter parameter"),
            UriError::BadCounter { found } => write!(
                f,
                "counter must be a whole number from 0 to 18446744073709551615, got '{}'",
                shorten(found)
            ),
        }
    }
}

impl std::error::Error for UriError {}

impl From<SecretError> for UriError {
    fn from(e: SecretError) -> Self {
        UriError::Secret(e)
    }
}

/// Keeps echoed values short and printable in messages.
pub(crate) fn shorten(value: &str) -> String {
    const MAX: usize = 40;
    let mut out: String = value
        .chars()
        .take(MAX)
        .flat_map(char::escape_debug)
        .collect();
    if value.chars().count() > MAX {
        out.push('…');
    }
    out
}

fn malformed(detail: impl Into<String>) -> UriError {
    UriError::Malformed {
        detail: detail.into(),
    }
}

/// A parsed `otpauth://` URI: the account plus what the label and parameters said about the issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedUri {
    /// The account, with the issuer parameter (or else the label prefix) as its issuer.
    pub account: Account,
    /// The whole label, percent-decoded.
    pub label: String,
    /// The label's prefix before the first `:`, if any and non-empty.
    pub label_issuer: Option<String>,
    /// The `issuer` parameter, if present and non-empty.
    pub issuer_param: Option<String>,
    /// Both issuers given and different (the parameter was used).
    pub issuer_mismatch: bool,
}

#[derive(Default)]
struct Params {
    secret: Option<String>,
    issuer: Option<String>,
    algorithm: Option<String>,
    digits: Option<String>,
    period: Option<String>,
    counter: Option<String>,
    encoder: Option<String>,
}

/// Parses an `otpauth://` URI under the policy in the [module docs](self).
pub fn parse(uri: &str) -> Result<ParsedUri, UriError> {
    // Scheme (RFC 3986 §3.1: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ), case-insensitive).
    let Some((scheme, rest)) = uri.split_once(':') else {
        return Err(malformed(
            "it has no scheme (expected otpauth://TYPE/LABEL?secret=…)",
        ));
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    if !scheme_ok {
        return Err(malformed(
            "it does not start with a URI scheme (expected otpauth://TYPE/LABEL?secret=…)",
        ));
    }
    if !scheme.eq_ignore_ascii_case("otpauth") {
        return Err(UriError::BadScheme {
            scheme: scheme.to_string(),
        });
    }
    let Some(rest) = rest.strip_prefix("//") else {
        return Err(malformed("'//' must follow 'otpauth:'"));
    };
    // A raw '#' starts a fragment (RFC 3986 §3.5), which carries nothing for us.
    let rest = rest.split_once('#').map_or(rest, |(before, _)| before);
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let Some((otp_type, label)) = path.split_once('/') else {
        return Err(malformed("there is no '/' and label after the type"));
    };
    let Some(mut otp_type) = OtpType::from_name(otp_type) else {
        return Err(UriError::UnknownType {
            found: otp_type.to_string(),
        });
    };

    let label = percent::decode(label, false).map_err(|e| match e {
        PercentError::BadEscape(esc) => {
            malformed(format!("invalid percent-escape '{esc}' in the label"))
        }
        PercentError::NotUtf8 => malformed("the label is not valid UTF-8 after percent-decoding"),
    })?;
    if label.chars().any(char::is_control) {
        return Err(malformed("the label contains control characters"));
    }
    let (label_issuer, account_name) = match label.split_once(':') {
        Some((prefix, account)) => (Some(prefix.to_string()).filter(|p| !p.is_empty()), account),
        None => (None, label.as_str()),
    };
    let account_name = account_name.trim_start_matches(' ').to_string();

    let params = parse_query(query)?;
    // KeePassXC writes Steam accounts as `otpauth://totp/…&encoder=steam`.
    if otp_type == OtpType::Totp
        && params
            .encoder
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case("steam"))
    {
        otp_type = OtpType::Steam;
    }

    let Some(secret_text) = params.secret else {
        return Err(UriError::MissingSecret);
    };
    let secret = Secret::from_base32_uri(&secret_text)?;
    let algorithm = match params.algorithm {
        None => Algorithm::Sha1,
        Some(name) => {
            Algorithm::from_name(&name).ok_or(UriError::UnknownAlgorithm { found: name })?
        }
    };
    let mut account = Account::new(otp_type, secret).with_algorithm(algorithm);
    if let Some(text) = params.digits {
        let bad = || match otp_type {
            OtpType::Steam => UriError::BadSteamDigits {
                found: text.clone(),
            },
            OtpType::Totp | OtpType::Hotp => UriError::BadDigits {
                found: text.clone(),
            },
        };
        let digits = parse_decimal(&text)
            .and_then(|d| check_digits_for(otp_type, d).ok())
            .ok_or_else(bad)?;
        account = account.with_digits(digits).map_err(|_| bad())?;
    }
    match otp_type {
        OtpType::Totp | OtpType::Steam => {
            if let Some(text) = params.period {
                let period = parse_decimal(&text)
                    .and_then(|p| check_period(p).ok())
                    .ok_or(UriError::BadPeriod {
                        found: text.clone(),
                    })?;
                account = account
                    .with_period(period)
                    .map_err(|_| UriError::BadPeriod { found: text })?;
            }
        }
        OtpType::Hotp => {
            let text = params
                .counter
                .filter(|c| !c.is_empty())
                .ok_or(UriError::MissingCounter)?;
            let counter = parse_decimal(&text).ok_or(UriError::BadCounter { found: text })?;
            account = account.with_counter(counter);
        }
    }

    let issuer_mismatch = matches!((&params.issuer, &label_issuer), (Some(p), Some(l)) if p != l);
    let issuer = params.issuer.clone().or_else(|| label_issuer.clone());
    Ok(ParsedUri {
        account: account.with_label(issuer, account_name),
        label,
        label_issuer,
        issuer_param: params.issuer,
        issuer_mismatch,
    })
}

fn parse_query(query: &str) -> Result<Params, UriError> {
    let mut params = Params::default();
    let mut seen: Vec<&'static str> = Vec::new();
    for piece in query.split('&').filter(|p| !p.is_empty()) {
        let (raw_key, raw_value) = piece.split_once('=').unwrap_or((piece, ""));
        let key = percent::decode(raw_key, true).map_err(|e| query_error(e, raw_key))?;
        let (name, slot) = match key.as_str() {
            "secret" => ("secret", &mut params.secret),
            "issuer" => ("issuer", &mut params.issuer),
            "algorithm" => ("algorithm", &mut params.algorithm),
            "digits" => ("digits", &mut params.digits),
            "period" => ("period", &mut params.period),
            "counter" => ("counter", &mut params.counter),
            "encoder" => ("encoder", &mut params.encoder),
            _ => continue, // Unknown parameters (image, color, …) are ignored.
        };
        if seen.contains(&name) {
            return Err(UriError::DuplicateParam { name: key });
        }
        seen.push(name);
        let value = percent::decode(raw_value, true).map_err(|e| query_error(e, &key))?;
        if name == "issuer" && value.chars().any(char::is_control) {
            return Err(malformed("the issuer contains control characters"));
        }
        // An empty issuer/algorithm/digits/period counts as absent; an empty secret or counter is kept
        // so that it is reported as empty rather than as missing.
        if value.is_empty() && name != "secret" && name != "counter" {
            continue;
        }
        *slot = Some(value);
    }
    Ok(params)
}

fn query_error(e: PercentError, key: &str) -> UriError {
    match e {
        PercentError::BadEscape(esc) => malformed(format!(
            "invalid percent-escape '{esc}' in the parameter '{}'",
            shorten(key)
        )),
        PercentError::NotUtf8 => malformed(format!(
            "the parameter '{}' is not valid UTF-8",
            shorten(key)
        )),
    }
}

/// A plain decimal integer: ASCII digits only (no sign, space, point or exponent), fitting `u64`.
fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// Formats an account as an `otpauth://` URI that [`parse`] reads back to the same account.
///
/// The label is `ISSUER:NAME` (the issuer also goes in the `issuer` parameter). An issuer containing
/// `:` cannot stand in the label, and a name containing `:` needs a prefix so that it is not split;
/// in those cases the label prefix is left empty (`:NAME`) and the `issuer` parameter carries the
/// issuer. Names with leading spaces lose them, as the Key Uri Format drops them.
pub fn format(account: &Account) -> String {
    let name = percent::encode(account.name());
    let label = match account.issuer() {
        Some(issuer) if !issuer.contains(':') => format!("{}:{name}", percent::encode(issuer)),
        _ if account.name().contains(':') => format!(":{name}"),
        _ => name,
    };
    let mut uri = format!(
        "otpauth://{}/{label}?secret={}",
        account.otp_type(),
        account.secret().to_base32()
    );
    if let Some(issuer) = account.issuer() {
        uri.push_str("&issuer=");
        uri.push_str(&percent::encode(issuer));
    }
    uri.push_str("&algorithm=");
    uri.push_str(account.algorithm().as_str());
    uri.push_str(&format!("&digits={}", account.digits()));
    match account.otp_type() {
        OtpType::Totp | OtpType::Steam => uri.push_str(&format!("&period={}", account.period())),
        OtpType::Hotp => uri.push_str(&format!("&counter={}", account.counter())),
    }
    uri
}

/// Account fields as typed into a form (the popup's "enter a secret" form), checked with the same rules
/// and error codes as URI parameters. Empty strings mean "the default".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Fields {
    /// `totp`, `hotp` or `steam` (case-insensitive).
    pub otp_type: String,
    /// Base32 secret; spaces, `-` and lower case are accepted as in [`Secret::from_base32`].
    pub secret: String,
    /// Issuer (may be empty).
    pub issuer: String,
    /// Account name (may be empty).
    pub name: String,
    /// `SHA1`, `SHA256` or `SHA512`.
    pub algorithm: String,
    /// 6–10.
    pub digits: String,
    /// Seconds ≥ 1 (TOTP).
    pub period: String,
    /// 0..2^64−1 (HOTP; default 0).
    pub counter: String,
}

/// Builds an account from form fields (see [`Fields`]).
pub fn from_fields(f: &Fields) -> Result<Account, UriError> {
    let t = f.otp_type.trim();
    let otp_type = if t.is_empty() {
        OtpType::Totp
    } else {
        OtpType::from_name(t).ok_or_else(|| UriError::UnknownType {
            found: t.to_string(),
        })?
    };
    let secret = Secret::from_base32(&f.secret)?;
    let algorithm = match f.algorithm.trim() {
        "" => Algorithm::Sha1,
        name => Algorithm::from_name(name).ok_or_else(|| UriError::UnknownAlgorithm {
            found: name.to_string(),
        })?,
    };
    let mut account = Account::new(otp_type, secret)
        .with_label(Some(f.issuer.trim().to_string()), f.name.trim().to_string())
        .with_algorithm(algorithm);
    if !f.digits.trim().is_empty() {
        let text = f.digits.trim();
        let bad = || match otp_type {
            OtpType::Steam => UriError::BadSteamDigits { found: text.into() },
            OtpType::Totp | OtpType::Hotp => UriError::BadDigits { found: text.into() },
        };
        let digits = parse_decimal(text)
            .and_then(|d| check_digits_for(otp_type, d).ok())
            .ok_or_else(bad)?;
        account = account.with_digits(digits).map_err(|_| bad())?;
    }
    match otp_type {
        OtpType::Totp | OtpType::Steam if !f.period.trim().is_empty() => {
            let text = f.period.trim();
            let period = parse_decimal(text)
                .and_then(|p| check_period(p).ok())
                .ok_or(UriError::BadPeriod { found: text.into() })?;
            account = account
                .with_period(period)
                .map_err(|_| UriError::BadPeriod { found: text.into() })?;
        }
        OtpType::Hotp if !f.counter.trim().is_empty() => {
            let text = f.counter.trim();
            account = account.with_counter(
                parse_decimal(text).ok_or(UriError::BadCounter { found: text.into() })?,
            );
        }
        _ => {}
    }
    Ok(account)
}

#[cfg(test)]
mod field_tests {
    use super::*;

    #[test]
    fn steam_uris_parse_and_format_round_trip() {
        let secret = "DAJNTYWFT2446UVQKTWOOXVVLCRYWRBQ";
        let aegis = parse(&format!(
            "otpauth://steam/Steam:gaben_fan?secret={secret}&issuer=Steam&digits=5&period=30"
        ))
        .unwrap()
        .account;
        assert_eq!(aegis.otp_type(), OtpType::Steam);
        assert_eq!(aegis.digits(), 5);
        assert_eq!(aegis.code_at(1_700_000_000).code.to_string(), "5PDH5");
        let keepassxc = parse(&format!(
            "otpauth://totp/Steam:gaben_fan?secret={secret}&issuer=Steam&encoder=steam"
        ))
        .unwrap()
        .account;
        assert_eq!(keepassxc, aegis);
        let written = format(&aegis);
        assert_eq!(
            written,
            format!(
                "otpauth://steam/Steam:gaben_fan?secret={secret}&issuer=Steam&algorithm=SHA1&digits=5&period=30"
            )
        );
        assert_eq!(parse(&written).unwrap().account, aegis);
        let err = parse(&format!("otpauth://steam/x?secret={secret}&digits=6")).unwrap_err();
        assert_eq!(err, UriError::BadSteamDigits { found: "6".into() });
        assert_eq!(err.code(), "bad_digits");
        // The encoder parameter only turns TOTP into Steam: a HOTP URI stays HOTP.
        let hotp = parse(&format!(
            "otpauth://hotp/x?secret={secret}&counter=1&encoder=steam"
        ))
        .unwrap()
        .account;
        assert_eq!(hotp.otp_type(), OtpType::Hotp);
    }

    #[test]
    fn fields_follow_uri_rules() {
        let ok = Fields {
            secret: "jbsw y3dp-ehpk 3pxp".into(),
            issuer: " ACME ".into(),
            name: "alice".into(),
            ..Fields::default()
        };
        let a = from_fields(&ok).unwrap();
        assert_eq!(
            (a.issuer(), a.name(), a.digits(), a.period()),
            (Some("ACME"), "alice", 6, 30)
        );
        let with = |f: fn(&mut Fields)| {
            let mut x = ok.clone();
            f(&mut x);
            from_fields(&x)
        };
        assert_eq!(
            with(|f| f.secret = "JBSWY31P".into())
                .unwrap_err()
                .to_string(),
            "bad secret: '1' is not a base32 character (position 7); base32 uses only the letters A-Z and the digits 2-7"
        );
        assert_eq!(
            with(|f| f.algorithm = "MD5".into()).unwrap_err().code(),
            "unknown_algorithm"
        );
        assert_eq!(
            with(|f| f.digits = "5".into()).unwrap_err().code(),
            "bad_digits"
        );
        assert_eq!(
            with(|f| f.period = "0".into()).unwrap_err().code(),
            "bad_period"
        );
        assert_eq!(
            with(|f| f.otp_type = "motp".into()).unwrap_err().code(),
            "unknown_type"
        );
        let steam = with(|f| f.otp_type = "Steam".into()).unwrap();
        assert_eq!((steam.otp_type(), steam.digits()), (OtpType::Steam, 5));
        assert_eq!(
            with(|f| {
                f.otp_type = "steam".into();
                f.digits = "6".into()
            })
            .unwrap_err()
            .to_string(),
            "a Steam account's codes have 5 characters, so digits must be 5, got '6'"
        );
        assert_eq!(
            with(|f| {
                f.otp_type = "hotp".into();
                f.counter = "-1".into()
            })
            .unwrap_err()
            .code(),
            "bad_counter"
        );
        assert_eq!(
            with(|f| f.secret = String::new()).unwrap_err().code(),
            "empty_secret"
        );
        let h = with(|f| {
            f.otp_type = "HOTP".into();
            f.counter = "7".into();
            f.digits = "8".into();
            f.algorithm = "sha256".into()
        })
        .unwrap();
        assert_eq!(
            (h.otp_type(), h.counter(), h.digits(), h.algorithm()),
            (OtpType::Hotp, 7, 8, Algorithm::Sha256)
        );
    }
}
