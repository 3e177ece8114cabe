//! What was imported ([`Format`]) and what went wrong: for the whole input ([`ImportError`]) or for
//! one entry of it ([`SkipReason`]).

use std::fmt;

use crate::migration::{MigrationError, Unsupported};
use crate::params::{Coded, ErrorParams};
use crate::uri::{UriError, shorten};
use crate::{AccountError, SecretError};

/// The kind of input an [`Import`](super::Import) came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum Format {
    /// One `otpauth://` link.
    #[default]
    Otpauth,
    /// A Google Authenticator export (`otpauth-migration://`).
    GoogleMigration,
    /// A text file of `otpauth://` links, one per line (Ente Auth's plain export, the
    /// "Authenticator" extension's text backup, …).
    OtpauthList,
    /// The "Authenticator" browser extension's JSON backup, plain or password-protected.
    AuthenticatorExtension,
    /// An Aegis vault (`aegis-export-*.json`), plain or encrypted.
    Aegis,
    /// A 2FAS backup (`.2fas`), plain or encrypted.
    TwoFas,
    /// An andOTP backup, plain JSON or encrypted (`.json.aes`).
    AndOtp,
    /// A Bitwarden JSON export (unencrypted).
    BitwardenJson,
    /// A Bitwarden CSV export.
    BitwardenCsv,
    /// A Proton Authenticator JSON export.
    Proton,
    /// A Stratum (formerly Authenticator Pro) unencrypted backup.
    Stratum,
    /// Authbar's own encrypted backup (`.authbar`).
    Authbar,
}

impl Format {
    /// A stable identifier: `otpauth`, `google-migration`, `otpauth-list`,
    /// `authenticator-extension`, `aegis`, `2fas`, `andotp`, `bitwarden-json`, `bitwarden-csv`,
    /// `proton`, `stratum`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Otpauth => "otpauth",
            Format::GoogleMigration => "google-migration",
            Format::OtpauthList => "otpauth-list",
            Format::AuthenticatorExtension => "authenticator-extension",
            Format::Aegis => "aegis",
            Format::TwoFas => "2fas",
            Format::AndOtp => "andotp",
            Format::BitwardenJson => "bitwarden-json",
            Format::BitwardenCsv => "bitwarden-csv",
            Format::Proton => "proton",
            Format::Stratum => "stratum",
            Format::Authbar => "authbar",
        }
    }

    /// A name for people: "Aegis vault", "2FAS backup", …
    pub fn name(self) -> &'static str {
        match self {
            Format::Otpauth => "otpauth:// link",
            Format::GoogleMigration => "Google Authenticator export",
            Format::OtpauthList => "list of otpauth:// links",
            Format::AuthenticatorExtension => "Authenticator extension backup",
            Format::Aegis => "Aegis vault",
            Format::TwoFas => "2FAS backup",
            Format::AndOtp => "andOTP backup",
            Format::BitwardenJson => "Bitwarden JSON export",
            Format::BitwardenCsv => "Bitwarden CSV export",
            Format::Proton => "Proton Authenticator export",
            Format::Stratum => "Stratum backup",
            Format::Authbar => "Authbar backup",
        }
    }
}

