//! Building an account from the loose fields of a JSON or CSV export entry, with one skip reason per
//! broken rule.

use serde_json::Value;

use super::error::{RULE_NUMBER, RULE_TEXT, SkipReason};
use crate::account::OtpType;
use crate::otp::Algorithm;
use crate::uri::shorten;
use crate::{Account, Secret};

/// The code parameters of one export entry, before the account rules are checked.
pub(crate) struct Params {
    pub otp_type: OtpType,
    pub secret: Secret,
    pub algorithm: Algorithm,
    /// `None`: the type's default (6, or 5 for Steam).
    pub digits: Option<u64>,
    /// `None`: 30 s.
    pub period: Option<u64>,
    /// `None`: 0.
    pub counter: Option<u64>,
}

impl Params {
    /// Defaults for everything but the type and secret.
    pub fn new(otp_type: OtpType, secret: Secret) -> Self {
        Params {
            otp_type,
            secret,
            algorithm: Algorithm::Sha1,
            digits: None,
            period: None,
            counter: None,
        }
    }

    /// Reads algorithm, digits and period (timed types) or counter (HOTP) from `object` under the
    /// export's field names.
    pub fn fill(&mut self, object: &Value, names: &Names) -> Result<(), SkipReason> {
        self.algorithm = algorithm(text(object, names.algorithm)?)?;
        self.digits = number(object, names.digits)?;
        if self.otp_type.is_timed() {
            self.period = number(object, names.period)?;
        } else {
            self.counter = number(object, names.counter)?;
        }
        Ok(())
    }

    /// The account, labelled; fails on digits or a period out of range.
    pub fn build(self, issuer: &str, name: &str) -> Result<Account, SkipReason> {
        let mut account = Account::new(self.otp_type, self.secret)
            .with_label(Some(issuer.to_string()), name.to_string())
            .with_algorithm(self.algorithm);
        if let Some(digits) = self.digits {
            let digits = u8::try_from(digits).unwrap_or(u8::MAX);
            account = account.with_digits(digits).map_err(SkipReason::Account)?;
        }
        if let Some(period) = self.period {
            account = account.with_period(period).map_err(SkipReason::Account)?;
        }
        if let Some(counter) = self.counter {
            account = account.with_counter(counter);
        }
        Ok(account)
    }
}

/// An export's names for the code parameters.
pub(crate) struct Names {
    pub algorithm: &'static str,
    pub digits: &'static str,
    pub period: &'static str,
    pub counter: &'static str,
}

/// The names most exports use.
pub(crate) const COMMON: Names = Names {
    algorithm: "algorithm",
    digits: "digits",
    period: "period",
    counter: "counter",
};

/// Decodes a base32 secret (lenient as typed: spaces, lower case, padding); empty is missing.
pub(crate) fn base32_secret(text: Option<&str>) -> Result<Secret, SkipReason> {
    match text.map(str::trim) {
        None | Some("") => Err(SkipReason::MissingSecret),
        Some(text) => Secret::from_base32(text).map_err(SkipReason::Secret),
    }
}

/// An algorithm named by an export, case-insensitively (`SHA1`, `sha256`, …); absent is SHA1.
pub(crate) fn algorithm(name: Option<&str>) -> Result<Algorithm, SkipReason> {
    match name {
        None | Some("") => Ok(Algorithm::Sha1),
        Some(name) => Algorithm::from_name(name).ok_or_else(|| SkipReason::UnknownAlgorithm {
            found: name.to_string(),
        }),
    }
}

/// A type named by an export: `totp`, `hotp` or `steam`, case-insensitively.
pub(crate) fn otp_type(name: &str) -> Result<OtpType, SkipReason> {
    OtpType::from_name(name).ok_or_else(|| SkipReason::UnsupportedType {
        found: name.to_string(),
    })
}

/// A text field; absent or `null` is `None`, another kind of value is an error.
pub(crate) fn text<'a>(
    entry: &'a Value,
    field: &'static str,
) -> Result<Option<&'a str>, SkipReason> {
    match entry.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(bad(field, other, RULE_TEXT)),
    }
}

/// A text field where absence means empty.
pub(crate) fn text_or_empty<'a>(entry: &'a Value, field: &'static str) -> &'a str {
    entry.get(field).and_then(Value::as_str).unwrap_or("")
}

/// A whole number ≥ 0; absent or `null` is `None`. A string of digits is accepted as the number it
/// spells, because the "Authenticator" extension writes `"digits": "8"` after editing an entry
/// (shared/peers/ae-8.0.2/README.md, "things a third-party importer must handle" 2).
pub(crate) fn number(entry: &Value, field: &'static str) -> Result<Option<u64>, SkipReason> {
    match entry.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_u64()
            .map(Some)
            .ok_or_else(|| bad(field, &Value::Number(n.clone()), RULE_NUMBER)),
        Some(Value::String(s)) if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s
            .parse()
            .map(Some)
            .map_err(|_| bad(field, &Value::String(s.clone()), RULE_NUMBER)),
        Some(other) => Err(bad(field, other, RULE_NUMBER)),
    }
}

fn bad(field: &'static str, value: &Value, rule: &'static str) -> SkipReason {
    SkipReason::BadField {
        field,
        found: match value {
            Value::String(text) => format!("'{}'", shorten(text)),
            other => shorten(&other.to_string()),
        },
        rule,
    }
}

/// The issuer and name an entry is listed under in a skip report, whatever else is wrong with it.
pub(crate) fn label(entry: &Value, issuer: &'static str, name: &'static str) -> (String, String) {
    (
        text_or_empty(entry, issuer).to_string(),
        text_or_empty(entry, name).to_string(),
    )
}
