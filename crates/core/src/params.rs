//! The values an error names — the bad character and its position, the value found, the limit — so a
//! front end can word the error in its user's language from the error's code alone.
//!
//! Every error enum of the core has `code()` (stable, shared by variants that break one rule) and
//! `params()`. Where variants that share a code break the rule in different ways (a Steam account's
//! digits, a hex secret's length), `params()` names the way as the `variant` parameter, and the words
//! are looked up under the key `<code>_<variant>` (see [`Params::word_key`]). The English `Display`
//! text stays what the command line prints.

use std::collections::BTreeMap;

use serde::Serialize;

/// An error's parameters: names (`character`, `position`, `found`, …) to values, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct Params(BTreeMap<&'static str, String>);

impl Params {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// These parameters and `name` = `value`.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.0.insert(name, value.to_string());
        self
    }

    /// These parameters and the way the rule was broken, for codes several variants share.
    #[must_use]
    pub fn variant(self, variant: &'static str) -> Self {
        self.with("variant", variant)
    }

    /// A parameter's value.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    /// Every parameter, by name.
    pub fn iter(&self) -> impl Iterator<Item = (&'static str, &str)> {
        self.0.iter().map(|(k, v)| (*k, v.as_str()))
    }

    /// The key a front end words an error with `code` and these parameters under: the code, or
    /// `<code>_<variant>` when a variant is named.
    pub fn word_key(&self, code: &str) -> String {
        match self.get("variant") {
            Some(variant) => format!("{code}_{variant}"),
            None => code.to_owned(),
        }
    }
}

/// An error with a stable code and the values it names: every error enum of the core, so a front
/// end converts them all one way.
pub trait Coded: std::fmt::Display {
    /// The stable machine-readable code.
    fn code(&self) -> &'static str;
    /// The values the error names.
    fn params(&self) -> Params;
}

macro_rules! coded {
    ($($error:ty),* $(,)?) => {$(
        impl Coded for $error {
            fn code(&self) -> &'static str {
                <$error>::code(self)
            }
            fn params(&self) -> Params {
                <$error>::params(self)
            }
        }
    )*};
}

coded!(
    crate::SecretError,
    crate::AccountError,
    crate::uri::UriError,
    crate::migration::MigrationError,
    crate::migration::Unsupported,
    crate::ImportError,
    crate::SkipReason,
    crate::VaultError,
    crate::SealedError,
    crate::vault::CommitError,
    crate::export::google::NotExportable,
    crate::export::qr_code::QrEncodeError,
    crate::skew::SkewError,
);

/// The QR decoder is a crate of its own (`authbar-qr`, below the core): its one error's values here.
impl Coded for crate::QrError {
    fn code(&self) -> &'static str {
        crate::QrError::code(self)
    }
    fn params(&self) -> Params {
        match self {
            crate::QrError::BadDimensions {
                width,
                height,
                channels,
                len,
            } => Params::new()
                .with("width", width)
                .with("height", height)
                .with("channels", channels)
                .with(
                    "needed",
                    u128::from(*width) * u128::from(*height) * u128::from(*channels),
                )
                .with("len", len),
            // A later error of the decoder: its code and message still reach the user.
            _ => Params::new(),
        }
    }
}

/// A character as a person can read it: control and space characters escaped (`\t`, `\u{a0}`).
pub(crate) fn shown_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() {
        c.escape_default().to_string()
    } else {
        c.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn word_key_adds_the_variant_only_when_named() {
        let plain = Params::new().with("found", 5);
        assert_eq!(plain.word_key("bad_digits"), "bad_digits");
        let steam = plain.variant("steam");
        assert_eq!(steam.word_key("bad_digits"), "bad_digits_steam");
        assert_eq!(steam.get("found"), Some("5"));
    }

    #[test]
    fn params_serialize_as_one_object() {
        let p = Params::new().with("position", 3).with("character", '!');
        assert_eq!(
            serde_json::to_string(&p).unwrap(),
            r#"{"character":"!","position":"3"}"#
        );
    }

    #[test]
    fn invisible_characters_are_shown_escaped() {
        assert_eq!(shown_char('\t'), "\\t");
        assert_eq!(shown_char('\u{a0}'), "\\u{a0}");
        assert_eq!(shown_char('!'), "!");
    }
}