impl Format {
    /// A [`ImportError::Corrupt`] for a file of this format.
    pub(crate) fn corrupt(self, detail: impl Into<String>) -> ImportError {
        ImportError::Corrupt {
            format: self,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Why text or a file could not be imported at all.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportError {
    /// An `otpauth://` URI that breaks a rule.
    Uri(UriError),
    /// An `otpauth-migration://` export that cannot be read.
    Migration(MigrationError),
    /// Text that is neither (a web link, plain words…): "this is not an authenticator code".
    NotAuthenticator {
        /// The text, shortened to 200 characters.
        text: String,
    },
    /// An encrypted export, and no password was given: ask for it and try again.
    PasswordRequired {
        /// The export's format.
        format: Format,
    },
    /// The password does not open the export.
    WrongPassword {
        /// The export's format.
        format: Format,
    },
    /// The file is of this format but damaged: truncated, tampered with, or missing a part.
    Corrupt {
        /// The export's format.
        format: Format,
        /// What is wrong.
        detail: String,
    },
    /// A version of the format newer (or other) than those Authbar reads.
    UnsupportedVersion {
        /// The export's format.
        format: Format,
        /// The version found.
        found: String,
        /// The versions Authbar reads.
        supported: &'static str,
    },
    /// A valid export of this format that Authbar cannot open (e.g. an Aegis vault with only a
    /// biometric key slot).
    Unsupported {
        /// The export's format.
        format: Format,
        /// Why, and what to do instead.
        detail: String,
    },
    /// No known format: not an export of an authenticator Authbar reads.
    UnknownFormat {
        /// What the file looks like.
        detail: String,
    },
    /// A file larger than an import reads ([`super::MAX_FILE_BYTES`]); refused before it is read.
    TooLarge {
        /// The file's size in bytes.
        bytes: usize,
    },
    /// More entries than one import takes ([`super::MAX_ENTRIES`]); refused before they are read.
    TooManyEntries {
        /// The entries found (at least; counting stops early for some formats).
        found: usize,
    },
    /// An encrypted export whose key slots ask for more key-derivation work than a reader does:
    /// refused before any key is derived, so a crafted file cannot make the import hang.
    TooCostly {
        /// The export's format.
        format: Format,
        /// Which bound and by how much.
        detail: String,
    },
}

impl Coded for ImportError {
    /// The stable error code (the URI or export error's code, `not_authenticator`,
    /// `password_required`, `wrong_password`, `corrupt`, `unsupported_version`, `unsupported` or
    /// `unknown_format`).
    fn code(&self) -> &'static str {
        match self {
            ImportError::Uri(e) => e.code(),
            ImportError::Migration(e) => e.code(),
            ImportError::NotAuthenticator { .. } => "not_authenticator",
            ImportError::PasswordRequired { .. } => "password_required",
            ImportError::WrongPassword { .. } => "wrong_password",
            ImportError::Corrupt { .. } => "corrupt",
            ImportError::UnsupportedVersion { .. } => "unsupported_version",
            ImportError::Unsupported { .. } => "unsupported",
            ImportError::UnknownFormat { .. } => "unknown_format",
            ImportError::TooLarge { .. } => "import_too_large",
            ImportError::TooManyEntries { .. } => "import_too_many_entries",
            ImportError::TooCostly { .. } => "import_too_costly",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            ImportError::Uri(e) => e.params(),
            ImportError::Migration(e) => e.params(),
            ImportError::NotAuthenticator { text } => ErrorParams::new().with("text", text),
            ImportError::PasswordRequired { format } | ImportError::WrongPassword { format } => {
                ErrorParams::new().with("format", format.as_str())
            }
            ImportError::Corrupt { format, detail }
            | ImportError::Unsupported { format, detail } => ErrorParams::new()
                .with("format", format.as_str())
                .with("detail", detail),
            ImportError::UnsupportedVersion {
                format,
                found,
                supported,
            } => ErrorParams::new()
                .with("format", format.as_str())
                .with("found", found)
                .with("supported", supported),
            ImportError::UnknownFormat { detail } => ErrorParams::new().with("detail", detail),
            ImportError::TooLarge { bytes } => ErrorParams::new()
                .with("found", mebibytes(*bytes))
                .with("max", mebibytes(super::MAX_FILE_BYTES)),
            ImportError::TooManyEntries { found } => ErrorParams::new()
                .with("found", found)
                .with("max", super::MAX_ENTRIES),
            ImportError::TooCostly { format, detail } => ErrorParams::new()
                .with("format", format.as_str())
                .with("detail", detail),
        }
    }
}

impl ImportError {
    /// The format the error is about, when the input was recognised.
    pub fn format(&self) -> Option<Format> {
        match self {
            ImportError::PasswordRequired { format }
            | ImportError::WrongPassword { format }
            | ImportError::Corrupt { format, .. }
            | ImportError::UnsupportedVersion { format, .. }
            | ImportError::Unsupported { format, .. }
            | ImportError::TooCostly { format, .. } => Some(*format),
            ImportError::Uri(_) => Some(Format::Otpauth),
            ImportError::Migration(_) => Some(Format::GoogleMigration),
            ImportError::NotAuthenticator { .. }
            | ImportError::UnknownFormat { .. }
            | ImportError::TooLarge { .. }
            | ImportError::TooManyEntries { .. } => None,
        }
    }
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Uri(e) => e.fmt(f),
            ImportError::Migration(e) => e.fmt(f),
            ImportError::NotAuthenticator { text } => write!(
                f,
                "this is not an authenticator code (expected otpauth:// or otpauth-migration://): \"{text}\""
            ),
            ImportError::PasswordRequired { format } => {
                write!(f, "this {format} is encrypted: its password is needed")
            }
            ImportError::WrongPassword { format } => {
                write!(f, "the password does not open this {format}")
            }
            ImportError::Corrupt { format, detail } => {
                write!(f, "this {format} is damaged: {detail}")
            }
            ImportError::UnsupportedVersion {
                format,
                found,
                supported,
            } => write!(
                f,
                "this {format} is version {found}, which Authbar does not read (it reads {supported})"
            ),
            ImportError::Unsupported { format, detail } => {
                write!(f, "this {format} cannot be imported: {detail}")
            }
            ImportError::UnknownFormat { detail } => write!(
                f,
                "not an export Authbar can read: {detail} (Authbar reads Aegis, 2FAS, andOTP, \
                 Bitwarden, Proton Authenticator, Stratum and Authenticator extension exports, \
                 otpauth:// links and Google Authenticator exports)"
            ),
            ImportError::TooLarge { bytes } => write!(
                f,
                "the file is {} MiB; an import reads at most {} MiB (an export of thousands of \
                 accounts is far smaller: is it the right file?)",
                mebibytes(*bytes),
                mebibytes(super::MAX_FILE_BYTES)
            ),
            ImportError::TooManyEntries { found } => write!(
                f,
                "the file holds {found} entries; one import takes at most {}: split the file",
                super::MAX_ENTRIES
            ),
            ImportError::TooCostly { format, detail } => write!(
                f,
                "this {format} asks for more key-derivation work than Authbar does ({detail}); it \
                 was refused before the password was tried"
            ),
        }
    }
}

