//! The values an error names — the bad character and its position, the value found, the limit — so a
//! front end can word the error in its user's language from the error's code alone.
//!
//! Every error enum of the core implements [`Coded`] in its own module: `code()` (stable, shared by
//! variants that break one rule) and `params()`. Where variants that share a code break the rule in different ways (a Steam account's
//! digits, a hex secret's length), `params()` names the way as the `variant` parameter, and the words
//! are looked up under the key `<code>_<variant>` (see [`ErrorParams::word_key`]). The English `Display`
//! text stays what the command line prints.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// An error's parameters: names (`character`, `position`, `found`, …) to values, as text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ErrorParams(BTreeMap<String, String>);

impl ErrorParams {
    /// No parameters.
    pub fn new() -> Self {
        Self::default()
    }

    /// These parameters and `name` = `value`.
    #[must_use]
    pub fn with(mut self, name: &'static str, value: impl ToString) -> Self {
        self.0.insert(name.to_owned(), value.to_string());
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
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
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

/// An error as a front end receives it: its stable code, the key of its words in a locale file
/// (`err_<code>`, or `err_<code>_<variant>`: [`ErrorParams::word_key`]), the values those words name,
/// and the English message. One shape for every error that crosses to a user interface — a thrown
/// error, a skipped import entry, an import that failed, an account an export could not hold — so
/// the words are looked up one way.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ErrorView {
    /// The stable machine-readable code.
    pub code: String,
    /// The key of the words in a locale file: `err_` and [`ErrorParams::word_key`].
    pub key: String,
    /// The values the words name.
    pub params: ErrorParams,
    /// The English message (what the command line prints).
    pub message: String,
}

impl ErrorView {
    /// The view of an error.
    pub fn of<E: Coded + ?Sized>(error: &E) -> ErrorView {
        let code = error.code();
        let params = error.params();
        ErrorView {
            code: code.to_owned(),
            key: format!("err_{}", params.word_key(code)),
            params,
            message: error.to_string(),
        }
    }
}

/// An error with a stable code and the values it names: every error enum of the core, so a front
/// end converts them all one way.
pub trait Coded: std::fmt::Display {
    /// The stable machine-readable code.
    fn code(&self) -> &'static str;
    /// The values the error names.
    fn params(&self) -> ErrorParams;
    /// The error as a user interface receives it.
    fn view(&self) -> ErrorView {
        ErrorView::of(self)
    }
}

/// The QR decoder is a crate of its own (`authbar-qr`, below the core, which has no `Coded`): its one
/// error's values here.
impl Coded for crate::QrError {
    fn code(&self) -> &'static str {
        crate::QrError::code(self)
    }
    fn params(&self) -> ErrorParams {
        match self {
            crate::QrError::BadDimensions {
                width,
                height,
                channels,
                len,
            } => ErrorParams::new()
                .with("width", width)
                .with("height", height)
                .with("channels", channels)
                .with(
                    "needed",
                    u128::from(*width) * u128::from(*height) * u128::from(*channels),
                )
                .with("len", len),
            // A later error of the decoder: its code and message still reach the user.
            _ => ErrorParams::new(),
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
        let plain = ErrorParams::new().with("found", 5);
        assert_eq!(plain.word_key("bad_digits"), "bad_digits");
        let steam = plain.variant("steam");
        assert_eq!(steam.word_key("bad_digits"), "bad_digits_steam");
        assert_eq!(steam.get("found"), Some("5"));
    }

    #[test]
    fn a_view_names_the_words_of_its_variant() {
        let steam = crate::AccountError::BadSteamDigits { digits: 6 };
        let view = steam.view();
        assert_eq!(view.code, "bad_digits");
        assert_eq!(view.key, "err_bad_digits_steam");
        assert_eq!(view.params.get("found"), Some("6"));
        assert_eq!(view.message, steam.to_string());
        let text = serde_json::to_string(&view).unwrap();
        assert_eq!(serde_json::from_str::<ErrorView>(&text).unwrap(), view);
    }

    #[test]
    fn params_serialize_as_one_object() {
        let p = ErrorParams::new()
            .with("position", 3)
            .with("character", '!');
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