/// A size in MiB with one decimal, as the words show it.
fn mebibytes(bytes: usize) -> String {
    format!("{:.1}", bytes as f64 / 1_048_576.0)
}

impl std::error::Error for ImportError {}

/// The rule a field of text breaks (`BadField`): it must be text.
pub(crate) const RULE_TEXT: &str = "text";
/// The rule a numeric field breaks.
pub(crate) const RULE_NUMBER: &str = "a whole number of at least 0";
/// The rule a migration link in a text file breaks.
pub(crate) const RULE_MIGRATION: &str = "a readable Google Authenticator export";

/// The words variant of a known `BadField` rule.
fn rule_variant(rule: &str) -> Option<&'static str> {
    match rule {
        RULE_TEXT => Some("text"),
        RULE_NUMBER => Some("number"),
        RULE_MIGRATION => Some("migration"),
        _ => None,
    }
}

/// Why one entry of an export was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SkipReason {
    /// A Google Authenticator export entry Authbar cannot use.
    Migration(Unsupported),
    /// A code type Authbar does not compute (mOTP, Yandex, Battle.net…).
    UnsupportedType {
        /// The type as the export names it.
        found: String,
    },
    /// A hash algorithm other than SHA1, SHA256 or SHA512.
    UnknownAlgorithm {
        /// The algorithm as the export names it.
        found: String,
    },
    /// A field of the wrong kind (text where a number belongs, a negative number…).
    BadField {
        /// The field's name in the export.
        field: &'static str,
        /// The value found, shortened.
        found: String,
        /// What it should be.
        rule: &'static str,
    },
    /// No secret, or an empty one.
    MissingSecret,
    /// The secret is not valid base32 (or hex, for hex entries).
    Secret(SecretError),
    /// Digits or period out of range.
    Account(AccountError),
    /// An `otpauth://` link in the export that breaks a rule.
    Uri(UriError),
    /// A line of a text file that is not an `otpauth://` link.
    NotAuthenticator,
    /// An entry whose secret is itself encrypted in a way Authbar cannot open (the
    /// "Authenticator" extension's legacy per-entry encryption).
    EncryptedEntry,
}

impl Coded for SkipReason {
    /// A stable machine-readable code.
    fn code(&self) -> &'static str {
        match self {
            SkipReason::Migration(u) => u.code(),
            SkipReason::UnsupportedType { .. } => "unsupported_type",
            SkipReason::UnknownAlgorithm { .. } => "unknown_algorithm",
            SkipReason::BadField { .. } => "bad_field",
            SkipReason::MissingSecret => "missing_secret",
            SkipReason::Secret(e) => e.code(),
            SkipReason::Account(e) => e.code(),
            SkipReason::Uri(e) => e.code(),
            SkipReason::NotAuthenticator => "not_authenticator",
            SkipReason::EncryptedEntry => "encrypted_entry",
        }
    }

    /// The values the error names, for wording it in another language (see [`crate::params`]).
    fn params(&self) -> ErrorParams {
        match self {
            SkipReason::Migration(u) => u.params(),
            SkipReason::UnsupportedType { found } | SkipReason::UnknownAlgorithm { found } => {
                ErrorParams::new().with("found", shorten(found))
            }
            SkipReason::BadField { field, found, rule } => {
                let params = ErrorParams::new()
                    .with("field", field)
                    .with("found", found)
                    .with("rule", rule);
                // The rule is English: each known one has words of its own in every language.
                match rule_variant(rule) {
                    Some(variant) => params.variant(variant),
                    None => params,
                }
            }
            // An entry's missing secret, worded apart from a link's (which shares the code).
            SkipReason::MissingSecret => ErrorParams::new().variant("entry"),
            SkipReason::EncryptedEntry => ErrorParams::new(),
            SkipReason::NotAuthenticator => ErrorParams::new().variant("line"),
            SkipReason::Secret(e) => e.params(),
            SkipReason::Account(e) => e.params(),
            SkipReason::Uri(e) => e.params(),
        }
    }
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::Migration(u) => u.fmt(f),
            SkipReason::UnsupportedType { found } => write!(
                f,
                "its type '{}' is not one Authbar computes (TOTP, HOTP and Steam are)",
                shorten(found)
            ),
            SkipReason::UnknownAlgorithm { found } => write!(
                f,
                "its algorithm must be SHA1, SHA256 or SHA512, got '{}'",
                shorten(found)
            ),
            SkipReason::BadField { field, found, rule } => {
                write!(f, "its {field} must be {rule}, got {found}")
            }
            SkipReason::MissingSecret => write!(f, "it has no secret"),
            SkipReason::Secret(e) => write!(f, "bad secret: {e}"),
            SkipReason::Account(e) => e.fmt(f),
            SkipReason::Uri(e) => e.fmt(f),
            SkipReason::NotAuthenticator => {
                write!(
                    f,
                    "the line is not an otpauth:// or otpauth-migration:// link"
                )
            }
            SkipReason::EncryptedEntry => write!(
                f,
                "its secret is encrypted with the extension's old scheme, which Authbar cannot \
                 open; export it again from a current version of the extension"
            ),
        }
    }
}
